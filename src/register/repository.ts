import {
  type ExpressionBuilder,
  type Insertable,
  type RawBuilder,
  type Selectable,
  sql,
  type Updateable,
} from 'kysely';
import type { Right } from '../auth/rights.js';
import { inScope, inSubtrees, type Viewer } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import { pageWindow } from '../core/pagination.js';
import type { PersonHealthFilter } from '../core/vocabulary.js';
import type { DB, HousesTable, PersonsTable, TenanciesTable, UnitsTable } from '../db/schema.js';
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
  /** For the health filters: the time "within 24 h" counts from, and what a fever is. */
  now?: Date;
  feverThreshold?: number;
}

/**
 * A health filter as a condition on `p`: one probe of person_health (or key_persons) by the
 * person's id. Health facts are health data: the caller also restricts to health.read.
 */
function healthCondition(filter: PersonHealthFilter, now: Date, feverThreshold: number) {
  const facts = (condition: RawBuilder<unknown>) =>
    sql<boolean>`exists (select 1 from person_health h where h.person_id = p.id and ${condition})`;
  switch (filter) {
    case 'fever_24h':
      return facts(sql`h.last_temperature >= ${feverThreshold}::numeric
        and h.last_temperature_at > ${now}::timestamptz - interval '24 hours' and h.last_temperature_at <= ${now}`);
    case 'key_person':
      return sql<boolean>`exists (select 1 from key_persons k where k.person_id = p.id and k.status = 'active')`;
    case 'no_dose':
      return sql<boolean>`not ${facts(sql`h.vaccination_doses > 0`)}`;
    case 'positive_14d':
      return facts(
        sql`h.last_test_result = 'positive' and h.last_test_at > ${now}::timestamptz - interval '14 days'`,
      );
    case 'red_code':
      return facts(sql`h.health_code = 'RED'`);
    case 'yellow_code':
      return facts(sql`h.health_code = 'YELLOW'`);
  }
}

export async function searchPersons(db: Db, viewer: Viewer, query: PersonSearch) {
  const { page, pageSize, offset } = pageWindow(query);
  let base = personsWithPlace(db).where(inScope(viewer, 'person.read', 'p.area_path'));
  if (query.withinPath) base = base.where(inSubtrees([query.withinPath], 'p.area_path'));
  if (query.houseId) base = base.where('p.house_id', '=', query.houseId);
  if (query.tag) base = base.where(sql<boolean>`p.tags @> array[${query.tag}]::text[]`);
  if (query.residenceType) base = base.where('p.residence_type', '=', query.residenceType);
  if (query.status !== 'all') base = base.where('p.status', '=', query.status ?? 'active');
  if (query.health)
    base = base
      .where(inScope(viewer, 'health.read', 'p.area_path'))
      .where(healthCondition(query.health, query.now ?? new Date(), query.feverThreshold ?? 37.3));
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

// ---- persons: writes ----

export async function insertPerson(db: Db, values: Insertable<PersonsTable>): Promise<number> {
  const row = await db.insertInto('persons').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updatePersonRow(db: Db, id: number, values: Updateable<PersonsTable>): Promise<void> {
  await db.updateTable('persons').set(values).where('id', '=', id).execute();
}

/** A batch of people whose birth date still sits in the clear column (before issue #9's sealing). */
export async function personsWithClearBirthDate(db: Db, limit: number) {
  return db
    .selectFrom('persons')
    .select(['id', 'secret', 'birth_date'])
    .where('birth_date', 'is not', null)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Writes the sealed records and birth years of those people in one statement, emptying the clear column. */
export async function sealBirthDateRows(
  db: Db,
  rows: { ids: number[]; secrets: string[]; years: number[] },
): Promise<void> {
  await sql`
    update persons p set secret = i.secret, birth_year = i.birth_year, birth_date = null
    from unnest(${rows.ids}::int[], ${rows.secrets}::text[], ${rows.years}::int[]) as i(id, secret, birth_year)
    where p.id = i.id`.execute(db);
}

// ---- houses and tenancies ----

/** A live house of that address in the area (other than `exceptId`), if any. */
export async function findHouseByAddress(db: Db, areaId: number, address: string, exceptId?: number) {
  let query = db
    .selectFrom('houses')
    .select('id')
    .where('area_id', '=', areaId)
    .where('address', '=', address)
    .where('retired_at', 'is', null);
  if (exceptId) query = query.where('id', '<>', exceptId);
  return query.executeTakeFirst();
}

export async function insertHouse(db: Db, values: Insertable<HousesTable>): Promise<number> {
  const row = await db.insertInto('houses').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateHouseRow(db: Db, id: number, values: Updateable<HousesTable>): Promise<void> {
  await db.updateTable('houses').set(values).where('id', '=', id).execute();
}

/** A page of the live houses the viewer may read (optionally under `withinPath`, address containing `q`), and the total. */
export async function listHousesInScope(
  db: Db,
  viewer: Viewer,
  filter: { withinPath?: string; q?: string; limit: number; offset: number },
) {
  let base = db
    .selectFrom('houses as h')
    .innerJoin('areas as a', 'a.id', 'h.area_id')
    .where('h.retired_at', 'is', null)
    .where(inScope(viewer, 'person.read', 'h.area_path'));
  if (filter.withinPath !== undefined) base = base.where(inSubtrees([filter.withinPath], 'h.area_path'));
  if (filter.q) base = base.where('h.address', 'like', `%${escapeLike(filter.q)}%`);
  const [rows, count] = await Promise.all([
    base
      .selectAll('h')
      .select(['a.code as area_code', 'a.name as area_name'])
      .orderBy('h.area_path')
      .orderBy('h.address')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** A house's tenancies with the tenant's name, newest first. */
export async function houseTenancies(db: Db, houseId: number) {
  return db
    .selectFrom('tenancies as t')
    .innerJoin('persons as p', 'p.id', 't.tenant_person_id')
    .select([
      't.id',
      't.tenant_person_id',
      'p.name',
      't.landlord_person_id',
      't.starts_on',
      't.ends_on',
      't.lease_reference',
      't.status',
    ])
    .where('t.house_id', '=', houseId)
    .orderBy('t.starts_on', 'desc')
    .execute();
}

export async function insertTenancy(db: Db, values: Insertable<TenanciesTable>): Promise<number> {
  const row = await db.insertInto('tenancies').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

// ---- units ----

export function unitsWithArea(db: Db) {
  return db
    .selectFrom('units as u')
    .innerJoin('areas as a', 'a.id', 'u.area_id')
    .selectAll('u')
    .select(['a.code as area_code', 'a.name as area_name'])
    .where('u.retired_at', 'is', null);
}

/** A live unit with its area, whoever asks (right after the caller created it). */
export async function findUnit(db: Db, id: number) {
  return unitsWithArea(db).where('u.id', '=', id).executeTakeFirst();
}

export async function findUnitInScope(db: Db, viewer: Viewer, right: Right, id: number) {
  return unitsWithArea(db)
    .where('u.id', '=', id)
    .where(inScope(viewer, right, 'u.area_path'))
    .executeTakeFirst();
}
export type UnitRow = NonNullable<Awaited<ReturnType<typeof findUnit>>>;

/** A page of the live units the viewer may read, filtered, and the total. */
export async function listUnitsInScope(
  db: Db,
  viewer: Viewer,
  filter: { withinPath?: string; category?: UnitRow['category']; q?: string; limit: number; offset: number },
) {
  let base = unitsWithArea(db).where(inScope(viewer, 'person.read', 'u.area_path'));
  if (filter.withinPath !== undefined) base = base.where(inSubtrees([filter.withinPath], 'u.area_path'));
  if (filter.category) base = base.where('u.category', '=', filter.category);
  if (filter.q) base = base.where('u.name', 'like', `%${escapeLike(filter.q)}%`);
  const [rows, count] = await Promise.all([
    base.orderBy('u.name').limit(filter.limit).offset(filter.offset).execute(),
    base
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function findUnitByCreditCode(db: Db, creditCode: string) {
  return db.selectFrom('units').select('id').where('credit_code', '=', creditCode).executeTakeFirst();
}

export async function insertUnit(db: Db, values: Insertable<UnitsTable>): Promise<number> {
  const row = await db.insertInto('units').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function unitAreaPath(db: Db, id: number): Promise<string> {
  return (await db.selectFrom('units').select('area_path').where('id', '=', id).executeTakeFirstOrThrow())
    .area_path;
}

export async function markUnitRetired(db: Db, id: number, now: Date): Promise<void> {
  await db.updateTable('units').set({ retired_at: now }).where('id', '=', id).execute();
}

// ---- lookup budgets ----

/** Counts one use in each of the caller's windows (upsert), answering the counts after it. */
export async function spendBudgetWindows(
  db: Db,
  caller: string,
  windows: { seconds: number[]; starts: string[] },
) {
  const result = await sql<{ window_seconds: number; window_start: Date; used: number }>`
    insert into lookup_budgets (caller, window_seconds, window_start, used)
    select ${caller}, w.seconds, w.start, 1
    from unnest(${windows.seconds}::int[], ${windows.starts}::timestamptz[]) as w(seconds, start)
    on conflict (caller, window_seconds, window_start) do update set used = lookup_budgets.used + 1
    returning window_seconds, window_start, used`.execute(db);
  return result.rows;
}

export async function deleteBudgetWindowsBefore(db: Db, caller: string, before: Date): Promise<void> {
  await sql`delete from lookup_budgets where caller = ${caller} and window_start < ${before}`.execute(db);
}
