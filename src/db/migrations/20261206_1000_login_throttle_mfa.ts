import { type Kysely, sql } from 'kysely';

// Sign-in lock-out and budgets live in the database so that every app node shares them and each
// count is one atomic statement; names without an account get a counter too, so an outsider
// cannot tell them apart. The staff second factor (TOTP) keeps its secret encrypted, its recovery
// codes hashed, and the last time step used, so a code is accepted once.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table login_throttle (
      name_key text primary key,
      failures integer not null default 0,
      locked_until timestamptz,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index login_throttle_updated_idx on login_throttle (updated_at)`.execute(db);
  await sql`
    insert into login_throttle (name_key, failures, locked_until)
    select lower(username), failed_logins, locked_until from users
    where failed_logins > 0 or locked_until is not null
    on conflict (name_key) do nothing`.execute(db);
  // The lock of a name lives in login_throttle alone now.
  await sql`alter table users drop column failed_logins, drop column locked_until`.execute(db);

  await sql`
    create table login_budget (
      bucket text not null,
      window_start timestamptz not null,
      attempts integer not null default 0,
      primary key (bucket, window_start)
    )`.execute(db);
  await sql`create index login_budget_window_idx on login_budget (window_start)`.execute(db);

  await sql`
    create table user_mfa (
      user_id integer primary key references users(id) on delete cascade,
      secret text not null,
      confirmed_at timestamptz,
      last_step integer,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table mfa_recovery_codes (
      id serial primary key,
      user_id integer not null references users(id) on delete cascade,
      code_hash text not null unique,
      used_at timestamptz
    )`.execute(db);
  await sql`create index mfa_recovery_codes_user_idx on mfa_recovery_codes (user_id)`.execute(db);
  await sql`
    create table mfa_challenges (
      id_hash text primary key,
      user_id integer not null references users(id) on delete cascade,
      ip text,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index mfa_challenges_user_idx on mfa_challenges (user_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table users add column failed_logins integer not null default 0,
      add column locked_until timestamptz`.execute(db);
  await sql`
    update users set failed_logins = t.failures, locked_until = t.locked_until
    from login_throttle t where t.name_key = lower(users.username)`.execute(db);
  for (const table of [
    'mfa_challenges',
    'mfa_recovery_codes',
    'user_mfa',
    'login_budget',
    'login_throttle',
  ]) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
