import { type Kysely, sql } from 'kysely';

/*
 * Nothing per process (several app nodes on one database):
 * - public_limit_hits counts public-endpoint requests per limit key, in a window that starts at the
 *   key's first hit (as @fastify/rate-limit's memory store did), so every node counts on one counter.
 * - A pushed health-feed batch is leased by the node that processes it (`locked_until`, renewed while
 *   it works): any node claims a waiting batch or one whose lease ran out; `attempts` numbers the
 *   claims, so only the latest claimant may finish it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table public_limit_hits (
      limit_key text primary key,
      window_start timestamptz not null,
      hits integer not null
    )`.execute(db);
  await sql`create index public_limit_hits_window on public_limit_hits (window_start)`.execute(db);
  await sql`alter table feed_batches add column locked_until timestamptz`.execute(db);
  await sql`alter table feed_batches add column attempts integer not null default 0`.execute(db);
  await sql`create index feed_batches_push_waiting on feed_batches (id)
    where channel = 'push' and status in ('received', 'processing')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists feed_batches_push_waiting`.execute(db);
  await sql`alter table feed_batches drop column attempts`.execute(db);
  await sql`alter table feed_batches drop column locked_until`.execute(db);
  await sql`drop table if exists public_limit_hits`.execute(db);
}
