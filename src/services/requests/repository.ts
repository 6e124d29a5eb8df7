import { type Expression, type Insertable, type SqlBool, sql, type Updateable } from 'kysely';
import { ancestorOrSelfPaths, inSubtrees, rolesWith, staffPaths, type Viewer } from '../../auth/scope.js';
import type { Db } from '../../auth/context.js';
import { pageWindow } from '../../core/pagination.js';
import type { ResidentRequestsTable, ResidentRequestStatus } from '../../db/schema.js';
import type { ReadRule } from '../../notifications/readers.js';

function requestsWithNames(db: Db) {
  return db
    .selectFrom('resident_requests as r')
    .innerJoin('houses as h', 'h.id', 'r.house_id')
    .innerJoin('areas as a', 'a.id', 'r.area_id')
    .leftJoin('users as v', 'v.id', 'r.volunteer_user_id')
    .leftJoin('users as c', 'c.id', 'r.created_by_user_id')
    .selectAll('r')
    .select([
      'h.address as house_address',
      'a.code as area_code',
      'a.name as area_name',
      'v.display_name as volunteer_name',
      'c.display_name as created_by_name',
    ]);
}
export type RequestRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof requestsWithNames>['executeTakeFirst']>>
>;

/**
 * Who sees a request: staff holding service.handle over its area (grid workers, leaders,
 * community staff), and the volunteer it is routed to. A volunteer never sees other households'.
 */
export function visibleTo(viewer: Viewer): Expression<SqlBool> {
  const staff = inSubtrees(staffPaths(viewer), 'r.area_path');
  if (viewer.kind !== 'user') return staff;
  return sql<SqlBool>`(${staff} or r.volunteer_user_id = ${viewer.userId})`;
}

/** Who is notified about a request: whoever GET /api/service-requests/:id would answer. */
export const REQUEST_READ_RULE: ReadRule = {
  entityType: 'service_request',
  gate: 'service.handle',
  table: 'resident_requests',
  alias: 'r',
  visible: visibleTo,
};

export async function findVisible(db: Db, viewer: Viewer, id: number) {
  return requestsWithNames(db).where('r.id', '=', id).where(visibleTo(viewer)).executeTakeFirst();
}

export async function findRequest(db: Db, id: number) {
  return requestsWithNames(db).where('r.id', '=', id).executeTakeFirstOrThrow();
}

/** The request a follow link opens (by the SHA-256 of its token). */
export async function findByFollowHash(db: Db, hash: string) {
  return requestsWithNames(db).where('r.follow_token_hash', '=', hash).executeTakeFirst();
}

export interface RequestFilter {
  mineUserId?: number | undefined;
  withinPath?: string | undefined;
  statuses?: ResidentRequestStatus[] | undefined;
  kind?: ResidentRequestsTable['kind'] | undefined;
  urgency?: 'normal' | 'urgent' | undefined;
  unassigned?: boolean | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

export async function listRequests(db: Db, viewer: Viewer, filter: RequestFilter) {
  const { page, pageSize, offset } = pageWindow(filter);
  let base = requestsWithNames(db).where(visibleTo(viewer));
  if (filter.mineUserId !== undefined) base = base.where('r.volunteer_user_id', '=', filter.mineUserId);
  if (filter.withinPath) base = base.where(inSubtrees([filter.withinPath], 'r.area_path'));
  if (filter.statuses) base = base.where('r.status', 'in', filter.statuses);
  if (filter.kind) base = base.where('r.kind', '=', filter.kind);
  if (filter.urgency) base = base.where('r.urgency', '=', filter.urgency);
  if (filter.unassigned !== undefined)
    base = base.where('r.volunteer_user_id', filter.unassigned ? 'is' : 'is not', null);
  const [items, count] = await Promise.all([
    base
      // Open work first, urgent before normal, oldest first; finished ones newest first.
      .orderBy(sql`case when r.status in ('open','accepted','delivered') then 0 else 1 end`)
      .orderBy(
        sql`case when r.status in ('open','accepted','delivered') and r.urgency = 'urgent' then 0 else 1 end`,
      )
      .orderBy(sql`case when r.status in ('open','accepted','delivered') then r.created_at end`, 'asc')
      .orderBy('r.created_at', 'desc')
      .orderBy('r.id', 'desc')
      .limit(pageSize)
      .offset(offset)
      .execute(),
    base
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, page, pageSize, total: Number(count.n) };
}

export async function insertRequest(db: Db, row: Insertable<ResidentRequestsTable>): Promise<number> {
  const inserted = await db
    .insertInto('resident_requests')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

/** Changes the request only if it is still in one of `from`: the guard against a concurrent change. */
export async function guardedUpdate(
  db: Db,
  id: number,
  from: readonly ResidentRequestStatus[],
  changes: Updateable<ResidentRequestsTable>,
): Promise<boolean> {
  const rows = await db
    .updateTable('resident_requests')
    .set(changes)
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .returning('id')
    .execute();
  return rows.length > 0;
}

/** The volunteer covering a house, if they can still sign in. */
export async function coveringVolunteer(db: Db, houseId: number) {
  return db
    .selectFrom('volunteer_households as vh')
    .innerJoin('users as u', 'u.id', 'vh.volunteer_user_id')
    .select(['u.id', 'u.display_name'])
    .where('vh.house_id', '=', houseId)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
}

/**
 * Staff who handle requests at the house's micro-grid and grid; when neither has any, those of
 * the nearest area above that has some (the community). Volunteers are not among them: they
 * serve their own households.
 */
export async function responders(db: Db, houseAreaPath: string): Promise<number[]> {
  const roles = rolesWith('service.handle').filter((r) => r !== 'volunteer');
  const rows = await db
    .selectFrom('role_assignments as ra')
    .innerJoin('areas as a', 'a.id', 'ra.area_id')
    .innerJoin('users as u', 'u.id', 'ra.user_id')
    .select(['ra.user_id', 'a.level', 'a.depth'])
    .where('a.path', 'in', ancestorOrSelfPaths(houseAreaPath))
    .where('ra.role', 'in', roles)
    .where('u.disabled_at', 'is', null)
    .orderBy('ra.user_id')
    .execute();
  const local = rows.filter((r) => r.level === 'microgrid' || r.level === 'grid');
  if (local.length > 0) return [...new Set(local.map((r) => r.user_id))];
  const deepest = Math.max(-1, ...rows.map((r) => r.depth));
  return [...new Set(rows.filter((r) => r.depth === deepest).map((r) => r.user_id))];
}

export async function historyOf(db: Db, id: number) {
  return db
    .selectFrom('audit_log')
    .select(['at', 'action', 'actor_name', 'before', 'after', 'reason'])
    .where('entity_type', '=', 'service_request')
    .where('entity_id', '=', String(id))
    .orderBy('at')
    .orderBy('id')
    .execute();
}
