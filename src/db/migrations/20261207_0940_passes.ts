import { type Kysely, sql } from 'kysely';

// Passes (#12): a rejected application keeps who refused it and why; a residents-only gate registers
// its visitors (the host household and purpose) through the gate's place code.
export async function up(db: Kysely<any>): Promise<void> {
  // One active signing key: two app nodes creating the first key at once both end up signing with the same one.
  await sql`create unique index pass_signing_keys_active_idx on pass_signing_keys ((true)) where retired_at is null`.execute(
    db,
  );
  await sql`alter table passes add column decided_at timestamptz`.execute(db);
  await sql`alter table passes add column decided_by text`.execute(db);
  await sql`alter table passes add column reject_reason text check (length(reject_reason) <= 200)`.execute(
    db,
  );

  // A visitor at a residents-only gate: the scan itself is a place scan (hashed, encrypted, purged
  // with place scans); this row adds whom they visit and why, for the checkpoint's staff.
  await sql`
    create table gate_visits (
      id serial primary key,
      place_scan_id integer not null unique references place_scans(id) on delete cascade,
      checkpoint_id integer not null references checkpoints(id),
      area_path text collate "C" not null,
      house_id integer not null references houses(id),
      purpose text not null check (length(purpose) between 1 and 200),
      visited_at timestamptz not null
    )`.execute(db);
  await sql`create index gate_visits_checkpoint_idx on gate_visits (checkpoint_id, visited_at desc)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists gate_visits`.execute(db);
  await sql`alter table passes drop column if exists reject_reason`.execute(db);
  await sql`alter table passes drop column if exists decided_by`.execute(db);
  await sql`alter table passes drop column if exists decided_at`.execute(db);
  await sql`drop index if exists pass_signing_keys_active_idx`.execute(db);
}
