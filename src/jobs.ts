import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import { type JobDefinition, type JobLog, JobRegistry } from './core/jobs.js';
import type { Database } from './db/database.js';
import type { ReplicaState } from './db/replica.js';
import type { DB } from './db/schema.js';
import { purgeExpiredRecords } from './checkpoints/figures-service.js';
import { watchStaffingGaps } from './checkpoints/rota-service.js';
import {
  escalateOverdueRectifications,
  escalateOverdueRounds,
} from './enterprises/inspections/escalation.js';
import { remindOverdueFilings } from './enterprises/filings/service.js';
import { escalateOverdueEvents } from './events/escalation.js';
import { FeedProcessor } from './health/feeds/processor.js';
import { flagReturnees } from './health/key-persons/returnees.js';
import { escalateOverdueLeads } from './health/leads/escalation.js';
import { removeOwnStaging, sweepStaging, touchStaging } from './imports/staging.js';
import { type ChannelAdapters, createChannelAdapters } from './notifications/channels/index.js';
import { loadNotificationConfig, type NotificationChannelConfig } from './notifications/config.js';
import { deliverDueNotifications, type DeliveryRun } from './notifications/delivery.js';
import { purgeExpiredScans } from './place-codes/retention.js';
import { PUBLIC_LIMIT_WINDOW_MS } from './household-codes/public-limits.js';
import { prunePublicHits } from './household-codes/repository.js';
import { deleteExpiredIdempotencyKeys } from './auth/idempotency-repository.js';
import type { FieldCipher } from './privacy/field-crypto.js';
import { ImportJobRunner } from './register-import/jobs.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The background jobs (src/jobs.ts): started by startServer, stopped when the app closes. */
    jobs: JobRegistry<JobContext>;
    /** Health-feed batches: pushed ones claimed from the database by any node, uploaded ones worked through here. */
    feedProcessor: FeedProcessor;
    /** Register imports running in this process. */
    importJobs: ImportJobRunner;
  }
}

/** What background jobs work with: the app's handles, nothing of a request. */
export interface JobContext {
  db: Kysely<DB>;
  database: Database;
  config: Config;
  clock: () => Date;
  cipher: FieldCipher;
  log: JobLog;
  notificationAdapters: ChannelAdapters;
  /** The request-fed queues whose leftovers the start jobs take up again. */
  feedProcessor: FeedProcessor;
  importJobs: ImportJobRunner;
}

export type BackgroundJob = JobDefinition<JobContext>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Deliveries claimed per batch, and batches per tick: a burst does not wait one interval per batch. */
const DELIVERY_BATCH = 50;
const DELIVERY_ROUNDS = 20;

/**
 * Every piece of background work of the server, declared once, in start order (stopped in reverse).
 * Started only by `startServer` (src/server.ts) after the migrations; tests start the ones they name.
 */
export const JOBS: readonly BackgroundJob[] = Object.freeze([
  {
    name: 'upload-staging',
    summary:
      "Removes uploads (ID numbers, phones) that stopped processes left staged (at start, then every minute) and marks this process's staging folder alive; on stop removes its own",
    schedule: { every: MINUTE },
    claim: 'per-node',
    atStart: async ({ config, log }) => {
      const swept = await sweepStaging(config.dataDir);
      if (swept.length > 0)
        log.info({ processes: swept.length }, 'removed uploads left by stopped processes');
    },
    run: async ({ config }) => {
      await touchStaging(config.dataDir);
      return sweepStaging(config.dataDir);
    },
    atStop: ({ config }) => removeOwnStaging(config.dataDir),
  },
  {
    name: 'replica-lag',
    summary:
      "Measures the read replica's replay position and lag against the primary (DATABASE_READ_URL): reads follow it, and fall back to the primary while it is down",
    schedule: { every: 2_000 },
    claim: 'per-node',
    enabled: ({ database }) => database.replica !== null,
    atStart: ({ database, log }) => measureReplica(database, log),
    run: ({ database, log }) => measureReplica(database, log),
  },
  {
    name: 'import-recovery',
    summary:
      'At start: register imports of a process that is gone are marked failed, rejected rows older than 7 days forgotten',
    schedule: { every: 'start' },
    // Only jobs whose owner process is gone or silent for minutes; a second run changes nothing.
    claim: 'idempotent',
    run: ({ importJobs, clock }) => importJobs.housekeeping(clock()),
  },
  {
    name: 'feed-recovery',
    summary:
      'At start: pushed health-feed batches left unfinished are claimed, dead uploads failed, old failed payloads forgotten',
    schedule: { every: 'start' },
    // Uploads are failed with a guarded `update … where status in (received, processing)`; pushes are leased.
    claim: 'guarded-update',
    run: ({ feedProcessor }) => feedProcessor.recover(),
  },
  {
    name: 'feed-claim',
    summary:
      'Claims pushed health-feed batches that wait, or whose node died mid-batch (lease run out), and processes them here',
    schedule: { every: 10_000 },
    // `for update skip locked` with a renewed `locked_until`; only the latest claim may settle a batch.
    claim: 'lease',
    run: ({ feedProcessor }) => feedProcessor.claimWaiting(),
  },
  {
    name: 'pglite-vacuum',
    summary: 'PGlite has no autovacuum: keeps the planner statistics and free space fresh',
    schedule: { every: 6 * HOUR },
    claim: 'per-node',
    enabled: ({ database }) => database.raw.kind === 'pglite',
    run: async ({ database }) => {
      if (database.raw.kind === 'pglite') await database.raw.pglite.exec('vacuum analyze');
    },
  },
  {
    name: 'event-escalation',
    summary: 'Moves each event whose step is overdue one tier up, notifying the new tier',
    schedule: { every: MINUTE, firstRunMs: 5_000 },
    claim: 'skip-locked',
    run: async ({ db, clock, log }) => {
      const escalated = await escalateOverdueEvents(db, clock());
      if (escalated.length > 0) log.info({ escalated: escalated.length }, 'overdue events escalated');
      return escalated;
    },
  },
  {
    name: 'notification-delivery',
    summary: 'Sends due SMS, webhook and voice deliveries, retrying with backoff',
    schedule: { every: 5_000 },
    claim: 'lease',
    run: async ({ db, notificationAdapters, cipher, clock }, signal) => {
      const runs: DeliveryRun[] = [];
      for (let round = 0; round < DELIVERY_ROUNDS && !signal.aborted; round += 1) {
        const run = await deliverDueNotifications(db, notificationAdapters, clock(), {
          cipher,
          batch: DELIVERY_BATCH,
        });
        if (run.claimed > 0) runs.push(run);
        if (run.claimed < DELIVERY_BATCH) break;
      }
      return runs;
    },
  },
  {
    name: 'inspection-escalation',
    summary:
      'Moves overdue enterprise rectifications one tier up (notifying it) and tells the tier above an inspection round that ended with enterprises uninspected',
    schedule: { every: MINUTE, firstRunMs: 7_000 },
    claim: 'skip-locked',
    run: async ({ db, clock, log }) => {
      const now = clock();
      const rectifications = await escalateOverdueRectifications(db, now);
      const rounds = await escalateOverdueRounds(db, now);
      if (rectifications.length + rounds.length > 0)
        log.info(
          { rectifications: rectifications.length, rounds: rounds.length },
          'overdue inspections escalated',
        );
      return { rectifications, rounds };
    },
  },
  {
    name: 'lead-escalation',
    summary: 'Escalates overdue leads worker → grid leader → community (12 hours later)',
    schedule: { every: MINUTE },
    claim: 'guarded-update',
    run: async ({ db, clock, log }) => {
      const result = await escalateOverdueLeads(db, clock());
      if (result.toGridLeader.length + result.toCommunity.length > 0)
        log.info(
          { toGridLeader: result.toGridLeader.length, toCommunity: result.toCommunity.length },
          'overdue leads escalated',
        );
      return result;
    },
  },
  {
    name: 'filing-reminders',
    summary:
      'Reminds the grid workers of each return-to-work filing not inspected and decided by its deadline (once per submission)',
    schedule: { every: 5 * MINUTE },
    claim: 'guarded-update',
    run: async ({ db, clock, log }) => {
      const reminded = await remindOverdueFilings(db, clock());
      if (reminded.length > 0) log.info({ reminded: reminded.length }, 'overdue filings reminded');
      return reminded;
    },
  },
  {
    name: 'place-scan-purge',
    summary: 'Deletes place-code scans older than GRIDGUARD_PLACE_SCAN_RETENTION_DAYS',
    schedule: { every: HOUR, firstRunMs: MINUTE },
    claim: 'idempotent',
    run: async ({ db, clock, config, log }) => {
      const retentionDays = config.placeScanRetentionDays;
      const deleted = await purgeExpiredScans(db, clock(), retentionDays);
      if (deleted > 0) log.info({ deleted, retentionDays }, 'expired place scans deleted');
      return deleted;
    },
  },
  {
    name: 'checkpoint-staffing',
    summary:
      'Opens a staffing gap for each checkpoint due with nobody signed in, alerting its team leader once; closes gaps when someone signs in',
    schedule: { every: MINUTE, firstRunMs: 15_000 },
    // One open gap per checkpoint (a unique index, `on conflict do nothing`); the alert is keyed by the gap.
    claim: 'idempotent',
    run: async ({ db, clock, log }) => {
      const result = await db.transaction().execute((trx) => watchStaffingGaps(trx, clock()));
      if (result.opened.length + result.closed.length > 0)
        log.info({ opened: result.opened.length, closed: result.closed.length }, 'checkpoint staffing gaps');
      return result;
    },
  },
  {
    name: 'checkpoint-record-purge',
    summary: 'Deletes checkpoint crossings older than GRIDGUARD_CHECKPOINT_RECORD_RETENTION_DAYS, in batches',
    schedule: { every: HOUR, firstRunMs: 3 * MINUTE },
    claim: 'idempotent',
    run: async ({ db, clock, config, log }) => {
      const retentionDays = config.checkpointRecordRetentionDays;
      const deleted = await purgeExpiredRecords(db, clock(), retentionDays);
      if (deleted > 0) log.info({ deleted, retentionDays }, 'expired checkpoint records deleted');
      return deleted;
    },
  },
  {
    name: 'returnee-scan',
    summary: 'Flags returnees from current risk areas as key persons with follow-ups',
    schedule: { every: 10 * MINUTE },
    // A unique index (one active returnee entry per person) and `on conflict do nothing`.
    claim: 'idempotent',
    run: async ({ db, clock, log }) => {
      const result = await flagReturnees(db, clock());
      if (result.flagged.length) log.info({ flagged: result.flagged.length }, 'returnees flagged');
      return result;
    },
  },
  {
    name: 'public-limit-prune',
    summary: 'Forgets public-endpoint rate-limit counters whose minute has ended',
    schedule: { every: 10 * MINUTE, firstRunMs: MINUTE },
    claim: 'idempotent',
    run: ({ db, clock }) => prunePublicHits(db, clock(), PUBLIC_LIMIT_WINDOW_MS),
  },
  {
    name: 'idempotency-expiry',
    summary: 'Deletes Idempotency-Key claims and kept answers older than 7 days',
    schedule: { every: HOUR, firstRunMs: 2 * MINUTE },
    claim: 'idempotent',
    run: async ({ db, clock, log }) => {
      const deleted = await deleteExpiredIdempotencyKeys(db, clock());
      if (deleted > 0) log.info({ deleted }, 'expired idempotency keys deleted');
      return deleted;
    },
  },
]);

/** One measurement; a change of the replica's status is logged once, not every 2 s. */
async function measureReplica(database: Database, log: JobLog): Promise<ReplicaState | null> {
  const replica = database.replica;
  if (!replica) return null;
  const before = replica.state.status;
  const state = await replica.measure();
  if (state.status !== before) {
    const fields = { replica: state.status, lagSeconds: state.lagSeconds, lagBytes: state.lagBytes };
    if (state.status === 'down') log.error(fields, 'read replica unreachable: reads go to the primary');
    else log.info(fields, 'read replica answering: heavy reads go to it');
  }
  return state;
}

/** The registry of one app: every job of JOBS declared, then sealed. */
export function createJobRegistry(context: JobContext): JobRegistry<JobContext> {
  const registry = new JobRegistry(context, context.log);
  for (const job of JOBS) registry.declare(job);
  return registry.seal();
}

/**
 * Decorates the app with its job registry and the request-fed work queues (created here so the
 * start jobs reach them), and stops all of them when the app closes: the queues first, then the jobs.
 * Nothing starts here: `startServer` calls `app.jobs.start()`.
 */
export const jobsPlugin = fp<{ channels?: NotificationChannelConfig | undefined }>(
  async (app: FastifyInstance, options) => {
    const feedProcessor = new FeedProcessor(app.db, app.cipher, app.clock, app.log);
    const importJobs = new ImportJobRunner(app.db, app.cipher, app.log);
    const channels = options.channels ?? loadNotificationConfig(process.env);
    app.decorate('feedProcessor', feedProcessor);
    app.decorate('importJobs', importJobs);
    app.decorate(
      'jobs',
      createJobRegistry({
        db: app.db,
        database: app.database,
        config: app.config,
        clock: app.clock,
        cipher: app.cipher,
        log: app.log,
        notificationAdapters: createChannelAdapters(channels, (fields, message) =>
          app.log.info(fields, message),
        ),
        feedProcessor,
        importJobs,
      }),
    );
    // The queues first: their uploads sit in the staging folder the last job removes.
    app.addHook('onClose', async () => {
      await importJobs.stopAll();
      await feedProcessor.stop();
      await app.jobs.stop();
    });
  },
  { name: 'gridguard-jobs' },
);
