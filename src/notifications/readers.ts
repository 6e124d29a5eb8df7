import type { Expression, SqlBool } from 'kysely';
import type { Right, Role } from '../auth/rights.js';
import { type Assignment, canAnywhere, type Viewer } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import { activeRolesOf, whoPasses } from './repository.js';

/**
 * How the page a notification links to decides who may open it. The module that owns the object
 * hands its rule to notify(), so the outbox knows no domain above it.
 */
export interface ReadRule {
  /** What the notification is about, as stored and shown: 'event', 'service_request', 'announcement'. */
  entityType: string;
  /** The right the object's GET route asks for before looking (requireRight). */
  gate: Right;
  table: string;
  /** The alias the module's own visibility predicate is written against. */
  alias: string;
  /** The very predicate the object's GET route filters by: one rule, not a copy of it. */
  visible: (viewer: Viewer) => Expression<SqlBool>;
}

/** The candidates as the auth plugin would see them signed in: active accounts, roles at live areas. */
type UserViewer = Extract<Viewer, { kind: 'user' }>;

async function viewersOf(db: Db, userIds: readonly number[]): Promise<UserViewer[]> {
  const rows = await activeRolesOf(db, userIds);
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
  entity: { rule: ReadRule; id: number },
  userIds: readonly number[],
): Promise<number[]> {
  if (userIds.length === 0) return [];
  const { rule } = entity;
  const viewers = (await viewersOf(db, userIds)).filter((v) => canAnywhere(v, rule.gate));
  if (viewers.length === 0) return [];
  const result = await whoPasses(db, {
    table: rule.table,
    alias: rule.alias,
    id: entity.id,
    checks: viewers.map((viewer) => ({ userId: viewer.userId, visible: rule.visible(viewer) })),
  });
  const readers = new Set(result);
  return userIds.filter((u) => readers.has(u));
}
