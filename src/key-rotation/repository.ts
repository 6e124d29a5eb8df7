import { type Kysely, sql } from 'kysely';
import type { Db } from '../auth/context.js';
import type { DB } from '../db/schema.js';

// The rotation walks tables named in its own target list, so these statements take table and column names as data.

export type KeyType = 'int4' | 'text';
export type Row = Record<string, unknown>;
export type RowKey = Readonly<{ column: string; type: KeyType }>;

export interface TableReport {
  table: string;
  scanned: number;
  reencrypted: number;
  rehashed: number;
}

/** Where an interrupted rotation resumes: the next row after `after` in `table`, and the figures so far. */
export interface RotationCheckpoint {
  keyId: string;
  table: string;
  after: unknown[];
  tables: TableReport[];
  carried: number;
}

const CHECKPOINT = 'key_rotation';

const ref = (column: string) => sql.ref(column);
const list = (columns: readonly string[]) => sql.join(columns.map(ref));

export async function readCheckpoint(db: Db): Promise<RotationCheckpoint | null> {
  const row = await db
    .selectFrom('app_meta')
    .select('value')
    .where('key', '=', CHECKPOINT)
    .executeTakeFirst();
  return (row?.value as RotationCheckpoint | null | undefined) ?? null;
}

/** Saves the checkpoint, or removes it (null) once the rotation is done. */
export async function writeCheckpoint(db: Db, checkpoint: RotationCheckpoint | null): Promise<void> {
  if (checkpoint === null) {
    await db.deleteFrom('app_meta').where('key', '=', CHECKPOINT).execute();
    return;
  }
  await db
    .insertInto('app_meta')
    .values({ key: CHECKPOINT, value: JSON.stringify(checkpoint) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(checkpoint) }))
    .execute();
}

export async function countRows(db: Db, table: string): Promise<number> {
  const result = await sql<{ n: string | number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * Reads the next `limit` rows after the key `after` (null: from the start), in key order, locked
 * for the transaction so the app cannot change a row between the caller's read and its write.
 */
export async function lockRowsAfter(
  trx: Db,
  table: string,
  keyColumns: readonly string[],
  columns: readonly string[],
  after: readonly unknown[] | null,
  limit: number,
): Promise<Row[]> {
  const result = await sql<Row>`
    select ${list(columns)} from ${sql.table(table)}
    ${after ? sql`where (${list(keyColumns)}) > (${sql.join(after)})` : sql``}
    order by ${list(keyColumns)} limit ${limit} for update`.execute(trx);
  return result.rows;
}

/** Sets the given columns of the given rows (found by their keys) in one statement, from typed arrays. */
export async function updateRowsByKey(
  trx: Db,
  table: string,
  keys: readonly RowKey[],
  columns: readonly string[],
  rows: readonly Row[],
): Promise<void> {
  const arrays = [
    ...keys.map((key) => sql`${rows.map((row) => row[key.column])}::${sql.raw(key.type)}[]`),
    ...columns.map((column) => sql`${rows.map((row) => row[column] ?? null)}::text[]`),
  ];
  const names = [...keys.map((key) => key.column), ...columns];
  await sql`
    update ${sql.table(table)} as t
    set ${sql.join(columns.map((column) => sql`${ref(column)} = u.${ref(column)}`))}
    from unnest(${sql.join(arrays)}) as u(${list(names)})
    where ${sql.join(
      keys.map((key) => sql`t.${ref(key.column)} = u.${ref(key.column)}`),
      sql` and `,
    )}`.execute(trx);
}

export type HashChange = [old: string, next: string | null, personId: number];

/** Gives matched health records their person's new document hash (found through the person); returns how many. */
export async function carryHashToMatchedRecords(trx: Db, changes: readonly HashChange[]): Promise<number> {
  const result = await sql`
    update health_records as t set id_hash = m.new
    from unnest(${changes.map((p) => p[0])}::text[], ${changes.map((p) => p[1])}::text[],
      ${changes.map((p) => p[2])}::int4[]) as m(old, new, person_id)
    where t.person_id = m.person_id and t.id_hash = m.old`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}

/** A column elsewhere holding copies of a person's hash; `where` narrows the rows (a fixed condition on `t`). */
export interface HashCopies {
  table: string;
  column: string;
  where?: string;
}

/** Replaces each old hash by its new one in these copies; returns how many rows changed. */
export async function carryHashToCopies(
  trx: Db,
  copies: HashCopies,
  changes: readonly HashChange[],
): Promise<number> {
  const result = await sql`
    update ${sql.table(copies.table)} as t set ${ref(copies.column)} = m.new
    from unnest(${changes.map((p) => p[0])}::text[], ${changes.map((p) => p[1])}::text[]) as m(old, new)
    where t.${ref(copies.column)} = m.old ${copies.where ? sql.raw(`and t.${copies.where}`) : sql``}`.execute(
    trx,
  );
  return Number(result.numAffectedRows ?? 0);
}

/** A table that once kept a name in clear, and the columns the sealed name goes to. */
export interface ClearNameColumns {
  table: string;
  clear: string;
  secret: string;
  masked: string;
}

/** The next names still held in clear, by id. */
export async function findClearNames(
  db: Kysely<DB>,
  columns: ClearNameColumns,
  limit: number,
): Promise<Array<{ id: number; name: string }>> {
  const result = await sql<{ id: number; name: string }>`
    select id, ${ref(columns.clear)} as name from ${sql.table(columns.table)}
    where ${ref(columns.clear)} is not null order by id limit ${limit}`.execute(db);
  return result.rows;
}

/** Stores each row's sealed name and mask and empties its clear column, in one statement. */
export async function storeSealedNames(
  db: Kysely<DB>,
  columns: ClearNameColumns,
  rows: ReadonlyArray<{ id: number; secret: string | null; masked: string | null }>,
): Promise<void> {
  await sql`
    update ${sql.table(columns.table)} t
    set ${ref(columns.secret)} = i.secret, ${ref(columns.masked)} = i.masked, ${ref(columns.clear)} = null
    from unnest(${rows.map((r) => r.id)}::int[], ${rows.map((r) => r.secret)}::text[],
      ${rows.map((r) => r.masked)}::text[]) as i(id, secret, masked)
    where t.id = i.id`.execute(db);
}
