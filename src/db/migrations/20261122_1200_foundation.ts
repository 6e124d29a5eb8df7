import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table areas (
      id serial primary key,
      parent_id integer references areas(id),
      code text not null unique,
      name text not null check (length(name) between 1 and 100),
      level text not null check (level in ('city','county','township','village','grid','microgrid','cell')),
      kind text not null default 'ordinary' check (kind in ('ordinary','enterprise','site','school','hotel')),
      path text collate "C" not null unique,
      depth integer not null,
      boundary jsonb,
      centre_lng double precision,
      centre_lat double precision,
      retired_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index areas_parent_idx on areas (parent_id)`.execute(db);
  await sql`create index areas_level_idx on areas (level)`.execute(db);

  await sql`
    create table users (
      id serial primary key,
      username text not null,
      display_name text not null,
      password_hash text not null,
      must_change_password boolean not null default false,
      failed_logins integer not null default 0,
      locked_until timestamptz,
      disabled_at timestamptz,
      last_login_at timestamptz,
      locale text not null default 'zh-CN',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index users_username_idx on users (lower(username))`.execute(db);

  await sql`
    create table role_assignments (
      id serial primary key,
      user_id integer not null references users(id) on delete cascade,
      role text not null,
      area_id integer not null references areas(id),
      categories text[] not null default '{}',
      created_at timestamptz not null default now(),
      unique (user_id, role, area_id)
    )`.execute(db);
  await sql`create index role_assignments_area_idx on role_assignments (area_id)`.execute(db);

  await sql`
    create table sessions (
      id_hash text primary key,
      user_id integer not null references users(id) on delete cascade,
      csrf_token text not null,
      ip text,
      user_agent text,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index sessions_user_idx on sessions (user_id)`.execute(db);

  await sql`
    create table api_tokens (
      id serial primary key,
      name text not null,
      token_hash text not null unique,
      area_id integer not null references areas(id),
      capability text not null,
      created_by integer references users(id),
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    )`.execute(db);

  await sql`
    create table audit_log (
      id bigserial primary key,
      at timestamptz not null default now(),
      actor_user_id integer,
      actor_token_id integer,
      actor_name text not null,
      ip text,
      action text not null,
      entity_type text not null,
      entity_id text,
      area_path text collate "C",
      before jsonb,
      after jsonb,
      reason text
    )`.execute(db);
  await sql`create index audit_log_at_idx on audit_log (at desc)`.execute(db);
  await sql`create index audit_log_area_idx on audit_log (area_path)`.execute(db);
  await sql`create index audit_log_entity_idx on audit_log (entity_type, entity_id)`.execute(db);
  // Append-only: the database itself refuses to change or delete an audit entry.
  await sql`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only';
    end $$`.execute(db);
  await sql`
    create trigger audit_log_no_change before update or delete on audit_log
    for each row execute function audit_log_append_only()`.execute(db);

  await sql`create table app_meta (key text primary key, value jsonb)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'app_meta',
    'audit_log',
    'api_tokens',
    'sessions',
    'role_assignments',
    'users',
    'areas',
  ]) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
  await sql`drop function if exists audit_log_append_only()`.execute(db);
}
