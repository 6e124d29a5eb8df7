import { type Insertable, type Selectable, sql } from 'kysely';
import type { Right } from '../auth/rights.js';
import { inScope, inSubtrees, type Viewer } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import { pageWindow } from '../core/pagination.js';
import type { AccessCodeKind, AccessCodesTable, PendingChangesTable } from '../db/schema.js';

export type AccessCodeRow = Selectable<AccessCodesTable>;

// ---- access codes ----

function codesWithTarget(db: Db) {
  return db
    .selectFrom('access_codes as c')
    .innerJoin('areas as a', 'a.id', 'c.area_id')
    .leftJoin('houses as h', 'h.id', 'c.house_id')
    .leftJoin('places as pl', 'pl.id', 'c.place_id')
    .leftJoin('units as u', 'u.id', 'c.unit_id')
    .selectAll('c')
    .select([
      'a.code as area_code',
      'a.name as area_name',
      'h.address as house_address',
      'pl.name as place_name',
      'u.name as unit_name',
    ]);
}
export type CodeRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof codesWithTarget>['executeTakeFirst']>>
>;

export async function findCodeInScope(db: Db, viewer: Viewer, right: Right, id: number) {
  return codesWithTarget(db)
    .where('c.id', '=', id)
    .where(inScope(viewer, right, 'c.area_path'))
    .executeTakeFirst();
}

export async function findCodeRow(db: Db, id: number) {
  return codesWithTarget(db).where('c.id', '=', id).executeTakeFirstOrThrow();
}

/** The active code with this token hash, if any: what every public route starts from. */
export async function findActiveCode(db: Db, kind: AccessCodeKind, hash: string) {
  return db
    .selectFrom('access_codes')
    .selectAll()
    .where('token_hash', '=', hash)
    .where('kind', '=', kind)
    .where('status', '=', 'active')
    .executeTakeFirst();
}

export interface CodeFilter {
  kind?: AccessCodeKind | undefined;
  withinPath?: string | undefined;
  houseId?: number | undefined;
  placeId?: number | undefined;
  status?: 'active' | 'revoked' | 'all' | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

export async function listCodes(db: Db, viewer: Viewer, filter: CodeFilter) {
  const { page, pageSize, offset } = pageWindow(filter);
  let base = codesWithTarget(db).where(inScope(viewer, 'person.read', 'c.area_path'));
  if (filter.kind) base = base.where('c.kind', '=', filter.kind);
  if (filter.withinPath) base = base.where(inSubtrees([filter.withinPath], 'c.area_path'));
  if (filter.houseId !== undefined) base = base.where('c.house_id', '=', filter.houseId);
  if (filter.placeId !== undefined) base = base.where('c.place_id', '=', filter.placeId);
  const status = filter.status ?? 'active';
  if (status !== 'all') base = base.where('c.status', '=', status);
  const [items, count] = await Promise.all([
    base.orderBy('c.area_path').orderBy('c.id', 'desc').limit(pageSize).offset(offset).execute(),
    base
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, page, pageSize, total: Number(count.n) };
}

export interface RevokeBy {
  now: Date;
  by: string;
  reason: string | null;
}

/** Revokes the active codes of these targets (one statement); returns the revoked ids. */
export async function revokeActive(
  db: Db,
  kind: AccessCodeKind,
  column: 'house_id' | 'place_id' | 'area_id' | 'unit_id',
  targetIds: number[],
  revoke: RevokeBy,
): Promise<number[]> {
  if (targetIds.length === 0) return [];
  const rows = await db
    .updateTable('access_codes')
    .set({ status: 'revoked', revoked_at: revoke.now, revoked_by: revoke.by, revoke_reason: revoke.reason })
    .where('kind', '=', kind)
    .where('status', '=', 'active')
    .where(column, 'in', targetIds)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function revokeCode(db: Db, id: number, revoke: RevokeBy): Promise<void> {
  await db
    .updateTable('access_codes')
    .set({ status: 'revoked', revoked_at: revoke.now, revoked_by: revoke.by, revoke_reason: revoke.reason })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .execute();
}

export async function insertCodes(db: Db, rows: Insertable<AccessCodesTable>[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const inserted = await db.insertInto('access_codes').values(rows).returning('id').execute();
  return inserted.map((r) => r.id);
}

// ---- houses of an area, with their active household code ----

export async function housesWithCodes(
  db: Db,
  filter: { areaPath: string } | { houseId: number },
  limit: number,
) {
  let query = db
    .selectFrom('houses as h')
    .leftJoin('access_codes as c', (join) =>
      join.onRef('c.house_id', '=', 'h.id').on('c.kind', '=', 'household').on('c.status', '=', 'active'),
    )
    .select([
      'h.id',
      'h.address',
      'h.area_id',
      'h.area_path',
      'h.door_number',
      'c.id as code_id',
      'c.token_secret',
    ])
    .where('h.retired_at', 'is', null);
  query =
    'houseId' in filter
      ? query.where('h.id', '=', filter.houseId)
      : query.where(inSubtrees([filter.areaPath], 'h.area_path'));
  return query.orderBy('h.area_path').orderBy('h.address').orderBy('h.id').limit(limit).execute();
}
export type HouseWithCode = Awaited<ReturnType<typeof housesWithCodes>>[number];

/** Names of the communities (village level) above each path: the door label and page show them. */
export async function communitiesOf(db: Db, paths: readonly string[]): Promise<Map<string, string>> {
  const ids = new Set<number>();
  for (const path of paths) for (const id of path.split('/').filter(Boolean)) ids.add(Number(id));
  if (ids.size === 0) return new Map();
  const villages = await db
    .selectFrom('areas')
    .select(['path', 'name'])
    .where('level', '=', 'village')
    .where('id', 'in', [...ids])
    .execute();
  const names = new Map<string, string>();
  for (const path of paths) {
    const village = villages.find((v) => path.startsWith(v.path));
    if (village) names.set(path, village.name);
  }
  return names;
}

// ---- pending changes ----

export async function insertPendingChange(db: Db, row: Insertable<PendingChangesTable>): Promise<number> {
  const inserted = await db
    .insertInto('pending_changes')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

function pendingWithPlace(db: Db) {
  return (
    db
      .selectFrom('pending_changes as pc')
      .innerJoin('areas as a', 'a.id', 'pc.area_id')
      .leftJoin('houses as h', 'h.id', 'pc.house_id')
      // document_hash is unique in persons: at most one match.
      .leftJoin('persons as p', 'p.document_hash', 'pc.document_hash')
      .selectAll('pc')
      .select([
        'a.code as area_code',
        'a.name as area_name',
        'h.address as house_address',
        'p.id as match_id',
        'p.house_id as match_house_id',
        'p.status as match_status',
        'p.area_path as match_area_path',
      ])
  );
}
export type PendingRow = Selectable<PendingChangesTable> & {
  area_code: string;
  area_name: string;
  house_address: string | null;
  match_id: number | null;
  match_house_id: number | null;
  match_status: string | null;
  match_area_path: string | null;
};

export async function findPendingInScope(
  db: Db,
  viewer: Viewer,
  id: number,
  options: { lock?: boolean } = {},
): Promise<PendingRow | undefined> {
  if (options.lock) {
    // Lock the change itself first, so two workers cannot confirm it twice.
    const locked = await db
      .selectFrom('pending_changes')
      .select('id')
      .where('id', '=', id)
      .where(inScope(viewer, 'person.read', 'pending_changes.area_path'))
      .forUpdate()
      .executeTakeFirst();
    if (!locked) return undefined;
  }
  return pendingWithPlace(db)
    .where('pc.id', '=', id)
    .where(inScope(viewer, 'person.read', 'pc.area_path'))
    .executeTakeFirst();
}

export interface PendingFilter {
  withinPath?: string | undefined;
  status?: 'pending' | 'confirmed' | 'rejected' | 'all' | undefined;
  kind?: PendingChangesTable['kind'] | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

export async function listPending(db: Db, viewer: Viewer, filter: PendingFilter) {
  const { page, pageSize, offset } = pageWindow(filter);
  let base = pendingWithPlace(db).where(inScope(viewer, 'person.read', 'pc.area_path'));
  if (filter.withinPath) base = base.where(inSubtrees([filter.withinPath], 'pc.area_path'));
  const status = filter.status ?? 'pending';
  if (status !== 'all') base = base.where('pc.status', '=', status);
  if (filter.kind) base = base.where('pc.kind', '=', filter.kind);
  // The task list works oldest first; decided changes read newest first.
  const direction = status === 'pending' ? 'asc' : 'desc';
  const [items, count] = await Promise.all([
    base
      .orderBy('pc.submitted_at', direction)
      .orderBy('pc.id', direction)
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

export async function decidePending(
  db: Db,
  id: number,
  decision: { status: 'confirmed' | 'rejected'; at: Date; by: string; reason?: string; personId?: number },
): Promise<void> {
  await db
    .updateTable('pending_changes')
    .set({
      status: decision.status,
      decided_at: decision.at,
      decided_by: decision.by,
      reject_reason: decision.reason ?? null,
      person_id: decision.personId ?? null,
    })
    .where('id', '=', id)
    .execute();
}

/** The active resident of a house holding this document, if any. */
export async function activeResident(db: Db, houseId: number, documentHash: string) {
  return db
    .selectFrom('persons')
    .select(['id', 'area_path'])
    .where('document_hash', '=', documentHash)
    .where('house_id', '=', houseId)
    .where('status', '=', 'active')
    .executeTakeFirst();
}

/** The house a household code opens, unless it was retired: its address only. */
export async function findActiveHouseForDoor(db: Db, houseId: number) {
  return db
    .selectFrom('houses')
    .select(['id', 'area_id', 'area_path', 'address', 'door_number', 'building', 'unit_number', 'room'])
    .where('id', '=', houseId)
    .where('retired_at', 'is', null)
    .executeTakeFirst();
}

/** The community a self-report code belongs to, unless it was retired. */
export async function findActiveCommunity(db: Db, areaId: number) {
  return db
    .selectFrom('areas')
    .select(['id', 'path', 'name'])
    .where('id', '=', areaId)
    .where('retired_at', 'is', null)
    .executeTakeFirst();
}

// ---- public limits (public-limits.ts): one counter per limit key, shared by every app node ----

/**
 * Counts one request on each key in one statement. A key's window starts at its first hit; a hit
 * after the window ended starts a new one. Answers each key's hits and window start.
 */
export async function countPublicHits(
  db: Db,
  keys: readonly string[],
  now: Date,
  windowMs: number,
): Promise<Array<{ limit_key: string; window_start: Date; hits: number }>> {
  const ended = new Date(now.getTime() - windowMs);
  const result = await sql<{ limit_key: string; window_start: Date; hits: number }>`
    insert into public_limit_hits as h (limit_key, window_start, hits)
    select k, ${now}::timestamptz, 1 from unnest(${[...keys]}::text[]) as k
    on conflict (limit_key) do update set
      hits = case when h.window_start <= ${ended}::timestamptz then 1 else h.hits + 1 end,
      window_start = case when h.window_start <= ${ended}::timestamptz then ${now}::timestamptz else h.window_start end
    returning limit_key, window_start, hits`.execute(db);
  return result.rows.map((row) => ({ ...row, window_start: new Date(row.window_start) }));
}

/** Forgets counters whose window ended; a second run finds nothing. */
export async function prunePublicHits(db: Db, now: Date, windowMs: number): Promise<number> {
  const result = await db
    .deleteFrom('public_limit_hits')
    .where('window_start', '<=', new Date(now.getTime() - windowMs))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
