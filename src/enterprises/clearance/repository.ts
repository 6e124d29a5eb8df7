import { sql } from 'kysely';
import type { Db } from '../../auth/context.js';
import { inScope, inSubtrees, type Viewer } from '../../auth/scope.js';
import type { Insertable } from 'kysely';
import type { RosterEmployeesTable, RosterUploadsTable } from '../../db/schema.js';

/** Rows per multi-row insert: ten parameters a row stays well under PostgreSQL's 65,535. */
const INSERT_CHUNK = 2_000;

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

export async function updateUpload(
  db: Db,
  id: number,
  counts: { accepted: number; removed: number },
): Promise<void> {
  await db.updateTable('roster_uploads').set(counts).where('id', '=', id).execute();
}

/**
 * Puts these employees on the unit's roster in a few multi-row statements: one row per ID number
 * and unit, so uploading the same roster again adds nothing. A roster row that was an application
 * becomes a roster row (the enterprise now lists the employee).
 */
export async function upsertEmployees(
  db: Db,
  rows: ReadonlyArray<Insertable<RosterEmployeesTable>>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await db
      .insertInto('roster_employees')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) =>
        oc.columns(['unit_id', 'document_hash']).doUpdateSet((eb) => ({
          name_masked: eb.ref('excluded.name_masked'),
          phone_masked: eb.ref('excluded.phone_masked'),
          secret: eb.ref('excluded.secret'),
          source: eb.ref('excluded.source'),
          upload_id: eb.ref('excluded.upload_id'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

/** An employee's own application: added when new, left as it is when already on the roster. */
export async function insertApplication(db: Db, row: Insertable<RosterEmployeesTable>): Promise<void> {
  await db
    .insertInto('roster_employees')
    .values(row)
    .onConflict((oc) => oc.columns(['unit_id', 'document_hash']).doNothing())
    .execute();
}

/** Roster rows of earlier uploads the new file no longer lists; applications stay. */
export async function removeRosterRowsBefore(db: Db, unitId: number, uploadId: number): Promise<number> {
  const result = await db
    .deleteFrom('roster_employees')
    .where('unit_id', '=', unitId)
    .where('source', '=', 'roster')
    .where((eb) => eb.or([eb('upload_id', '<>', uploadId), eb('upload_id', 'is', null)]))
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
