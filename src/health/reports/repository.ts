import { sql } from 'kysely';
import { inSubtrees } from '../../auth/scope.js';
import type { Db } from '../../auth/context.js';
import type { KeyPersonCategory } from '../../db/schema.js';

/** The node's live children, in code order: the rows of every per-area table. */
export async function childAreas(db: Db, nodeId: number) {
  return db
    .selectFrom('areas')
    .select(['id', 'code', 'name', 'level', 'path'])
    .where('parent_id', '=', nodeId)
    .where('retired_at', 'is', null)
    .orderBy('code')
    .execute();
}
export type ChildArea = Awaited<ReturnType<typeof childAreas>>[number];

/** Key persons whose period covers the date and who were not ended before it began. */
const keyPersonOn = (date: string, dayStart: Date) =>
  sql<boolean>`k.starts_on <= ${date}::date and k.ends_on >= ${date}::date
    and (k.status = 'active' or k.ended_at is null or k.ended_at >= ${dayStart})`;

export interface KeyPersonTally {
  child: number | null;
  category: KeyPersonCategory;
  status: 'active' | 'ended' | 'transferred';
  n: number;
}

export async function keyPersonCounts(
  db: Db,
  nodePath: string,
  date: string,
  dayStart: Date,
): Promise<KeyPersonTally[]> {
  const result = await sql<KeyPersonTally>`
    select nullif(split_part(substr(k.area_path, ${nodePath.length + 1}), '/', 1), '')::int as child,
      k.category, k.status, count(*)::int as n
    from key_persons k
    where ${inSubtrees([nodePath], 'k.area_path')} and ${keyPersonOn(date, dayStart)}
    group by 1, 2, 3`.execute(db);
  return result.rows;
}

/** One page of the key-person list, in area then id order (keyset on id within the query). */
export async function keyPersonPage(
  db: Db,
  nodePath: string,
  date: string,
  dayStart: Date,
  afterId: number,
  limit: number,
) {
  return db
    .selectFrom('key_persons as k')
    .innerJoin('persons as p', 'p.id', 'k.person_id')
    .leftJoin('areas as a', 'a.id', 'p.area_id')
    .leftJoin('users as u', 'u.id', 'k.responsible_user_id')
    .select([
      'k.id',
      'k.category',
      'k.status',
      'k.starts_on',
      'k.ends_on',
      'k.reason',
      'p.name',
      'p.document_masked',
      'p.phone_masked',
      'p.secret',
      'p.current_address',
      'a.name as area_name',
      'u.display_name as responsible',
    ])
    .where(inSubtrees([nodePath], 'k.area_path'))
    .where(keyPersonOn(date, dayStart))
    .where('k.id', '>', afterId)
    .orderBy('k.id')
    .limit(limit)
    .execute();
}

/** Open rounds that cover the node or lie inside it, begun by the end of the date. */
export async function openRoundsFor(db: Db, nodePath: string, dayEnd: Date) {
  return db
    .selectFrom('screening_rounds as r')
    .innerJoin('areas as a', 'a.id', 'r.area_id')
    .select(['r.id', 'r.name', 'r.starts_at', 'r.ends_at', 'r.area_path', 'a.name as area_name'])
    .where('r.status', '=', 'open')
    .where('r.starts_at', '<', dayEnd)
    .where((eb) =>
      eb.or([
        eb(sql`left(${nodePath}, length(r.area_path))`, '=', sql.ref('r.area_path')),
        inSubtrees([nodePath], 'r.area_path'),
      ]),
    )
    .orderBy('r.starts_at')
    .orderBy('r.id')
    .execute();
}

/** One page of the persons who arrived on the date, under the node. */
export async function arrivalsPage(db: Db, nodePath: string, date: string, afterId: number, limit: number) {
  return db
    .selectFrom('persons as p')
    .leftJoin('areas as a', 'a.id', 'p.area_id')
    .select([
      'p.id',
      'p.name',
      'p.sex',
      'p.document_masked',
      'p.phone_masked',
      'p.secret',
      'p.arrived_from',
      'p.arrival_reason',
      'p.current_address',
      'p.residence_type',
      'p.status',
      'a.name as area_name',
    ])
    .where('p.arrival_date', '=', date)
    .where(inSubtrees([nodePath], 'p.area_path'))
    .where('p.id', '>', afterId)
    .orderBy('p.id')
    .limit(limit)
    .execute();
}

export async function arrivalsCount(db: Db, nodePath: string, date: string): Promise<number> {
  const row = await db
    .selectFrom('persons as p')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('p.arrival_date', '=', date)
    .where(inSubtrees([nodePath], 'p.area_path'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface VaccinationTally {
  area_id: number;
  code: string;
  name: string;
  persons: number;
  dose1: number;
  dose2: number;
  dose3: number;
}

/**
 * Active residents under a node and how many have had at least one, two and three doses, grouped
 * by the area at `depth` (the grids under a higher node, or the node itself): one grouped query
 * over persons and person_health.
 */
export async function vaccinationByArea(
  db: Db,
  nodePath: string,
  depth: number,
): Promise<VaccinationTally[]> {
  const result = await sql<VaccinationTally>`
    select g.id as area_id, g.code, g.name, s.persons, s.dose1, s.dose2, s.dose3
    from (
      select nullif(split_part(p.area_path, '/', ${depth + 2}), '')::int as area_id, count(*)::int as persons,
        count(*) filter (where ph.vaccination_doses >= 1)::int as dose1,
        count(*) filter (where ph.vaccination_doses >= 2)::int as dose2,
        count(*) filter (where ph.vaccination_doses >= 3)::int as dose3
      from persons p
      left join person_health ph on ph.person_id = p.id
      where ${inSubtrees([nodePath], 'p.area_path')} and p.status = 'active'
      group by 1
    ) s
    join areas g on g.id = s.area_id
    order by g.code`.execute(db);
  return result.rows;
}
