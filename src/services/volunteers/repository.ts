import { sql } from 'kysely';
import type { Right } from '../../auth/rights.js';
import { inScope, inSubtrees, type Viewer } from '../../auth/scope.js';
import type { Db } from '../../auth/context.js';

export async function housesInScope(db: Db, viewer: Viewer, right: Right, ids: readonly number[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('houses')
    .select(['id', 'address', 'area_id', 'area_path'])
    .where('id', 'in', [...ids])
    .where('retired_at', 'is', null)
    .where(inScope(viewer, right, 'area_path'))
    .execute();
}

export async function coverageOfHouses(db: Db, houseIds: readonly number[]) {
  if (houseIds.length === 0) return [];
  return db
    .selectFrom('volunteer_households as vh')
    .innerJoin('users as u', 'u.id', 'vh.volunteer_user_id')
    .select(['vh.house_id', 'vh.volunteer_user_id', 'vh.area_path', 'u.display_name'])
    .where('vh.house_id', 'in', [...houseIds])
    .execute();
}

/** Locks the volunteers' user rows (in id order) so two assignments cannot both pass the limit. */
export async function lockVolunteers(db: Db, userIds: readonly number[]): Promise<void> {
  if (userIds.length === 0) return;
  await db
    .selectFrom('users')
    .select('id')
    .where('id', 'in', [...userIds])
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** Households covered by each volunteer, everywhere (the 3–5 rule is per volunteer, not per area). */
export async function loads(db: Db, userIds: readonly number[]): Promise<Map<number, number>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('volunteer_households')
    .select(['volunteer_user_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('volunteer_user_id', 'in', [...userIds])
    .groupBy('volunteer_user_id')
    .execute();
  return new Map(rows.map((r) => [r.volunteer_user_id, Number(r.n)]));
}

export async function insertCoverage(
  db: Db,
  rows: Array<{
    house_id: number;
    volunteer_user_id: number;
    area_path: string;
    assigned_at: Date;
    assigned_by: string;
  }>,
): Promise<number[]> {
  if (rows.length === 0) return [];
  const inserted = await db
    .insertInto('volunteer_households')
    .values(rows)
    .onConflict((oc) => oc.column('house_id').doNothing())
    .returning('house_id')
    .execute();
  return inserted.map((r) => r.house_id);
}

export async function deleteCoverage(db: Db, houseId: number) {
  return db
    .deleteFrom('volunteer_households')
    .where('house_id', '=', houseId)
    .returning(['house_id', 'volunteer_user_id', 'area_path'])
    .executeTakeFirst();
}

export async function findCoverageInScope(db: Db, viewer: Viewer, right: Right, houseId: number) {
  return db
    .selectFrom('volunteer_households')
    .selectAll()
    .where('house_id', '=', houseId)
    .where(inScope(viewer, right, 'area_path'))
    .executeTakeFirst();
}

/** Volunteers who serve a micro-grid: the volunteer role held inside it or at its grid. */
export async function eligibleVolunteers(db: Db, microPath: string, gridId: number | null) {
  return db
    .selectFrom('role_assignments as ra')
    .innerJoin('areas as a', 'a.id', 'ra.area_id')
    .innerJoin('users as u', 'u.id', 'ra.user_id')
    .select(['u.id', 'u.display_name'])
    .distinct()
    .where('ra.role', '=', 'volunteer')
    .where('u.disabled_at', 'is', null)
    .where((eb) =>
      eb.or([inSubtrees([microPath], 'a.path'), ...(gridId === null ? [] : [eb('a.id', '=', gridId)])]),
    )
    .orderBy('u.id')
    .execute();
}

/** Every coverage row of the micro-grid's houses, with the house address and volunteer name. */
export async function coverageIn(db: Db, microPath: string) {
  return db
    .selectFrom('volunteer_households as vh')
    .innerJoin('houses as h', 'h.id', 'vh.house_id')
    .innerJoin('users as u', 'u.id', 'vh.volunteer_user_id')
    .select(['vh.house_id', 'vh.volunteer_user_id', 'h.address', 'u.display_name'])
    .where(inSubtrees([microPath], 'vh.area_path'))
    .where('h.retired_at', 'is', null)
    .orderBy('h.area_path')
    .orderBy('h.id')
    .execute();
}

/** Houses of the subtree no volunteer covers, in address order (row cell, then id). */
export async function uncoveredHouses(db: Db, microPath: string, limit: number) {
  return db
    .selectFrom('houses as h')
    .select(['h.id', 'h.address', 'h.area_path'])
    .where(inSubtrees([microPath], 'h.area_path'))
    .where('h.retired_at', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('volunteer_households as vh')
            .select(sql`1`.as('x'))
            .whereRef('vh.house_id', '=', 'h.id'),
        ),
      ),
    )
    .orderBy('h.area_path')
    .orderBy('h.id')
    .limit(limit)
    .execute();
}

export async function houseCount(db: Db, microPath: string): Promise<number> {
  const row = await db
    .selectFrom('houses')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(inSubtrees([microPath], 'area_path'))
    .where('retired_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findUserDisplayName(db: Db, userId: number): Promise<string | undefined> {
  const row = await db.selectFrom('users').select('display_name').where('id', '=', userId).executeTakeFirst();
  return row?.display_name;
}
