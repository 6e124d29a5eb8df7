import { failureOf, failureRecord, presentFailure } from '../imports/failure.js';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import { can, scopePaths, type Viewer, viewerName } from '../auth/scope.js';
import type { Actor } from '../auth/context.js';
import { AppError, notFound } from '../core/errors.js';
import type { DB } from '../db/schema.js';
import type { EncodingOption } from '../imports/encoding.js';
import { DEFAULT_LOCALE, type Locale } from '../i18n/locale.js';
import { type ImportReport, localizeRejects, type RowReject, writeRejectsXlsx } from '../imports/report.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import type { ImportKind } from './columns.js';
import { ownerIsGone, PROCESS_OWNER } from '../imports/staging.js';
import {
  failRunningJobs,
  findJob,
  forgetOldRejects,
  type ImportJobRow,
  insertJob,
  runningJobs,
  updateJob,
} from './repository.js';
import type { ImportJobView } from './schema.js';
import { importRegisterFile } from './service.js';

/** A running job whose heartbeat is older than this died with the server that ran it. */
const STALE_MS = 2 * 60_000;
/** What a job left by a stopped process says. */
export const PROCESS_STOPPED = failureRecord('IMPORT_PROCESS_STOPPED');
const HEARTBEAT_MS = 15_000;
/** Rejected rows' original cells (ID numbers among them) are kept this long for the download. */
const REJECT_ROWS_KEPT_MS = 7 * 24 * 3600_000;

/** A job as the API shows it; its rejects are worded in the reader's language. */
export function presentJob(row: ImportJobRow, now: Date, locale: Locale = DEFAULT_LOCALE): ImportJobView {
  const report = row.report as ImportReport | null;
  const stale = row.status === 'running' && now.getTime() - row.heartbeat_at.getTime() > STALE_MS;
  return {
    id: row.id,
    kind: row.kind,
    status: stale ? 'failed' : row.status,
    fileName: row.file_name,
    dryRun: row.dry_run,
    processedRows: row.processed_rows,
    totalBytes: row.total_bytes === null ? null : Number(row.total_bytes),
    bytesRead: Number(row.bytes_read),
    report: report && { ...report, rejected: localizeRejects(locale, report.rejected) },
    rejectedTotal: row.rejected_total,
    ...presentFailure(stale ? PROCESS_STOPPED : row.error, locale),
    startedBy: row.actor_name,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/** The one who started a job, or anyone who may write the register everywhere the starter could. */
export async function findReadableJob(db: Kysely<DB>, viewer: Viewer, id: string): Promise<ImportJobRow> {
  const job = await findJob(db, id);
  const own = job && viewer.kind === 'user' && job.user_id === viewer.userId;
  if (
    !job ||
    (!own &&
      !(job.scope_paths.length > 0 && job.scope_paths.every((path) => can(viewer, 'person.write', path))))
  ) {
    throw notFound(
      'IMPORT_NOT_FOUND',
      `Import ${id} does not exist or was started by someone outside your area`,
    );
  }
  return job;
}

export interface StartJob {
  actor: Actor;
  kind: ImportKind;
  /** The upload in a temporary directory of its own, removed when the job ends. */
  file: string;
  tempDir: string;
  fileName: string;
  totalBytes: number;
  mapping?: Record<string, string | null> | undefined;
  dryRun?: boolean | undefined;
  sheet?: string | undefined;
  encoding?: EncodingOption | undefined;
}

/** Runs uploaded imports in the background of the server process, one row in import_jobs each. */
export class ImportJobRunner {
  private readonly running = new Map<string, { done: Promise<void>; abort: AbortController }>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly cipher: FieldCipher,
    private readonly log: { error(object: unknown, message: string): void },
  ) {}

  async start(job: StartJob): Promise<ImportJobRow> {
    const viewer = job.actor.viewer;
    const row = await insertJob(this.db, {
      id: randomUUID(),
      kind: job.kind,
      file_name: job.fileName.slice(0, 200),
      user_id: viewer.kind === 'user' ? viewer.userId : null,
      actor_name: viewerName(viewer),
      scope_paths: scopePaths(viewer, 'person.write'),
      dry_run: job.dryRun ?? false,
      total_bytes: job.totalBytes,
      created_at: job.actor.now(),
      heartbeat_at: new Date(),
      owner: PROCESS_OWNER,
    });
    const abort = new AbortController();
    const done = this.run(row.id, job, abort.signal).finally(() => this.running.delete(row.id));
    this.running.set(row.id, { done, abort });
    return row;
  }

  private async run(id: string, job: StartJob, signal: AbortSignal): Promise<void> {
    let lastWrite = 0;
    const heartbeat = setInterval(() => {
      updateJob(this.db, id, { heartbeat_at: new Date() }).catch(() => undefined);
    }, HEARTBEAT_MS);
    try {
      const result = await importRegisterFile(this.db, job.actor, this.cipher, {
        kind: job.kind,
        source: { path: job.file, fileName: job.fileName, scratchDir: job.tempDir },
        sheet: job.sheet,
        encoding: job.encoding,
        mapping: job.mapping,
        dryRun: job.dryRun,
        signal,
        jobId: id,
        fileName: job.fileName,
        onBatch: async (state) => {
          if (Date.now() - lastWrite < 500) return;
          lastWrite = Date.now();
          await updateJob(this.db, id, {
            processed_rows: state.processedRows,
            bytes_read: state.bytesRead,
            heartbeat_at: new Date(),
          });
        },
      });
      const originals = [...result.rejects.originalRows];
      await updateJob(this.db, id, {
        status: 'done',
        processed_rows: result.processedRows,
        bytes_read: job.totalBytes,
        report: JSON.stringify(result.report),
        rejected_total: result.rejectedTotal,
        headers: JSON.stringify(result.headers),
        // The cells of rejected rows hold ID numbers and phones: encrypted at rest like the register.
        reject_rows: originals.length ? this.cipher.encrypt(JSON.stringify(originals)) : null,
        finished_at: new Date(),
      });
    } catch (error) {
      // File and mapping problems are the clerk's to fix and are shown; anything else is logged, not leaked.
      const message = failureOf(error, 'IMPORT_FAILED');
      if (!(error instanceof AppError && error.statusCode < 500))
        this.log.error({ err: error, importId: id }, 'import failed');
      await updateJob(this.db, id, { status: 'failed', error: message, finished_at: new Date() }).catch(
        () => undefined,
      );
    } finally {
      clearInterval(heartbeat);
      await rm(job.tempDir, { recursive: true, force: true });
    }
  }

  /** Waits for a job (tests, shutdown). */
  async settled(id: string): Promise<void> {
    await this.running.get(id)?.done;
  }

  /** On shutdown: stop every import after its current batch. */
  async stopAll(): Promise<void> {
    for (const { abort } of this.running.values()) abort.abort();
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  async housekeeping(now: Date): Promise<void> {
    await forgetOldRejects(this.db, new Date(now.getTime() - REJECT_ROWS_KEPT_MS));
    await failAbandonedJobs(this.db);
  }
}

/**
 * At start: jobs left running by a process that is gone (killed on this host, or silent for
 * minutes on another) are marked failed; a live import of another node is left alone.
 */
export async function failAbandonedJobs(db: Kysely<DB>): Promise<string[]> {
  // Heartbeats are wall-clock time, whatever clock the app runs on.
  const now = new Date();
  const abandoned = (await runningJobs(db))
    .filter(
      (job) =>
        (job.owner !== null && ownerIsGone(job.owner)) ||
        now.getTime() - job.heartbeat_at.getTime() > STALE_MS,
    )
    .map((job) => job.id);
  await failRunningJobs(db, abandoned, PROCESS_STOPPED, now);
  return abandoned;
}

/** Writes a finished job's rejects as XLSX: reason per row, with the row's original cells while kept. */
export async function writeJobRejects(
  cipher: FieldCipher,
  job: ImportJobRow,
  output: Writable,
  locale: Locale = DEFAULT_LOCALE,
): Promise<void> {
  const report = job.report as ImportReport | null;
  const rejects: RowReject[] = report?.rejected ?? [];
  const originals = job.reject_rows
    ? new Map(JSON.parse(cipher.decrypt(job.reject_rows)) as Array<[number, Record<string, string>]>)
    : undefined;
  await writeRejectsXlsx(rejects, job.headers ?? undefined, originals, output, locale);
}
