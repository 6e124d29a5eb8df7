import { type Kysely, sql } from 'kysely';

// Health feeds: what the file imports, pushed batches and the unmatched inbox need beyond the
// health migration — the raw pushed batch (kept until processed), report counters and upload
// progress on the batch, a content hash to tell a corrected record from a re-sent one, and who
// resolved an inbox entry.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table feed_batches
      add column updated integer not null default 0,
      add column rejected_total integer not null default 0,
      add column processed integer not null default 0,
      add column file_name text,
      add column total_bytes bigint,
      add column bytes_read bigint not null default 0`.execute(db);

  // A pushed batch as received, encrypted (it holds ID numbers), stored in the request that
  // answers 202 so a crash loses nothing; deleted once the batch is processed.
  await sql`
    create table feed_batch_payloads (
      batch_id integer primary key references feed_batches(id) on delete cascade,
      payload text not null,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    alter table health_records
      add column content_hash text,
      add column inbox_note text,
      add column inbox_by text,
      add column inbox_at timestamptz`.execute(db);
  await sql`create index health_records_inbox_all_idx on health_records (area_path, created_at) where inbox_status is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists health_records_inbox_all_idx`.execute(db);
  await sql`
    alter table health_records
      drop column if exists content_hash,
      drop column if exists inbox_note,
      drop column if exists inbox_by,
      drop column if exists inbox_at`.execute(db);
  await sql`drop table if exists feed_batch_payloads`.execute(db);
  await sql`
    alter table feed_batches
      drop column if exists updated,
      drop column if exists rejected_total,
      drop column if exists processed,
      drop column if exists file_name,
      drop column if exists total_bytes,
      drop column if exists bytes_read`.execute(db);
}
