import { type Insertable, sql, type Updateable } from 'kysely';
import type { Db } from '../auth/context.js';
import type { Right } from '../auth/rights.js';
import { inOrAbove, inScope, inSubtrees, scopePaths, type Viewer } from '../auth/scope.js';
import { staffableBy } from './duty-repository.js';
import { pageWindow } from '../core/pagination.js';
import type { GateVisitsTable, PassesTable, PassSigningKeysTable } from '../db/schema.js';
import { PASS_CLOCK_SKEW_SECONDS } from './pass-token.js';

// ---- signing keys

export async function findActiveSigningKey(db: Db) {
  return db
    .selectFrom('pass_signing_keys')
    .select(['kid', 'private_secret'])
    .where('retired_at', 'is', null)
    .executeTakeFirst();
}

/** False when another node's key became active first (the unique index on the active key). */
export async function insertSigningKeyIfNoneActive(
  db: Db,
  row: Insertable<PassSigningKeysTable>,
): Promise<boolean> {
  const inserted = await db
    .insertInto('pass_signing_keys')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function retireActiveSigningKey(db: Db, now: Date): Promise<string | null> {
  const row = await db
    .updateTable('pass_signing_keys')
    .set({ retired_at: now })
    .where('retired_at', 'is', null)
    .returning('kid')
    .executeTakeFirst();
  return row?.kid ?? null;
}

/** The active key, and retired keys while an active pass issued before their retirement is still valid. */
export async function publishedSigningKeys(db: Db, now: Date) {
  const validAfter = new Date(now.getTime() - PASS_CLOCK_SKEW_SECONDS * 1000);
  return db
    .selectFrom('pass_signing_keys as k')
    .select(['k.kid', 'k.public_jwk'])
    .where((eb) =>
      eb.or([
        eb('k.retired_at', 'is', null),
        eb.exists(
          eb
            .selectFrom('passes as p')
            .select(sql`1`.as('one'))
            .where('p.status', '=', 'active')
            .where('p.valid_to', '>', validAfter)
            .whereRef('p.issued_at', '<=', 'k.retired_at'),
        ),
      ]),
    )
    .orderBy('k.id', 'desc')
    .execute();
}

// ---- passes

function passesWithHolder(db: Db) {
  return db
    .selectFrom('passes as p')
    .innerJoin('persons as pe', 'pe.id', 'p.person_id')
    .innerJoin('areas as a', 'a.id', 'p.area_id')
    .selectAll('p')
    .select([
      'pe.name as holder_name',
      'pe.document_masked as holder_document_masked',
      'a.code as area_code',
      'a.name as area_name',
    ]);
}
export type PassRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof passesWithHolder>['executeTakeFirst']>>
>;

export async function findPassInScope(db: Db, viewer: Viewer, right: Right, id: number) {
  return passesWithHolder(db)
    .where('p.id', '=', id)
    .where(inScope(viewer, right, 'p.area_path'))
    .executeTakeFirst();
}

/** Computed statuses: 'active' means still valid; 'expired' an active pass past its end. */
export type PassListStatus = 'pending' | 'active' | 'expired' | 'revoked' | 'rejected';

export async function listPasses(
  db: Db,
  viewer: Viewer,
  filter: { status?: PassListStatus; personId?: number; page?: number; pageSize?: number; now: Date },
) {
  const { page, pageSize, offset } = pageWindow(filter);
  let base = passesWithHolder(db).where(inScope(viewer, 'pass.issue', 'p.area_path'));
  if (filter.status === 'active')
    base = base.where('p.status', '=', 'active').where('p.valid_to', '>', filter.now);
  else if (filter.status === 'expired')
    base = base.where('p.status', '=', 'active').where('p.valid_to', '<=', filter.now);
  else if (filter.status) base = base.where('p.status', '=', filter.status);
  if (filter.personId !== undefined) base = base.where('p.person_id', '=', filter.personId);
  const [items, count] = await Promise.all([
    base.orderBy('p.created_at', 'desc').orderBy('p.id', 'desc').limit(pageSize).offset(offset).execute(),
    base
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, page, pageSize, total: Number(count.n) };
}

export async function insertPass(db: Db, row: Insertable<PassesTable>): Promise<number> {
  return (await db.insertInto('passes').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

/** Changes a pass only if it is still in `from` (two staff deciding at once: one wins). */
export async function updatePassFrom(
  db: Db,
  id: number,
  from: 'pending' | 'active',
  patch: Updateable<PassesTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('passes')
    .set(patch)
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Live checkpoints among `ids` where the viewer holds `right`. */
export async function checkpointsInScope(db: Db, viewer: Viewer, right: Right, ids: readonly number[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('checkpoints')
    .select(['id', 'name', 'area_path'])
    .where('id', 'in', [...ids])
    .where('retired_at', 'is', null)
    .where(inScope(viewer, right, 'area_path'))
    .execute();
}

export async function checkpointNames(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('checkpoints')
    .select(['id', 'name'])
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The checkpoints a gate phone verifies at: live ones the viewer staffs (the gate's rule, `staffableBy`). */
export async function gateCheckpoints(db: Db, viewer: Viewer) {
  return db
    .selectFrom('checkpoints as c')
    .select(['c.id', 'c.name', 'c.area_path'])
    .where('c.retired_at', 'is', null)
    .where(staffableBy(viewer, 'c'))
    .orderBy('c.area_path')
    .orderBy('c.name')
    .limit(500)
    .execute();
}

/**
 * Revoked passes the viewer may meet when checking: those a gate they staff would open (passes naming
 * that checkpoint, or opening every checkpoint of an area it lies in or guards, as pass-token.ts
 * decides), and — for whoever checks in a subtree, also away from any registered gate (a patrol, a
 * pop-up check) — area passes valid in that subtree. Only those not yet expired (an expired pass is
 * refused anyway); since = incremental.
 */
export async function revokedPasses(db: Db, viewer: Viewer, filter: { since?: Date; now: Date }) {
  const validAfter = new Date(filter.now.getTime() - PASS_CLOCK_SKEW_SECONDS * 1000);
  const checkPaths = scopePaths(viewer, 'checkpoint.check');
  let query = db
    .selectFrom('passes as p')
    .select(['p.id', 'p.revoked_at'])
    .where('p.status', '=', 'revoked')
    .where('p.valid_to', '>', validAfter)
    .where((eb) =>
      eb.or([
        ...(checkPaths.length > 0
          ? [eb.and([sql<boolean>`cardinality(p.checkpoint_ids) = 0`, inOrAbove(checkPaths, 'p.area_path')])]
          : []),
        eb.exists(
          eb
            .selectFrom('checkpoints as c')
            .select(sql`1`.as('one'))
            .where('c.retired_at', 'is', null)
            .where(staffableBy(viewer, 'c'))
            .where(
              sql<boolean>`(c.id = any(p.checkpoint_ids) or (cardinality(p.checkpoint_ids) = 0
                and (starts_with(c.area_path, p.area_path) or starts_with(p.area_path, c.area_path))))`,
            ),
        ),
      ]),
    );
  if (filter.since) query = query.where('p.revoked_at', '>', filter.since);
  return query.orderBy('p.revoked_at').execute();
}

/** A registered, active member of the house whose document matches (any of the configured hashes). */
export async function householdMemberByDocument(db: Db, houseId: number, hashes: readonly string[]) {
  return db
    .selectFrom('persons')
    .select(['id', 'name', 'area_id', 'area_path', 'house_id'])
    .where('house_id', '=', houseId)
    .where('status', '=', 'active')
    .where('document_hash', 'in', [...hashes])
    .executeTakeFirst();
}

// ---- visitors at residents-only gates

/** The residents-only checkpoint a place code belongs to, if any. */
export async function residentsOnlyCheckpointOfPlace(db: Db, placeId: number) {
  return db
    .selectFrom('checkpoints')
    .select(['id', 'name', 'area_id', 'area_path'])
    .where('place_id', '=', placeId)
    .where('residents_only', '=', true)
    .where('retired_at', 'is', null)
    .orderBy('id')
    .executeTakeFirst();
}

/** Live houses of an area, to pick the host from (door number and address, never who lives there). */
export async function hostHouses(db: Db, areaPath: string, limit: number) {
  return db
    .selectFrom('houses')
    .select(['id', 'address', 'door_number', 'building', 'unit_number', 'room'])
    .where('retired_at', 'is', null)
    .where(inSubtrees([areaPath], 'area_path'))
    .orderBy('address')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function findHostHouse(db: Db, areaPath: string, houseId: number) {
  return db
    .selectFrom('houses')
    .select(['id', 'address'])
    .where('id', '=', houseId)
    .where('retired_at', 'is', null)
    .where(inSubtrees([areaPath], 'area_path'))
    .executeTakeFirst();
}

export async function insertGateVisit(db: Db, row: Insertable<GateVisitsTable>): Promise<void> {
  await db.insertInto('gate_visits').values(row).execute();
}

export async function listGateVisits(
  db: Db,
  viewer: Viewer,
  checkpointId: number,
  filter: { page?: number; pageSize?: number },
) {
  const { page, pageSize, offset } = pageWindow(filter);
  const base = db
    .selectFrom('gate_visits as v')
    .innerJoin('place_scans as s', 's.id', 'v.place_scan_id')
    .innerJoin('houses as h', 'h.id', 'v.house_id')
    .where('v.checkpoint_id', '=', checkpointId)
    // Who oversees the gate's area, or who staffs the gate (its team too).
    .where(({ or, exists, selectFrom }) =>
      or([
        inScope(viewer, 'checkpoint.read', 'v.area_path'),
        exists(
          selectFrom('checkpoints as c')
            .select(sql`1`.as('one'))
            .whereRef('c.id', '=', 'v.checkpoint_id')
            .where(staffableBy(viewer, 'c')),
        ),
      ]),
    );
  const [items, count] = await Promise.all([
    base
      .select([
        'v.id',
        'v.visited_at',
        'v.purpose',
        'h.address as house_address',
        's.name_masked',
        's.document_masked',
        's.phone_masked',
      ])
      .orderBy('v.visited_at', 'desc')
      .orderBy('v.id', 'desc')
      .limit(pageSize)
      .offset(offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, page, pageSize, total: Number(count.n) };
}
