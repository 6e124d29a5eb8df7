import { type Kysely, sql } from 'kysely';

// Epidemic data: feeds of health records matched to persons, per-person health state, risk
// areas, screening rounds with their precomputed per-area counters, key persons and follow-ups,
// and big-data leads.
export async function up(db: Kysely<any>): Promise<void> {
  // A file import or a pushed batch; pushes are answered 202 with this id and polled.
  await sql`
    create table feed_batches (
      id serial primary key,
      kind text not null check (kind in ('test','vaccination','temperature','health_code','risk_area')),
      source text not null check (length(source) between 1 and 64),
      channel text not null check (channel in ('file','push')),
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      token_id integer references api_tokens(id),
      user_id integer references users(id),
      status text not null default 'received' check (status in ('received','processing','done','failed')),
      received integer not null default 0,
      inserted integer not null default 0,
      duplicates integer not null default 0,
      matched integer not null default 0,
      unmatched integer not null default 0,
      rejected jsonb not null default '[]',
      error text,
      created_at timestamptz not null default now(),
      finished_at timestamptz
    )`.execute(db);
  await sql`create index feed_batches_area_path_idx on feed_batches (area_path)`.execute(db);

  // Every kind of health record in one table, idempotent on (kind, source, record_key): the
  // source's record id, or a hash of the record's content when the source has none.
  await sql`
    create table health_records (
      id bigserial primary key,
      kind text not null check (kind in ('test','vaccination','temperature','health_code')),
      source text not null,
      record_key text not null,
      batch_id integer references feed_batches(id),
      -- Keyed hash of the normalised resident ID number (same space as persons.document_hash).
      id_hash text,
      person_id integer references persons(id),
      -- The matched person's area, or the feed's area while unmatched: the scope of the record.
      area_path text collate "C" not null,
      occurred_at timestamptz not null,
      -- test: negative/positive/pending/invalid; health_code: GREEN/YELLOW/RED/UNKNOWN
      result text,
      -- temperature in °C, or the vaccination dose number
      value numeric(6,2),
      details jsonb,
      unmatched_reason text check (unmatched_reason in ('unknown_number','invalid_number')),
      inbox_status text check (inbox_status in ('open','matched','lead','dismissed')),
      -- For the unmatched inbox: the record's identity as sent (encrypted) and masked.
      identity_secret text,
      document_masked text,
      name_masked text,
      created_at timestamptz not null default now(),
      unique (kind, source, record_key)
    )`.execute(db);
  await sql`create index health_records_person_idx on health_records (person_id, kind, occurred_at)`.execute(
    db,
  );
  await sql`create index health_records_id_hash_idx on health_records (id_hash) where person_id is null`.execute(
    db,
  );
  await sql`create index health_records_inbox_idx on health_records (area_path) where inbox_status = 'open'`.execute(
    db,
  );
  await sql`create index health_records_batch_idx on health_records (batch_id)`.execute(db);

  // The latest of each kind per person, so screens never scan the records.
  await sql`
    create table person_health (
      person_id integer primary key references persons(id),
      last_test_at timestamptz,
      last_test_result text,
      health_code text,
      health_code_at timestamptz,
      vaccination_doses integer not null default 0,
      last_vaccinated_at timestamptz,
      last_temperature numeric(4,1),
      last_temperature_at timestamptz,
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table risk_areas (
      id serial primary key,
      source text not null,
      region_code text,
      name text not null check (length(name) between 1 and 200),
      level text not null check (level in ('high','medium','low')),
      valid_from timestamptz not null,
      valid_to timestamptz,
      created_at timestamptz not null default now(),
      unique (source, name, level, valid_from)
    )`.execute(db);
  await sql`create index risk_areas_region_idx on risk_areas (region_code)`.execute(db);

  await sql`
    create table screening_rounds (
      id serial primary key,
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      name text not null check (length(name) between 1 and 100),
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      status text not null default 'open' check (status in ('open','closed')),
      created_by text not null,
      created_at timestamptz not null default now(),
      check (ends_at > starts_at)
    )`.execute(db);
  await sql`create index screening_rounds_area_path_idx on screening_rounds (area_path)`.execute(db);

  // Worker marks: exemptions (bedridden, infant, away — with who granted them) and outcomes
  // (refused, tested elsewhere…). Who is tested is read from health_records: a test in the window.
  await sql`
    create table round_marks (
      round_id integer not null references screening_rounds(id),
      person_id integer not null references persons(id),
      kind text not null check (kind in ('exempt','outcome')),
      reason text not null,
      note text,
      marked_by text not null,
      marked_at timestamptz not null,
      primary key (round_id, person_id)
    )`.execute(db);
  // Precomputed coverage per round and per area where people live (grid, micro-grid, cell);
  // a node's figures are the sum over its subtree. Rebuilt from source by one command.
  await sql`
    create table round_counters (
      round_id integer not null references screening_rounds(id),
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      due integer not null default 0,
      tested integer not null default 0,
      exempt integer not null default 0,
      departed integer not null default 0,
      primary key (round_id, area_id)
    )`.execute(db);
  await sql`create index round_counters_path_idx on round_counters (round_id, area_path)`.execute(db);

  // Counters follow every change of a person's area or status in the same statement, whichever
  // code path made it (register, imports, visits, area moves): a statement-level trigger
  // recounts the affected areas for every open round.
  await sql`
    create function recount_round_areas(area_ids integer[]) returns void language plpgsql as $$
    begin
      delete from round_counters c using screening_rounds r
        where c.round_id = r.id and r.status = 'open' and c.area_id = any(area_ids);
      insert into round_counters (round_id, area_id, area_path, due, tested, exempt, departed)
      select r.id, p.area_id, max(p.area_path),
        count(*) filter (where p.status = 'active'),
        count(*) filter (where p.status = 'active' and t.yes),
        count(*) filter (where p.status = 'active' and t.yes is null and m.kind = 'exempt'),
        count(*) filter (where p.status = 'departed' and p.departed_on >= (r.starts_at at time zone 'Asia/Shanghai')::date)
      from screening_rounds r
      join persons p on p.area_path >= r.area_path and p.area_path < left(r.area_path, -1) || '0'
      left join lateral (select true as yes from health_records h where h.person_id = p.id and h.kind = 'test'
        and h.occurred_at >= r.starts_at and h.occurred_at < r.ends_at limit 1) t on true
      left join round_marks m on m.round_id = r.id and m.person_id = p.id
      where r.status = 'open' and p.area_id = any(area_ids)
      group by r.id, p.area_id;
    end $$`.execute(db);
  await sql`
    create function persons_round_counters() returns trigger language plpgsql as $$
    declare ids integer[];
    begin
      if not exists (select 1 from screening_rounds where status = 'open') then return null; end if;
      if tg_op = 'INSERT' then
        select array_agg(distinct area_id) into ids from new_rows where area_id is not null;
      elsif tg_op = 'DELETE' then
        select array_agg(distinct area_id) into ids from old_rows where area_id is not null;
      else
        select array_agg(distinct x) into ids from (
          select unnest(array[n.area_id, o.area_id]) as x
          from new_rows n join old_rows o on o.id = n.id
          where n.area_id is distinct from o.area_id or n.area_path is distinct from o.area_path
             or n.status is distinct from o.status or n.departed_on is distinct from o.departed_on
        ) changed where x is not null;
      end if;
      if ids is not null then perform recount_round_areas(ids); end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger persons_round_counters_insert after insert on persons referencing new table as new_rows
    for each statement execute function persons_round_counters()`.execute(db);
  await sql`create trigger persons_round_counters_update after update on persons referencing old table as old_rows new table as new_rows
    for each statement execute function persons_round_counters()`.execute(db);
  await sql`create trigger persons_round_counters_delete after delete on persons referencing old table as old_rows
    for each statement execute function persons_round_counters()`.execute(db);

  await sql`
    create table key_persons (
      id serial primary key,
      person_id integer not null references persons(id),
      area_path text collate "C" not null,
      category text not null check (category in ('returnee','close_contact','secondary_contact','home_quarantine','home_monitoring','positive','fever')),
      status text not null default 'active' check (status in ('active','ended','transferred')),
      starts_on date not null,
      ends_on date not null,
      responsible_user_id integer references users(id),
      plan jsonb not null,
      reason text,
      source text not null,
      created_at timestamptz not null default now(),
      ended_at timestamptz,
      check (ends_on >= starts_on)
    )`.execute(db);
  await sql`create index key_persons_area_path_idx on key_persons (area_path) where status = 'active'`.execute(
    db,
  );
  await sql`create unique index key_persons_active_idx on key_persons (person_id, category) where status = 'active'`.execute(
    db,
  );
  await sql`
    create table follow_ups (
      id bigserial primary key,
      key_person_id integer not null references key_persons(id),
      due_on date not null,
      slot text not null,
      kind text not null check (kind in ('temperature','test','visit','call')),
      done_at timestamptz,
      done_by text,
      temperature numeric(4,1),
      symptoms text,
      note text,
      unique (key_person_id, due_on, slot)
    )`.execute(db);

  await sql`
    create table leads (
      id serial primary key,
      batch_reference text,
      -- Identity as received, encrypted; masked copies and lookup hashes for matching.
      identity_secret text not null,
      id_hash text,
      phone_hash text,
      name_masked text,
      document_masked text,
      address text,
      reason text not null,
      deadline timestamptz not null,
      person_id integer references persons(id),
      area_id integer not null references areas(id),
      area_path text collate "C" not null,
      routed_by text not null check (routed_by in ('person','address','manual','inbox')),
      tier text not null default 'worker' check (tier in ('worker','grid_leader','community')),
      status text not null default 'open' check (status in ('open','verified')),
      outcome text check (outcome in ('found_here','moved','not_found','wrong_data')),
      measures text,
      verified_at timestamptz,
      verified_by text,
      escalated_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index leads_area_path_idx on leads (area_path) where status = 'open'`.execute(db);
  await sql`create index leads_deadline_idx on leads (deadline) where status = 'open'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const event of ['insert', 'update', 'delete']) {
    await sql`drop trigger if exists ${sql.raw(`persons_round_counters_${event}`)} on persons`.execute(db);
  }
  await sql`drop function if exists persons_round_counters()`.execute(db);
  await sql`drop function if exists recount_round_areas(integer[])`.execute(db);
  for (const table of [
    'leads',
    'follow_ups',
    'key_persons',
    'round_counters',
    'round_marks',
    'screening_rounds',
    'risk_areas',
    'person_health',
    'health_records',
    'feed_batches',
  ]) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
}
