import { recordAuditMany } from '../../audit/repository.js';
import type { Actor, Db } from '../../auth/context.js';
import { chinaDate } from '../../household-codes/dates.js';
import { CATEGORY_DEFAULTS } from './plan.js';
import * as repo from './repository.js';

/** How far back an arrival counts: 14 days, today included. */
export const RETURNEE_WINDOW_DAYS = 14;

export interface ReturneeScan {
  flagged: Array<{ keyPersonId: number; personId: number; areaPath: string }>;
}

/**
 * Flags returnees (返乡人员): active persons who arrived in the last 14 days from a risk area
 * that is current at `now` become returnee key persons, followed until 14 days after arrival,
 * with the category's default plan and the default grid worker. Idempotent: a person never has
 * two active returnee entries, and an arrival already handled is not flagged again.
 * Run by the key-person plugin on a timer, by POST /api/key-persons/scan-returnees, and by
 * the feed import after new risk areas arrive. Inside a transaction when given one; in its
 * own otherwise.
 */
export async function flagReturnees(db: Db, now: Date): Promise<ReturneeScan> {
  if (!db.isTransaction) return db.transaction().execute((trx) => flagReturnees(trx, now));
  const today = chinaDate(now);
  const defaults = CATEGORY_DEFAULTS.returnee;
  const rows = await repo.insertReturnees(db, {
    now,
    today,
    periodDays: RETURNEE_WINDOW_DAYS,
    plan: JSON.stringify(defaults.plan),
  });
  if (rows.length === 0) return { flagged: [] };
  await repo.generateFollowUps(
    db,
    rows.map((r) => r.id),
    today,
  );
  const actor: Actor = { viewer: { kind: 'system', name: 'returnee-scan' }, ip: null, now: () => now };
  await recordAuditMany(
    db,
    actor,
    rows.map((r) => ({
      action: 'key_person.flag',
      entityType: 'key_person',
      entityId: r.id,
      areaPath: r.area_path,
      after: { personId: r.person_id, category: 'returnee' },
      reason: r.reason,
    })),
  );
  return { flagged: rows.map((r) => ({ keyPersonId: r.id, personId: r.person_id, areaPath: r.area_path })) };
}
