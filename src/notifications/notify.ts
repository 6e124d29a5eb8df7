import { sql } from 'kysely';
import type { Db } from '../core/context.js';
import type { NotificationChannel } from '../db/schema.js';
import { type ReadRule, readersAmong } from './readers.js';

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
  /**
   * What the notification is about: the owning module's read rule (its entity type and the check
   * of its own GET route) and the object's id. Only those of `userIds` who may open it are
   * notified: nobody is sent to a page that answers 无权访问.
   */
  readRule?: ReadRule | null;
  entityId?: number | null;
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

/** The content announced with an id, so listeners need not read it back (see AnnouncedEntry). */
export interface AnnouncedContent {
  kind: string;
  priority: 'normal' | 'urgent';
  title: string;
  body: string | null;
  link: string | null;
  entityType: string | null;
  entityId: string | null;
  createdAt: string;
}

/**
 * A NOTIFY payload is a JSON array of entries `[id, userId, content]`, or `[id, userId]` when the
 * content would not fit in PostgreSQL's 8000-byte payload (only bodies of 4-byte characters get
 * there); listeners then load the row.
 */
export type AnnouncedEntry = [number, number, AnnouncedContent] | [number, number];

/** PostgreSQL refuses payloads of 8000 bytes or more; the id, user id and brackets need < 50. */
const CONTENT_LIMIT_BYTES = 7900;

/**
 * Writes one inbox notification per user who may open its object, queues a delivery per channel the user enabled, and
 * announces each new notification on NOTIFICATION_CHANNEL, all in one statement (PGlite runs SQL
 * on the event loop: fewer statements, more alerts a second). Runs in the caller's transaction:
 * the rows and the announcements take effect on commit, or not at all. Returns the ids created.
 */
export async function notify(db: Db, input: NotifyInput): Promise<NotificationAnnouncement[]> {
  const candidates = [...new Set(input.userIds)];
  if ((input.readRule == null) !== (input.entityId == null))
    throw new Error('notify: readRule and entityId go together');
  const userIds =
    input.readRule != null && input.entityId != null
      ? await readersAmong(db, { rule: input.readRule, id: input.entityId }, candidates)
      : candidates;
  const entityType = input.readRule?.entityType ?? null;
  if (userIds.length === 0) return [];
  const priority = input.priority ?? 'normal';
  const entityId = input.entityId === null || input.entityId === undefined ? null : String(input.entityId);
  // The content travels with the announcement, so a live stream shows it without a database read.
  const content: AnnouncedContent = {
    kind: input.kind,
    priority,
    title: input.title,
    body: input.body ?? null,
    link: input.link ?? null,
    entityType,
    entityId,
    createdAt: input.now.toISOString(),
  };
  const contentJson = JSON.stringify(content);
  const entry =
    Buffer.byteLength(contentJson) < CONTENT_LIMIT_BYTES
      ? sql`json_build_array(json_build_array(created.id, created.user_id, ${contentJson}::json))`
      : sql`json_build_array(json_build_array(created.id, created.user_id))`;

  const created = await db
    .with('created', (qb) =>
      qb
        .insertInto('notifications')
        .values(
          userIds.map((userId) => ({
            user_id: userId,
            kind: input.kind,
            priority,
            title: input.title,
            body: input.body ?? null,
            link: input.link ?? null,
            entity_type: entityType,
            entity_id: entityId,
            dedupe_key: input.dedupeKey ? `${input.dedupeKey}:${userId}` : null,
            created_at: input.now,
          })),
        )
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .returning(['id', 'user_id', 'priority']),
    )
    // A delivery per enabled channel; urgent-only channels (voice calls) only for urgent ones.
    .with('queued', (qb) =>
      qb
        .insertInto('notification_deliveries')
        .columns(['notification_id', 'channel', 'next_attempt_at'])
        .expression((eb) =>
          eb
            .selectFrom('created as n')
            .innerJoin('notification_preferences as p', 'p.user_id', 'n.user_id')
            .select([
              'n.id',
              sql<NotificationChannel>`p.channel`.as('channel'),
              sql<Date>`${input.now}::timestamptz`.as('next_attempt_at'),
            ])
            .where('p.enabled', '=', true)
            .where((w) => w.or([w('p.urgent_only', '=', false), w('n.priority', '=', 'urgent')])),
        )
        .returning('notification_deliveries.id'),
    )
    .selectFrom('created')
    // Delivered to listeners only when the transaction commits.
    .select([
      'created.id',
      'created.user_id',
      sql`pg_notify(${NOTIFICATION_CHANNEL}, ${entry}::text)`.as('announced'),
    ])
    .orderBy('created.id')
    .execute();
  return created.map((row) => ({ id: row.id, userId: row.user_id }));
}
