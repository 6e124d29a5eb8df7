import { type Kysely, sql } from 'kysely';

// Employee clearance (#14 item 3): an enterprise's roster of employees, uploaded by the enterprise or
// applied for by an employee. Only the keyed hash of the ID number (the register's space), its mask
// and an encrypted record are kept. The register person and the clearance are not stored: they are
// found at read time through persons.document_hash and the health-status rules, so a change of
// health data or a later registration shows at once.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table roster_uploads (
      id serial primary key,
      unit_id integer not null references units(id),
      area_path text collate "C" not null,
      file_name text not null,
      received integer not null default 0,
      accepted integer not null default 0,
      removed integer not null default 0,
      rejected jsonb not null default '[]',
      rejected_total integer not null default 0,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index roster_uploads_unit_idx on roster_uploads (unit_id, id desc)`.execute(db);

  await sql`
    create table roster_employees (
      id serial primary key,
      unit_id integer not null references units(id),
      area_path text collate "C" not null,
      document_hash text not null,
      document_masked text not null,
      name_masked text not null,
      phone_masked text,
      -- name, ID number and phone as given, encrypted together.
      secret text not null,
      source text not null check (source in ('roster','application')),
      upload_id integer references roster_uploads(id),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      unique (unit_id, document_hash)
    )`.execute(db);
  await sql`create index roster_employees_area_path_idx on roster_employees (area_path)`.execute(db);
  await sql`create index roster_employees_document_idx on roster_employees (document_hash)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table roster_employees`.execute(db);
  await sql`drop table roster_uploads`.execute(db);
}
