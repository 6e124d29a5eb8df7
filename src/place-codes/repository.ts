import type { Insertable } from 'kysely';
import type { Right } from '../auth/rights.js';
import { inScope, inSubtrees, type Viewer } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import { pageWindow } from '../core/pagination.js';
import type { PlaceScansTable, PlacesTable } from '../db/schema.js';
import { escapeLike } from '../hierarchy/repository.js';

function placesWithCode(db: Db) {
  return db
    .selectFrom('places as pl')
    .innerJoin('areas as a', 'a.id', 'pl.area_id')
    .leftJoin('access_codes as c', (join) =>
      join.onRef('c.place_id', '=', 'pl.id').on('c.kind', '=', 'place').on('c.status', '=', 'active'),
    )
    .selectAll('pl')
    .select(['a.code as area_code', 'a.name as area_name', 'c.id as code_id'])
    .where('pl.retired_at', 'is', null);
}
export type PlaceRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof placesWithCode>['executeTakeFirst']>>
>;

export async function findPlaceInScope(db: Db, viewer: Viewer, right: Right, id: number) {
  return placesWithCode(db)
    .where('pl.id', '=', id)
    .where(inScope(viewer, right, 'pl.area_path'))
    .executeTakeFirst();
}

export async function insertPlace(db: Db, row: Insertable<PlacesTable>): Promise<number> {
  return (await db.insertInto('places').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function listPlaces(
  db: Db,
  viewer: Viewer,
  filter: { withinPath?: string; kind?: PlacesTable['kind']; q?: string; page?: number; pageSize?: number },
) {
  const { page, pageSize, offset } = pageWindow(filter);
  let base = placesWithCode(db).where(inScope(viewer, 'person.read', 'pl.area_path'));
  if (filter.withinPath) base = base.where(inSubtrees([filter.withinPath], 'pl.area_path'));
  if (filter.kind) base = base.where('pl.kind', '=', filter.kind);
  if (filter.q?.trim()) base = base.where('pl.name', 'like', `%${escapeLike(filter.q.trim())}%`);
  const [items, count] = await Promise.all([
    base.orderBy('pl.area_path').orderBy('pl.name').limit(pageSize).offset(offset).execute(),
    base
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, page, pageSize, total: Number(count.n) };
}

/** The live place behind an active place code. */
export async function placeByCodeHash(db: Db, hash: string) {
  return db
    .selectFrom('access_codes as c')
    .innerJoin('places as pl', 'pl.id', 'c.place_id')
    .select(['c.id as code_id', 'pl.id', 'pl.name', 'pl.kind', 'pl.area_path'])
    .where('c.token_hash', '=', hash)
    .where('c.kind', '=', 'place')
    .where('c.status', '=', 'active')
    .where('pl.retired_at', 'is', null)
    .executeTakeFirst();
}

export async function insertScan(db: Db, row: Insertable<PlaceScansTable>): Promise<number> {
  return (await db.insertInto('place_scans').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function listScans(
  db: Db,
  placeId: number,
  filter: {
    from?: Date | undefined;
    to?: Date | undefined;
    page?: number | undefined;
    pageSize?: number | undefined;
  },
) {
  const { page, pageSize, offset } = pageWindow(filter);
  let base = db.selectFrom('place_scans').where('place_id', '=', placeId);
  if (filter.from) base = base.where('scanned_at', '>=', filter.from);
  if (filter.to) base = base.where('scanned_at', '<', filter.to);
  const [items, count] = await Promise.all([
    base
      .select(['id', 'scanned_at', 'name_masked', 'document_masked', 'phone_masked'])
      .orderBy('scanned_at', 'desc')
      .orderBy('id', 'desc')
      .limit(pageSize)
      .offset(offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, page, pageSize, total: Number(count.n) };
}

/** Deletes scans older than the cutoff in batches, so a large backlog never holds one long lock. */
export async function deleteScansBefore(db: Db, cutoff: Date, batch = 10_000): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await db
      .deleteFrom('place_scans')
      .where('id', 'in', (eb) =>
        eb.selectFrom('place_scans').select('id').where('scanned_at', '<', cutoff).limit(batch),
      )
      .executeTakeFirst();
    const deleted = Number(result.numDeletedRows);
    total += deleted;
    if (deleted < batch) return total;
  }
}

/** An active unit the viewer may read, that a place can be tied to. */
export async function findActiveUnitInScope(
  db: Db,
  viewer: Viewer,
  unitId: number,
): Promise<{ id: number } | undefined> {
  return db
    .selectFrom('units')
    .select('id')
    .where('id', '=', unitId)
    .where('retired_at', 'is', null)
    .where(inScope(viewer, 'person.read', 'units.area_path'))
    .executeTakeFirst();
}
