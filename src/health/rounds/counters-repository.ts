import { sql } from 'kysely';
import type { Db } from '../../auth/context.js';

/**
 * Round coverage is kept in `round_counters`: per open round and per area where people live,
 * how many are due (active), tested (a test sampled in the round's window), exempt (and not
 * tested) and departed during the round. A node's figures are the sum over its subtree.
 * What keeps them right, in the transaction that makes the change:
 * - person changes (register, imports, visits, area moves): the `persons_round_counters` trigger;
 * - new test records: `countNewTests`, incrementally (proportional to the batch, not the city);
 * - worker marks: `recountAreas`; new rounds: `initialiseRound`.
 * Closed rounds are never touched again: their counters are the figures at closing.
 * `rebuildRoundCounters` recomputes open rounds from source (`gridguard rebuild counters`).
 */

const inSubtreeOf = (personPath: string, roundPath: string) =>
  sql<boolean>`${sql.ref(personPath)} >= ${sql.ref(roundPath)} and ${sql.ref(personPath)} < left(${sql.ref(roundPath)}, -1) || '0'`;

/** Recounts these areas for every open round that covers them (the SQL function of migration 1620). */
export async function recountAreas(db: Db, areaIds: readonly number[]): Promise<void> {
  if (areaIds.length === 0) return;
  await sql`select recount_round_areas(${[...new Set(areaIds)]}::integer[])`.execute(db);
}

/**
 * Adds newly stored (or newly matched) test records to the counters: a person counts once per
 * round, when their first test inside the window arrives; other records of the same window
 * mean they were already counted.
 *
 * Call it exactly once for each set of new records, after they are stored and matched, in the
 * same transaction: `{recordIds}` names them; `{batchId}` means "every record of this batch",
 * so use it only once the whole batch is stored (calling it per chunk would count twice).
 * Records that change person or leave the window afterwards need `recountAreas` instead.
 */
export async function countNewTests(
  db: Db,
  records: { batchId: number } | { recordIds: readonly number[] },
): Promise<number> {
  if ('recordIds' in records && records.recordIds.length === 0) return 0;
  const isNew = (alias: string) =>
    'batchId' in records
      ? sql`${sql.ref(`${alias}.batch_id`)} = ${records.batchId}`
      : sql`${sql.ref(`${alias}.id`)} = any(${[...records.recordIds]}::bigint[])`;
  const isOld = (alias: string) =>
    'batchId' in records
      ? sql`${sql.ref(`${alias}.batch_id`)} is distinct from ${records.batchId}`
      : sql`not (${sql.ref(`${alias}.id`)} = any(${[...records.recordIds]}::bigint[]))`;
  // Lock the rows this adds to, in a statement of its own: a recount or another batch holding
  // them commits first, and the count below, in a fresh snapshot, sees what it stored.
  await sql`
    select count(*) from (
      select 1 from round_counters c join screening_rounds r on r.id = c.round_id
      where r.status = 'open' and c.area_id in (
        select a.id from health_records h join persons p on p.id = h.person_id join areas a on a.path = p.area_path
        where ${isNew('h')} and h.kind = 'test')
      order by c.round_id, c.area_id for update of c
    ) locked`.execute(db);
  const result = await sql<{ n: number }>`
    with persons_tested as (
      select r.id as round_id, a.id as area_id, m.kind as mark
      from (select distinct h.person_id from health_records h where ${isNew('h')} and h.kind = 'test' and h.person_id is not null) b
      join persons p on p.id = b.person_id and p.status = 'active'
      join areas a on a.path = p.area_path
      join screening_rounds r on r.status = 'open' and ${inSubtreeOf('p.area_path', 'r.area_path')}
      left join round_marks m on m.round_id = r.id and m.person_id = p.id
      where exists (select 1 from health_records n where n.person_id = p.id and n.kind = 'test' and ${isNew('n')}
                      and n.occurred_at >= r.starts_at and n.occurred_at < r.ends_at)
        and not exists (select 1 from health_records o where o.person_id = p.id and o.kind = 'test' and ${isOld('o')}
                      and o.occurred_at >= r.starts_at and o.occurred_at < r.ends_at)
    ), delta as (
      select round_id, area_id, count(*) as tested, count(*) filter (where mark = 'exempt') as were_exempt
      from persons_tested group by round_id, area_id
    ), applied as (
      update round_counters c set tested = c.tested + d.tested, exempt = c.exempt - d.were_exempt
      from delta d where c.round_id = d.round_id and c.area_id = d.area_id
      returning 1
    )
    select (select count(*) from persons_tested)::int as n, (select count(*) from applied)::int as areas`.execute(
    db,
  );
  return result.rows[0]?.n ?? 0;
}

/** Counts every area of a new round from source, in one statement. */
export async function initialiseRound(db: Db, roundId: number): Promise<void> {
  await sql`select recount_round(${roundId}::integer)`.execute(db);
}

/** Recomputes the open rounds' counters (or one round's) from the register, the records and the marks. */
export async function rebuildRoundCounters(db: Db, roundId?: number): Promise<{ rounds: number }> {
  let query = db.selectFrom('screening_rounds').select('id').where('status', '=', 'open');
  if (roundId !== undefined) query = query.where('id', '=', roundId);
  const rounds = await query.orderBy('id').execute();
  for (const round of rounds) await initialiseRound(db, round.id);
  return { rounds: rounds.length };
}

export interface Coverage {
  due: number;
  tested: number;
  exempt: number;
  departed: number;
  untested: number;
}

export type CounterSums = Omit<Coverage, 'untested'>;

export const withUntested = (c: CounterSums): Coverage => ({ ...c, untested: c.due - c.tested - c.exempt });

const upper = (path: string) => `${path.slice(0, -1)}0`;

/** The brute-force truth the counters must equal, straight from persons, records and marks. */
export async function recountCoverage(db: Db, roundId: number, nodePath: string): Promise<Coverage> {
  const row = await sql<CounterSums>`
    with people as (
      select p.status, p.departed_on, r.starts_at,
        exists (select 1 from health_records h where h.person_id = p.id and h.kind = 'test'
                and h.occurred_at >= r.starts_at and h.occurred_at < r.ends_at) as tested,
        exists (select 1 from round_marks m where m.round_id = r.id and m.person_id = p.id and m.kind = 'exempt') as exempt
      from screening_rounds r
      join persons p on ${inSubtreeOf('p.area_path', 'r.area_path')} and p.area_path >= ${nodePath} and p.area_path < ${upper(nodePath)}
      where r.id = ${roundId}
    )
    select
      count(*) filter (where status = 'active')::int as due,
      count(*) filter (where status = 'active' and tested)::int as tested,
      count(*) filter (where status = 'active' and not tested and exempt)::int as exempt,
      count(*) filter (where status = 'departed' and departed_on >= (starts_at at time zone 'Asia/Shanghai')::date)::int as departed
    from people`.execute(db);
  return withUntested(row.rows[0] ?? { due: 0, tested: 0, exempt: 0, departed: 0 });
}

/** Coverage of one node from the counters: one index range over the round's rows. */
export async function nodeCoverage(db: Db, roundId: number, nodePath: string): Promise<Coverage> {
  const row = await sql<CounterSums>`
    select coalesce(sum(due), 0)::int as due, coalesce(sum(tested), 0)::int as tested,
           coalesce(sum(exempt), 0)::int as exempt, coalesce(sum(departed), 0)::int as departed
    from round_counters
    where round_id = ${roundId} and area_path >= ${nodePath} and area_path < ${upper(nodePath)}`.execute(db);
  return withUntested(row.rows[0] ?? { due: 0, tested: 0, exempt: 0, departed: 0 });
}
