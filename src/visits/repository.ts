import type { Insertable } from 'kysely';
import { inScope, inSubtrees, type Viewer } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import { pageWindow } from '../core/pagination.js';
import type { HouseholdVisitsTable } from '../db/schema.js';

export async function activeResidentIds(db: Db, houseId: number): Promise<Set<number>> {
  const rows = await db
    .selectFrom('persons')
    .select('id')
    .where('house_id', '=', houseId)
    .where('status', '=', 'active')
    .execute();
  return new Set(rows.map((r) => r.id));
}

export async function insertVisit(db: Db, row: Insertable<HouseholdVisitsTable>): Promise<number> {
  return (await db.insertInto('household_visits').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

function visitsWithPlace(db: Db) {
  return db
    .selectFrom('household_visits as v')
    .innerJoin('houses as h', 'h.id', 'v.house_id')
    .innerJoin('areas as a', 'a.id', 'v.area_id')
    .selectAll('v')
    .select(['h.address as house_address', 'a.code as area_code', 'a.name as area_name']);
}
export type VisitRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof visitsWithPlace>['executeTakeFirst']>>
>;

export async function findVisit(db: Db, id: number): Promise<VisitRow> {
  return visitsWithPlace(db).where('v.id', '=', id).executeTakeFirstOrThrow();
}

export interface VisitFilter {
  withinPath?: string | undefined;
  worker?: number | undefined;
  houseId?: number | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

export async function listVisits(db: Db, viewer: Viewer, filter: VisitFilter) {
  const { page, pageSize, offset } = pageWindow(filter);
  let base = visitsWithPlace(db).where(inScope(viewer, 'person.read', 'v.area_path'));
  if (filter.withinPath) base = base.where(inSubtrees([filter.withinPath], 'v.area_path'));
  if (filter.worker !== undefined) base = base.where('v.worker_user_id', '=', filter.worker);
  if (filter.houseId !== undefined) base = base.where('v.house_id', '=', filter.houseId);
  if (filter.from) base = base.where('v.visited_at', '>=', filter.from);
  if (filter.to) base = base.where('v.visited_at', '<', filter.to);
  const [items, count] = await Promise.all([
    base.orderBy('v.visited_at', 'desc').orderBy('v.id', 'desc').limit(pageSize).offset(offset).execute(),
    base
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, page, pageSize, total: Number(count.n) };
}

/** Grids and micro-grids of a subtree (and the root itself), the rows of a coverage table. */
export async function coverageAreas(db: Db, root: { id: number; path: string }) {
  return db
    .selectFrom('areas')
    .select(['id', 'code', 'name', 'level', 'path'])
    .where(inSubtrees([root.path], 'path'))
    .where((eb) =>
      eb.or([
        eb.and([eb('level', 'in', ['grid', 'microgrid']), eb('retired_at', 'is', null)]),
        eb('id', '=', root.id),
      ]),
    )
    .orderBy('code')
    .execute();
}

/** Live houses per area path of a subtree. */
export async function houseCountsByPath(db: Db, path: string) {
  return db
    .selectFrom('houses')
    .select(['area_path', (eb) => eb.fn.countAll<number>().as('n')])
    .where(inSubtrees([path], 'area_path'))
    .where('retired_at', 'is', null)
    .groupBy('area_path')
    .execute();
}

/**
 * Visits of a period per area path and worker: visits, and distinct houses visited. A house lies
 * in exactly one area path, so distinct counts add up along the tree.
 */
export async function visitCountsByPathAndWorker(db: Db, path: string, from: Date, to: Date) {
  return db
    .selectFrom('household_visits as v')
    .innerJoin('houses as h', 'h.id', 'v.house_id')
    .select([
      'v.area_path',
      'v.worker_user_id',
      'v.worker_name',
      (eb) => eb.fn.countAll<number>().as('visits'),
      (eb) => eb.fn.count<number>('v.house_id').distinct().as('houses'),
    ])
    .where(inSubtrees([path], 'v.area_path'))
    .where('h.retired_at', 'is', null)
    .where('v.visited_at', '>=', from)
    .where('v.visited_at', '<', to)
    .groupBy(['v.area_path', 'v.worker_user_id', 'v.worker_name'])
    .execute();
}

/** Distinct houses visited in a period per area path (any worker). */
export async function visitedHousesByPath(db: Db, path: string, from: Date, to: Date) {
  return db
    .selectFrom('household_visits as v')
    .innerJoin('houses as h', 'h.id', 'v.house_id')
    .select(['v.area_path', (eb) => eb.fn.count<number>('v.house_id').distinct().as('n')])
    .where(inSubtrees([path], 'v.area_path'))
    .where('h.retired_at', 'is', null)
    .where('v.visited_at', '>=', from)
    .where('v.visited_at', '<', to)
    .groupBy('v.area_path')
    .execute();
}
