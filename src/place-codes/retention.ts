import type { Kysely } from 'kysely';
import { startPeriodicJob } from '../core/periodic.js';
import type { Db } from '../core/context.js';
import type { DB } from '../db/schema.js';
import { deleteScansBefore } from './repository.js';

const DAY_MS = 24 * 3600 * 1000;
export const DEFAULT_RETENTION_DAYS = 21;

/** Deletes every place scan older than the retention period; returns how many. */
export async function purgeExpiredScans(db: Db, now: Date, retentionDays: number): Promise<number> {
  return deleteScansBefore(db, new Date(now.getTime() - retentionDays * DAY_MS));
}

export interface PurgeTimerOptions {
  db: Kysely<DB>;
  clock: () => Date;
  retentionDays: number;
  intervalMs: number;
  /** Delay of the first run after start (default: one interval). */
  firstRunMs?: number;
  onError: (error: unknown) => void;
  onPurged?: (deleted: number) => void;
}

/** Runs the purge periodically (see startPeriodicJob). */
export function startScanPurge(options: PurgeTimerOptions): { stop: () => Promise<void> } {
  return startPeriodicJob({
    intervalMs: options.intervalMs,
    ...(options.firstRunMs !== undefined ? { firstRunMs: options.firstRunMs } : {}),
    run: async () => {
      // Purge first: an optional call would skip evaluating its argument when nobody listens.
      const deleted = await purgeExpiredScans(options.db, options.clock(), options.retentionDays);
      options.onPurged?.(deleted);
    },
    onError: options.onError,
  });
}
