import { sql } from 'kysely';
import type { Db } from '../../auth/context.js';
import { inScope, inSubtrees, type Viewer } from '../../auth/scope.js';
import type { Insertable } from 'kysely';
import type { RosterEmployeesTable, RosterUploadsTable } from '../../db/schema.js';

/** Register persons by the keyed hash of their ID number: id and name (the name only to compare). */
export async function personsByHash(
  db: Db,
  hashes: readonly string[],
): Promise<Map<string, { id: number; name: string }>> {
  if (hashes.length === 0) return new Map();
  const rows = await db
    .selectFrom('persons')
    .select(['id', 'name', 'document_hash'])
    .where('document_hash', '=', sql<string>`any(${[...hashes]}::text[])`)
    .execute();
  return new Map(rows.map((r) => [r.document_hash, { id: r.id, name: r.name }]));
}

export async function insertUpload(db: Db, row: Insertable<RosterUploadsTable>) {
  return db.insertInto('roster_uploads').values(row).returningAll().executeTakeFirstOrThrow();
}

/** One employee row of an upload: what differs from row to row. */
export interface UploadedEmployee {
  document_hash: string;
  document_masked: string;
  name_masked: string;
  phone_masked: string | null;
  secret: string;
}

/**
 * Puts these employees on the unit's roster in one statement (the rows as five arrays, unnested:
 * no parameter per value, whatever the roster's size): one row per ID number and unit, so
 * uploading the same roster again adds nothing. A roster row that was an application becomes a
 * roster row (the enterprise now lists the employee).
 */
export async function upsertEmployees(
  db: Db,
  upload: { unitId: number; areaPath: string; uploadId: number; now: Date },
  rows: readonly UploadedEmployee[],
): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into roster_employees (unit_id, area_path, document_hash, document_masked, name_masked, phone_masked,
      secret, source, upload_id, created_at, updated_at)
    select ${upload.unitId}::integer, ${upload.areaPath}::text, r.document_hash, r.document_masked, r.name_masked,
      r.phone_masked, r.secret, 'roster', ${upload.uploadId}::integer, ${upload.now}::timestamptz,
      ${upload.now}::timestamptz
    from unnest(${rows.map((r) => r.document_hash)}::text[], ${rows.map((r) => r.document_masked)}::text[],
      ${rows.map((r) => r.name_masked)}::text[], ${rows.map((r) => r.phone_masked)}::text[],
      ${rows.map((r) => r.secret)}::text[])
      as r (document_hash, document_masked, name_masked, phone_masked, secret)
    on conflict (unit_id, document_hash) do update set name_masked = excluded.name_masked,
      phone_masked = excluded.phone_masked, secret = excluded.secret, source = excluded.source,
      upload_id = excluded.upload_id, updated_at = excluded.updated_at`.execute(db);
}

/** An employee's own application: added when new, left as it is when already on the roster. */
export async function insertApplication(db: Db, row: Insertable<RosterEmployeesTable>): Promise<void> {
  await db
    .insertInto('roster_employees')
    .values(row)
    .onConflict((oc) => oc.columns(['unit_id', 'document_hash']).doNothing())
    .execute();
}

/** The unit's roster rows as stored (to leave the rows an upload does not change untouched). */
export async function storedEmployees(db: Db, unitId: number) {
  return db
    .selectFrom('roster_employees')
    .select(['document_hash', 'document_masked', 'name_masked', 'phone_masked', 'secret', 'source'])
    .where('unit_id', '=', unitId)
    .execute();
}
export type StoredEmployee = Awaited<ReturnType<typeof storedEmployees>>[number];

/** These roster rows (not applications) of the unit taken off: the new file no longer lists them. */
export async function removeRosterRows(db: Db, unitId: number, hashes: readonly string[]): Promise<number> {
  if (hashes.length === 0) return 0;
  const result = await db
    .deleteFrom('roster_employees')
    .where('unit_id', '=', unitId)
    .where('source', '=', 'roster')
    .where('document_hash', '=', sql<string>`any(${[...hashes]}::text[])`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The unit's roster with each employee's register person, found now (a later registration counts). */
export async function rosterOf(db: Db, unitId: number) {
  return db
    .selectFrom('roster_employees as e')
    .leftJoin('persons as p', 'p.document_hash', 'e.document_hash')
    .select([
      'e.id',
      'e.name_masked',
      'e.document_masked',
      'e.phone_masked',
      'e.source',
      'p.id as person_id',
      'p.area_path as person_area_path',
    ])
    .where('e.unit_id', '=', unitId)
    .orderBy('e.id')
    .execute();
}
export type RosterRow = Awaited<ReturnType<typeof rosterOf>>[number];

export async function lastUpload(db: Db, unitId: number) {
  return db
    .selectFrom('roster_uploads')
    .selectAll()
    .where('unit_id', '=', unitId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function findUpload(db: Db, unitId: number, uploadId: number) {
  return db
    .selectFrom('roster_uploads')
    .selectAll()
    .where('unit_id', '=', unitId)
    .where('id', '=', uploadId)
    .executeTakeFirst();
}
export type RosterUploadRow = NonNullable<Awaited<ReturnType<typeof findUpload>>>;

/**
 * Every rostered employee of the viewer's enterprise.read subtrees (within `withinPath` when
 * given): the employee's enterprise area and register person, for the per-area clearance counts.
 */
export async function rosteredInScope(db: Db, viewer: Viewer, withinPath?: string) {
  let query = db
    .selectFrom('roster_employees as e')
    .leftJoin('persons as p', 'p.document_hash', 'e.document_hash')
    .select(['e.area_path', 'p.id as person_id'])
    .where(inScope(viewer, 'enterprise.read', 'e.area_path'));
  if (withinPath !== undefined) query = query.where(inSubtrees([withinPath], 'e.area_path'));
  return query.execute();
}
