import { failureOf, failureRecord } from '../../imports/failure.js';
import { rm } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/context.js';
import { AppError } from '../../core/errors.js';
import type { DB } from '../../db/schema.js';
import type { EncodingOption } from '../../imports/encoding.js';
import { ownerIsGone, PROCESS_OWNER } from '../../imports/staging.js';
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

/** An upload to import, or a turn of claiming pushed batches until none waits. */
type Job = { type: 'claim'; done: Array<(processed: number) => void> } | ({ type: 'upload' } & UploadJob);

const FAILED_PAYLOADS_KEPT_MS = 7 * 24 * 3600_000;
/** Uploads waiting or running here are marked alive this often; silent this long, they are another node's dead ones. */
const HEARTBEAT_MS = 15_000;
const STALE_MS = 2 * 60_000;
/** A pushed batch's lease, renewed this often while it is processed: a dead node's batch waits at most a lease. */
export const PUSH_LEASE_MS = 30_000;
const LEASE_RENEW_MS = 10_000;
/** Claims of one batch before it is given up (a batch that kills every node that takes it). */
const MAX_ATTEMPTS = 5;

/** The latest claim of a batch went to another node (this one's lease ran out): its work is rolled back. */
class ClaimLost extends Error {}

const leaseFrom = (now: Date) => new Date(now.getTime() + PUSH_LEASE_MS);

/**
 * Works through pushed batches and uploaded files in the background of the server process, one
 * at a time per node (a city's feeds are many small batches; few writers keep person_health and
 * round counters free of lock waits). A pushed batch is stored with its payload before it is
 * answered; then any node may claim it (`claimPushedBatch`: `for update skip locked`, a lease the
 * holder renews). The accepting node claims at once; the `feed-claim` job takes up batches that
 * wait, or whose node died mid-batch, on whichever node runs it. Its records are stored in one
 * transaction that settles the claim last, so a batch is stored once whoever finishes it.
 * Uploaded files stay with the node that received them (their file is on its disk).
 */
export class FeedProcessor {
  private readonly queue: Job[] = [];
  private draining: Promise<void> | null = null;
  private stopped = false;
  /** Uploaded batches queued or running in this process. */
  private readonly uploads = new Set<number>();
  private heartbeat: NodeJS.Timeout | undefined;
  /** A claim turn queued and not begun: a push meanwhile needs no second one. */
  private claimQueued: Extract<Job, { type: 'claim' }> | null = null;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly cipher: FieldCipher,
    private readonly clock: () => Date,
    private readonly log: { error(object: unknown, message: string): void },
  ) {}

  /** Claims and processes pushed batches until none waits; answers how many this turn processed. */
  claimWaiting(): Promise<number> {
    if (this.stopped) return Promise.resolve(0);
    return new Promise((resolve) => {
      if (this.claimQueued) this.claimQueued.done.push(resolve);
      else {
        this.claimQueued = { type: 'claim', done: [resolve] };
        this.add(this.claimQueued);
      }
    });
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
   * At start: pushed batches left unfinished are claimed (those of a live node keep their lease);
   * uploads cannot be taken up (their staged file went with the process), so those of a process
   * that is gone are failed. Another node's live uploads (its process alive, its heartbeat fresh)
   * are left alone.
   */
  async recover(): Promise<void> {
    // A failed batch's records are kept a while for a retry or a look, not for ever: they hold ID numbers.
    await repo.forgetFailedPayloads(this.db, new Date(this.clock().getTime() - FAILED_PAYLOADS_KEPT_MS));
    const now = Date.now();
    const unfinished = await repo.unfinishedBatches(this.db);
    // A pushed batch of this host's earlier life need not wait for its lease to run out.
    const gone = unfinished.filter((b) => b.channel === 'push' && b.owner !== null && ownerIsGone(b.owner));
    await repo.releaseLeases(this.db, [...new Set(gone.map((b) => b.owner!))]);
    for (const batch of unfinished) {
      if (batch.channel === 'push') continue;
      if (
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
    // Not awaited: the server listens while its leftovers are processed.
    void this.claimWaiting();
  }

  /** Waits until every queued job is done (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** On shutdown: finish the current job, leave the rest for the next start (or another node). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    await this.draining;
    // Queued uploads are lost with the server (their batches are failed at the next start); their files go now.
    for (const job of this.queue.splice(0)) {
      if (job.type === 'upload') await rm(job.tempDir, { recursive: true, force: true });
      else for (const resolve of job.done) resolve(0);
    }
    this.claimQueued = null;
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
        if (job.type === 'claim') {
          // From here a push needs a new turn: this one may have looked already.
          if (this.claimQueued === job) this.claimQueued = null;
          let processed = 0;
          try {
            processed = await this.claimAll();
          } catch (error) {
            this.log.error({ err: error }, 'claiming feed batches failed');
          } finally {
            for (const resolve of job.done) resolve(processed);
          }
          continue;
        }
        try {
          await this.processUpload(job);
        } catch (error) {
          this.log.error({ err: error, batchId: job.batchId }, 'feed batch failed');
        }
      }
    } finally {
      this.draining = null;
    }
  }

  private async claimAll(): Promise<number> {
    let processed = 0;
    while (!this.stopped) {
      const now = new Date();
      const batch = await repo.claimPushedBatch(this.db, PROCESS_OWNER, now, leaseFrom(now));
      if (!batch) break;
      try {
        await this.processPush(batch);
        processed += 1;
      } catch (error) {
        this.log.error({ err: error, batchId: batch.id }, 'feed batch failed');
      }
    }
    return processed;
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

  private async processPush(batch: repo.FeedBatchRow): Promise<void> {
    const { id: batchId, attempts: attempt } = batch;
    if (attempt > MAX_ATTEMPTS) {
      await repo.settleClaim(this.db, batchId, attempt, {
        status: 'failed',
        error: failureRecord('FEED_BATCH_NOT_STORED'),
        finished_at: this.clock(),
      });
      return;
    }
    // The lease is renewed while the batch is stored; a node that dies stops renewing it.
    const renewal = setInterval(() => {
      const now = new Date();
      repo.renewLease(this.db, batchId, attempt, now, leaseFrom(now)).catch(() => undefined);
    }, LEASE_RENEW_MS).unref();
    try {
      await this.db.transaction().execute(async (trx) => {
        const payload = await repo.loadPayload(trx, batchId);
        if (payload === undefined) throw new Error(`batch ${batchId} has no payload`);
        const records = JSON.parse(this.cipher.decrypt(payload)) as Array<Record<string, unknown>>;
        const now = this.clock();
        const { counts, rejects } = await storePushed(trx, this.cipher, batch, records, now);
        // Processed: the raw records (ID numbers) are not kept longer than needed.
        await repo.deletePayload(trx, batchId);
        const settled = await repo.settleClaim(trx, batchId, attempt, {
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
        if (!settled) throw new ClaimLost(`batch ${batchId}: claim ${attempt} was taken over`);
      });
    } catch (error) {
      // Another node holds the batch now and stores it; this node's work was rolled back.
      if (error instanceof ClaimLost) return;
      await repo
        .settleClaim(this.db, batchId, attempt, {
          status: 'failed',
          error: failureRecord('FEED_BATCH_NOT_STORED'),
          finished_at: this.clock(),
        })
        .catch(() => undefined);
      throw error;
    } finally {
      clearInterval(renewal);
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
