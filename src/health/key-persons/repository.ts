import { type Expression, type Insertable, type Selectable, type SqlBool, sql } from 'kysely';
import { inSubtrees } from '../../auth/scope.js';
import type { Db } from '../../auth/context.js';
import { pageWindow } from '../../core/pagination.js';
import type { FollowUpsTable, KeyPersonCategory, KeyPersonsTable } from '../../db/schema.js';

export interface KeyPersonFilter {
  withinPath?: string | undefined;
  category?: KeyPersonCategory | undefined;
  status?: 'active' | 'ended' | 'transferred' | 'all' | undefined;
  responsibleUserId?: number | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

/** The key person with who they are (masked), where they live, who follows them, and today's follow-ups. */
function keyPersonsWithPerson(db: Db, today: string) {
  return db
    .selectFrom('key_persons as k')
    .innerJoin('persons as p', 'p.id', 'k.person_id')
    .leftJoin('areas as a', 'a.id', 'p.area_id')
    .leftJoin('houses as h', 'h.id', 'p.house_id')
    .leftJoin('users as u', 'u.id', 'k.responsible_user_id')
    .selectAll('k')
    .select([
      'p.name as person_name',
      'p.document_masked',
      'p.phone_masked',
      sql<string | null>`coalesce(h.address, p.current_address)`.as('address'),
      'a.id as area_id',
      'a.code as area_code',
      'a.name as area_name',
      'u.display_name as responsible_name',
      sql<number>`(select count(*) from follow_ups f where f.key_person_id = k.id and f.due_on = ${today}::date)::int`.as(
        'due_today',
      ),
      sql<number>`(select count(*) from follow_ups f where f.key_person_id = k.id and f.due_on = ${today}::date and f.done_at is not null)::int`.as(
        'done_today',
      ),
      sql<number>`(select count(*) from follow_ups f where f.key_person_id = k.id and f.due_on < ${today}::date and f.done_at is null)::int`.as(
        'missing',
      ),
    ]);
}
export type KeyPersonRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof keyPersonsWithPerson>['executeTakeFirst']>>
>;

export async function findKeyPerson(db: Db, id: number, today: string): Promise<KeyPersonRow | undefined> {
  return keyPersonsWithPerson(db, today).where('k.id', '=', id).executeTakeFirst();
}

export async function listKeyPersons(
  db: Db,
  scope: readonly string[],
  filter: KeyPersonFilter,
  today: string,
) {
  const { page, pageSize, offset } = pageWindow(filter);
  let base = keyPersonsWithPerson(db, today).where(inSubtrees(scope, 'k.area_path'));
  if (filter.withinPath) base = base.where(inSubtrees([filter.withinPath], 'k.area_path'));
  if (filter.category) base = base.where('k.category', '=', filter.category);
  if (filter.status !== 'all') base = base.where('k.status', '=', filter.status ?? 'active');
  if (filter.responsibleUserId !== undefined)
    base = base.where('k.responsible_user_id', '=', filter.responsibleUserId);
  const [items, count] = await Promise.all([
    base.orderBy('k.starts_on', 'desc').orderBy('k.id', 'desc').limit(pageSize).offset(offset).execute(),
    base
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, page, pageSize, total: Number(count.n) };
}

export async function findActive(db: Db, personId: number, category: KeyPersonCategory) {
  return db
    .selectFrom('key_persons')
    .select('id')
    .where('person_id', '=', personId)
    .where('category', '=', category)
    .where('status', '=', 'active')
    .executeTakeFirst();
}

export async function insertKeyPerson(db: Db, row: Insertable<KeyPersonsTable>): Promise<number | undefined> {
  const inserted = await db
    .insertInto('key_persons')
    .values(row)
    // One active key person per person and category, even under concurrent requests.
    .onConflict((oc) => oc.columns(['person_id', 'category']).where('status', '=', 'active').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id;
}

export async function updateKeyPerson(
  db: Db,
  id: number,
  changes: Partial<
    Pick<
      Selectable<KeyPersonsTable>,
      'ends_on' | 'responsible_user_id' | 'status' | 'ended_at' | 'ended_by' | 'end_note' | 'area_path'
    >
  > & { plan?: string },
): Promise<void> {
  await db.updateTable('key_persons').set(changes).where('id', '=', id).execute();
}

/**
 * Generates the follow-ups of these key persons' plans for the days of their periods from
 * `fromDate` on, in one statement; days already generated are left alone.
 */
export async function generateFollowUps(
  db: Db,
  keyPersonIds: readonly number[],
  fromDate: string,
): Promise<number> {
  if (keyPersonIds.length === 0) return 0;
  const result = await sql`
    insert into follow_ups (key_person_id, due_on, slot, kind)
    select k.id, k.starts_on + i, s.slot, s.kind
    from key_persons k
    cross join lateral generate_series(greatest(${fromDate}::date, k.starts_on) - k.starts_on, k.ends_on - k.starts_on) as i
    cross join lateral (
      select t.slot, 'temperature' as kind from jsonb_array_elements_text(coalesce(k.plan->'temperatureSlots', '[]'::jsonb)) as t(slot)
      union all
      select 'test', 'test' where exists (
        select 1 from jsonb_array_elements_text(coalesce(k.plan->'testDays', '[]'::jsonb)) as d(n) where d.n::int = i + 1)
      union all
      select 'call', 'call' where coalesce((k.plan->>'dailyCall')::boolean, false)
      union all
      select 'visit', 'visit' where exists (
        select 1 from jsonb_array_elements_text(coalesce(k.plan->'visitDays', '[]'::jsonb)) as d(n) where d.n::int = i + 1)
    ) s
    where k.id = any(${[...keyPersonIds]}::integer[])
    on conflict (key_person_id, due_on, slot) do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Drops follow-ups not yet recorded from `fromDate` on (a shorter period, a new plan, an end). */
export async function deleteOpenFollowUps(db: Db, keyPersonId: number, fromDate: string): Promise<void> {
  await db
    .deleteFrom('follow_ups')
    .where('key_person_id', '=', keyPersonId)
    .where('due_on', '>=', fromDate)
    .where('done_at', 'is', null)
    .execute();
}

export type FollowUpRow = Selectable<FollowUpsTable>;

export async function followUpsOf(db: Db, keyPersonId: number): Promise<FollowUpRow[]> {
  return db
    .selectFrom('follow_ups')
    .selectAll()
    .where('key_person_id', '=', keyPersonId)
    .orderBy('due_on')
    .orderBy('slot')
    .execute();
}

export async function findFollowUp(
  db: Db,
  keyPersonId: number,
  id: number,
): Promise<FollowUpRow | undefined> {
  return db
    .selectFrom('follow_ups')
    .selectAll()
    .where('id', '=', id)
    .where('key_person_id', '=', keyPersonId)
    .executeTakeFirst();
}

export async function recordFollowUp(
  db: Db,
  id: number,
  values: {
    done_at: Date;
    done_by: string;
    temperature: number | null;
    symptoms: string | null;
    note: string | null;
  },
): Promise<FollowUpRow> {
  return db
    .updateTable('follow_ups')
    .set(values)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * The grid worker who follows a person by default: the grid workers assigned to the person's
 * cell, micro-grid or grid, the nearest level that has any; one only if exactly one is there.
 * The ancestors come from the path's ids, so it is a handful of primary-key lookups.
 */
export function defaultWorker(pathColumn: string): Expression<number | null> {
  const path = sql.ref(pathColumn);
  return sql<number | null>`(
    select case when count(*) = 1 then min(w.user_id) end from (
      select ra.user_id, rank() over (order by wa.depth desc) as nearest
      from areas wa
      join role_assignments ra on ra.area_id = wa.id and ra.role = 'grid_worker'
      join users u on u.id = ra.user_id and u.disabled_at is null
      where wa.id = any(string_to_array(trim(both '/' from ${path}), '/')::integer[])
        and wa.level in ('grid', 'microgrid', 'cell') and wa.retired_at is null
    ) w where w.nearest = 1)`;
}

export async function defaultWorkerFor(db: Db, areaPath: string): Promise<number | null> {
  const row = await sql<{ user_id: number | null }>`select ${defaultWorker('x.path')} as user_id
    from (select ${areaPath}::text as path) x`.execute(db);
  return row.rows[0]?.user_id ?? null;
}

export interface TaskRow {
  kind: 'follow_up_missing' | 'period_ended';
  key_person_id: number;
  since: string;
  missing: number;
  category: KeyPersonCategory;
  ends_on: string;
  responsible_user_id: number | null;
  responsible_name: string | null;
  person_id: number;
  person_name: string;
  document_masked: string;
  phone_masked: string | null;
  address: string | null;
  area_id: number | null;
  area_code: string | null;
  area_name: string | null;
  total: number;
}

/**
 * Tasks of the key persons in scope: follow-ups due on an earlier day and never recorded
 * (one task per key person, since the oldest), and periods over while still active.
 */
export async function tasks(
  db: Db,
  scope: readonly string[],
  filter: {
    withinPath?: string | undefined;
    responsibleUserId?: number | undefined;
    page?: number;
    pageSize?: number;
  },
  today: string,
): Promise<{ rows: TaskRow[]; page: number; pageSize: number }> {
  const { page, pageSize, offset } = pageWindow(filter);
  const where = sql<SqlBool>`k.status = 'active' and ${inSubtrees(scope, 'k.area_path')}
    and ${filter.withinPath ? inSubtrees([filter.withinPath], 'k.area_path') : sql`true`}
    and ${filter.responsibleUserId !== undefined ? sql`k.responsible_user_id = ${filter.responsibleUserId}` : sql`true`}`;
  const result = await sql<TaskRow>`
    with t as (
      select 'follow_up_missing' as kind, k.id as key_person_id, min(f.due_on) as since, count(*)::int as missing
      from key_persons k
      join follow_ups f on f.key_person_id = k.id and f.done_at is null and f.due_on < ${today}::date
      where ${where}
      group by k.id
      union all
      select 'period_ended', k.id, k.ends_on, 0
      from key_persons k
      where ${where} and k.ends_on < ${today}::date
    )
    select t.kind, t.key_person_id, t.since, t.missing, k.category, k.ends_on, k.responsible_user_id,
      u.display_name as responsible_name, p.id as person_id, p.name as person_name, p.document_masked,
      p.phone_masked, coalesce(h.address, p.current_address) as address, a.id as area_id, a.code as area_code,
      a.name as area_name, (count(*) over ())::int as total
    from t
    join key_persons k on k.id = t.key_person_id
    join persons p on p.id = k.person_id
    left join areas a on a.id = p.area_id
    left join houses h on h.id = p.house_id
    left join users u on u.id = k.responsible_user_id
    order by t.since, t.key_person_id, t.kind
    limit ${pageSize} offset ${offset}`.execute(db);
  return { rows: result.rows, page, pageSize };
}

/** Key persons flagged by a returnee scan: the ids, and where they live. */
export interface Flagged {
  id: number;
  person_id: number;
  area_path: string;
  reason: string;
}

/**
 * 返乡/来访人员排查: active persons who arrived in the last 14 days from a current risk area
 * become returnee key persons, one statement for the whole register. A risk area matches when
 * its name appears in where they came from (arrived_from), or its region code prefixes
 * arrived_from when that is a code — or, with no arrived_from at all, the region of their ID
 * number. Skipped: persons with an active returnee entry, or one begun since this arrival
 * (a worker who ended it has decided).
 */
export async function insertReturnees(
  db: Db,
  input: { now: Date; today: string; periodDays: number; plan: string },
): Promise<Flagged[]> {
  const result = await sql<Flagged>`
    with candidates as (
      select p.id as person_id, p.area_path, p.arrival_date,
        concat('risk area: ', string_agg(distinct r.name, ', '), '; arrived ', p.arrival_date,
               coalesce(' from ' || nullif(trim(p.arrived_from), ''), '')) as reason,
        jsonb_build_object('areas', string_agg(distinct r.name, '、'), 'arrivedOn', p.arrival_date::text,
               'from', coalesce(trim(p.arrived_from), '')) as reason_params
      from persons p
      join risk_areas r on r.valid_from <= ${input.now} and (r.valid_to is null or r.valid_to > ${input.now})
        and (
          (char_length(r.name) >= 2 and strpos(coalesce(p.arrived_from, ''), r.name) > 0)
          or (r.region_code is not null and r.region_code <> '' and (
                p.arrived_from like r.region_code || '%'
                or (coalesce(trim(p.arrived_from), '') = '' and p.region_code like r.region_code || '%')))
        )
      where p.status = 'active' and p.area_path is not null
        and p.arrival_date between ${input.today}::date - 13 and ${input.today}::date
        and not exists (
          select 1 from key_persons k where k.person_id = p.id and k.category = 'returnee'
            and (k.status = 'active' or k.starts_on >= p.arrival_date))
      group by p.id, p.area_path, p.arrival_date, p.arrived_from
    )
    insert into key_persons (person_id, area_path, category, status, starts_on, ends_on, responsible_user_id,
                             plan, reason, reason_code, reason_params, source, created_at)
    select c.person_id, c.area_path, 'returnee', 'active', ${input.today}::date,
      greatest(${input.today}::date, c.arrival_date + ${input.periodDays - 1}::integer),
      ${defaultWorker('c.area_path')}, ${input.plan}::jsonb, c.reason, 'risk_area', c.reason_params,
      'returnee_scan', ${input.now}
    from candidates c
    on conflict (person_id, category) where status = 'active' do nothing
    returning id, person_id, area_path, reason`.execute(db);
  return result.rows;
}

/** Whether a would-be responsible user exists and is disabled. */
export async function findUserStanding(
  db: Db,
  userId: number,
): Promise<{ id: number; disabled_at: Date | null } | undefined> {
  return db.selectFrom('users').select(['id', 'disabled_at']).where('id', '=', userId).executeTakeFirst();
}
