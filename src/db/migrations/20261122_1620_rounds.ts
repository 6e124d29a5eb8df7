import { type Kysely, sql } from 'kysely';

// Screening rounds and key persons, second step: who closed a round, why a key person ended,
// round counters that stay right under concurrent imports, and key persons that follow their
// person when the person moves.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table screening_rounds add column closed_at timestamptz, add column closed_by text`.execute(
    db,
  );
  await sql`alter table key_persons add column ended_by text, add column end_note text`.execute(db);

  // Replaces the first version, which
  // - found the persons of an area by persons.area_id, which has no index: one scan of the
  //   whole register per recount (every person edit while a round is open);
  // - deleted and re-inserted the rows, so a concurrent countNewTests could add to a row that
  //   was being replaced and lose its increment.
  // Now persons are found by area path (indexed), the rows are locked first (countNewTests locks
  // them the same way), then counted in a fresh snapshot and updated in place.
  await sql`
    create or replace function recount_round_areas(area_ids integer[]) returns void language plpgsql as $$
    begin
      perform 1 from round_counters c join screening_rounds r on r.id = c.round_id
        where r.status = 'open' and c.area_id = any(area_ids)
        order by c.round_id, c.area_id for update of c;
      with fresh as (
        select r.id as round_id, a.id as area_id, a.path as area_path,
          count(*) filter (where p.status = 'active') as due,
          count(*) filter (where p.status = 'active' and t.yes) as tested,
          count(*) filter (where p.status = 'active' and t.yes is null and m.kind = 'exempt') as exempt,
          count(*) filter (where p.status = 'departed' and p.departed_on >= (r.starts_at at time zone 'Asia/Shanghai')::date) as departed
        from areas a
        join screening_rounds r on r.status = 'open' and a.path >= r.area_path and a.path < left(r.area_path, -1) || '0'
        join persons p on p.area_path = a.path
        left join lateral (select true as yes from health_records h where h.person_id = p.id and h.kind = 'test'
          and h.occurred_at >= r.starts_at and h.occurred_at < r.ends_at limit 1) t on true
        left join round_marks m on m.round_id = r.id and m.person_id = p.id
        where a.id = any(area_ids)
        group by r.id, a.id, a.path
      ), upserted as (
        insert into round_counters (round_id, area_id, area_path, due, tested, exempt, departed)
        select round_id, area_id, area_path, due, tested, exempt, departed from fresh
        on conflict (round_id, area_id) do update set area_path = excluded.area_path, due = excluded.due,
          tested = excluded.tested, exempt = excluded.exempt, departed = excluded.departed
      )
      delete from round_counters c using screening_rounds r
        where c.round_id = r.id and r.status = 'open' and c.area_id = any(area_ids)
          and not exists (select 1 from fresh f where f.round_id = c.round_id and f.area_id = c.area_id);
    end $$`.execute(db);

  // Every area of one round, from source: a new round, or "gridguard rebuild counters".
  await sql`
    create function recount_round(round integer) returns void language plpgsql as $$
    begin
      delete from round_counters where round_id = round;
      insert into round_counters (round_id, area_id, area_path, due, tested, exempt, departed)
      select r.id, a.id, a.path,
        count(*) filter (where p.status = 'active'),
        count(*) filter (where p.status = 'active' and t.yes),
        count(*) filter (where p.status = 'active' and t.yes is null and m.kind = 'exempt'),
        count(*) filter (where p.status = 'departed' and p.departed_on >= (r.starts_at at time zone 'Asia/Shanghai')::date)
      from screening_rounds r
      join persons p on p.area_path >= r.area_path and p.area_path < left(r.area_path, -1) || '0'
      join areas a on a.path = p.area_path
      left join lateral (select true as yes from health_records h where h.person_id = p.id and h.kind = 'test'
        and h.occurred_at >= r.starts_at and h.occurred_at < r.ends_at limit 1) t on true
      left join round_marks m on m.round_id = r.id and m.person_id = p.id
      where r.id = round
      group by r.id, a.id, a.path;
    end $$`.execute(db);

  // An active key person is followed up by the workers of where the person lives now.
  await sql`
    create function persons_key_persons_path() returns trigger language plpgsql as $$
    begin
      if not exists (select 1 from key_persons where status = 'active') then return null; end if;
      update key_persons k set area_path = n.area_path
        from new_rows n join old_rows o on o.id = n.id
        where k.person_id = n.id and k.status = 'active' and n.area_path is not null
          and n.area_path is distinct from o.area_path and k.area_path is distinct from n.area_path;
      return null;
    end $$`.execute(db);
  await sql`create trigger persons_key_persons_path after update on persons referencing old table as old_rows new table as new_rows
    for each statement execute function persons_key_persons_path()`.execute(db);

  await sql`create index follow_ups_open_idx on follow_ups (key_person_id, due_on) where done_at is null`.execute(
    db,
  );
  // The returnee scan looks at recent arrivals only.
  await sql`create index persons_arrival_idx on persons (arrival_date) where arrival_date is not null`.execute(
    db,
  );
  await sql`create index key_persons_responsible_idx on key_persons (responsible_user_id) where status = 'active'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists key_persons_responsible_idx`.execute(db);
  await sql`drop index if exists persons_arrival_idx`.execute(db);
  await sql`drop index if exists follow_ups_open_idx`.execute(db);
  await sql`drop trigger if exists persons_key_persons_path on persons`.execute(db);
  await sql`drop function if exists persons_key_persons_path()`.execute(db);
  await sql`drop function if exists recount_round(integer)`.execute(db);
  // The first version of recount_round_areas, as 20261122_1600_health created it.
  await sql`
    create or replace function recount_round_areas(area_ids integer[]) returns void language plpgsql as $$
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
  await sql`alter table key_persons drop column if exists end_note, drop column if exists ended_by`.execute(
    db,
  );
  await sql`alter table screening_rounds drop column if exists closed_by, drop column if exists closed_at`.execute(
    db,
  );
}
