import { failureOf, failureRecord } from '../../imports/failure.js';
import { rm } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/context.js';
import { AppError } from '../../core/errors.js';
import type { DB } from '../../db/schema.js';
import type { EncodingOption } from '../../imports/encoding.js';
import { ownerIsGone } from '../../imports/staging.js';
import { RejectCollector } from '../../imports/report.js';
import type { FieldCipher } from '../../privacy/field-crypto.js';
import { importHealthFile } from './file-import.js';
import { FEED_KIND_OF, type FeedKind, STORED_KIND } from './kinds.js';
import {
  fieldsOfPushed,
  type RecordCandidate,
  type RiskAreaCandidate,
  validateRecord,
  validateRiskArea,
} from './records.js';
import * as repo from './repository.js';
import { type ChunkCounts, storeRecords, storeRiskAreas } from './service.js';
import { CellProblem } from './values.js';

export interface UploadJob {
  batchId: number;
  actor: Actor;
  kind: FeedKind;
  /** The upload in a temporary directory of its own, removed when the job ends. */
  file: string;
  tempDir: string;
  fileName: string;
  sheet?: string | undefined;
  encoding?: EncodingOption | undefined;
}

type Job = { type: 'push'; batchId: number } | ({ type: 'upload' } & UploadJob);

const FAILED_PAYLOADS_KEPT_MS = 7 * 24 * 3600_000;
/** Uploads waiting or running here are marked alive this often; silent this long, they are another node's dead ones. */
const HEARTBEAT_MS = 15_000;
const STALE_MS = 2 * 60_000;

/**
 * Works through pushed batches and uploaded files in the background of the server process, one
 * at a time (a city's feeds are many small batches; one writer keeps person_health and round
 * counters free of lock waits). A pushed batch is stored with its payload before it is
 * answered, so a batch the server did not finish is taken up again when it starts.
 */
export class FeedProcessor {
  private readonly queue: Job[] = [];
  private draining: Promise<void> | null = null;
  private stopped = false;
  /** Uploaded batches queued or running in this process. */
  private readonly uploads = new Set<number>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly cipher: FieldCipher,
    private readonly clock: () => Date,
    private readonly log: { error(object: unknown, message: string): void },
  ) {}

  enqueuePush(batchId: number): void {
    this.add({ type: 'push', batchId });
  }

  enqueueUpload(job: UploadJob): void {
    if (this.stopped) return;
    this.uploads.add(job.batchId);
    this.heartbeat ??= setInterval(() => {
      repo.touchBatches(this.db, [...this.uploads], new Date()).catch(() => undefined);
    }, HEARTBEAT_MS).unref();
    this.add({ type: 'upload', ...job });
  }

  /**
   * At start: pushed batches left unfinished are processed again; uploads cannot be (their staged
   * file went with the process), so those of a process that is gone are failed. Another node's
   * live uploads (its process alive, its heartbeat fresh) are left alone.
   */
  async recover(): Promise<void> {
    // A failed batch's records are kept a while for a retry or a look, not for ever: they hold ID numbers.
    await repo.forgetFailedPayloads(this.db, new Date(this.clock().getTime() - FAILED_PAYLOADS_KEPT_MS));
    const now = Date.now();
    for (const batch of await repo.unfinishedBatches(this.db)) {
      if (batch.channel === 'push') this.enqueuePush(batch.id);
      else if (
        batch.owner === null ||
        ownerIsGone(batch.owner) ||
        now - (batch.heartbeat_at?.getTime() ?? 0) > STALE_MS
      )
        await repo.updateBatch(this.db, batch.id, {
          status: 'failed',
          error: failureRecord('IMPORT_PROCESS_STOPPED'),
          finished_at: this.clock(),
        });
    }
  }

  /** Waits until every queued job is done (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** On shutdown: finish the current job, leave the rest for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    await this.draining;
    // Queued uploads are lost with the server (their batches are failed at the next start); their files go now.
    for (const job of this.queue.splice(0))
      if (job.type === 'upload') await rm(job.tempDir, { recursive: true, force: true });
  }

  private add(job: Job): void {
    if (this.stopped) return;
    this.queue.push(job);
    this.draining ??= this.drain();
  }

  private async drain(): Promise<void> {
    try {
      // The queue is checked and `draining` cleared in the same turn, so a job added meanwhile is never stranded.
      for (let job = this.queue.shift(); job && !this.stopped; job = this.queue.shift()) {
        try {
          if (job.type === 'push') await this.processPush(job.batchId);
          else await this.processUpload(job);
        } catch (error) {
          this.log.error({ err: error, batchId: job.batchId }, 'feed batch failed');
        }
      }
    } finally {
      this.draining = null;
    }
  }

  private async processUpload(job: UploadJob): Promise<void> {
    try {
      await importHealthFile(this.db, job.actor, this.cipher, {
        kind: job.kind,
        batchId: job.batchId,
        file: { path: job.file, fileName: job.fileName, scratchDir: job.tempDir },
        fileName: job.fileName,
        sheet: job.sheet,
        encoding: job.encoding,
      });
    } catch (error) {
      // A failure before the import took the batch (the file vanished) must not leave it waiting.
      await repo.failUnfinished(this.db, job.batchId, failureOf(error, 'IMPORT_FILE_GONE'), this.clock());
      // The batch row says why; a clerk's file problem is not a server error.
      if (!(error instanceof AppError && error.statusCode < 500)) throw error;
    } finally {
      this.uploads.delete(job.batchId);
      await rm(job.tempDir, { recursive: true, force: true });
    }
  }

  private async processPush(batchId: number): Promise<void> {
    const batch = await repo.claimBatch(this.db, batchId);
    if (!batch) return;
    try {
      await this.db.transaction().execute(async (trx) => {
        const payload = await repo.loadPayload(trx, batchId);
        if (payload === undefined) throw new Error(`batch ${batchId} has no payload`);
        const records = JSON.parse(this.cipher.decrypt(payload)) as Array<Record<string, unknown>>;
        const now = this.clock();
        const { counts, rejects } = await storePushed(trx, this.cipher, batch, records, now);
        await repo.updateBatch(trx, batchId, {
          status: 'done',
          processed: records.length,
          inserted: counts.inserted,
          updated: counts.updated,
          duplicates: counts.unchanged,
          matched: counts.matched,
          unmatched: counts.unmatched,
          rejected: JSON.stringify(rejects.rejects),
          rejected_total: rejects.total,
          finished_at: now,
        });
        // Processed: the raw records (ID numbers) are not kept longer than needed.
        await repo.deletePayload(trx, batchId);
      });
    } catch (error) {
      await repo
        .updateBatch(this.db, batchId, {
          status: 'failed',
          error: failureRecord('FEED_BATCH_NOT_STORED'),
          finished_at: this.clock(),
        })
        .catch(() => undefined);
      throw error;
    }
  }
}

/** Checks and stores a pushed batch in one transaction: rejects by 1-based position in `records`. */
async function storePushed(
  trx: Kysely<DB>,
  cipher: FieldCipher,
  batch: repo.FeedBatchRow,
  records: ReadonlyArray<Record<string, unknown>>,
  now: Date,
): Promise<{ counts: ChunkCounts; rejects: RejectCollector }> {
  const kind = FEED_KIND_OF[batch.kind];
  const ctx = { cipher, source: batch.source, now };
  const rejects = new RejectCollector();
  const seen = new Map<string, number>();
  const valid: Array<RecordCandidate | RiskAreaCandidate> = [];
  records.forEach((record, index) => {
    const row = index + 1;
    const fields = fieldsOfPushed(record);
    const candidate =
      kind === 'riskareas' ? validateRiskArea(ctx, fields, row) : validateRecord(kind, ctx, fields, row);
    if (Array.isArray(candidate)) {
      for (const problem of candidate) rejects.reject(row, problem.field, problem);
      return;
    }
    const key =
      'recordKey' in candidate
        ? candidate.recordKey
        : `${candidate.name}\u0001${candidate.level}\u0001${candidate.validFrom.toISOString()}`;
    const first = seen.get(key);
    if (first !== undefined) {
      rejects.reject(
        row,
        'recordKey' in candidate ? 'recordId' : 'name',
        new CellProblem('', 'duplicateInFile', { row: first }),
      );
      return;
    }
    seen.set(key, row);
    valid.push(candidate);
  });
  const counts =
    kind === 'riskareas'
      ? await storeRiskAreas(trx, batch.source, valid as RiskAreaCandidate[], now)
      : await storeRecords(
          trx,
          {
            kind: STORED_KIND[kind],
            source: batch.source,
            batchId: batch.id,
            feedPath: batch.area_path,
            now,
            cipher,
            wholeBatch: true,
          },
          valid as RecordCandidate[],
        );
  return { counts, rejects };
}
