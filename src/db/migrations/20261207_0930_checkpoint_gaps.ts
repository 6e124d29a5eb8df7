import { type Kysely, sql } from 'kysely';

// Staffing gaps of checkpoints (#12): a checkpoint due to be staffed with nobody signed in. One open
// gap per checkpoint (the alert to the team leader is sent once, when the gap opens); closed when
// someone signs in, the shift ends or the gate closes. The daily figures count them.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table checkpoint_gaps (
      id serial primary key,
      checkpoint_id integer not null references checkpoints(id),
      area_path text collate "C" not null,
      started_at timestamptz not null,
      ended_at timestamptz check (ended_at >= started_at),
      -- Staff the rota asked for when the gap opened.
      required integer not null check (required >= 1),
      leader_user_id integer references users(id)
    )`.execute(db);
  await sql`create unique index checkpoint_gaps_open_idx on checkpoint_gaps (checkpoint_id) where ended_at is null`.execute(
    db,
  );
  await sql`create index checkpoint_gaps_area_started_idx on checkpoint_gaps (area_path, started_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists checkpoint_gaps`.execute(db);
}
