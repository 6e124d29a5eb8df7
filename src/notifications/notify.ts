import { sql } from 'kysely';
import type { Db } from '../core/context.js';
import type { NotificationChannel } from '../db/schema.js';

/** The PostgreSQL channel on which committed notifications are announced to every app process. */
export const NOTIFICATION_CHANNEL = 'gridguard_notifications';

export interface NotifyInput {
  userIds: readonly number[];
  /** Dotted lower-case kind, e.g. 'event.dispatched', 'event.escalated', 'request.new'. */
  kind: string;
  priority?: 'normal' | 'urgent';
  title: string;
  body?: string | null;
  /** Path inside the web app, e.g. '/events/42'. */
  link?: string | null;
  entityType?: string | null;
  entityId?: string | number | null;
  /**
   * The fact being notified, e.g. 'event:42:escalate:2'. With it, notifying the same fact twice
   * (a retried timer, two processes) gives each user one notification.
   */
  dedupeKey?: string | null;
  now: Date;
}

/** What a live stream receives when a notification is committed. */
export interface NotificationAnnouncement {
  id: number;
  userId: number;
}

/**
 * Writes one inbox notification per user, queues a delivery per channel the user enabled, and
 * announces the new ids on NOTIFICATION_CHANNEL. Runs in the caller's transaction: the rows and
 * the announcement take effect on commit, or not at all. Returns the ids actually created.
 */
export async function notify(db: Db, input: NotifyInput): Promise<NotificationAnnouncement[]> {
  const userIds = [...new Set(input.userIds)];
  if (userIds.length === 0) return [];
  const entityId = input.entityId === null || input.entityId === undefined ? null : String(input.entityId);
  const created = await db
    .insertInto('notifications')
    .values(
      userIds.map((userId) => ({
        user_id: userId,
        kind: input.kind,
        priority: input.priority ?? 'normal',
        title: input.title,
        body: input.body ?? null,
        link: input.link ?? null,
        entity_type: input.entityType ?? null,
        entity_id: entityId,
        dedupe_key: input.dedupeKey ? `${input.dedupeKey}:${userId}` : null,
        created_at: input.now,
      })),
    )
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning(['id', 'user_id'])
    .execute();
  if (created.length === 0) return [];

  const ids = created.map((row) => row.id);
  // A delivery per enabled channel; urgent-only channels (voice calls) only for urgent ones.
  await db
    .insertInto('notification_deliveries')
    .columns(['notification_id', 'channel', 'next_attempt_at'])
    .expression((eb) =>
      eb
        .selectFrom('notifications as n')
        .innerJoin('notification_preferences as p', 'p.user_id', 'n.user_id')
        .select([
          'n.id',
          sql<NotificationChannel>`p.channel`.as('channel'),
          sql<Date>`${input.now}::timestamptz`.as('next_attempt_at'),
        ])
        .where('n.id', 'in', ids)
        .where('p.enabled', '=', true)
        .where((w) => w.or([w('p.urgent_only', '=', false), w('n.priority', '=', 'urgent')])),
    )
    .execute();

  const announcements = created.map((row) => ({ id: row.id, userId: row.user_id }));
  // Delivered to listeners only when the transaction commits; payload limit is 8000 bytes.
  for (let start = 0; start < announcements.length; start += 200) {
    const payload = JSON.stringify(announcements.slice(start, start + 200).map((a) => [a.id, a.userId]));
    await sql`select pg_notify(${NOTIFICATION_CHANNEL}, ${payload})`.execute(db);
  }
  return announcements;
}
