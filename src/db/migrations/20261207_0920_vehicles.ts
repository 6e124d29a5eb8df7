import { type Kysely, sql } from 'kysely';

// Vehicles at checkpoints (#12): who sat in a checked vehicle, the reads a device has sent (so a
// retried read is stored once even after it merged into another), the trails feeds push, and when
// a camera last read anything.
export async function up(db: Kysely<any>): Promise<void> {
  // Driver and passengers of a vehicle check: [{"role":"driver","documentMasked":"3301**…","personId":12|null}].
  await sql`alter table checkpoint_records add column occupants jsonb not null default '[]'`.execute(db);

  // Every device read with an external id, and the record it became or merged into.
  await sql`
    create table checkpoint_device_reads (
      camera_id integer not null references cameras(id),
      external_id text not null check (length(external_id) between 1 and 100),
      record_id bigint not null references checkpoint_records(id) on delete cascade,
      primary key (camera_id, external_id)
    )`.execute(db);
  await sql`create index checkpoint_device_reads_record_idx on checkpoint_device_reads (record_id)`.execute(
    db,
  );

  // Where a vehicle has been by other sources (traffic police, highway exits), pushed by a feed token.
  await sql`
    create table vehicle_trails (
      id bigserial primary key,
      plate text not null check (length(plate) between 7 and 8),
      at timestamptz not null,
      region_code text check (region_code ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'),
      place text check (length(place) between 1 and 100),
      source text not null check (length(source) between 1 and 100),
      token_id integer references api_tokens(id),
      external_id text check (length(external_id) <= 100),
      created_at timestamptz not null default now(),
      check (region_code is not null or place is not null)
    )`.execute(db);
  await sql`create index vehicle_trails_plate_at_idx on vehicle_trails (plate, at desc)`.execute(db);
  await sql`create index vehicle_trails_at_idx on vehicle_trails (at)`.execute(db);
  await sql`create unique index vehicle_trails_external_idx on vehicle_trails (token_id, external_id) where external_id is not null`.execute(
    db,
  );

  await sql`alter table cameras add column last_read_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table cameras drop column if exists last_read_at`.execute(db);
  await sql`drop table if exists vehicle_trails`.execute(db);
  await sql`drop table if exists checkpoint_device_reads`.execute(db);
  await sql`alter table checkpoint_records drop column if exists occupants`.execute(db);
}
