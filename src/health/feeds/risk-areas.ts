import type { Db } from '../../auth/context.js';
import { listRiskAreas, type RiskAreaRow } from './repository.js';

export type { RiskAreaRow };

/**
 * The risk areas in force at `now` (valid_from ≤ now < valid_to, or no end), highest level
 * first: what the returnee flagging compares a person's arrival or itinerary with, by
 * `region_code` (a 6-digit county code covers the 9- and 12-digit codes under it) or by name.
 */
export async function currentRiskAreas(db: Db, now: Date): Promise<RiskAreaRow[]> {
  const rows = await listRiskAreas(db, { at: now, limit: 100_000 });
  const rank = { high: 0, medium: 1, low: 2 } as const;
  return rows.sort((a, b) => rank[a.level] - rank[b.level] || a.name.localeCompare(b.name));
}
