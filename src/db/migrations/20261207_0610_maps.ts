import { type Kysely, sql } from 'kysely';

// Real maps (#11): the lines and points of a village's own geography (lanes, rivers, gates) that
// draw a map without any base layer, each house's position, and how sure a reported point is.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table map_features (
      id serial primary key,
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      kind text not null check (kind in ('road','river','gate')),
      name text not null check (length(name) between 1 and 100),
      geometry jsonb not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index map_features_area_path_idx on map_features (area_path)`.execute(db);
  await sql`alter table houses add column lng double precision check (lng between -180 and 180)`.execute(db);
  await sql`alter table houses add column lat double precision check (lat between -90 and 90)`.execute(db);
  await sql`alter table events add column accuracy_m integer check (accuracy_m between 0 and 10000)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table events drop column if exists accuracy_m`.execute(db);
  await sql`alter table houses drop column if exists lat`.execute(db);
  await sql`alter table houses drop column if exists lng`.execute(db);
  await sql`drop table if exists map_features`.execute(db);
}
