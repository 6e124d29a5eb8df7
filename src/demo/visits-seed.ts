import type { Db } from '../auth/context.js';
import type { AreaRow } from '../hierarchy/repository.js';
import { insertDemoVisits } from './repository.js';

/**
 * Household visits of the last 30 days: each micro-grid's worker has called on about two in five of
 * their households, seeing the residents living there — so visit coverage and the performance
 * review have something to show. Set-based and deterministic (spread by house id).
 */
export async function seedDemoVisits(db: Db, village: AreaRow, now: Date): Promise<number> {
  return insertDemoVisits(db, village.path, now);
}
