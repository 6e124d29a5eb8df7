import { type ExpressionBuilder, type Selectable, sql } from 'kysely';
import type { Right } from '../auth/rights.js';
import { inScope, inSubtrees, type Viewer } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import { pageWindow } from '../core/pagination.js';
import type { DB, PersonsTable } from '../db/schema.js';
import { escapeLike } from '../hierarchy/repository.js';
import type { PersonQuery } from './schema.js';

export type PersonRow = Selectable<PersonsTable> & {
  area_code: string | null;
  area_name: string | null;
  house_address: string | null;
};

function personsWithPlace(db: Db) {
  return db
    .selectFrom('persons as p')
    .leftJoin('areas as a', 'a.id', 'p.area_id')
    .leftJoin('houses as h', 'h.id', 'p.house_id')
    .selectAll('p')
    .select(['a.code as area_code', 'a.name as area_name', 'h.address as house_address']);
}

export async function findPersonInScope(
  db: Db,
  viewer: Viewer,
  right: Right,
  id: number,
): Promise<PersonRow | undefined> {
  return personsWithPlace(db)
    .where('p.id', '=', id)
    .where(inScope(viewer, right, 'p.area_path'))
    .executeTakeFirst();
}

/** Several hashes: the same number under each configured cipher suite while a suite switch is rotated in. */
export async function findPersonByDocumentHash(
  db: Db,
  hash: string | readonly string[],
): Promise<PersonRow | undefined> {
  const hashes = typeof hash === 'string' ? [hash] : [...hash];
  return personsWithPlace(db).where('p.document_hash', 'in', hashes).orderBy('p.id').executeTakeFirst();
}

/** What a search string may be: the keyed hashes of a full ID number or phone are computed by the caller. */
export interface PersonSearch extends PersonQuery {
  withinPath?: string;
  documentHash?: string;
  phoneHash?: string;
}

export async function searchPersons(db: Db, viewer: Viewer, query: PersonSearch) {
  const { page, pageSize, offset } = pageWindow(query);
  let base = personsWithPlace(db).where(inScope(viewer, 'person.read', 'p.area_path'));
  if (query.withinPath) base = base.where(inSubtrees([query.withinPath], 'p.area_path'));
  if (query.houseId) base = base.where('p.house_id', '=', query.houseId);
  if (query.tag) base = base.where(sql<boolean>`p.tags @> array[${query.tag}]::text[]`);
  if (query.residenceType) base = base.where('p.residence_type', '=', query.residenceType);
  if (query.status !== 'all') base = base.where('p.status', '=', query.status ?? 'active');
  const q = query.q?.trim();
  if (q) {
    base = base.where((eb: ExpressionBuilder<DB & { p: PersonsTable }, 'p'>) => {
      const like = `%${escapeLike(q)}%`;
      const options = [eb('p.name', 'like', `${escapeLike(q)}%`), eb('p.current_address', 'like', like)];
      if (query.documentHash) options.push(eb('p.document_hash', '=', query.documentHash));
      if (query.phoneHash) options.push(eb('p.phone_hash', '=', query.phoneHash));
      // Masked forms ("1****************4", "138****5678") or the last four digits of a phone.
      if (/^[0-9Xx*]{4,18}$/.test(q)) {
        const pattern = q.toUpperCase().replace(/\*+/g, '%');
        options.push(eb('p.document_masked', 'like', q.includes('*') ? pattern : `%${pattern}`));
        options.push(eb('p.phone_masked', 'like', q.includes('*') ? pattern : `%${pattern}`));
      }
      return eb.or(options);
    });
  }
  const [items, count] = await Promise.all([
    base.orderBy('p.name').orderBy('p.id').limit(pageSize).offset(offset).execute(),
    base
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, page, pageSize, total: Number(count.n) };
}

export async function personHistory(db: Db, personId: number) {
  return db
    .selectFrom('person_history as h')
    .leftJoin('areas as fa', 'fa.id', 'h.from_area_id')
    .leftJoin('areas as ta', 'ta.id', 'h.to_area_id')
    .leftJoin('houses as fh', 'fh.id', 'h.from_house_id')
    .leftJoin('houses as th', 'th.id', 'h.to_house_id')
    .select([
      'fh.address as from_house',
      'th.address as to_house',
      'h.at',
      'h.kind',
      'fa.name as from_area',
      'ta.name as to_area',
      'h.changes',
      'h.actor_name',
      'h.source',
    ])
    .where('h.person_id', '=', personId)
    .orderBy('h.at', 'desc')
    .orderBy('h.id', 'desc')
    .execute();
}

export interface HistoryInput {
  personId: number;
  kind: Selectable<DB['person_history']>['kind'];
  at: Date;
  actorName: string;
  fromAreaId?: number | null;
  toAreaId?: number | null;
  fromHouseId?: number | null;
  toHouseId?: number | null;
  changes?: object | null;
  source?: string | null;
}

export async function recordHistory(db: Db, entries: HistoryInput[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('person_history')
    .values(
      entries.map((e) => ({
        person_id: e.personId,
        kind: e.kind,
        at: e.at,
        actor_name: e.actorName,
        from_area_id: e.fromAreaId ?? null,
        to_area_id: e.toAreaId ?? null,
        from_house_id: e.fromHouseId ?? null,
        to_house_id: e.toHouseId ?? null,
        changes: e.changes ? JSON.stringify(e.changes) : null,
        source: e.source ?? null,
      })),
    )
    .execute();
}

export async function findHouseInScope(db: Db, viewer: Viewer, right: Right, id: number) {
  return db
    .selectFrom('houses as h')
    .innerJoin('areas as a', 'a.id', 'h.area_id')
    .selectAll('h')
    .select(['a.code as area_code', 'a.name as area_name'])
    .where('h.id', '=', id)
    .where('h.retired_at', 'is', null)
    .where(inScope(viewer, right, 'h.area_path'))
    .executeTakeFirst();
}
export type HouseRow = NonNullable<Awaited<ReturnType<typeof findHouseInScope>>>;

/** A house that is not retired, whoever asks: the public door-code routes have no viewer to scope by. */
export async function findLiveHouse(db: Db, id: number) {
  return db
    .selectFrom('houses')
    .select(['id', 'area_id', 'area_path', 'address'])
    .where('id', '=', id)
    .where('retired_at', 'is', null)
    .executeTakeFirst();
}

export async function occupantCounts(db: Db, houseIds: number[]): Promise<Map<number, number>> {
  if (houseIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('persons')
    .select(['house_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('house_id', 'in', houseIds)
    .where('status', '=', 'active')
    .groupBy('house_id')
    .execute();
  return new Map(rows.map((r) => [r.house_id as number, Number(r.n)]));
}
