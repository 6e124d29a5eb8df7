import { failureOf } from '../../imports/failure.js';
import type { Kysely } from 'kysely';
import { recordAudit } from '../../audit/repository.js';
import type { Actor } from '../../auth/context.js';
import { AppError } from '../../core/errors.js';
import type { DB } from '../../db/schema.js';
import { assertMappingComplete, type Columns, mapHeaders, mapRow } from '../../imports/columns.js';
import type { EncodingOption } from '../../imports/encoding.js';
import type { ProgressReporter } from '../../imports/progress.js';
import { RejectCollector } from '../../imports/report.js';
import { openTable } from '../../imports/table-reader.js';
import type { Table, TableSource } from '../../imports/table-types.js';
import type { FieldCipher } from '../../privacy/field-crypto.js';
import { COLUMNS_OF_FEED, type FeedKind, type RecordFeedKind, STORED_KIND } from './kinds.js';
import {
  type RecordCandidate,
  type RiskAreaCandidate,
  validateRecord,
  validateRiskArea,
  type ValidationContext,
} from './records.js';
import * as repo from './repository.js';
import type { FeedReport } from './schema.js';
import {
  addCounts,
  type ChunkCounts,
  emptyCounts,
  resolveFeedArea,
  storeRecords,
  storeRiskAreas,
} from './service.js';
import { CellProblem } from './values.js';

export interface HealthImportOptions {
  kind: FeedKind;
  /** The feed's source name (record ids are unique per source; picks the health-code table). Default 'default'. */
  source?: string | undefined;
  file: TableSource;
  /** The area the feed belongs to; default the top area. Ignored when `batchId` is given. */
  areaId?: number | undefined;
  /** A batch row already created (a web upload, polled by the page); else one is created. */
  batchId?: number | undefined;
  sheet?: string | undefined;
  encoding?: EncodingOption | undefined;
  /** Rows per transaction. */
  batchSize?: number | undefined;
  /** Bytes read so far (the CLI's bar). */
  progress?: ProgressReporter | undefined;
  signal?: AbortSignal | undefined;
  /** The name the user gave the file (an upload is stored under another). */
  fileName?: string | undefined;
}

export interface HealthImportResult {
  batchId: number;
  report: FeedReport;
  rejectedTotal: number;
  rejects: RejectCollector;
  headers: string[];
}

/** Opens a feed file and maps its headers; throws ImportFileError when it cannot be imported as is. */
export async function openFeedTable(
  kind: FeedKind,
  source: TableSource,
  options: Pick<HealthImportOptions, 'sheet' | 'encoding'> = {},
) {
  const table = await openTable(source, {
    ...(options.sheet !== undefined ? { sheet: options.sheet } : {}),
    ...(options.encoding !== undefined ? { encoding: options.encoding } : {}),
  });
  try {
    const columns = COLUMNS_OF_FEED[kind] as Columns<string>;
    const mapped = mapHeaders(table.headers, columns);
    assertMappingComplete(mapped, columns);
    return { table, mapping: mapped.mapping };
  } catch (error) {
    await table.close();
    throw error;
  }
}

const PROGRESS_WRITE_MS = 1000;
/** Chunks stored at once. */
const WRITERS = 2;
/** PostgreSQL's deadlock and serialization failures: the chunk is simply tried again. */
const RETRYABLE = new Set(['40P01', '40001']);

async function withRetry<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= attempts || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
    }
  }
}
/** The source of a file whose source is not named. */
export const DEFAULT_SOURCE = 'default';

/**
 * Imports a feed file (tests, vaccinations, temperatures, health codes, risk areas): streams it
 * in chunks, each one transaction of set-based SQL, rejects invalid rows (row, column, stable
 * code and params for every problem of the row), stores the rest idempotently (same source and
 * record id, or same content: unchanged), matches them to persons by the keyed hash of the ID
 * number, and keeps the batch row's progress and report for whoever polls it. While a chunk is
 * stored the next one is read and checked.
 */
export async function importHealthFile(
  db: Kysely<DB>,
  actor: Actor,
  cipher: FieldCipher,
  options: HealthImportOptions,
): Promise<HealthImportResult> {
  const now = actor.now();
  const { table, mapping } = await openFeedTable(options.kind, options.file, options);
  let batch: repo.FeedBatchRow | undefined;
  try {
    batch =
      options.batchId !== undefined
        ? await repo.claimBatch(db, options.batchId)
        : await createFileBatch(db, actor, options, table, now);
    if (!batch) throw new AppError('FEED_BATCH_NOT_FOUND', 404, `Batch ${options.batchId} is not waiting`);
  } catch (error) {
    await table.close();
    throw error;
  }
  const batchId = batch.id;
  try {
    return await run(db, actor, cipher, options, table, mapping, batch, now);
  } catch (error) {
    const message = failureOf(error, 'IMPORT_FAILED');
    await repo
      .updateBatch(db, batchId, { status: 'failed', error: message, finished_at: new Date() })
      .catch(() => undefined);
    throw error;
  } finally {
    await table.close();
  }
}

async function createFileBatch(
  db: Kysely<DB>,
  actor: Actor,
  options: HealthImportOptions,
  table: Table,
  now: Date,
): Promise<repo.FeedBatchRow> {
  const area = await resolveFeedArea(db, actor, options.areaId);
  return repo.insertBatch(db, {
    kind: STORED_KIND[options.kind],
    source: options.source ?? DEFAULT_SOURCE,
    channel: 'file',
    area_id: area.id,
    area_path: area.path,
    user_id: actor.viewer.kind === 'user' ? actor.viewer.userId : null,
    status: 'processing',
    file_name: (options.fileName ?? table.fileName).slice(0, 200),
    total_bytes: table.totalBytes ?? null,
    created_at: now,
  });
}

type Candidate = RecordCandidate | RiskAreaCandidate;

async function run(
  db: Kysely<DB>,
  actor: Actor,
  cipher: FieldCipher,
  options: HealthImportOptions,
  table: Table,
  mapping: Partial<Record<string, string>>,
  batch: repo.FeedBatchRow,
  now: Date,
): Promise<HealthImportResult> {
  const { kind } = options;
  const batchSize = options.batchSize ?? 10_000;
  const columns = COLUMNS_OF_FEED[kind] as Columns<string>;
  const ctx: ValidationContext = { cipher, source: batch.source, now };
  const storeCtx = (recordKind: RecordFeedKind) => ({
    kind: STORED_KIND[recordKind],
    source: batch.source,
    batchId: batch.id,
    feedPath: batch.area_path,
    now,
    cipher,
    wholeBatch: false,
  });
  const validate = (fields: Partial<Record<string, string>>, row: number): Candidate | CellProblem[] =>
    kind === 'riskareas' ? validateRiskArea(ctx, fields, row) : validateRecord(kind, ctx, fields, row);
  const keyOf = (c: Candidate): string =>
    'recordKey' in c ? c.recordKey : `${c.name}\u0001${c.level}\u0001${c.validFrom.toISOString()}`;
  const store = (trx: Kysely<DB>, rows: Candidate[]): Promise<ChunkCounts> =>
    kind === 'riskareas'
      ? storeRiskAreas(trx, batch.source, rows as RiskAreaCandidate[], now)
      : storeRecords(trx, storeCtx(kind), rows as RecordCandidate[]);

  const rejects = new RejectCollector();
  const totals = emptyCounts();
  const headerOf = (field: string) => mapping[field] ?? columns.label(field);
  const firstRowOf = new Map<string, number>();
  let rows = 0;
  let lastWrite = 0;
  let chunk: Candidate[] = [];
  const writing = new Set<Promise<void>>();
  let failure: unknown = null;

  const write = async (pending: Candidate[]) => {
    const counts = await withRetry(() =>
      db.transaction().execute(async (trx) => {
        // A chunk lost in a crash is stored again by the next run (idempotent): no need to wait for the disk.
        await repo.skipCommitFlush(trx);
        return store(trx, pending);
      }),
    ).catch((error: unknown) => {
      throw databaseFailure(error, pending);
    });
    addCounts(totals, counts);
    options.progress?.update(table.bytesRead, table.totalBytes);
    if (Date.now() - lastWrite >= PROGRESS_WRITE_MS) {
      lastWrite = Date.now();
      await repo.updateBatch(db, batch.id, { processed: rows, bytes_read: table.bytesRead });
    }
  };
  // Chunks are stored by up to WRITERS transactions at once while the next is read: PostgreSQL
  // works on each in a process of its own (PGlite has one connection, so they simply queue).
  const flush = async () => {
    while (writing.size >= WRITERS) await Promise.race(writing);
    if (failure) throw failure;
    if (options.signal?.aborted) throw new AppError('IMPORT_ABORTED', 500, 'the import was stopped');
    const pending = chunk;
    chunk = [];
    if (pending.length === 0) return;
    const done: Promise<void> = write(pending)
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => writing.delete(done));
    writing.add(done);
  };

  try {
    for await (const { rowNumber, values } of table) {
      rows++;
      const candidate = validate(mapRow(values, mapping), rowNumber);
      // Every problem of the row is listed; the row is stored only without any.
      if (Array.isArray(candidate)) {
        for (const problem of candidate) rejects.reject(rowNumber, headerOf(problem.field), problem);
        continue;
      }
      const key = keyOf(candidate);
      const first = firstRowOf.get(key);
      if (first !== undefined) {
        rejects.reject(
          rowNumber,
          headerOf('recordKey' in candidate ? 'recordId' : 'name'),
          new CellProblem('', 'duplicateInFile', { row: first }),
        );
        continue;
      }
      firstRowOf.set(key, rowNumber);
      chunk.push(candidate);
      if (chunk.length >= batchSize) await flush();
    }
    await flush();
    await Promise.all(writing);
    if (failure) throw failure;
  } catch (error) {
    // No chunk may still be writing once the batch is marked failed.
    await Promise.allSettled(writing);
    throw error;
  } finally {
    options.progress?.finish();
  }

  rejects.rejects.sort((a, b) => a.row - b.row);
  const report: FeedReport = { ...totals, rejected: rejects.rejects };
  await db.transaction().execute(async (trx) => {
    await repo.updateBatch(trx, batch.id, {
      status: 'done',
      received: rows,
      processed: rows,
      bytes_read: table.bytesRead,
      inserted: totals.inserted,
      updated: totals.updated,
      duplicates: totals.unchanged,
      matched: totals.matched,
      unmatched: totals.unmatched,
      rejected: JSON.stringify(rejects.rejects),
      rejected_total: rejects.total,
      finished_at: new Date(),
    });
    await recordAudit(trx, actor, {
      action: 'health.import',
      entityType: 'feed_batch',
      entityId: batch.id,
      areaPath: batch.area_path,
      after: {
        kind,
        source: batch.source,
        file: options.fileName ?? table.fileName,
        ...totals,
        rejected: rejects.total,
      },
    });
  });
  return { batchId: batch.id, report, rejectedTotal: rejects.total, rejects, headers: table.headers };
}

function databaseFailure(error: unknown, rows: readonly Candidate[]): AppError {
  const range = rows.length ? `rows ${rows[0]!.row}-${rows[rows.length - 1]!.row}` : 'a chunk';
  const reason = error instanceof Error ? error.message : String(error);
  const failure = new AppError(
    'IMPORT_ABORTED',
    500,
    `the database failed while storing ${range} (${reason}); the rows before were stored, run the import again (it is idempotent)`,
  );
  failure.cause = error;
  return failure;
}
