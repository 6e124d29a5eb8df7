import { sql, type Expression, type SqlBool } from 'kysely';
import { type Right, type Role, ROLES, rightsOf } from '../auth/rights.js';
import { inSubtrees, type Viewer } from '../auth/scope.js';
import type { Db } from '../core/context.js';

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

/**
 * Whether the user holds a role (optionally one of `roles`) at an area inside `areaPath`'s
 * subtree or above it: the people who may serve there.
 */
export async function holdsRoleInOrAbove(
  db: Db,
  userId: number,
  areaPath: string,
  roles?: readonly Role[],
): Promise<boolean> {
  let query = db
    .selectFrom('role_assignments as ra')
    .innerJoin('areas as a', 'a.id', 'ra.area_id')
    .innerJoin('users as u', 'u.id', 'ra.user_id')
    .select('ra.id')
    .where('ra.user_id', '=', userId)
    .where('u.disabled_at', 'is', null)
    .where(inOrAbove([areaPath], 'a.path'));
  if (roles) query = query.where('ra.role', 'in', roles.length ? [...roles] : ['-']);
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}

export async function displayNameOf(db: Db, userId: number): Promise<string | undefined> {
  const row = await db.selectFrom('users').select('display_name').where('id', '=', userId).executeTakeFirst();
  return row?.display_name;
}

/** The micro-grid and grid a path lies in (either may be missing for areas above them). */
export async function gridAndMicrogridOf(db: Db, path: string) {
  const rows = await db
    .selectFrom('areas')
    .select(['id', 'path', 'name', 'code', 'level'])
    .where('path', 'in', ancestorOrSelfPaths(path))
    .where('level', 'in', ['grid', 'microgrid'])
    .execute();
  return {
    grid: rows.find((r) => r.level === 'grid'),
    microgrid: rows.find((r) => r.level === 'microgrid'),
  };
}
