import type { Kysely } from 'kysely';
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

/**
 * Runs the purge on a timer that never keeps the process alive. `stop` clears the timer and
 * waits for a run in progress, so the database can be closed right after.
 */
export function startScanPurge(options: PurgeTimerOptions): { stop: () => Promise<void> } {
  let running: Promise<void> | null = null;
  let stopped = false;
  const run = () => {
    if (running || stopped) return;
    running = purgeExpiredScans(options.db, options.clock(), options.retentionDays)
      .then((deleted) => options.onPurged?.(deleted))
      .catch(options.onError)
      .finally(() => {
        running = null;
      });
  };
  let interval: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    run();
    interval = setInterval(run, options.intervalMs);
    interval.unref();
  }, options.firstRunMs ?? options.intervalMs);
  first.unref();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(first);
      if (interval) clearInterval(interval);
      await running;
    },
  };
}
