import type { Db } from '../auth/context.js';
import { type ReadRule, readersAmong } from './readers.js';
import { DEFAULT_LOCALE, type Locale, localeOf } from '../i18n/locale.js';
import { insertNotifications, localesOf, queueDeliveries } from './repository.js';

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
export const CONTENT_LIMIT_BYTES = 7900;

/**
 * The outbox as another module's own statement writes into it (a device alert opens its event and
 * notifies in one statement): the announcement channel, its payload limit and the deliveries fragment.
 * The app hands it to the events module, so the outbox's rules stay written here.
 */
export const OUTBOX = {
  channel: NOTIFICATION_CHANNEL,
  contentLimitBytes: CONTENT_LIMIT_BYTES,
  deliveries: queueDeliveries,
} as const;

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
  const created = await insertNotifications(db, {
    userIds,
    kind: input.kind,
    priority,
    title: input.title,
    body: input.body ?? null,
    link: input.link ?? null,
    entityType,
    entityId,
    dedupeKey: input.dedupeKey ?? null,
    now: input.now,
    channel: NOTIFICATION_CHANNEL,
    announced: Buffer.byteLength(contentJson) < CONTENT_LIMIT_BYTES ? contentJson : null,
  });
  return created.map((row) => ({ id: row.id, userId: row.user_id }));
}

/**
 * Notifies each user in their own language: the users are grouped by their language setting and
 * each group gets the title and body worded for it. Otherwise as `notify`.
 */
export async function notifyInTheirLanguage(
  db: Db,
  input: Omit<NotifyInput, 'title' | 'body'> & {
    title: (locale: Locale) => string;
    body?: ((locale: Locale) => string | null) | string | null;
  },
): Promise<NotificationAnnouncement[]> {
  const groups = new Map<Locale, number[]>();
  for (const user of await localesOf(db, input.userIds)) {
    const locale = localeOf(user.locale) ?? DEFAULT_LOCALE;
    groups.set(locale, [...(groups.get(locale) ?? []), user.id]);
  }
  const created: NotificationAnnouncement[] = [];
  for (const [locale, userIds] of groups) {
    const { body } = input;
    created.push(
      ...(await notify(db, {
        ...input,
        userIds,
        title: input.title(locale),
        body: typeof body === 'function' ? body(locale) : body,
      })),
    );
  }
  return created;
}
