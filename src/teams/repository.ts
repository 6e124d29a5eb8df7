import type { Insertable } from 'kysely';
import type { Right } from '../auth/rights.js';
import { inOrAbove, inScope, inSubtrees, type Viewer } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import { pageWindow } from '../core/pagination.js';
import type { ResponsibilitiesTable, TeamDuty, TeamsTable } from '../db/schema.js';

function teamsWithArea(db: Db) {
  return db
    .selectFrom('teams as t')
    .innerJoin('areas as a', 'a.id', 't.area_id')
    .leftJoin('users as l', 'l.id', 't.leader_user_id')
    .selectAll('t')
    .select((eb) => [
      'a.code as area_code',
      'a.name as area_name',
      'a.level as area_level',
      'l.display_name as leader_name',
      eb
        .selectFrom('team_members as m')
        .whereRef('m.team_id', '=', 't.id')
        .select(eb.fn.countAll<number>().as('n'))
        .as('member_count'),
    ]);
}
export type TeamRow = NonNullable<Awaited<ReturnType<ReturnType<typeof teamsWithArea>['executeTakeFirst']>>>;

export async function findTeamInScope(db: Db, viewer: Viewer, right: Right, id: number) {
  return teamsWithArea(db)
    .where('t.id', '=', id)
    .where(inScope(viewer, right, 't.area_path'))
    .executeTakeFirst();
}

/** Locks the team row so concurrent member changes of one team serialise. */
export async function lockTeam(db: Db, id: number): Promise<void> {
  await db.selectFrom('teams').select('id').where('id', '=', id).forUpdate().execute();
}

export interface TeamFilter {
  withinPath?: string | undefined;
  kind?: TeamsTable['kind'] | undefined;
  includeRetired?: boolean | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

export async function listTeams(db: Db, viewer: Viewer, filter: TeamFilter) {
  const { page, pageSize, offset } = pageWindow(filter);
  let base = teamsWithArea(db).where(inScope(viewer, 'area.read', 't.area_path'));
  if (filter.withinPath) base = base.where(inSubtrees([filter.withinPath], 't.area_path'));
  if (filter.kind) base = base.where('t.kind', '=', filter.kind);
  if (!filter.includeRetired) base = base.where('t.retired_at', 'is', null);
  const [items, count] = await Promise.all([
    base.orderBy('t.area_path').orderBy('t.id').limit(pageSize).offset(offset).execute(),
    base
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, page, pageSize, total: Number(count.n) };
}

export async function insertTeam(db: Db, row: Insertable<TeamsTable>): Promise<number> {
  const inserted = await db.insertInto('teams').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

export async function updateTeam(
  db: Db,
  id: number,
  changes: { name?: string; leader_user_id?: number | null; retired_at?: Date },
): Promise<void> {
  await db.updateTable('teams').set(changes).where('id', '=', id).execute();
}

export async function membersOf(db: Db, teamIds: readonly number[]) {
  if (teamIds.length === 0) return [];
  return db
    .selectFrom('team_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.team_id', 'm.user_id', 'm.duty', 'm.created_at', 'u.display_name'])
    .where('m.team_id', 'in', [...teamIds])
    .orderBy('m.team_id')
    .orderBy('m.duty')
    .orderBy('u.display_name')
    .execute();
}

export async function findMember(db: Db, teamId: number, userId: number) {
  return db
    .selectFrom('team_members')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function upsertMember(db: Db, teamId: number, userId: number, duty: TeamDuty, now: Date) {
  await db
    .insertInto('team_members')
    .values({ team_id: teamId, user_id: userId, duty, created_at: now })
    .onConflict((oc) => oc.columns(['team_id', 'user_id']).doUpdateSet({ duty }))
    .execute();
}

export async function deleteMember(db: Db, teamId: number, userId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('team_members')
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

// ---- responsibilities (包片包户) ----

function responsibilitiesWithNames(db: Db) {
  return db
    .selectFrom('responsibilities as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .innerJoin('areas as a', 'a.id', 'r.area_id')
    .leftJoin('houses as h', 'h.id', 'r.house_id')
    .selectAll('r')
    .select([
      'u.display_name as user_name',
      'a.code as area_code',
      'a.name as area_name',
      'a.level as area_level',
      'h.address as house_address',
    ]);
}
export type ResponsibilityRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof responsibilitiesWithNames>['executeTakeFirst']>>
>;

export async function findResponsibilityInScope(db: Db, viewer: Viewer, right: Right, id: number) {
  return responsibilitiesWithNames(db)
    .where('r.id', '=', id)
    .where(inScope(viewer, right, 'r.area_path'))
    .executeTakeFirst();
}

export async function findResponsibility(db: Db, id: number) {
  return responsibilitiesWithNames(db).where('r.id', '=', id).executeTakeFirstOrThrow();
}

export async function existingResponsibility(db: Db, userId: number, areaId: number, houseId: number | null) {
  return db
    .selectFrom('responsibilities')
    .select('id')
    .where('user_id', '=', userId)
    .where('area_id', '=', areaId)
    .where('house_id', houseId === null ? 'is' : '=', houseId)
    .executeTakeFirst();
}

export async function listResponsibilities(
  db: Db,
  viewer: Viewer,
  filter: { withinPath?: string; userId?: number; page?: number; pageSize?: number },
) {
  const { page, pageSize, offset } = pageWindow(filter);
  let base = responsibilitiesWithNames(db).where(inScope(viewer, 'area.read', 'r.area_path'));
  if (filter.withinPath) base = base.where(inSubtrees([filter.withinPath], 'r.area_path'));
  if (filter.userId !== undefined) base = base.where('r.user_id', '=', filter.userId);
  const [items, count] = await Promise.all([
    base.orderBy('r.area_path').orderBy('r.id').limit(pageSize).offset(offset).execute(),
    base
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, page, pageSize, total: Number(count.n) };
}

export async function insertResponsibility(db: Db, row: Insertable<ResponsibilitiesTable>): Promise<number> {
  const inserted = await db
    .insertInto('responsibilities')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export async function deleteResponsibility(db: Db, id: number): Promise<void> {
  await db.deleteFrom('responsibilities').where('id', '=', id).execute();
}

// ---- the grid picture ----

const GRID_ROLES = ['grid_leader', 'grid_worker', 'police', 'doctor', 'volunteer'] as const;

/** Holders of the grid roles at the grid or anywhere below it. */
export async function gridRoleHolders(db: Db, gridPath: string) {
  return db
    .selectFrom('role_assignments as ra')
    .innerJoin('areas as a', 'a.id', 'ra.area_id')
    .innerJoin('users as u', 'u.id', 'ra.user_id')
    .select([
      'ra.user_id',
      'ra.role',
      'u.display_name',
      'a.id as area_id',
      'a.name as area_name',
      'a.level as area_level',
    ])
    .where(inSubtrees([gridPath], 'a.path'))
    .where('ra.role', 'in', [...GRID_ROLES])
    .where('u.disabled_at', 'is', null)
    .orderBy('a.path')
    .orderBy('u.display_name')
    .orderBy('ra.user_id')
    .execute();
}

/** Members of the grid and checkpoint teams inside the grid's subtree. */
export async function gridTeamMembers(db: Db, gridPath: string) {
  return db
    .selectFrom('team_members as m')
    .innerJoin('teams as t', 't.id', 'm.team_id')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'm.duty', 'u.display_name', 't.kind'])
    .where(inSubtrees([gridPath], 't.area_path'))
    .where('t.kind', 'in', ['grid', 'checkpoint'])
    .where('t.retired_at', 'is', null)
    .where('u.disabled_at', 'is', null)
    .orderBy('u.display_name')
    .orderBy('m.user_id')
    .execute();
}

/** Households each volunteer covers inside the grid (one grouped query). */
export async function householdCounts(db: Db, gridPath: string): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('volunteer_households')
    .select(['volunteer_user_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where(inSubtrees([gridPath], 'area_path'))
    .groupBy('volunteer_user_id')
    .execute();
  return new Map(rows.map((r) => [r.volunteer_user_id, Number(r.n)]));
}

/** Service teams in the grid or in the community areas above it (never above the village). */
export async function serviceTeamsAround(db: Db, gridPath: string) {
  return teamsWithArea(db)
    .where(inOrAbove([gridPath], 't.area_path'))
    .where('a.level', 'in', ['village', 'grid', 'microgrid', 'cell'])
    .where('t.kind', '=', 'service')
    .where('t.retired_at', 'is', null)
    .orderBy('t.area_path')
    .orderBy('t.id')
    .execute();
}

export async function gridResponsibilities(db: Db, gridPath: string) {
  return responsibilitiesWithNames(db)
    .where(inSubtrees([gridPath], 'r.area_path'))
    .orderBy('r.area_path')
    .orderBy('r.id')
    .limit(500)
    .execute();
}
