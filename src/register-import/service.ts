import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/repository.js';
import { viewerName } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import { AppError } from '../core/errors.js';
import type { AuditAction, EntityType } from '../core/vocabulary.js';
import type { DB } from '../db/schema.js';
import { assertMappingComplete, type Columns, mapHeaders, mapRow } from '../imports/columns.js';
import type { EncodingOption } from '../imports/encoding.js';
import type { ProgressReporter } from '../imports/progress.js';
import { type ImportReport, RejectCollector } from '../imports/report.js';
import { openTable } from '../imports/table-reader.js';
import type { Table, TableRow, TableSource } from '../imports/table-types.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import type { KeyMaterial } from '../privacy/suites.js';
import { COLUMNS_OF, type ImportKind } from './columns.js';
import {
  AreaResolver,
  type BatchCounts,
  type ImportContext,
  PathTracker,
  PhaseTimes,
  type RejectSink,
} from './context.js';
import { houseKey, validateHouseRow, writeHouseBatch } from './houses.js';
import { type PersonCandidate, validatePersonRow } from './person-rows.js';
import { ConcurrentChangeError, writePersonBatch } from './persons.js';
import { PersonRowChecker, THREADED_CHECK_MIN_BYTES } from './row-checker.js';
import { unitKey, validateUnitRow, writeUnitBatch } from './units.js';
import { CellProblem } from './values.js';

/** How one kind of register file is read, checked and stored. */
interface KindSpec<C extends { row: number }> {
  columns: Columns<string>;
  validate(
    cipher: FieldCipher,
    row: Partial<Record<string, string>>,
    rowNumber: number,
    today: Date,
  ): C | CellProblem[];
  /** The key a record has within the file; a second row with the same key is rejected. */
  key(candidate: C): string;
  keyField: string;
  keyWhat: string;
  write(db: Db, ctx: ImportContext, batch: readonly C[], reject: RejectSink): Promise<BatchCounts>;
  /** Rows may be checked in worker threads (PersonRowChecker). */
  threaded?: boolean;
  audit: { action: AuditAction; entityType: EntityType };
}

const SPECS: { [K in ImportKind]: KindSpec<{ row: number }> } = {
  persons: {
    columns: COLUMNS_OF.persons as Columns<string>,
    validate: validatePersonRow,
    key: (c) => (c as PersonCandidate).documentHash,
    keyField: 'documentNumber',
    keyWhat: 'document number',
    write: (db, ctx, batch, reject) =>
      writePersonBatch(db, ctx, batch as Parameters<typeof writePersonBatch>[2], reject),
    threaded: true,
    audit: { action: 'person.import', entityType: 'person' },
  },
  houses: {
    columns: COLUMNS_OF.houses as Columns<string>,
    validate: (_cipher, row, n) => validateHouseRow(row, n),
    key: (c) => houseKey(c as Parameters<typeof houseKey>[0]),
    keyField: 'address',
    keyWhat: 'house',
    write: (db, ctx, batch, reject) =>
      writeHouseBatch(db, ctx, batch as Parameters<typeof writeHouseBatch>[2], reject),
    audit: { action: 'house.import', entityType: 'house' },
  },
  units: {
    columns: COLUMNS_OF.units as Columns<string>,
    validate: (cipher, row, n) => validateUnitRow(cipher, row, n),
    key: (c) => unitKey(c as Parameters<typeof unitKey>[0]),
    keyField: 'name',
    keyWhat: 'unit',
    write: (db, ctx, batch, reject) =>
      writeUnitBatch(db, ctx, batch as Parameters<typeof writeUnitBatch>[2], reject),
    audit: { action: 'unit.import', entityType: 'unit' },
  },
};

export interface RegisterImportOptions {
  kind: ImportKind;
  source: TableSource;
  sheet?: string | undefined;
  encoding?: EncodingOption | undefined;
  /** Header → field (or null to ignore the column), from the web column-mapping step. */
  mapping?: Record<string, string | null> | undefined;
  /** Check everything against the database, store nothing. */
  dryRun?: boolean | undefined;
  /** Rows per transaction. */
  batchSize?: number | undefined;
  /** Bytes of the file read so far (a CLI bar). */
  progress?: ProgressReporter | undefined;
  /** Called after every stored batch (the web job's progress). */
  onBatch?:
    | ((state: {
        processedRows: number;
        bytesRead: number;
        totalBytes: number | undefined;
      }) => Promise<void> | void)
    | undefined;
  signal?: AbortSignal | undefined;
  /**
   * The installation's keys (those of `cipher`): given, a large persons file is checked and
   * encrypted in worker threads. Without them every row is checked in this thread.
   */
  keys?: KeyMaterial | undefined;
  /** Check rows in worker threads (needs `keys`); by default only files of 1 MiB or more are. */
  checkInThreads?: boolean | undefined;
  /** Names the job in the audit entry. */
  jobId?: string | undefined;
  /** The name the user gave the file (an upload is stored under another). */
  fileName?: string | undefined;
}

export interface RegisterImportResult {
  report: ImportReport;
  /** Every rejected row, also those beyond the 10,000 kept in the report. */
  rejectedTotal: number;
  rejects: RejectCollector;
  headers: string[];
  fileName: string;
  processedRows: number;
  /** Milliseconds per phase (read, validate, and the database statements), see PhaseTimes. */
  phases: Record<string, number>;
}

/** The database failed while storing a batch: the import stops; earlier batches stay stored. */
export class ImportAbortedError extends AppError {
  constructor(message: string, cause?: unknown) {
    super('IMPORT_ABORTED', 500, message);
    this.name = 'ImportAbortedError';
    if (cause !== undefined) this.cause = cause;
  }
}

const ROLLBACK = Symbol('dry run');

/** Rows per message to a checking thread, and messages sent ahead of the rows being stored. */
const CHECK_CHUNK_ROWS = 1000;
const CHECK_CHUNKS_AHEAD = 8;

/** Opens a register file and maps its headers; throws ImportFileError when it cannot be imported as is. */
export async function openRegisterTable(
  kind: ImportKind,
  source: TableSource,
  options: Pick<RegisterImportOptions, 'sheet' | 'encoding' | 'mapping'> = {},
) {
  const table = await openTable(source, {
    ...(options.sheet !== undefined ? { sheet: options.sheet } : {}),
    ...(options.encoding !== undefined ? { encoding: options.encoding } : {}),
  });
  try {
    const mapped = mapHeaders(table.headers, SPECS[kind].columns, options.mapping ?? {});
    return { table, mapped };
  } catch (error) {
    await table.close();
    throw error;
  }
}

/**
 * Imports a persons, houses or units file: streams it in batches (each one transaction,
 * set-based SQL), rejects invalid rows with their row number, field, stable code and message,
 * stores the valid ones idempotently, and writes one audit entry. While a batch is being
 * stored the next one is read and checked, so parsing overlaps the database's work.
 */
export async function importRegisterFile(
  db: Kysely<DB>,
  actor: Actor,
  cipher: FieldCipher,
  options: RegisterImportOptions,
): Promise<RegisterImportResult> {
  const spec = SPECS[options.kind];
  const { table, mapped } = await openRegisterTable(options.kind, options.source, options);
  try {
    assertMappingComplete(mapped, spec.columns);
    return await run(db, actor, cipher, options, spec, table, mapped.mapping);
  } finally {
    await table.close();
  }
}

async function run(
  db: Kysely<DB>,
  actor: Actor,
  cipher: FieldCipher,
  options: RegisterImportOptions,
  spec: KindSpec<{ row: number }>,
  table: Table,
  mapping: Partial<Record<string, string>>,
): Promise<RegisterImportResult> {
  const batchSize = options.batchSize ?? 5000;
  const today = actor.now();
  const ctx: ImportContext = {
    actor,
    cipher,
    at: today,
    actorName: viewerName(actor.viewer),
    source: `import:${options.fileName ?? table.fileName}`.slice(0, 200),
    present: new Set(Object.keys(mapping)),
    areas: new AreaResolver(actor),
    touched: new PathTracker(),
    phases: new PhaseTimes(),
  };
  const rejects = new RejectCollector();
  const report: ImportReport = { inserted: 0, updated: 0, unchanged: 0, rejected: rejects.rejects };
  const headerOf = (field: string) => mapping[field] ?? spec.columns.label(field);
  const keptOriginals = new Map<number, Record<string, string>>();
  const reject = (row: number, problem: CellProblem, original?: Record<string, string>) => {
    rejects.add(
      {
        row,
        field: headerOf(problem.field),
        code: problem.code,
        ...(problem.params ? { params: problem.params } : {}),
        message: problem.message,
      },
      original ?? keptOriginals.get(row),
    );
  };
  const firstRowOf = new Map<string, number>();
  let processedRows = 0;
  // Rows rejected before reaching the database count as processed too.
  let rejectedEarly = 0;

  let batch: Array<{ row: number }> = [];
  let writing: Promise<void> | null = null;
  let failure: unknown = null;

  const store = async (rows: Array<{ row: number }>, originals: Map<number, Record<string, string>>) => {
    const later: Array<[number, CellProblem]> = [];
    let counts: BatchCounts | undefined;
    const started = performance.now();
    try {
      await db.transaction().execute(async (trx) => {
        counts = await spec.write(trx, ctx, rows, (row, problem) => later.push([row, problem]));
        if (options.dryRun) throw ROLLBACK;
      });
      ctx.phases.add('store', started);
    } catch (error) {
      if (error !== ROLLBACK) throw databaseFailure(error, rows);
    }
    for (const [row, problem] of later) reject(row, problem, originals.get(row));
    report.inserted += counts?.inserted ?? 0;
    report.updated += counts?.updated ?? 0;
    report.unchanged += counts?.unchanged ?? 0;
    processedRows += rows.length;
    options.progress?.update(table.bytesRead, table.totalBytes);
    await options.onBatch?.({
      processedRows: processedRows + rejectedEarly,
      bytesRead: table.bytesRead,
      totalBytes: table.totalBytes,
    });
  };

  const flush = async () => {
    if (writing) await writing;
    if (failure) throw failure;
    if (options.signal?.aborted) throw new ImportAbortedError('the import was stopped');
    const rows = batch;
    const originals = new Map(keptOriginals);
    keptOriginals.clear();
    batch = [];
    writing = store(rows, originals).catch((error: unknown) => {
      failure = error;
    });
  };

  let stored = false;
  /** Takes one checked row in file order: rejects it, or adds it to the batch (storing full batches). */
  const accept = async (rowNumber: number, values: Record<string, string>, candidate: unknown) => {
    if (Array.isArray(candidate)) {
      // Every problem of the row, so the clerk fixes it in one go.
      for (const problem of candidate as CellProblem[]) reject(rowNumber, problem, values);
      rejectedEarly++;
      return;
    }
    const checked = candidate as { row: number };
    const key = spec.key(checked);
    const first = firstRowOf.get(key);
    if (first !== undefined) {
      reject(rowNumber, new CellProblem(spec.keyField, 'duplicateInFile', { row: first }), values);
      rejectedEarly++;
      return;
    }
    firstRowOf.set(key, rowNumber);
    // Original cells are kept only while the rejects file still has room for them.
    if (rejects.originalRows.size + keptOriginals.size < 1000) keptOriginals.set(rowNumber, values);
    batch.push(checked);
    if (batch.length >= batchSize) {
      // Waiting here means the database is the slower side.
      await ctx.phases.time('waitForStore', flush);
      stored = true;
    }
  };

  // Large person files are checked in worker threads, a few chunks ahead of the batch being stored.
  const checker =
    spec.threaded &&
    options.keys &&
    (options.checkInThreads ?? (table.totalBytes ?? 0) >= THREADED_CHECK_MIN_BYTES)
      ? new PersonRowChecker(options.keys, today)
      : null;
  const chunks: Array<{ rows: TableRow[]; checked: Promise<unknown[]> }> = [];
  let chunk: TableRow[] = [];
  const send = () => {
    const rows = chunk;
    chunk = [];
    const checked = checker!.check(rows.map((r) => [r.rowNumber, mapRow(r.values, mapping)]));
    // Awaited in order below; a failure before then must not go unhandled.
    checked.catch(() => undefined);
    chunks.push({ rows, checked });
  };
  const takeChunk = async () => {
    const { rows, checked } = chunks.shift()!;
    const started = performance.now();
    const results = await checked;
    ctx.phases.add('waitForCheck', started);
    for (let i = 0; i < rows.length; i++) await accept(rows[i]!.rowNumber, rows[i]!.values, results[i]);
  };

  try {
    let readStarted = performance.now();
    for await (const row of table) {
      ctx.phases.add('read', readStarted);
      if (checker) {
        chunk.push(row);
        if (chunk.length >= CHECK_CHUNK_ROWS) send();
        if (chunks.length > CHECK_CHUNKS_AHEAD) await takeChunk();
      } else {
        const validateStarted = performance.now();
        const candidate = spec.validate(cipher, mapRow(row.values, mapping), row.rowNumber, today);
        ctx.phases.add('validate', validateStarted);
        await accept(row.rowNumber, row.values, candidate);
      }
      readStarted = performance.now();
    }
    if (chunk.length) send();
    while (chunks.length) await takeChunk();
    await flush();
    if (writing) await writing;
    if (failure) throw failure;
    stored = true;
  } catch (error) {
    if (stored && !options.dryRun)
      await auditImport(db, actor, spec, options, table, report, rejects, ctx, error).catch(() => undefined);
    throw error;
  } finally {
    await checker?.close();
    options.progress?.finish();
  }
  report.rejected.sort((a, b) => a.row - b.row);
  if (!options.dryRun) await auditImport(db, actor, spec, options, table, report, rejects, ctx, null);
  return {
    report,
    rejectedTotal: rejects.total,
    rejects,
    headers: table.headers,
    fileName: options.fileName ?? table.fileName,
    processedRows: processedRows + rejectedEarly,
    phases: ctx.phases.summary(),
  };
}

function databaseFailure(error: unknown, rows: Array<{ row: number }>): ImportAbortedError {
  const range = rows.length ? `rows ${rows[0]!.row}-${rows[rows.length - 1]!.row}` : 'a batch';
  if (error instanceof ConcurrentChangeError) {
    return new ImportAbortedError(
      `${range}: ${error.message}; the rows before were stored, run the import again (it is idempotent)`,
      error,
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new ImportAbortedError(
    `the database failed while storing ${range} (${reason}); the rows before were stored, run the import again once it is fixed (it is idempotent)`,
    error,
  );
}

async function auditImport(
  db: Kysely<DB>,
  actor: Actor,
  spec: KindSpec<{ row: number }>,
  options: RegisterImportOptions,
  table: Table,
  report: ImportReport,
  rejects: RejectCollector,
  ctx: ImportContext,
  error: unknown,
): Promise<void> {
  await recordAudit(db, actor, {
    action: spec.audit.action,
    entityType: spec.audit.entityType,
    entityId: options.jobId ?? null,
    areaPath: ctx.touched.path,
    after: {
      file: options.fileName ?? table.fileName,
      format: table.format,
      inserted: report.inserted,
      updated: report.updated,
      unchanged: report.unchanged,
      rejected: rejects.total,
      ...(error ? { aborted: true } : {}),
    },
  });
}
