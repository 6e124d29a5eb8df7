import type { Db } from '../auth/context.js';
import { deleteScansBefore } from './repository.js';

const DAY_MS = 24 * 3600 * 1000;
export const DEFAULT_RETENTION_DAYS = 21;

/** Deletes every place scan older than the retention period; returns how many. */
export async function purgeExpiredScans(db: Db, now: Date, retentionDays: number): Promise<number> {
  return deleteScansBefore(db, new Date(now.getTime() - retentionDays * DAY_MS));
}
