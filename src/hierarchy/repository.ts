import { type Selectable, sql } from 'kysely';
import type { Right } from '../auth/rights.js';
import { ancestorOrSelfPaths, inScope, inSubtrees, scopePaths, type Viewer } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import { pageWindow } from '../core/pagination.js';
import type { AreasTable, AreaKind, AreaLevel } from '../db/schema.js';
import { AREA_PATH_TABLES } from '../db/scoped-tables.js';
import type { AreaListQuery } from './schema.js';

export type AreaRow = Selectable<AreasTable>;

/** The area, if the viewer holds `right` over it; otherwise undefined (the caller answers 404). */
export async function findAreaInScope(
  db: Db,
  viewer: Viewer,
  right: Right,
  id: number,
): Promise<AreaRow | undefined> {
  return db
    .selectFrom('areas')
    .selectAll()
    .where('id', '=', id)
    .where(inScope(viewer, right, 'areas.path'))
    .executeTakeFirst();
}

/** The areas with these codes, retired or not (callers chunk long lists). */
export async function findAreasByCodes(db: Db, codes: readonly string[]): Promise<AreaRow[]> {
  if (codes.length === 0) return [];
  return db.selectFrom('areas').selectAll().where('code', 'in', codes).execute();
}

/** The active areas at these paths, or the active top areas when `paths` is null. */
export async function findActiveAreasAtPaths(db: Db, paths: readonly string[] | null): Promise<AreaRow[]> {
  let query = db.selectFrom('areas').selectAll().where('retired_at', 'is', null);
  query = paths === null ? query.where('parent_id', 'is', null) : query.where('path', 'in', paths);
  return paths === null || paths.length > 0 ? query.execute() : [];
}

/** The first top-level area (lowest id), retired or not. */
export async function findFirstTopArea(db: Db): Promise<AreaRow | undefined> {
  return db.selectFrom('areas').selectAll().where('parent_id', 'is', null).orderBy('id').executeTakeFirst();
}

export async function findAreaById(db: Db, id: number): Promise<AreaRow | undefined> {
  return db.selectFrom('areas').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findAreaByCode(db: Db, code: string): Promise<AreaRow | undefined> {
  return db.selectFrom('areas').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function listAreas(db: Db, viewer: Viewer, query: AreaListQuery & { withinPath?: string }) {
  const { page, pageSize, offset } = pageWindow(query);
  let base = db.selectFrom('areas').where(inScope(viewer, 'area.read', 'areas.path'));
  if (query.parentId !== undefined) base = base.where('parent_id', '=', query.parentId);
  if (query.withinPath !== undefined) base = base.where(inSubtrees([query.withinPath], 'areas.path'));
  if (query.level) base = base.where('level', '=', query.level);
  if (query.kind) base = base.where('kind', '=', query.kind);
  if (!query.includeRetired) base = base.where('retired_at', 'is', null);
  if (query.q) {
    const q = query.q.trim();
    base = base.where((eb) =>
      eb.or([eb('name', 'like', `%${escapeLike(q)}%`), eb('code', 'like', `${escapeLike(q)}%`)]),
    );
  }
  const [items, count] = await Promise.all([
    base.selectAll().orderBy('code').limit(pageSize).offset(offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items,
    page,
    pageSize,
    total: Number(count.n),
    childCounts: await childCounts(
      db,
      items.map((i) => i.id),
    ),
  };
}

/** The top of the viewer's readable subtrees: where the navigator tree starts. */
export async function scopeRoots(db: Db, viewer: Viewer): Promise<AreaRow[]> {
  const paths = scopePaths(viewer, 'area.read');
  if (paths.length === 0) return [];
  if (paths.includes('/')) {
    return db
      .selectFrom('areas')
      .selectAll()
      .where('parent_id', 'is', null)
      .where('retired_at', 'is', null)
      .orderBy('code')
      .execute();
  }
  return db
    .selectFrom('areas')
    .selectAll()
    .where('path', 'in', paths)
    .where('retired_at', 'is', null)
    .orderBy('code')
    .execute();
}

export async function childCounts(db: Db, ids: number[]): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('areas')
    .select(['parent_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('parent_id', 'in', ids)
    .where('retired_at', 'is', null)
    .groupBy('parent_id')
    .execute();
  return new Map(rows.map((r) => [r.parent_id as number, Number(r.n)]));
}

export async function ancestorsOf(db: Db, area: AreaRow) {
  const ids = area.path.split('/').filter(Boolean).map(Number).slice(0, -1);
  if (ids.length === 0) return [];
  return db
    .selectFrom('areas')
    .select(['id', 'code', 'name', 'level'])
    .where('id', 'in', ids)
    .orderBy('depth')
    .execute();
}

export async function descendantCountsByLevel(db: Db, path: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('areas')
    .select(['level', (eb) => eb.fn.countAll<number>().as('n')])
    .where(inSubtrees([path], 'areas.path'))
    .where('path', '<>', path)
    .where('retired_at', 'is', null)
    .groupBy('level')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.level, Number(r.n)]));
}

export async function staffOf(db: Db, areaId: number) {
  return db
    .selectFrom('role_assignments as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['u.id as userId', 'u.display_name as displayName', 'u.username', 'r.role'])
    .where('r.area_id', '=', areaId)
    .where('u.disabled_at', 'is', null)
    .orderBy('r.role')
    .orderBy('u.display_name')
    .execute();
}

export async function childCodes(db: Db, parentId: number): Promise<string[]> {
  const rows = await db.selectFrom('areas').select('code').where('parent_id', '=', parentId).execute();
  return rows.map((r) => r.code);
}

export async function childrenWithBoundaries(db: Db, parentId: number) {
  return db
    .selectFrom('areas')
    .select(['id', 'code', 'name', 'level', 'kind', 'boundary'])
    .where('parent_id', '=', parentId)
    .where('retired_at', 'is', null)
    .orderBy('code')
    .execute();
}

export interface NewArea {
  parentId: number | null;
  parentPath: string | null;
  code: string;
  name: string;
  level: AreaLevel;
  kind: AreaKind;
  boundary: string | null;
  centreLng: number | null;
  centreLat: number | null;
}

/**
 * Inserts many areas in one statement. Ids are drawn from the sequence first so each row's
 * materialised path ("<parent path><id>/") is known before the insert.
 */
export async function insertAreas(db: Db, areas: NewArea[], now: Date): Promise<AreaRow[]> {
  if (areas.length === 0) return [];
  const ids = await sql<{
    id: number;
  }>`select nextval('areas_id_seq')::int as id from generate_series(1, ${areas.length})`.execute(db);
  const rows = areas.map((area, i) => {
    const id = ids.rows[i]!.id;
    const path = `${area.parentPath ?? '/'}${id}/`;
    return {
      id,
      parent_id: area.parentId,
      code: area.code,
      name: area.name,
      level: area.level,
      kind: area.kind,
      path,
      depth: path.split('/').length - 3,
      boundary: area.boundary,
      centre_lng: area.centreLng,
      centre_lat: area.centreLat,
      created_at: now,
      updated_at: now,
    };
  });
  const inserted: AreaRow[] = [];
  // Stay below the 65,535 bind-parameter limit.
  for (let start = 0; start < rows.length; start += 2000) {
    inserted.push(
      ...(await db
        .insertInto('areas')
        .values(rows.slice(start, start + 2000))
        .returningAll()
        .execute()),
    );
  }
  return inserted;
}

export async function updateArea(
  db: Db,
  id: number,
  changes: {
    name?: string;
    kind?: AreaKind;
    boundary?: string | null;
    centre_lng?: number | null;
    centre_lat?: number | null;
  },
  now: Date,
): Promise<AreaRow> {
  return db
    .updateTable('areas')
    .set({ ...changes, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Codes that a move would give the subtree, which already belong to areas outside it. */
export async function conflictingCodes(
  db: Db,
  subtreePath: string,
  oldPrefix: string,
  newPrefix: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('areas as moved')
    .innerJoin('areas as other', (join) =>
      join.on(sql`other.code`, '=', sql`${newPrefix} || substr(moved.code, ${oldPrefix.length + 1})`),
    )
    .select('other.code')
    .where(inSubtrees([subtreePath], 'moved.path'))
    .where((eb) => eb.not(inSubtrees([subtreePath], 'other.path')))
    .limit(10)
    .execute();
  return rows.map((r) => r.code);
}

/**
 * Moves a subtree in two set-based statements: every path under `oldPath` is rebased on
 * `newPath`, and codes starting with `oldCodePrefix` are rebased on `newCodePrefix`.
 * Codes go through a temporary form first so the unique index never sees a transient clash.
 */
export async function moveSubtree(
  db: Db,
  input: {
    areaId: number;
    newParentId: number;
    oldPath: string;
    newPath: string;
    oldCodePrefix: string;
    newCodePrefix: string;
    now: Date;
  },
): Promise<number> {
  const { oldPath, newPath, oldCodePrefix, newCodePrefix } = input;
  const subtree = inSubtrees([oldPath], 'path');
  const rewritesCodes = oldCodePrefix !== newCodePrefix;
  if (rewritesCodes) {
    await db
      .updateTable('areas')
      .set({ code: sql`'~' || code` })
      .where(subtree)
      .execute();
  }
  const result = await db
    .updateTable('areas')
    .set({
      path: sql`${newPath} || substr(path, ${oldPath.length + 1})`,
      ...(rewritesCodes ? { code: sql`${newCodePrefix} || substr(code, ${oldCodePrefix.length + 2})` } : {}),
      updated_at: input.now,
    })
    .where(subtree)
    .executeTakeFirst();
  await db
    .updateTable('areas')
    .set({ parent_id: input.newParentId })
    .where('id', '=', input.areaId)
    .execute();
  for (const table of AREA_PATH_TABLES) {
    await sql`update ${sql.table(table)} set area_path = ${newPath} || substr(area_path, ${oldPath.length + 1})
      where ${inSubtrees([oldPath], 'area_path')}`.execute(db);
  }
  return Number(result.numUpdatedRows);
}

export async function retireSubtree(db: Db, path: string, now: Date): Promise<number> {
  const result = await db
    .updateTable('areas')
    .set({ retired_at: now, updated_at: now })
    .where(inSubtrees([path], 'path'))
    .where('retired_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
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
