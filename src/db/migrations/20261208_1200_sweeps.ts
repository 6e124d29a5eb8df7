import { type Kysely, sql } from 'kysely';

// Door-to-door sweeps (拉网式排查, #13): a campaign over a subtree and a few days in which every
// occupied household is visited once. The households are the campaign's snapshot taken at its start,
// so its progress does not move when houses are registered later; the counters per area of a house
// follow every visit in its transaction.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table sweep_campaigns (
      id serial primary key,
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      name text not null check (length(name) between 1 and 100),
      -- China-time calendar days, both included, and the instants they begin and end.
      starts_on date not null,
      ends_on date not null,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      status text not null default 'open' check (status in ('open','closed')),
      created_by text not null,
      created_at timestamptz not null,
      closed_at timestamptz,
      closed_by text,
      check (ends_on >= starts_on),
      check (ends_at > starts_at)
    )`.execute(db);
  await sql`create index sweep_campaigns_area_path_idx on sweep_campaigns (area_path)`.execute(db);

  await sql`
    create table sweep_households (
      campaign_id integer not null references sweep_campaigns(id),
      house_id integer not null references houses(id),
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      state text not null default 'unvisited' check (state in ('unvisited','attempted','visited')),
      -- Members found with a temperature of 37.3 °C or more at the household's current visit.
      fevers integer not null default 0,
      visit_id integer,
      visits integer not null default 0,
      assignee_user_id integer references users(id),
      assigned_by text,
      assigned_at timestamptz,
      primary key (campaign_id, house_id)
    )`.execute(db);
  await sql`create index sweep_households_path_idx on sweep_households (campaign_id, area_path)`.execute(db);
  await sql`create index sweep_households_assignee_idx on sweep_households (assignee_user_id)
    where assignee_user_id is not null`.execute(db);

  // Every visit is kept; a second visit of a household corrects the first (corrects_id).
  await sql`
    create table sweep_visits (
      id serial primary key,
      campaign_id integer not null,
      house_id integer not null,
      area_path text collate "C" not null,
      outcome text not null check (outcome in ('visited','nobody_home')),
      members jsonb not null default '[]',
      fevers integer not null default 0,
      notes text,
      worker_user_id integer references users(id),
      worker_name text not null,
      visited_at timestamptz not null,
      corrects_id integer references sweep_visits(id),
      created_at timestamptz not null,
      foreign key (campaign_id, house_id) references sweep_households (campaign_id, house_id)
    )`.execute(db);
  await sql`create index sweep_visits_household_idx on sweep_visits (campaign_id, house_id, id)`.execute(db);

  // Progress per campaign and area of a house (a row cell, usually); a node's figures are the sum
  // over its subtree.
  await sql`
    create table sweep_counters (
      campaign_id integer not null references sweep_campaigns(id),
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      total integer not null default 0,
      visited integer not null default 0,
      attempted integer not null default 0,
      fevers integer not null default 0,
      primary key (campaign_id, area_id)
    )`.execute(db);
  await sql`create index sweep_counters_path_idx on sweep_counters (campaign_id, area_path)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists sweep_counters`.execute(db);
  await sql`drop table if exists sweep_visits`.execute(db);
  await sql`drop table if exists sweep_households`.execute(db);
  await sql`drop table if exists sweep_campaigns`.execute(db);
}
