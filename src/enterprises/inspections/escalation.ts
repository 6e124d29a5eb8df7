import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { notificationText, type NotificationText } from '../../i18n/notifications.js';
import type { Locale } from '../../i18n/locale.js';
import { notifyInTheirLanguage } from '../../notifications/notify.js';
import { respondersAt, tierAbove, tierChain } from '../../events/responders.js';
import { checklistTextKey, DEFAULT_CHECKLIST } from './checklist.js';
import * as repo from './repository.js';

const BATCH = 50;
const DAY_MS = 86_400_000;

export interface EscalationPolicy {
  /** How long a task sits with a tier after its deadline (or its last escalation) before it goes up again. */
  nextTierAfterMs: number;
}
export const DEFAULT_RECTIFICATION_ESCALATION: EscalationPolicy = Object.freeze({ nextTierAfterMs: DAY_MS });

const itemName = (locale: Locale, key: string, label: string | null) =>
  label ??
  ((DEFAULT_CHECKLIST as readonly string[]).includes(key)
    ? notificationText(locale, checklistTextKey(key) as NotificationText)
    : key);

/**
 * Moves each open rectification whose deadline (or last escalation + policy) has passed ONE tier up
 * the enterprise's chain (grid → community → street → district), with the events' tier logic
 * (tierChain, tierAbove) and their responders, notifying the new tier. Rows are claimed with
 * `skip locked` and moved guarded by the claimed tier, so concurrent runs move each task once; the
 * dedupe key makes a retried notification harmless. At the top tier a task stays overdue where it is.
 */
export async function escalateOverdueRectifications(
  db: Kysely<DB>,
  now: Date,
  policy: EscalationPolicy = DEFAULT_RECTIFICATION_ESCALATION,
): Promise<Array<{ id: number; toTier: string }>> {
  const moved: Array<{ id: number; toTier: string }> = [];
  for (;;) {
    const claimed = await db.transaction().execute(async (trx) => {
      const due = await repo.claimDueRectifications(trx, now, BATCH);
      for (const task of due) {
        const next = tierAbove(await tierChain(trx, task.area_path), task.tier);
        if (!next) {
          await repo.stopEscalating(trx, task.id);
          continue;
        }
        const escalateAt = new Date(now.getTime() + policy.nextTierAfterMs);
        const ok = await repo.moveRectificationTier(
          trx,
          { id: task.id, tier: task.tier },
          { tier: next.tier, areaId: next.areaId, escalateAt },
        );
        if (!ok) continue;
        await notifyInTheirLanguage(trx, {
          userIds: await respondersAt(trx, next.areaId),
          kind: 'rectification.escalated',
          priority: 'urgent',
          title: (locale) =>
            notificationText(locale, 'rectificationEscalated', {
              unit: task.unit_name,
              item: itemName(locale, task.item_key, task.item_label),
            }).slice(0, 200),
          body: (locale) => notificationText(locale, 'rectificationEscalatedBody', { area: next.name }),
          link: '/enterprise-inspections/rectifications',
          dedupeKey: `rectification:${task.id}:escalate:${task.escalation_count + 1}`,
          now,
        });
        moved.push({ id: task.id, toTier: next.tier });
      }
      return due.length;
    });
    if (claimed < BATCH) return moved;
  }
}

/**
 * Rounds past their end with resumed enterprises still uninspected: the tier above the round's area
 * is told once (like an overdue lead going up), and the round is marked escalated.
 */
export async function escalateOverdueRounds(db: Kysely<DB>, now: Date): Promise<number[]> {
  return db.transaction().execute(async (trx) => {
    const escalated: number[] = [];
    for (const round of await repo.claimOverdueRounds(trx, now, BATCH)) {
      await repo.markRoundEscalated(trx, round.id, now);
      const left = await repo.countUninspected(trx, round);
      if (left === 0) continue;
      const chain = await tierChain(trx, round.area_path);
      const own = chain.findIndex((t) => t.areaId === round.area_id);
      const next = own >= 0 ? chain[own + 1] : chain.find((t) => t.path.length < round.area_path.length);
      if (!next) continue;
      const areaName = chain[own]?.name ?? (await repo.areaNameOf(trx, round.area_id)) ?? '';
      await notifyInTheirLanguage(trx, {
        userIds: await respondersAt(trx, next.areaId),
        kind: 'inspection.round_overdue',
        priority: 'urgent',
        title: (locale) =>
          notificationText(locale, 'inspectionRoundOverdue', { name: round.name }).slice(0, 200),
        body: (locale) =>
          notificationText(locale, 'inspectionRoundOverdueBody', { area: areaName, count: left }),
        link: `/enterprise-inspections/rounds?round=${round.id}`,
        dedupeKey: `inspection-round:${round.id}:overdue`,
        now,
      });
      escalated.push(round.id);
    }
    return escalated;
  });
}
