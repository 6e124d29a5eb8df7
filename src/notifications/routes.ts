import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { liveSessionHashes, sha256 } from '../auth/repository.js';
import { errors } from '../core/schemas.js';
import { EventStream } from '../core/event-stream.js';
import type { BusEvent } from './bus.js';
import { notificationsAfter, presentNotification } from './repository.js';
import {
  InboxPage,
  InboxQuery,
  NotificationIdParams,
  PreferencesBody,
  PreferencesView,
  ReadAllBody,
  ReadAllResult,
  ReadResult,
  UnreadCount,
  type NotificationView,
} from './schema.js';
import * as service from './service.js';
import { StreamHeartbeat } from './stream-heartbeat.js';

export interface NotificationRouteOptions {
  preferences: Omit<service.PreferenceContext, 'cipher'>;
  /** How often an idle stream sends a comment and re-checks the session (default 15 s). */
  heartbeatMs?: number;
  /** At most this many missed notifications are replayed on reconnect (default 100). */
  backlogLimit?: number;
}

const RETRY_MS = 3000;

/** Last-Event-ID as a notification id; anything else means "nothing seen yet". */
function lastEventId(header: string | string[] | undefined): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || !/^\d{1,15}$/.test(value.trim())) return null;
  return Number(value.trim());
}

/** Ids sent on one stream lately: a notification heard live and read back on a resync goes out once. */
class RecentIds {
  private readonly ids = new Set<number>();
  constructor(private readonly capacity: number) {}
  has(id: number) {
    return this.ids.has(id);
  }
  add(id: number) {
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
  }
}

/** The signed-in user's inbox, its live stream, and their channel settings. */
export const notificationRoutes: FastifyPluginAsyncTypebox<NotificationRouteOptions> = async (
  app,
  options,
) => {
  const tags = ['notifications'];
  const signedIn = app.requireUser;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const backlogLimit = options.backlogLimit ?? 100;
  const preferenceContext: service.PreferenceContext = { ...options.preferences, cipher: app.cipher };
  const heartbeat = new StreamHeartbeat(
    heartbeatMs,
    (hashes) => liveSessionHashes(app.db, hashes, app.clock()),
    (error) => app.log.warn({ err: error }, 'notification stream session check failed'),
  );
  app.addHook('preClose', async () => heartbeat.closeAll());

  app.get(
    '/api/notifications',
    {
      schema: {
        operationId: 'listNotifications',
        tags,
        summary: 'My notifications, newest first (keyset pages: pass nextBefore as before)',
        querystring: InboxQuery,
        response: { 200: InboxPage, ...errors(400, 401, 403) },
      },
      preHandler: signedIn,
    },
    async (request) => service.listInbox(app.db, request.actor(), request.query),
  );

  app.get(
    '/api/notifications/unread-count',
    {
      schema: {
        operationId: 'countUnreadNotifications',
        tags,
        summary: 'How many of my notifications are unread',
        response: { 200: UnreadCount, ...errors(401, 403) },
      },
      preHandler: signedIn,
    },
    async (request) => service.unreadCount(app.db, request.actor()),
  );

  app.post(
    '/api/notifications/:id/read',
    {
      schema: {
        operationId: 'readNotification',
        tags,
        summary: 'Mark one of my notifications read (again: keeps the first time)',
        params: NotificationIdParams,
        response: { 200: ReadResult, ...errors(401, 403, 404) },
      },
      preHandler: signedIn,
    },
    async (request) => service.markRead(app.db, request.actor(), request.params.id),
  );

  app.post(
    '/api/notifications/read-all',
    {
      schema: {
        operationId: 'readAllNotifications',
        tags,
        summary: 'Mark all my notifications read, or those up to upToId',
        body: ReadAllBody,
        response: { 200: ReadAllResult, ...errors(400, 401, 403) },
      },
      preHandler: signedIn,
    },
    async (request) => service.markAllRead(app.db, request.actor(), request.body.upToId ?? null),
  );

  app.get(
    '/api/notifications/preferences',
    {
      schema: {
        operationId: 'getNotificationPreferences',
        tags,
        summary: 'My SMS, webhook and voice-call settings (addresses masked)',
        response: { 200: PreferencesView, ...errors(401, 403) },
      },
      preHandler: signedIn,
    },
    async (request) => service.preferences(app.db, request.actor(), preferenceContext),
  );

  app.put(
    '/api/notifications/preferences',
    {
      schema: {
        operationId: 'setNotificationPreferences',
        tags,
        summary: 'Change my channel settings; an address left out is kept, null forgets it',
        body: PreferencesBody,
        response: { 200: PreferencesView, ...errors(400, 401, 403) },
      },
      preHandler: signedIn,
    },
    async (request) =>
      app.db
        .transaction()
        .execute((trx) => service.updatePreferences(trx, request.actor(), request.body, preferenceContext)),
  );

  app.get(
    '/api/notifications/stream',
    {
      schema: {
        operationId: 'streamNotifications',
        tags,
        summary:
          'My new notifications as they are committed (server-sent events); resumes from Last-Event-ID',
        description:
          'Each event has the notification id as its id and a JSON NotificationView as data. After a reconnection ' +
          `the missed ones (at most ${backlogLimit}, the newest) come first. A comment every 15 s keeps the connection open.`,
        produces: ['text/event-stream'],
        response: { ...errors(401, 403) },
      },
      preHandler: signedIn,
    },
    async (request, reply) => {
      const actor = request.actor();
      const userId = service.inboxOwner(actor);
      const onError = (error: unknown) => request.log.error({ err: error }, 'notification stream failed');
      const sent = new RecentIds(1000);
      let stream: EventStream | null = null;
      let cursor = lastEventId(request.headers['last-event-id']);
      const early: BusEvent[] = [];
      let catchingUp: Promise<void> | null = null;
      let catchUpAgain = false;

      const send = (notification: NotificationView) => {
        if (!stream || sent.has(notification.id)) return;
        sent.add(notification.id);
        cursor = Math.max(cursor ?? 0, notification.id);
        stream.send(String(notification.id), notification);
      };
      // Reads what is newer than the last notification sent: the listener was down meanwhile.
      const catchUp = () => {
        if (catchingUp) {
          catchUpAgain = true;
          return;
        }
        catchingUp = (async () => {
          do {
            catchUpAgain = false;
            const { rows } = await notificationsAfter(app.db, userId, cursor ?? 0, backlogLimit);
            for (const row of rows) send(presentNotification(row));
          } while (catchUpAgain && stream?.isOpen);
        })()
          .catch((error: unknown) => {
            onError(error);
            stream?.close();
          })
          .finally(() => {
            catchingUp = null;
          });
      };
      const handle = (event: BusEvent) => {
        if (event.type === 'notification') send(event.notification);
        else catchUp();
      };

      // Subscribe before reading the backlog, holding live events back until it is out, so nothing
      // committed in between is lost and the order stays oldest first.
      const unsubscribe = app.notifications.subscribe(userId, (event) => {
        if (stream) handle(event);
        else early.push(event);
      });
      let backlog: Awaited<ReturnType<typeof notificationsAfter>>;
      try {
        await app.notifications.ready().catch((error: unknown) => {
          // The listener keeps reconnecting and then resyncs the stream; meanwhile the backlog serves.
          request.log.warn({ err: error }, 'notification listener not ready');
        });
        if (cursor === null) {
          const newest = await notificationsAfter(app.db, userId, 0, 1);
          cursor = newest.rows[0]?.id ?? 0;
          backlog = { rows: [], skipped: 0 };
        } else {
          backlog = await notificationsAfter(app.db, userId, cursor, backlogLimit);
        }
      } catch (error) {
        unsubscribe();
        throw error;
      }

      // From here the connection is ours: Fastify sends nothing more.
      reply.hijack();
      const open = new EventStream(reply.raw, reply.getHeaders(), RETRY_MS);
      stream = open;
      heartbeat.add(open, request.sessionToken ? sha256(request.sessionToken) : null);
      open.onClose(() => {
        heartbeat.remove(open);
        unsubscribe();
      });
      open.comment('connected');
      if (backlog.skipped > 0) open.comment(`${backlog.skipped} older missed notifications are in the inbox`);
      for (const row of backlog.rows) send(presentNotification(row));
      for (const event of early.splice(0)) handle(event);
    },
  );
};
