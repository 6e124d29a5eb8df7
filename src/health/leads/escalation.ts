import type { Db } from '../../auth/context.js';
import { escalateStep } from './repository.js';

const HOUR_MS = 3600 * 1000;

export interface EscalationPolicy {
  /** How long a lead stays with the grid leader before it goes up to the community. */
  communityAfterMs: number;
}

/** Default: the grid leader gets 12 hours after the deadline passed before the community is told. */
export const DEFAULT_ESCALATION: EscalationPolicy = Object.freeze({ communityAfterMs: 12 * HOUR_MS });

export interface EscalationResult {
  /** Ids of the leads moved worker → grid leader, and grid leader → community. */
  toGridLeader: number[];
  toCommunity: number[];
}

/**
 * Escalates overdue open leads one tier per step:
 * - worker → grid leader once the deadline has passed;
 * - grid leader → community once it has sat with the grid leader for `communityAfterMs`
 *   (counted from that escalation, so a lead never jumps two tiers in one run).
 * Each step is one statement that claims its rows with `tier = from`, so running this twice,
 * or in two processes at once, escalates each lead once per step; every move is written to
 * the lead's history with the time and both tiers.
 */
export async function escalateOverdueLeads(
  db: Db,
  now: Date,
  policy: EscalationPolicy = DEFAULT_ESCALATION,
): Promise<EscalationResult> {
  const toGridLeader = await escalateStep(db, now, 'worker', 'grid_leader', {
    column: 'deadline',
    atOrBefore: now,
  });
  const toCommunity = await escalateStep(db, now, 'grid_leader', 'community', {
    column: 'escalated_at',
    atOrBefore: new Date(now.getTime() - policy.communityAfterMs),
  });
  return { toGridLeader, toCommunity };
}
