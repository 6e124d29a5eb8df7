import { type Kysely, sql } from 'kysely';

// Register imports started from the web run in the background; the page polls this row.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table import_jobs (
      id text primary key,
      kind text not null check (kind in ('persons','houses','units')),
      status text not null default 'running' check (status in ('running','done','failed')),
      file_name text not null,
      user_id integer references users(id),
      actor_name text not null,
      -- The starter's person.write scope: who else may read the job.
      scope_paths text[] not null,
      dry_run boolean not null default false,
      total_bytes bigint,
      bytes_read bigint not null default 0,
      processed_rows integer not null default 0,
      report jsonb,
      rejected_total integer not null default 0,
      -- Original headers and the rejected rows' values (encrypted: they hold ID numbers), for rejects.xlsx.
      headers jsonb,
      reject_rows text,
      error text,
      created_at timestamptz not null default now(),
      -- Touched while the import runs; a running job not touched for minutes died with its server.
      heartbeat_at timestamptz not null default now(),
      finished_at timestamptz
    )`.execute(db);
  await sql`create index import_jobs_user_idx on import_jobs (user_id, created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists import_jobs`.execute(db);
}
