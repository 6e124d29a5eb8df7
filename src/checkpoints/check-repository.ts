import { type Insertable, type Selectable, sql } from 'kysely';
import type { Db } from '../auth/context.js';
import type { CheckpointRecordsTable, PassesTable } from '../db/schema.js';

export type PassRow = Selectable<PassesTable>;
export type RecordRow = Selectable<CheckpointRecordsTable>;

export interface PersonBasics {
  id: number;
  name: string;
  document_masked: string;
  area_id: number | null;
  area_path: string | null;
  status: string;
}

const basics = (db: Db) =>
  db.selectFrom('persons').select(['id', 'name', 'document_masked', 'area_id', 'area_path', 'status']);

/** The register's person under any of these keyed document hashes (an active one first). */
export async function findPersonByDocumentHashes(
  db: Db,
  hashes: readonly string[],
): Promise<PersonBasics | undefined> {
  return basics(db)
    .where('document_hash', 'in', [...hashes])
    .orderBy(sql`status = 'active'`, 'desc')
    .orderBy('id')
    .executeTakeFirst();
}

export async function personsByIds(db: Db, ids: readonly number[]): Promise<PersonBasics[]> {
  if (ids.length === 0) return [];
  return basics(db)
    .where('id', 'in', [...ids])
    .orderBy('id')
    .execute();
}

/** The active residents of a house, a household at most: the door code's members to pick from. */
export async function houseMembers(db: Db, houseId: number): Promise<PersonBasics[]> {
  return basics(db)
    .where('house_id', '=', houseId)
    .where('status', '=', 'active')
    .orderBy('id')
    .limit(30)
    .execute();
}

/** A face-gate read of a person at this checkpoint since `since`. */
export async function findDeviceRecord(db: Db, id: number, checkpointId: number, since: Date) {
  return db
    .selectFrom('checkpoint_records')
    .select(['id', 'person_id', 'camera_id', 'at'])
    .where('id', '=', String(id))
    .where('checkpoint_id', '=', checkpointId)
    .where('subject', '=', 'person')
    .where('source', '=', 'device')
    .where('person_id', 'is not', null)
    .where('at', '>=', since)
    .executeTakeFirst();
}

export async function passPublicKeys(db: Db) {
  return db.selectFrom('pass_signing_keys').select(['kid', 'public_jwk']).execute();
}

export async function findPass(db: Db, id: number): Promise<PassRow | undefined> {
  return db.selectFrom('passes').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Each person's pass valid now at this checkpoint, if any: active, not revoked, in its validity,
 * naming the checkpoint or (none named) of an area holding it or held by it.
 */
export async function validPassesAt(
  db: Db,
  personIds: readonly number[],
  checkpoint: { id: number; area_path: string },
  now: Date,
): Promise<Map<number, PassRow>> {
  if (personIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('passes as p')
    .selectAll('p')
    .where('p.person_id', 'in', [...personIds])
    .where('p.status', '=', 'active')
    .where('p.revoked_at', 'is', null)
    .where('p.valid_from', '<=', now)
    .where('p.valid_to', '>', now)
    .where(
      sql<boolean>`(${checkpoint.id} = any(p.checkpoint_ids) or (cardinality(p.checkpoint_ids) = 0 and (
        starts_with(${checkpoint.area_path}, p.area_path) or starts_with(p.area_path, ${checkpoint.area_path}))))`,
    )
    .orderBy('p.valid_to', 'desc')
    .execute();
  const byPerson = new Map<number, PassRow>();
  for (const row of rows) if (!byPerson.has(row.person_id)) byPerson.set(row.person_id, row);
  return byPerson;
}

export async function insertRecord(db: Db, values: Insertable<CheckpointRecordsTable>): Promise<RecordRow> {
  return db.insertInto('checkpoint_records').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function setRecordEvent(db: Db, id: string, eventId: number): Promise<void> {
  await db.updateTable('checkpoint_records').set({ event_id: eventId }).where('id', '=', id).execute();
}

export async function staffCheckExists(db: Db, nonce: string): Promise<boolean> {
  const row = await db
    .selectFrom('checkpoint_records')
    .select('id')
    .where('source', '=', 'staff')
    .where('external_id', '=', nonce)
    .executeTakeFirst();
  return row !== undefined;
}

/** The checkpoint's crossings since `since`, newest first. */
export async function recentRecords(
  db: Db,
  checkpointId: number,
  since: Date,
  limit: number,
): Promise<RecordRow[]> {
  return db
    .selectFrom('checkpoint_records')
    .selectAll()
    .where('checkpoint_id', '=', checkpointId)
    .where('at', '>=', since)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function findEventCode(db: Db, id: number): Promise<string> {
  return (await db.selectFrom('events').select('code').where('id', '=', id).executeTakeFirstOrThrow()).code;
}

export async function categoryByCode(db: Db, code: string) {
  return db
    .selectFrom('event_categories')
    .select(['id', 'retired_at'])
    .where('code', '=', code)
    .executeTakeFirst();
}
