import { type Kysely, sql } from 'kysely';

// Which app process runs an import, so a node that starts fails only the imports of a process
// that is gone (kill -9), never a live import of another node on the same database.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table import_jobs add column owner text`.execute(db);
  await sql`
    alter table feed_batches
      add column owner text,
      add column heartbeat_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table import_jobs drop column if exists owner`.execute(db);
  await sql`
    alter table feed_batches
      drop column if exists owner,
      drop column if exists heartbeat_at`.execute(db);
}
