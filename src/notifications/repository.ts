import type { Selectable } from 'kysely';
import type { Db } from '../core/context.js';
import type { NotificationChannel, NotificationPreferencesTable, NotificationsTable } from '../db/schema.js';
import type { DeliveryState, NotificationView } from './schema.js';

export type NotificationRow = Selectable<NotificationsTable>;
export type PreferenceRow = Selectable<NotificationPreferencesTable>;

const VIEW_COLUMNS = [
  'id',
  'user_id',
  'kind',
  'priority',
  'title',
  'body',
  'link',
  'entity_type',
  'entity_id',
  'created_at',
  'read_at',
] as const;
export type NotificationViewRow = Pick<NotificationRow, (typeof VIEW_COLUMNS)[number]>;

export function presentNotification(row: NotificationViewRow): NotificationView {
  return {
    id: row.id,
    kind: row.kind,
    priority: row.priority,
    title: row.title,
    body: row.body,
    link: row.link,
    entity: row.entity_type ? { type: row.entity_type, id: row.entity_id } : null,
    createdAt: row.created_at.toISOString(),
    readAt: row.read_at ? row.read_at.toISOString() : null,
  };
}

/** Notifications by id, oldest first (the live stream sends them in this order). */
export async function notificationsByIds(db: Db, ids: readonly number[]): Promise<NotificationViewRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('notifications')
    .select(VIEW_COLUMNS)
    .where('id', 'in', [...ids])
    .orderBy('id')
    .execute();
}

/**
 * A user's notifications after `afterId`, oldest first: what a reconnecting stream missed. When
 * more than `limit` were missed, the newest `limit` are returned and `skipped` counts the rest.
 */
export async function notificationsAfter(
  db: Db,
  userId: number,
  afterId: number,
  limit: number,
): Promise<{ rows: NotificationViewRow[]; skipped: number }> {
  const newest = await db
    .selectFrom('notifications')
    .select(VIEW_COLUMNS)
    .where('user_id', '=', userId)
    .where('id', '>', afterId)
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  if (newest.length <= limit) return { rows: newest.reverse(), skipped: 0 };
  const kept = newest.slice(0, limit).reverse();
  const { count } = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('user_id', '=', userId)
    .where('id', '>', afterId)
    .where('id', '<', kept[0]!.id)
    .executeTakeFirstOrThrow();
  return { rows: kept, skipped: Number(count) };
}

export async function inboxPage(
  db: Db,
  userId: number,
  options: { before: number | null; limit: number; unreadOnly: boolean },
): Promise<NotificationViewRow[]> {
  let query = db
    .selectFrom('notifications')
    .select(VIEW_COLUMNS)
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(options.limit);
  if (options.before !== null) query = query.where('id', '<', options.before);
  if (options.unreadOnly) query = query.where('read_at', 'is', null);
  return query.execute();
}

export async function deliveryStates(
  db: Db,
  notificationIds: readonly number[],
): Promise<Map<number, DeliveryState[]>> {
  const byNotification = new Map<number, DeliveryState[]>();
  if (notificationIds.length === 0) return byNotification;
  const rows = await db
    .selectFrom('notification_deliveries')
    .select(['notification_id', 'channel', 'status', 'attempts'])
    .where('notification_id', 'in', [...notificationIds])
    .orderBy('channel')
    .execute();
  for (const row of rows) {
    const list = byNotification.get(row.notification_id) ?? [];
    list.push({ channel: row.channel, status: row.status, attempts: row.attempts });
    byNotification.set(row.notification_id, list);
  }
  return byNotification;
}

export async function unreadCount(db: Db, userId: number): Promise<number> {
  const { count } = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(count);
}

/** Marks one of the user's notifications read; an already read one keeps its first read time. */
export async function markRead(
  db: Db,
  userId: number,
  id: number,
  now: Date,
): Promise<{ id: number; read_at: Date } | null> {
  const row = await db
    .updateTable('notifications')
    .set((eb) => ({ read_at: eb.fn.coalesce('read_at', eb.val(now)) }))
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .returning(['id', 'read_at'])
    .executeTakeFirst();
  return row?.read_at ? { id: row.id, read_at: row.read_at } : null;
}

export async function markAllRead(db: Db, userId: number, upToId: number | null, now: Date): Promise<number> {
  let query = db
    .updateTable('notifications')
    .set({ read_at: now })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null);
  if (upToId !== null) query = query.where('id', '<=', upToId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function preferencesOf(db: Db, userId: number): Promise<PreferenceRow[]> {
  return db.selectFrom('notification_preferences').selectAll().where('user_id', '=', userId).execute();
}

export interface PreferenceWrite {
  channel: NotificationChannel;
  enabled: boolean;
  urgentOnly: boolean;
  addressSecret: string | null;
  addressMasked: string | null;
}

export async function upsertPreferences(
  db: Db,
  userId: number,
  writes: readonly PreferenceWrite[],
  now: Date,
): Promise<void> {
  if (writes.length === 0) return;
  await db
    .insertInto('notification_preferences')
    .values(
      writes.map((w) => ({
        user_id: userId,
        channel: w.channel,
        enabled: w.enabled,
        urgent_only: w.urgentOnly,
        address_secret: w.addressSecret,
        address_masked: w.addressMasked,
        updated_at: now,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['user_id', 'channel']).doUpdateSet((eb) => ({
        enabled: eb.ref('excluded.enabled'),
        urgent_only: eb.ref('excluded.urgent_only'),
        address_secret: eb.ref('excluded.address_secret'),
        address_masked: eb.ref('excluded.address_masked'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}
