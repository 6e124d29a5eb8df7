import { type Kysely, sql } from 'kysely';

// The register (一标三实): standard addresses and houses, households, persons, units, tenancies.
// Every row that belongs to a place carries that area's path, so the one scope filter applies.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table houses (
      id serial primary key,
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      address_code text unique,
      address text not null check (length(address) between 1 and 200),
      road text,
      door_number text,
      building text,
      unit_number text,
      room text,
      use text not null default 'residential' check (use in ('residential','commercial','mixed','industrial','public','other')),
      tenure text not null default 'owned' check (tenure in ('owned','rented','public','collective','other')),
      house_type text not null default 'house' check (house_type in ('house','apartment','villa','dormitory','shop','other')),
      rooms integer check (rooms between 0 and 500),
      floor_area numeric(10,2) check (floor_area >= 0),
      landlord_person_id integer,
      retired_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index houses_area_path_idx on houses (area_path)`.execute(db);
  await sql`create unique index houses_address_idx on houses (area_id, address) where retired_at is null`.execute(
    db,
  );

  await sql`
    create table persons (
      id serial primary key,
      area_id integer references areas(id),
      area_path text collate "C",
      house_id integer references houses(id),
      document_type text not null,
      -- HMAC of the normalised document number: one person per document, found without decrypting.
      document_hash text not null unique,
      document_masked text not null,
      phone_hash text,
      phone_masked text,
      -- AES-256-GCM blob {documentNumber, phone}; the key id is inside the token for rotation.
      secret text not null,
      name text not null check (length(name) between 1 and 100),
      sex text not null default 'unknown' check (sex in ('male','female','unknown')),
      birth_date date,
      region_code text,
      hukou_address text,
      current_address text,
      residence_type text not null default 'permanent' check (residence_type in ('registered','permanent','floating','temporary')),
      relation text,
      arrival_date date,
      arrival_reason text,
      arrived_from text,
      expected_departure date,
      workplace text,
      tags text[] not null default '{}',
      status text not null default 'active' check (status in ('active','departed','deceased')),
      departed_on date,
      departure_destination text,
      -- Hash of the imported fields: a re-import of the same row is recognised as unchanged.
      content_hash text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index persons_area_path_idx on persons (area_path)`.execute(db);
  await sql`create index persons_house_idx on persons (house_id)`.execute(db);
  await sql`create index persons_phone_hash_idx on persons (phone_hash)`.execute(db);
  await sql`create index persons_name_idx on persons (name text_pattern_ops)`.execute(db);
  await sql`create index persons_tags_idx on persons using gin (tags)`.execute(db);
  await sql`alter table houses add constraint houses_landlord_fk foreign key (landlord_person_id) references persons(id)`.execute(
    db,
  );

  await sql`
    create table person_history (
      id bigserial primary key,
      person_id integer not null references persons(id),
      at timestamptz not null default now(),
      kind text not null check (kind in ('registered','moved_in','moved_out','changed_area','updated','merged','returned')),
      from_area_id integer,
      to_area_id integer,
      from_house_id integer,
      to_house_id integer,
      changes jsonb,
      actor_name text not null,
      source text
    )`.execute(db);
  await sql`create index person_history_person_idx on person_history (person_id, at)`.execute(db);

  await sql`
    create table units (
      id serial primary key,
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      house_id integer references houses(id),
      name text not null check (length(name) between 1 and 200),
      category text not null check (category in ('enterprise','shop','school','site','hotel','office','other')),
      credit_code text unique,
      legal_person text,
      contact_name text,
      contact_phone_hash text,
      contact_phone_masked text,
      secret text,
      employees integer check (employees >= 0),
      address text,
      content_hash text,
      retired_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index units_area_path_idx on units (area_path)`.execute(db);
  await sql`create unique index units_name_area_idx on units (area_id, name) where credit_code is null`.execute(
    db,
  );

  await sql`
    create table tenancies (
      id serial primary key,
      house_id integer not null references houses(id),
      area_path text collate "C" not null,
      tenant_person_id integer not null references persons(id),
      landlord_person_id integer references persons(id),
      starts_on date not null,
      ends_on date,
      lease_reference text,
      status text not null default 'active' check (status in ('active','ended')),
      created_at timestamptz not null default now(),
      check (ends_on is null or ends_on >= starts_on)
    )`.execute(db);
  await sql`create index tenancies_house_idx on tenancies (house_id)`.execute(db);
  await sql`create index tenancies_area_path_idx on tenancies (area_path)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table houses drop constraint if exists houses_landlord_fk`.execute(db);
  for (const table of ['tenancies', 'units', 'person_history', 'persons', 'houses']) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
}
