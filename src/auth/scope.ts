import { type Expression, type SqlBool, sql } from 'kysely';
import type { SystemName } from '../core/vocabulary.js';
import {
  type Capability,
  DEPARTMENT_CATEGORIES,
  type Right,
  RIGHTS,
  type Role,
  ROLES,
  rightsOf,
} from './rights.js';

export interface Assignment {
  role: Role;
  areaId: number;
  areaPath: string;
  categories: string[];
}

/** Who is asking: a signed-in user or a machine client. Every repository query is scoped by it. */
export type Viewer =
  | { kind: 'user'; userId: number; username: string; displayName: string; assignments: Assignment[] }
  | {
      kind: 'token';
      tokenId: number;
      name: string;
      capability: Capability;
      areaId: number;
      areaPath: string;
      /** A device token (capability device.alerts) may be bound to one camera or gate. */
      cameraId: number | null;
    }
  /** The operator at the command line (migrations, imports, create-admin): the whole tree. */
  | { kind: 'system'; name: SystemName };

export const SYSTEM_VIEWER: Viewer = Object.freeze({ kind: 'system', name: 'cli' });
/** Seeding the demo village: its audit entries read as 演示数据, not as the operator's command line. */
export const DEMO_VIEWER: Viewer = Object.freeze({ kind: 'system', name: 'demo' });

export function viewerName(viewer: Viewer): string {
  if (viewer.kind === 'user') return viewer.username;
  return `${viewer.kind}:${viewer.name}`;
}

/** The smallest set of subtree prefixes in which the viewer holds `right`. */
export function scopePaths(viewer: Viewer, right: Right): string[] {
  if (viewer.kind === 'system') return ['/'];
  if (viewer.kind !== 'user') return [];
  const paths = viewer.assignments
    .filter((a) => rightsOf(a.role, a.categories).includes(right))
    .map((a) => a.areaPath)
    .sort();
  return paths.filter((p, i) => !paths.slice(0, i).some((q) => p.startsWith(q)));
}

/** The rights the viewer's assignments give, one entry per area (the same table `can` reads). */
export function grantsOf(viewer: Viewer): Array<{ areaId: number; areaPath: string; rights: Right[] }> {
  if (viewer.kind !== 'user') return [];
  const byArea = new Map<number, { areaId: number; areaPath: string; rights: Set<Right> }>();
  for (const a of viewer.assignments) {
    const grant = byArea.get(a.areaId) ?? {
      areaId: a.areaId,
      areaPath: a.areaPath,
      rights: new Set<Right>(),
    };
    for (const right of rightsOf(a.role, a.categories)) grant.rights.add(right);
    byArea.set(a.areaId, grant);
  }
  return [...byArea.values()]
    .sort((x, y) => (x.areaPath < y.areaPath ? -1 : 1))
    .map((g) => ({ areaId: g.areaId, areaPath: g.areaPath, rights: RIGHTS.filter((r) => g.rights.has(r)) }));
}

export function can(viewer: Viewer, right: Right, areaPath: string): boolean {
  return scopePaths(viewer, right).some((prefix) => areaPath.startsWith(prefix));
}

export function canAnywhere(viewer: Viewer, right: Right): boolean {
  return scopePaths(viewer, right).length > 0;
}

/** Paths are "/1/5/23/": the successor of "/" is "0", so a prefix P covers [P, P with "/"→"0"). */
export function prefixUpperBound(prefix: string): string {
  return `${prefix.slice(0, -1)}0`;
}

/**
 * The one scope filter: `pathColumn` lies in a subtree where the viewer holds `right`.
 * A range on a "C"-collated column, so it uses the btree index on both backends.
 */
export function inScope(viewer: Viewer, right: Right, pathColumn: string): Expression<SqlBool> {
  return inSubtrees(scopePaths(viewer, right), pathColumn);
}

export function inSubtrees(prefixes: readonly string[], pathColumn: string): Expression<SqlBool> {
  if (prefixes.length === 0) return sql<SqlBool>`false`;
  const ref = sql.ref(pathColumn);
  const ranges = prefixes.map((p) => sql<SqlBool>`(${ref} >= ${p} and ${ref} < ${prefixUpperBound(p)})`);
  return sql<SqlBool>`(${sql.join(ranges, sql` or `)})`;
}

/** "/1/5/23/" → ["/1/", "/1/5/", "/1/5/23/"]: the area itself and every area above it. */
export function ancestorOrSelfPaths(path: string): string[] {
  const ids = path.split('/').filter(Boolean);
  return ids.map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`);
}

/** The smallest set of prefixes covering the same subtrees. */
export function minimalPrefixes(paths: readonly string[]): string[] {
  const sorted = [...new Set(paths)].sort();
  return sorted.filter((p, i) => !sorted.slice(0, i).some((q) => p.startsWith(q)));
}

/** Roles whose rights include `right`. */
export function rolesWith(right: Right): Role[] {
  return ROLES.filter((role) => rightsOf(role).includes(right));
}

/**
 * The set-based twin of `rightsOf(role, categories).includes(right)` for a role assignment row:
 * its role grants `right`, or it is a department role granted a category that opens `right`.
 * Built from the same tables, so SQL and `can()` never disagree on who holds what.
 */
export function assignmentGrants(
  right: Right,
  roleColumn: string,
  categoriesColumn: string,
): Expression<SqlBool> {
  const roles = rolesWith(right);
  const categories = Object.entries(DEPARTMENT_CATEGORIES)
    .filter(([, rights]) => (rights as readonly Right[]).includes(right))
    .map(([category]) => category);
  const role = sql.ref(roleColumn);
  const byRole = roles.length > 0 ? sql<SqlBool>`${role} in (${sql.join(roles)})` : sql<SqlBool>`false`;
  if (categories.length === 0) return byRole;
  return sql<SqlBool>`(${byRole} or (${role} = 'department' and ${sql.ref(categoriesColumn)} && ${sql.val(categories)}::text[]))`;
}

/**
 * Subtrees where the viewer holds `right` through a role other than volunteer. A volunteer's
 * service.handle lets them work their own households' requests, never see the whole micro-grid's.
 */
export function staffPaths(viewer: Viewer, right: Right = 'service.handle'): string[] {
  if (viewer.kind === 'system') return ['/'];
  if (viewer.kind !== 'user') return [];
  return minimalPrefixes(
    viewer.assignments
      .filter((a) => a.role !== 'volunteer' && rightsOf(a.role, a.categories).includes(right))
      .map((a) => a.areaPath),
  );
}

export function isStaffAt(viewer: Viewer, areaPath: string, right: Right = 'service.handle'): boolean {
  return staffPaths(viewer, right).some((prefix) => areaPath.startsWith(prefix));
}

/** `pathColumn` lies in one of the subtrees, or is an ancestor of one of their roots. */
export function inOrAbove(prefixes: readonly string[], pathColumn: string): Expression<SqlBool> {
  if (prefixes.length === 0) return sql<SqlBool>`false`;
  const above = [...new Set(prefixes.flatMap(ancestorOrSelfPaths))];
  return sql<SqlBool>`(${inSubtrees(prefixes, pathColumn)} or ${sql.ref(pathColumn)} in (${sql.join(above)}))`;
}
