import { type Kysely, sql } from 'kysely';

// Household codes (一户一码), self-report codes (自主报备码), place codes (场所码), the pending
// changes the public forms produce, place scans, and household visits (智慧走访).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table places (
      id serial primary key,
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      unit_id integer references units(id),
      name text not null check (length(name) between 1 and 100),
      kind text not null check (kind in ('shop','office','gate','site','school','hotel','transport','other')),
      address text check (length(address) <= 200),
      retired_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index places_area_path_idx on places (area_path)`.execute(db);

  // One table for every kind of printed code: a random token, found by its SHA-256 and kept
  // encrypted (FieldCipher) only so that labels can be printed again.
  await sql`
    create table access_codes (
      id serial primary key,
      kind text not null check (kind in ('household','self_report','place')),
      house_id integer references houses(id),
      place_id integer references places(id),
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      token_hash text not null unique,
      token_secret text not null,
      status text not null default 'active' check (status in ('active','revoked')),
      issued_at timestamptz not null,
      issued_by text not null,
      revoked_at timestamptz,
      revoked_by text,
      revoke_reason text,
      check ((kind = 'household') = (house_id is not null)),
      check ((kind = 'place') = (place_id is not null)),
      check ((status = 'revoked') = (revoked_at is not null))
    )`.execute(db);
  await sql`create index access_codes_area_path_idx on access_codes (area_path)`.execute(db);
  await sql`create unique index access_codes_house_active_idx on access_codes (house_id) where kind = 'household' and status = 'active'`.execute(
    db,
  );
  await sql`create unique index access_codes_place_active_idx on access_codes (place_id) where kind = 'place' and status = 'active'`.execute(
    db,
  );
  await sql`create unique index access_codes_area_active_idx on access_codes (area_id) where kind = 'self_report' and status = 'active'`.execute(
    db,
  );

  await sql`
    create table pending_changes (
      id serial primary key,
      kind text not null check (kind in ('arrival','departure','self_report')),
      status text not null default 'pending' check (status in ('pending','confirmed','rejected')),
      code_id integer not null references access_codes(id),
      house_id integer references houses(id),
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      document_type text not null,
      -- Same keyed hash as persons.document_hash, so confirmation finds the person without decrypting.
      document_hash text not null,
      document_masked text not null,
      name_masked text not null,
      phone_masked text,
      -- AES-256-GCM record: document number, name, phone and every answer of the form.
      secret text not null,
      event_date date,
      submitted_at timestamptz not null,
      decided_at timestamptz,
      decided_by text,
      reject_reason text,
      person_id integer references persons(id),
      check (kind = 'self_report' or house_id is not null)
    )`.execute(db);
  await sql`create index pending_changes_status_path_idx on pending_changes (status, area_path)`.execute(db);
  await sql`create index pending_changes_area_path_idx on pending_changes (area_path)`.execute(db);

  await sql`
    create table place_scans (
      id bigserial primary key,
      place_id integer not null references places(id),
      scanned_at timestamptz not null,
      document_hash text,
      phone_hash text,
      document_masked text,
      phone_masked text,
      name_masked text,
      secret text not null,
      check (document_hash is not null or phone_hash is not null)
    )`.execute(db);
  // Contact finding asks "who was at this place in this window" and "where was this person".
  await sql`create index place_scans_place_time_idx on place_scans (place_id, scanned_at)`.execute(db);
  await sql`create index place_scans_document_idx on place_scans (document_hash) where document_hash is not null`.execute(
    db,
  );
  await sql`create index place_scans_phone_idx on place_scans (phone_hash) where phone_hash is not null`.execute(
    db,
  );
  // Retention deletes by age alone.
  await sql`create index place_scans_time_idx on place_scans (scanned_at)`.execute(db);

  await sql`
    create table household_visits (
      id serial primary key,
      house_id integer not null references houses(id),
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      worker_user_id integer references users(id),
      worker_name text not null,
      visited_at timestamptz not null,
      seen_person_ids integer[] not null default '{}',
      arrivals integer not null default 0,
      departures integer not null default 0,
      phone_updates integer not null default 0,
      tag_updates integer not null default 0,
      notes text check (length(notes) <= 2000),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index household_visits_path_time_idx on household_visits (area_path, visited_at)`.execute(
    db,
  );
  await sql`create index household_visits_house_idx on household_visits (house_id, visited_at)`.execute(db);
  await sql`create index household_visits_worker_idx on household_visits (worker_user_id, visited_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['household_visits', 'place_scans', 'pending_changes', 'access_codes', 'places']) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
}
