import { type Insertable, type RawBuilder, type Selectable, sql, type Updateable } from 'kysely';
import { inScope, inSubtrees, type Viewer } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import type { AreaLevel, HousesTable, ImportJobsTable, PersonsTable, UnitsTable } from '../db/schema.js';

// All SQL of the register import: set-based, one statement per batch and purpose, never one per row.

/** One column handed to unnest(): its name in the statement, its SQL array type and its values. */
export interface ArrayColumn {
  name: string;
  type: 'text' | 'int' | 'date' | 'numeric' | 'bool' | 'jsonb';
  values: ReadonlyArray<string | number | boolean | null>;
}

/** `unnest($1::text[], $2::int[], …) as i(a, b, …)`: a batch as a relation, one parameter per column. */
function unnest(columns: readonly ArrayColumn[], ordinality = false): RawBuilder<unknown> {
  const arrays = columns.map((c) =>
    c.type === 'jsonb' ? sql`${c.values}::text[]` : sql`${c.values}::${sql.raw(c.type)}[]`,
  );
  const names = columns.map((c) => sql.raw(c.name));
  if (ordinality) return sql`unnest(${sql.join(arrays)}) with ordinality as i(${sql.join(names)}, n)`;
  return sql`unnest(${sql.join(arrays)}) as i(${sql.join(names)})`;
}

export interface AreaRef {
  id: number;
  code: string;
  path: string;
  level: AreaLevel;
  retired_at: Date | null;
}

export async function areasByCode(db: Db, codes: string[]): Promise<AreaRef[]> {
  if (codes.length === 0) return [];
  const result =
    await sql<AreaRef>`select id, code, path, level, retired_at from areas where code = any(${codes}::text[])`.execute(
      db,
    );
  return result.rows;
}

/** Live houses at (area, address), to link persons to; a person import never creates houses. */
export async function housesAt(db: Db, keys: Array<{ areaId: number; address: string }>) {
  if (keys.length === 0) return [];
  const result = await sql<{ id: number; area_id: number; address: string }>`
    select h.id, h.area_id, h.address from houses h
    join ${unnest([
      { name: 'area_id', type: 'int', values: keys.map((k) => k.areaId) },
      { name: 'address', type: 'text', values: keys.map((k) => k.address) },
    ])} on h.area_id = i.area_id and h.address = i.address
    where h.retired_at is null`.execute(db);
  return result.rows;
}

// ---------------------------------------------------------------- persons

export type StoredPerson = Pick<
  Selectable<PersonsTable>,
  | 'id'
  | 'document_hash'
  | 'name'
  | 'sex'
  | 'birth_year'
  | 'secret'
  | 'region_code'
  | 'hukou_address'
  | 'current_address'
  | 'residence_type'
  | 'relation'
  | 'arrival_date'
  | 'arrival_reason'
  | 'arrived_from'
  | 'expected_departure'
  | 'workplace'
  | 'tags'
  | 'phone_hash'
  | 'area_id'
  | 'area_path'
  | 'house_id'
  | 'status'
  | 'content_hash'
>;

export async function personsByDocumentHash(db: Db, hashes: string[]): Promise<StoredPerson[]> {
  if (hashes.length === 0) return [];
  const result = await sql<StoredPerson>`
    select id, document_hash, name, sex, birth_year, secret, region_code, hukou_address, current_address, residence_type,
      relation, arrival_date, arrival_reason, arrived_from, expected_departure, workplace, tags, phone_hash,
      area_id, area_path, house_id, status, content_hash
    from persons where document_hash in (select unnest(${hashes}::text[]))`.execute(db);
  return result.rows;
}

export interface WriteMeta {
  at: Date;
  actorName: string;
  source: string;
}

/**
 * Inserts the batch's persons and their 'registered' history in one statement; a document
 * already registered is left alone (on conflict). Returns the 0-based positions of those rows,
 * which the caller then compares with what is stored. A batch of new people needs no lookup.
 */
export async function insertPersons(
  db: Db,
  columns: readonly ArrayColumn[],
  meta: WriteMeta,
): Promise<number[]> {
  const result = await sql<{ n: number }>`
    with i as (select * from ${unnest(columns, true)}),
    ins as (
      insert into persons (name, document_type, document_hash, document_masked, phone_hash, phone_masked, secret,
        sex, birth_year, region_code, hukou_address, current_address, residence_type, relation, arrival_date,
        arrival_reason, arrived_from, expected_departure, workplace, tags, area_id, area_path, house_id,
        content_hash, created_at, updated_at)
      select name, document_type, document_hash, document_masked, phone_hash, phone_masked, secret,
        sex, birth_year, region_code, hukou_address, current_address, residence_type, relation, arrival_date,
        arrival_reason, arrived_from, expected_departure, workplace, coalesce(string_to_array(tags, ','), '{}'),
        area_id, area_path, house_id, content_hash, ${meta.at}, ${meta.at}
      from i
      on conflict (document_hash) do nothing
      returning id, document_hash, area_id, house_id
    ), history as (
      insert into person_history (person_id, kind, at, actor_name, to_area_id, to_house_id, source)
      select id, 'registered', ${meta.at}, ${meta.actorName}, area_id, house_id, ${meta.source} from ins
    )
    select (n - 1)::int as n from i where not exists (select 1 from ins where ins.document_hash = i.document_hash)`.execute(
    db,
  );
  return result.rows.map((r) => r.n);
}

/** Columns an update may set from the batch relation `i` (`p` is the stored person). */
const PERSON_SET: Record<string, string> = {
  sex: 'coalesce(i.sex, p.sex)',
  birth_year: 'coalesce(i.birth_year, p.birth_year)',
  tags: "coalesce(string_to_array(i.tags, ','), '{}')",
  phone_hash: 'case when i.secret_changed then i.phone_hash else p.phone_hash end',
  phone_masked: 'case when i.secret_changed then i.phone_masked else p.phone_masked end',
  secret: 'case when i.secret_changed then i.secret else p.secret end',
};

/**
 * Updates changed persons from the batch relation: every given column except `id` is set
 * (a column absent from the file is not given, so it keeps its value); the person becomes
 * active again. Then appends their history entries.
 */
export async function updatePersons(
  db: Db,
  columns: readonly ArrayColumn[],
  history: readonly ArrayColumn[],
  meta: WriteMeta,
  /** Columns whose null means "keep the stored value" rather than "clear it". */
  keep: readonly string[] = [],
): Promise<number> {
  const sets = columns
    .filter((c) => c.name !== 'id' && c.name !== 'secret_changed')
    .map((c) =>
      sql.raw(
        `${c.name} = ${(keep.includes(c.name) ? `coalesce(i.${c.name}, p.${c.name})` : PERSON_SET[c.name]) ?? `i.${c.name}`}`,
      ),
    );
  const result = await sql`
    update persons p set ${sql.join(sets)}, status = 'active', departed_on = null, departure_destination = null,
      updated_at = ${meta.at}
    from ${unnest(columns)} where p.id = i.id`.execute(db);
  await sql`
    insert into person_history (person_id, kind, at, actor_name, from_area_id, to_area_id, from_house_id, to_house_id, changes, source)
    select person_id, kind, ${meta.at}, ${meta.actorName}, from_area_id, to_area_id, from_house_id, to_house_id, changes::jsonb, ${meta.source}
    from ${unnest(history)}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Records the content hash of rows found equal to the file (e.g. registered through the API) without touching them otherwise. */
export async function setContentHashes(
  db: Db,
  table: 'persons' | 'units',
  ids: number[],
  hashes: string[],
): Promise<void> {
  if (ids.length === 0) return;
  await sql`update ${sql.table(table)} t set content_hash = i.content_hash
    from ${unnest([
      { name: 'id', type: 'int', values: ids },
      { name: 'content_hash', type: 'text', values: hashes },
    ])} where t.id = i.id`.execute(db);
}

// ---------------------------------------------------------------- houses

export type StoredHouse = Selectable<HousesTable>;

/** Houses matching an address code (retired ones too: the code is unique for ever) or a live (area, address). */
export async function housesByKeys(
  db: Db,
  codes: string[],
  places: Array<{ areaId: number; address: string }>,
): Promise<StoredHouse[]> {
  const byCode = codes.length
    ? (await sql<StoredHouse>`select * from houses where address_code = any(${codes}::text[])`.execute(db))
        .rows
    : [];
  const byPlace = places.length
    ? (
        await sql<StoredHouse>`select h.* from houses h join ${unnest([
          { name: 'area_id', type: 'int', values: places.map((k) => k.areaId) },
          { name: 'address', type: 'text', values: places.map((k) => k.address) },
        ])} on h.area_id = i.area_id and h.address = i.address where h.retired_at is null`.execute(db)
      ).rows
    : [];
  return [...byCode, ...byPlace];
}

export async function insertHouses(db: Db, columns: readonly ArrayColumn[], at: Date): Promise<number> {
  const result = await sql`
    insert into houses (address, address_code, road, door_number, building, unit_number, room, use, tenure, house_type,
      rooms, floor_area, area_id, area_path, created_at, updated_at)
    select address, address_code, road, door_number, building, unit_number, room, coalesce(use, 'residential'),
      coalesce(tenure, 'owned'), coalesce(house_type, 'house'), rooms, floor_area, area_id, area_path, ${at}, ${at}
    from ${unnest(columns)}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export async function updateHouses(db: Db, columns: readonly ArrayColumn[], at: Date): Promise<number> {
  const sets = columns.filter((c) => c.name !== 'id').map((c) => sql.raw(`${c.name} = i.${c.name}`));
  const result = await sql`update houses t set ${sql.join(sets)}, retired_at = null, updated_at = ${at}
    from ${unnest(columns)} where t.id = i.id`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

// ---------------------------------------------------------------- units

export type StoredUnit = Selectable<UnitsTable>;

/** Units by credit code, or by (area, name) among those without one; retired ones too (an import revives them). */
export async function unitsByKeys(
  db: Db,
  codes: string[],
  places: Array<{ areaId: number; name: string }>,
): Promise<StoredUnit[]> {
  const byCode = codes.length
    ? (await sql<StoredUnit>`select * from units where credit_code = any(${codes}::text[])`.execute(db)).rows
    : [];
  const byPlace = places.length
    ? (
        await sql<StoredUnit>`select u.* from units u join ${unnest([
          { name: 'area_id', type: 'int', values: places.map((k) => k.areaId) },
          { name: 'name', type: 'text', values: places.map((k) => k.name) },
        ])} on u.area_id = i.area_id and u.name = i.name where u.credit_code is null`.execute(db)
      ).rows
    : [];
  return [...byCode, ...byPlace];
}

export async function insertUnits(db: Db, columns: readonly ArrayColumn[], at: Date): Promise<number> {
  const result = await sql`
    insert into units (name, category, credit_code, legal_person, contact_name, contact_phone_hash, contact_phone_masked,
      secret, employees, address, area_id, area_path, content_hash, created_at, updated_at)
    select name, category, credit_code, legal_person, contact_name, contact_phone_hash, contact_phone_masked,
      secret, employees, address, area_id, area_path, content_hash, ${at}, ${at}
    from ${unnest(columns)}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export async function updateUnits(db: Db, columns: readonly ArrayColumn[], at: Date): Promise<number> {
  const sets = columns.filter((c) => c.name !== 'id').map((c) => sql.raw(`${c.name} = i.${c.name}`));
  const result = await sql`update units t set ${sql.join(sets)}, retired_at = null, updated_at = ${at}
    from ${unnest(columns)} where t.id = i.id`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

// ---------------------------------------------------------------- import jobs

export type ImportJobRow = Selectable<ImportJobsTable>;

export async function insertJob(db: Db, job: Insertable<ImportJobsTable>): Promise<ImportJobRow> {
  return db.insertInto('import_jobs').values(job).returningAll().executeTakeFirstOrThrow();
}

export async function findJob(db: Db, id: string): Promise<ImportJobRow | undefined> {
  return db.selectFrom('import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateJob(db: Db, id: string, changes: Updateable<ImportJobsTable>): Promise<void> {
  await db.updateTable('import_jobs').set(changes).where('id', '=', id).execute();
}

/** Jobs still marked running, with who runs them and when they last said so. */
export async function runningJobs(
  db: Db,
): Promise<Array<Pick<ImportJobRow, 'id' | 'owner' | 'heartbeat_at'>>> {
  return db
    .selectFrom('import_jobs')
    .select(['id', 'owner', 'heartbeat_at'])
    .where('status', '=', 'running')
    .execute();
}

/** Marks jobs failed unless they finished meanwhile. */
export async function failRunningJobs(db: Db, ids: string[], error: string, at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('import_jobs')
    .set({ status: 'failed', error, finished_at: at })
    .where('id', 'in', ids)
    .where('status', '=', 'running')
    .execute();
}

/** Rejected rows' original cells are kept only for a while: they hold personal data. */
export async function forgetOldRejects(db: Db, before: Date): Promise<void> {
  await db
    .updateTable('import_jobs')
    .set({ reject_rows: null })
    .where('finished_at', '<', before)
    .where('reject_rows', 'is not', null)
    .execute();
}

// ---------------------------------------------------------------- export

export interface ExportRow extends Selectable<PersonsTable> {
  area_code: string | null;
  area_name: string | null;
  house_address: string | null;
}

/** One page of persons under `withinPath` in the viewer's export scope, by id (keyset paging). */
export async function exportPage(
  db: Db,
  viewer: Viewer,
  withinPath: string,
  afterId: number,
  limit: number,
  status: 'active' | 'all',
): Promise<ExportRow[]> {
  let query = db
    .selectFrom('persons as p')
    .leftJoin('areas as a', 'a.id', 'p.area_id')
    .leftJoin('houses as h', 'h.id', 'p.house_id')
    .selectAll('p')
    .select(['a.code as area_code', 'a.name as area_name', 'h.address as house_address'])
    .where(inSubtrees([withinPath], 'p.area_path'))
    .where(inScope(viewer, 'person.export', 'p.area_path'))
    .where('p.id', '>', afterId);
  if (status === 'active') query = query.where('p.status', '=', 'active');
  return query.orderBy('p.id').limit(limit).execute();
}

export async function exportCount(
  db: Db,
  viewer: Viewer,
  withinPath: string,
  status: 'active' | 'all',
): Promise<number> {
  let query = db
    .selectFrom('persons as p')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(inSubtrees([withinPath], 'p.area_path'))
    .where(inScope(viewer, 'person.export', 'p.area_path'));
  if (status === 'active') query = query.where('p.status', '=', 'active');
  return Number((await query.executeTakeFirstOrThrow()).n);
}
