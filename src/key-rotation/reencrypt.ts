import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/repository.js';
import type { Actor, Db } from '../auth/context.js';
import type { DB } from '../db/schema.js';
import { personsRegistered } from '../register/person-hooks.js';
import type { ProgressReporter } from '../imports/progress.js';
import { documentHash, phoneHash } from '../privacy/protect.js';
import type { EncryptedRecordFields, FieldCipher } from '../privacy/field-crypto.js';
import * as repo from './repository.js';
import type { HashChange, Row, RowKey, TableReport } from './repository.js';

export type { TableReport } from './repository.js';

/**
 * `gridguard keys rotate`: brings every encrypted column to the current key and suite, and every
 * keyed lookup hash to the current suite, in batches (keyset pagination, one transaction and one
 * set-based UPDATE per batch). Rows already on the current key are skipped, so a second run
 * changes nothing, and a checkpoint in app_meta lets an interrupted run resume where it stopped.
 *
 * A person's new hashes are carried in the same transaction to every row elsewhere that holds
 * the old ones (pending changes, place scans, health records, leads, unit contacts), so joins
 * on a hash never see one side switched and the other not; health records a feed sent under the
 * new suite before the person's row was reached are matched to the person then.
 */

/** The recomputed hash columns of one row, from the plaintext of its encrypted columns. */
type HashDerivation = (cipher: FieldCipher, row: Row, plain: Readonly<Record<string, string | null>>) => Row;

interface Target {
  table: string;
  keys: readonly RowKey[];
  /** Columns holding tokens of cipher.encrypt / encryptRecord. */
  secrets: readonly string[];
  /** Columns only read (inputs of the hash derivation). */
  reads?: readonly string[];
  hashes?: { columns: readonly string[]; derive: HashDerivation };
  /** Carries old → new hashes of these columns to the rows elsewhere that hold them. */
  carries?: { document?: string; phone?: string };
}

const byId = [{ column: 'id', type: 'int4' }] as const;

/** The fields of a decrypted record; a bare value (older leads kept a document number alone) as one. */
function record(plaintext: string | null): EncryptedRecordFields {
  if (plaintext === null) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(plaintext);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
    return parsed as EncryptedRecordFields;
  return { documentNumber: plaintext };
}

const identityHashes =
  (secret: string, documentColumn: string, phoneColumn: string | null, fixedType?: string): HashDerivation =>
  (cipher, row, plain) => {
    const fields = record(plain[secret] ?? null);
    const type = fixedType ?? (row.document_type as string | null) ?? fields.documentType ?? 'resident_id';
    const number = fields.documentNumber ?? fields.idNumber ?? null;
    const hashes: Row = {
      [documentColumn]: number === null ? row[documentColumn] : documentHash(cipher, type, number),
    };
    if (phoneColumn) hashes[phoneColumn] = fields.phone ? phoneHash(cipher, fields.phone) : null;
    return hashes;
  };

/** Every encrypted column and every hash column derived from cipher.lookupHash. */
export const ROTATION_TARGETS: readonly Target[] = [
  {
    table: 'persons',
    keys: byId,
    secrets: ['secret'],
    reads: ['document_type'],
    hashes: {
      columns: ['document_hash', 'phone_hash'],
      derive: identityHashes('secret', 'document_hash', 'phone_hash'),
    },
    carries: { document: 'document_hash', phone: 'phone_hash' },
  },
  {
    table: 'units',
    keys: byId,
    secrets: ['secret'],
    hashes: {
      columns: ['contact_phone_hash'],
      derive: (cipher, _row, plain) => {
        const phone = record(plain.secret ?? null).contactPhone;
        return { contact_phone_hash: phone ? phoneHash(cipher, phone) : null };
      },
    },
  },
  {
    table: 'pending_changes',
    keys: byId,
    secrets: ['secret'],
    reads: ['document_type'],
    hashes: { columns: ['document_hash'], derive: identityHashes('secret', 'document_hash', null) },
  },
  {
    table: 'place_scans',
    keys: byId,
    secrets: ['secret'],
    hashes: {
      columns: ['document_hash', 'phone_hash'],
      derive: identityHashes('secret', 'document_hash', 'phone_hash'),
    },
  },
  {
    table: 'health_records',
    keys: byId,
    secrets: ['identity_secret'],
    hashes: {
      columns: ['id_hash'],
      derive: (cipher, row, plain) => {
        const number = plain.identity_secret ? record(plain.identity_secret).documentNumber : null;
        return { id_hash: number ? documentHash(cipher, 'resident_id', number) : row.id_hash };
      },
    },
  },
  {
    table: 'leads',
    keys: byId,
    secrets: ['identity_secret'],
    hashes: {
      columns: ['id_hash', 'phone_hash'],
      derive: identityHashes('identity_secret', 'id_hash', 'phone_hash', 'resident_id'),
    },
  },
  { table: 'access_codes', keys: byId, secrets: ['token_secret'] },
  { table: 'certificates', keys: byId, secrets: ['token_secret'] },
  { table: 'feed_batch_payloads', keys: [{ column: 'batch_id', type: 'int4' }], secrets: ['payload'] },
  { table: 'events', keys: byId, secrets: ['reporter_phone_secret', 'reporter_name_secret'] },
  { table: 'resident_requests', keys: byId, secrets: ['contact_secret', 'requester_name_secret'] },
  { table: 'service_resources', keys: byId, secrets: ['phone_secret'] },
  {
    table: 'notification_preferences',
    keys: [
      { column: 'user_id', type: 'int4' },
      { column: 'channel', type: 'text' },
    ],
    secrets: ['address_secret'],
  },
  { table: 'import_jobs', keys: byId, secrets: ['reject_rows'] },
  { table: 'user_mfa', keys: [{ column: 'user_id', type: 'int4' }], secrets: ['secret'] },
  { table: 'pass_signing_keys', keys: byId, secrets: ['private_secret'] },
];

/** Where a person's old hashes live elsewhere; each update uses an index on the hash column. */
const CARRIED: ReadonlyArray<{ table: string; column: string; kind: 'document' | 'phone'; where?: string }> =
  [
    { table: 'pending_changes', column: 'document_hash', kind: 'document' },
    { table: 'place_scans', column: 'document_hash', kind: 'document' },
    { table: 'place_scans', column: 'phone_hash', kind: 'phone' },
    { table: 'health_records', column: 'id_hash', kind: 'document', where: 'person_id is null' },
    { table: 'leads', column: 'id_hash', kind: 'document' },
    { table: 'leads', column: 'phone_hash', kind: 'phone' },
    { table: 'units', column: 'contact_phone_hash', kind: 'phone' },
  ];

export interface RotationReport {
  keyId: string;
  suite: string;
  resumed: boolean;
  tables: TableReport[];
  /** Rows elsewhere whose copy of a person's hash was carried over. */
  carried: number;
}

export interface RotationOptions {
  batchSize?: number;
  progress?: ProgressReporter;
  /** Stops after this many batches (tests use it to interrupt a run). */
  maxBatches?: number;
}

async function carryHashes(trx: Db, kind: 'document' | 'phone', pairs: readonly HashChange[]) {
  if (pairs.length === 0) return 0;
  let carried = 0;
  // Matched health records keep their person's hash too; found through the person, not the hash.
  if (kind === 'document') carried += await repo.carryHashToMatchedRecords(trx, pairs);
  for (const place of CARRIED.filter((c) => c.kind === kind))
    carried += await repo.carryHashToCopies(trx, place, pairs);
  return carried;
}

/**
 * Re-encrypts one batch after `after` (locked for the transaction, so the app cannot change a
 * row between our read and our write); returns the last key read, or null at the end.
 */
async function rotateBatch(
  trx: Db,
  cipher: FieldCipher,
  target: Target,
  after: unknown[] | null,
  batchSize: number,
  report: TableReport,
): Promise<{ last: unknown[] | null; carried: number }> {
  const keyColumns = target.keys.map((key) => key.column);
  const hashColumns = target.hashes?.columns ?? [];
  const columns = [...new Set([...keyColumns, ...target.secrets, ...hashColumns, ...(target.reads ?? [])])];
  const rows = await repo.lockRowsAfter(trx, target.table, keyColumns, columns, after, batchSize);
  if (rows.length === 0) return { last: null, carried: 0 };
  report.scanned += rows.length;

  const changed: Row[] = [];
  const documents: HashChange[] = [];
  const phones: HashChange[] = [];
  for (const row of rows) {
    const stale = target.secrets.filter((column) => {
      const token = row[column];
      return typeof token === 'string' && cipher.needsReencryption(token);
    });
    if (stale.length === 0) continue;
    const plain: Record<string, string | null> = {};
    const next: Row = { ...row };
    for (const column of target.secrets) {
      const token = row[column] as string | null;
      plain[column] = token === null ? null : cipher.decrypt(token);
      if (stale.includes(column)) next[column] = cipher.encrypt(plain[column]!);
    }
    report.reencrypted++;
    if (target.hashes) {
      const hashes = target.hashes.derive(cipher, row, plain);
      if (target.hashes.columns.some((column) => hashes[column] !== row[column])) report.rehashed++;
      Object.assign(next, hashes);
      const { document, phone } = target.carries ?? {};
      if (document && row[document] && row[document] !== next[document])
        documents.push([row[document] as string, next[document] as string | null, row.id as number]);
      if (phone && row[phone] && row[phone] !== next[phone])
        phones.push([row[phone] as string, next[phone] as string | null, row.id as number]);
    }
    changed.push(next);
  }
  let carried = 0;
  if (changed.length > 0) {
    await repo.updateRowsByKey(trx, target.table, target.keys, [...target.secrets, ...hashColumns], changed);
    carried += await carryHashes(trx, 'document', documents);
    carried += await carryHashes(trx, 'phone', phones);
    // Records a feed sent after the switch carry the new hash and waited unmatched: match them now.
    if (target.table === 'persons' && documents.length > 0)
      await personsRegistered(
        trx,
        documents.map((pair) => pair[2]),
        new Date(),
      );
  }
  const last = rows[rows.length - 1]!;
  return { last: keyColumns.map((column) => last[column]), carried };
}

/** Runs (or resumes) the rotation to the cipher's current key; audited at the end. */
export async function rotateKeys(
  db: Kysely<DB>,
  actor: Actor,
  cipher: FieldCipher,
  options: RotationOptions = {},
): Promise<RotationReport> {
  const batchSize = options.batchSize ?? 1000;
  const saved = await repo.readCheckpoint(db);
  const resume = saved?.keyId === cipher.currentKeyId ? saved : null;
  const tables: TableReport[] =
    resume?.tables ??
    ROTATION_TARGETS.map((t) => ({ table: t.table, scanned: 0, reencrypted: 0, rehashed: 0 }));
  let carried = resume?.carried ?? 0;
  let total = 0;
  for (const target of ROTATION_TARGETS) total += await repo.countRows(db, target.table);
  let done = tables.reduce((sum, t) => sum + t.scanned, 0);
  options.progress?.update(done, total);

  let batches = 0;
  let startAt = resume ? ROTATION_TARGETS.findIndex((t) => t.table === resume.table) : 0;
  if (startAt < 0) startAt = 0;
  for (let index = startAt; index < ROTATION_TARGETS.length; index++) {
    const target = ROTATION_TARGETS[index]!;
    const report = tables.find((t) => t.table === target.table)!;
    let after = index === startAt && resume?.after.length ? resume.after : null;
    for (;;) {
      if (options.maxBatches !== undefined && batches >= options.maxBatches)
        return { keyId: cipher.currentKeyId, suite: cipher.suite, resumed: resume !== null, tables, carried };
      const before = report.scanned;
      const last = await db.transaction().execute(async (trx) => {
        const batch = await rotateBatch(trx, cipher, target, after, batchSize, report);
        carried += batch.carried;
        // The checkpoint commits with the batch: a resumed run never redoes or skips one.
        const position = batch.last
          ? { table: target.table, after: batch.last }
          : { table: ROTATION_TARGETS[index + 1]?.table ?? '', after: [] };
        await repo.writeCheckpoint(trx, { keyId: cipher.currentKeyId, ...position, tables, carried });
        return batch.last;
      });
      batches++;
      done += report.scanned - before;
      options.progress?.update(done, total);
      if (last === null) break;
      after = last;
    }
  }
  const result: RotationReport = {
    keyId: cipher.currentKeyId,
    suite: cipher.suite,
    resumed: resume !== null,
    tables,
    carried,
  };
  await db.transaction().execute(async (trx) => {
    await repo.writeCheckpoint(trx, null);
    await recordAudit(trx, actor, {
      action: 'keys.rotate',
      entityType: 'encryption_key',
      entityId: cipher.currentKeyId,
      after: {
        keyId: cipher.currentKeyId,
        suite: cipher.suite,
        resumed: resume !== null,
        carried,
        tables: tables.filter((t) => t.scanned > 0),
      },
    });
  });
  options.progress?.finish();
  return result;
}
