import { type Expression, type SqlBool, sql } from 'kysely';
import { visibleTo as announcementVisibleTo } from '../announcements/repository.js';
import type { Right, Role } from '../auth/rights.js';
import { type Assignment, canAnywhere, type Viewer } from '../auth/scope.js';
import type { Db } from '../core/context.js';
import { visibleTo as eventVisibleTo } from '../events/repository.js';
import { visibleTo as requestVisibleTo } from '../services/requests/repository.js';

interface ReadRule {
  /** The right the object's GET route asks for before looking (requireRight). */
  gate: Right;
  table: string;
  /** The alias the module's own visibility predicate is written against. */
  alias: string;
  /** The very predicate the object's GET route filters by: one rule, not a copy of it. */
  visible: (viewer: Viewer) => Expression<SqlBool>;
}

/**
 * What a notification can be about, and how its page decides who may open it: the recipient of a
 * notification must pass the same check as GET /api/events/:id, /api/service-requests/:id and
 * /api/announcements/:id.
 */
const READ_RULES = {
  event: { gate: 'event.read', table: 'events', alias: 'e', visible: (viewer) => eventVisibleTo(viewer) },
  service_request: {
    gate: 'service.handle',
    table: 'resident_requests',
    alias: 'r',
    visible: requestVisibleTo,
  },
  announcement: {
    gate: 'area.read',
    table: 'announcements',
    alias: 'an',
    visible: announcementVisibleTo,
  },
} as const satisfies Record<string, ReadRule>;

export type NotifiedEntity = keyof typeof READ_RULES;

/** The candidates as the auth plugin would see them signed in: active accounts, roles at live areas. */
type UserViewer = Extract<Viewer, { kind: 'user' }>;

async function viewersOf(db: Db, userIds: readonly number[]): Promise<UserViewer[]> {
  const rows = await db
    .selectFrom('role_assignments as r')
    .innerJoin('areas as a', 'a.id', 'r.area_id')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['r.user_id', 'u.username', 'u.display_name', 'r.role', 'r.area_id', 'a.path', 'r.categories'])
    .where('r.user_id', 'in', [...userIds])
    .where('u.disabled_at', 'is', null)
    .where('a.retired_at', 'is', null)
    .orderBy('r.user_id')
    .orderBy('a.path')
    .execute();
  const viewers = new Map<number, UserViewer>();
  for (const row of rows) {
    let viewer = viewers.get(row.user_id);
    if (!viewer) {
      viewer = {
        kind: 'user',
        userId: row.user_id,
        username: row.username,
        displayName: row.display_name,
        assignments: [],
      };
      viewers.set(row.user_id, viewer);
    }
    const assignment: Assignment = {
      role: row.role as Role,
      areaId: row.area_id,
      areaPath: row.path,
      categories: row.categories,
    };
    viewer.assignments.push(assignment);
  }
  return [...viewers.values()];
}

/**
 * Those of `userIds` who may open the object: two queries whatever their number (everyone's
 * roles, then one statement asking the object's own visibility rule once per candidate).
 */
export async function readersAmong(
  db: Db,
  entity: { type: NotifiedEntity; id: number },
  userIds: readonly number[],
): Promise<number[]> {
  if (userIds.length === 0) return [];
  const rule: ReadRule = READ_RULES[entity.type];
  const viewers = (await viewersOf(db, userIds)).filter((v) => canAnywhere(v, rule.gate));
  if (viewers.length === 0) return [];
  const from = sql`${sql.table(rule.table)} as ${sql.raw(rule.alias)}`;
  const id = sql.ref(`${rule.alias}.id`);
  const branches = viewers.map(
    (viewer) =>
      sql`select ${viewer.userId}::int as user_id from ${from}
          where ${id} = ${entity.id} and ${rule.visible(viewer)}`,
  );
  const result = await sql<{ user_id: number }>`${sql.join(branches, sql` union all `)}`.execute(db);
  const readers = new Set(result.rows.map((r) => Number(r.user_id)));
  return userIds.filter((u) => readers.has(u));
}
