import { type Kysely, sql } from 'kysely';

// A write sent again with the same Idempotency-Key (the offline app's outbox retrying after a lost
// answer) must not run twice. One row per (user, key): claimed with `insert … on conflict do nothing`
// before the handler runs, so two app nodes on one database agree on who runs it; the answer is kept
// so a retry gets it again. Rows expire (expires_at) and a periodic job deletes them.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table idempotency_keys (
    user_id integer not null references users (id) on delete cascade,
    key text not null check (length(key) between 1 and 64),
    fingerprint text not null,
    state text not null default 'running' check (state in ('running', 'done')),
    response_status integer,
    response_type text,
    response_body text,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    primary key (user_id, key)
  )`.execute(db);
  await sql`create index idempotency_keys_expiry_idx on idempotency_keys (expires_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists idempotency_keys`.execute(db);
}
