import { type Kysely, sql } from 'kysely';

// Enterprise inspections on site (复工复产检查, #14): checklist templates per district, inspections with
// answers and photos, rectification tasks for failed items that escalate like events, and rounds
// over a subtree and a window in which every resumed enterprise is inspected.
export async function up(db: Kysely<any>): Promise<void> {
  // Every save is a new version; an area's current template is its highest version. Items are
  // [{key, label}] (label null: a built-in item whose name the client translates).
  await sql`
    create table inspection_templates (
      id serial primary key,
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      version integer not null check (version >= 1),
      items jsonb not null,
      rectification_days integer not null check (rectification_days between 1 and 60),
      created_by text not null,
      created_at timestamptz not null,
      unique (area_id, version)
    )`.execute(db);
  await sql`create index inspection_templates_path_idx on inspection_templates (area_path)`.execute(db);

  await sql`
    create table inspection_rounds (
      id serial primary key,
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      name text not null check (length(name) between 1 and 100),
      starts_on date not null,
      ends_on date not null,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      status text not null default 'open' check (status in ('open','closed')),
      -- Set once when the round ran past its end with enterprises uninspected and the tier above was told.
      escalated_at timestamptz,
      created_by text not null,
      created_at timestamptz not null,
      closed_at timestamptz,
      closed_by text,
      check (ends_at > starts_at)
    )`.execute(db);
  await sql`create index inspection_rounds_path_idx on inspection_rounds (area_path)`.execute(db);

  // filing_id: the return-to-work filing inspected, if any (no foreign key: filings are another part of #14).
  await sql`
    create table enterprise_inspections (
      id serial primary key,
      unit_id integer not null references units(id),
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      filing_id integer,
      round_id integer references inspection_rounds(id),
      template_id integer references inspection_templates(id),
      items jsonb not null,
      answers jsonb not null,
      findings text,
      passed boolean not null,
      inspector_user_id integer references users(id),
      inspector_name text not null,
      inspected_at timestamptz not null,
      lng double precision,
      lat double precision,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index enterprise_inspections_unit_idx on enterprise_inspections (unit_id, inspected_at)`.execute(
    db,
  );
  await sql`create index enterprise_inspections_path_idx on enterprise_inspections (area_path, inspected_at)`.execute(
    db,
  );

  await sql`
    create table enterprise_inspection_photos (
      id serial primary key,
      inspection_id integer not null references enterprise_inspections(id),
      mime text not null,
      width integer not null,
      height integer not null,
      bytes integer not null,
      sha256 text not null,
      content bytea not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index enterprise_inspection_photos_idx on enterprise_inspection_photos (inspection_id)`.execute(
    db,
  );

  // One open task per enterprise and checklist item; tier and escalate_at follow the event tiers.
  await sql`
    create table enterprise_rectifications (
      id serial primary key,
      unit_id integer not null references units(id),
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      inspection_id integer not null references enterprise_inspections(id),
      item_key text not null,
      item_label text,
      note text,
      deadline timestamptz not null,
      status text not null default 'open' check (status in ('open','closed')),
      tier text not null check (tier in ('microgrid','grid','village','township','county')),
      tier_area_id integer not null references areas(id),
      escalate_at timestamptz,
      escalation_count integer not null default 0,
      closed_at timestamptz,
      closed_by_inspection_id integer references enterprise_inspections(id),
      created_at timestamptz not null
    )`.execute(db);
  await sql`create unique index enterprise_rectifications_open_idx on enterprise_rectifications (unit_id, item_key)
    where status = 'open'`.execute(db);
  await sql`create index enterprise_rectifications_path_idx on enterprise_rectifications (area_path, status)`.execute(
    db,
  );
  await sql`create index enterprise_rectifications_escalate_idx on enterprise_rectifications (escalate_at)
    where status = 'open'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists enterprise_rectifications`.execute(db);
  await sql`drop table if exists enterprise_inspection_photos`.execute(db);
  await sql`drop table if exists enterprise_inspections`.execute(db);
  await sql`drop table if exists inspection_rounds`.execute(db);
  await sql`drop table if exists inspection_templates`.execute(db);
}
