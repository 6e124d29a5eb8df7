import type { Kysely } from 'kysely';
import type { DB, EventStep, EventTier } from '../db/schema.js';
import { notificationText } from '../i18n/notifications.js';
import { notifyInTheirLanguage } from '../notifications/notify.js';
import { deadlineFor } from './calendar.js';
import * as repo from './repository.js';
import { respondersAt, tierAbove, tierChain } from './responders.js';
import { stepLimit } from './service.js';

/** Events claimed per transaction: short transactions, and other processes take the rest meanwhile. */
const BATCH = 50;

export interface Escalated {
  id: number;
  code: string;
  fromTier: EventTier;
  toTier: EventTier;
  escalationCount: number;
}

/**
 * Moves every event whose step is overdue ONE tier up (micro-grid → grid → community → street →
 * district), with a fresh deadline for the same step so it can escalate again, an 'escalate' step
 * and a notification to the new tier's responders. Each batch claims its rows with
 * `for update skip locked` and updates them guarded by the claimed tier, so several processes on
 * one PostgreSQL database escalate each event exactly once; the notification's dedupe key makes a
 * retried run harmless too. An event at the top tier stays overdue where it is.
 */
export async function escalateOverdueEvents(db: Kysely<DB>, now: Date): Promise<Escalated[]> {
  const escalated: Escalated[] = [];
  // Events already at the top of their chain are skipped in later batches of this run.
  const atTop = new Set<number>([0]);
  for (;;) {
    const { moved, claimed } = await db.transaction().execute(async (trx) => {
      const due = await repo.claimOverdueEvents(trx, { now, skipIds: [...atTop], limit: BATCH });
      if (due.length === 0) return { moved: [] as Escalated[], claimed: 0 };
      const calendar = await repo.loadCalendar(trx);
      const moved: Escalated[] = [];
      for (const event of due) {
        const next = tierAbove(await tierChain(trx, event.area_path), event.tier);
        if (!next) {
          atTop.add(event.id);
          continue;
        }
        const step = event.step as EventStep;
        const deadline = deadlineFor(now, await stepLimit(trx, event.category_id, step), calendar);
        const count = event.escalation_count + 1;
        const wasMoved = await repo.moveEventTier(
          trx,
          { id: event.id, tier: event.tier, escalationCount: event.escalation_count },
          { tier: next.tier, areaId: next.areaId, stepDeadline: deadline, now },
        );
        if (!wasMoved) continue;
        await repo.insertStep(trx, {
          event_id: event.id,
          at: now,
          action: 'escalate',
          from_tier: event.tier,
          to_tier: next.tier,
          actor_user_id: null,
          actor_name: 'system:escalation',
          note: `超时升级至${next.name}`,
          details: JSON.stringify({ step, deadline: deadline.toISOString(), count }),
        });
        await notifyInTheirLanguage(trx, {
          userIds: await respondersAt(trx, next.areaId),
          kind: 'event.escalated',
          priority: 'urgent',
          title: (locale) =>
            notificationText(locale, 'eventEscalated', { code: event.code, title: event.title }).slice(
              0,
              200,
            ),
          body: (locale) => notificationText(locale, 'eventEscalatedBody', { area: next.name }),
          link: `/events/${event.id}`,
          readRule: repo.EVENT_READ_RULE,
          entityId: event.id,
          dedupeKey: `event:${event.id}:escalate:${count}`,
          now,
        });
        moved.push({
          id: event.id,
          code: event.code,
          fromTier: event.tier,
          toTier: next.tier,
          escalationCount: count,
        });
      }
      return { moved, claimed: due.length };
    });
    escalated.push(...moved);
    if (claimed < BATCH) return escalated;
  }
}
