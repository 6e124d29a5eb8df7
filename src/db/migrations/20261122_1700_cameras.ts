import { type Kysely, sql } from 'kysely';

// The camera registry (道路、河道、高空鹰眼、卡口): where each device is and which grid it watches.
// Device alerts and their API tokens build on it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table cameras (
      id serial primary key,
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      code text not null unique,
      name text not null check (length(name) between 1 and 100),
      kind text not null check (kind in ('road','river','high_point','gate')),
      lng double precision check (lng between -180 and 180),
      lat double precision check (lat between -90 and 90),
      status text not null default 'online' check (status in ('online','offline','retired')),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index cameras_area_path_idx on cameras (area_path)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists cameras`.execute(db);
}
