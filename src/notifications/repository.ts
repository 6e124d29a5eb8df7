import { type Expression, type Selectable, type SqlBool, sql, type Updateable } from 'kysely';
import type { Db } from '../auth/context.js';
import type {
  NotificationChannel,
  NotificationDeliveriesTable,
  NotificationPreferencesTable,
  NotificationsTable,
} from '../db/schema.js';
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

export interface NewNotifications {
  userIds: readonly number[];
  kind: string;
  priority: 'normal' | 'urgent';
  title: string;
  body: string | null;
  link: string | null;
  entityType: string | null;
  entityId: string | null;
  dedupeKey: string | null;
  now: Date;
  /** The NOTIFY channel, and the content announced with each id (null: listeners load the row). */
  channel: string;
  announced: string | null;
}

/**
 * The deliveries of the notifications just inserted in the CTE `created` (id, user_id, priority),
 * for statements written in SQL (a device alert's): the rule of `insertNotifications` below, one
 * per channel the user enabled, urgent-only channels (voice calls) only for urgent ones.
 */
export function queueDeliveries(created: string, now: Date) {
  return sql`insert into notification_deliveries (notification_id, channel, next_attempt_at)
    select n.id, p.channel, ${now}::timestamptz
    from ${sql.table(created)} n join notification_preferences p on p.user_id = n.user_id
    where p.enabled = true and (p.urgent_only = false or n.priority = 'urgent')
    returning notification_deliveries.id`;
}

/**
 * One inbox row per user, a delivery per channel the user enabled (urgent-only channels only for
 * urgent ones), and one announcement per row, in one statement; announced only on commit.
 */
export async function insertNotifications(db: Db, input: NewNotifications) {
  const entry =
    input.announced !== null
      ? sql`json_build_array(json_build_array(created.id, created.user_id, ${input.announced}::json))`
      : sql`json_build_array(json_build_array(created.id, created.user_id))`;
  return (
    db
      .with('created', (qb) =>
        qb
          .insertInto('notifications')
          .values(
            input.userIds.map((userId) => ({
              user_id: userId,
              kind: input.kind,
              priority: input.priority,
              title: input.title,
              body: input.body,
              link: input.link,
              entity_type: input.entityType,
              entity_id: input.entityId,
              dedupe_key: input.dedupeKey ? `${input.dedupeKey}:${userId}` : null,
              created_at: input.now,
            })),
          )
          .onConflict((oc) => oc.column('dedupe_key').doNothing())
          .returning(['id', 'user_id', 'priority']),
      )
      // A delivery per enabled channel; urgent-only channels (voice calls) only for urgent ones
      // (the same rule as queueDeliveries above).
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
        sql`pg_notify(${input.channel}, ${entry}::text)`.as('announced'),
      ])
      .orderBy('created.id')
      .execute()
  );
}

/** Everyone's roles at live areas, for active accounts only: what the auth plugin would load. */
/** Each user's language setting, for wording what is sent to them. */
export async function localesOf(db: Db, userIds: readonly number[]) {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('users')
    .select(['id', 'locale'])
    .where('id', 'in', [...userIds])
    .execute();
}

export async function activeRolesOf(db: Db, userIds: readonly number[]) {
  return db
    .selectFrom('role_assignments as r')
    .innerJoin('areas as a', 'a.id', 'r.area_id')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['r.user_id', 'u.username', 'u.display_name', 'r.role', 'r.area_id', 'a.path', 'r.categories'])
    .where('r.user_id', 'in', [...userIds])
    .where('u.disabled_at', 'is', null)
    .where('a.retired_at', 'is', null)
    .orderBy('r.user_id')
    .orderBy('a.path')
    .execute();
}

/**
 * Which of the candidates pass their own visibility check on one row: one statement, a branch per
 * candidate (`visible` is the object's own predicate, written against `alias`).
 */
export async function whoPasses(
  db: Db,
  input: {
    table: string;
    alias: string;
    id: number;
    checks: { userId: number; visible: Expression<SqlBool> }[];
  },
): Promise<number[]> {
  const from = sql`${sql.table(input.table)} as ${sql.raw(input.alias)}`;
  const id = sql.ref(`${input.alias}.id`);
  const branches = input.checks.map(
    (check) =>
      sql`select ${check.userId}::int as user_id from ${from}
          where ${id} = ${input.id} and ${check.visible}`,
  );
  const result = await sql<{ user_id: number }>`${sql.join(branches, sql` union all `)}`.execute(db);
  return result.rows.map((r) => Number(r.user_id));
}

/**
 * Claims due pending deliveries with one statement: the rows are locked `for update skip locked`
 * (two workers never take the same row) and leased until `lease`.
 */
export async function claimDeliveryRows(db: Db, now: Date, lease: Date, batch: number) {
  return db
    .updateTable('notification_deliveries')
    .set({ locked_until: lease })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('notification_deliveries')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<=', now)]))
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(batch)
        .forUpdate()
        .skipLocked(),
    )
    .returning(['id', 'notification_id', 'channel', 'attempts'])
    .execute();
}

/**
 * Records a delivery's outcome, only while this worker still holds its claim: a claim that
 * outlived its lease may have been taken over, and the new holder decides.
 */
export async function settleDelivery(
  db: Db,
  id: number,
  lease: Date,
  changes: Updateable<NotificationDeliveriesTable>,
): Promise<void> {
  await db
    .updateTable('notification_deliveries')
    .set(changes)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('locked_until', '=', lease)
    .execute();
}

/** The notification and the user's current setting for each claimed delivery's channel. */
export async function deliveryMessageRows(db: Db, deliveryIds: number[]) {
  return db
    .selectFrom('notification_deliveries as d')
    .innerJoin('notifications as n', 'n.id', 'd.notification_id')
    .leftJoin('notification_preferences as p', (join) =>
      join.onRef('p.user_id', '=', 'n.user_id').onRef('p.channel', '=', 'd.channel'),
    )
    .select([
      'd.id as delivery_id',
      'd.channel',
      'd.attempts',
      'n.id as notification_id',
      'n.user_id',
      'n.kind',
      'n.priority',
      'n.title',
      'n.body',
      'n.link',
      'p.enabled',
      'p.address_secret',
    ])
    .where('d.id', 'in', deliveryIds)
    .execute();
}
