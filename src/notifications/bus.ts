import type { PGlite } from '@electric-sql/pglite';
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { type AnnouncedContent, NOTIFICATION_CHANNEL } from './notify.js';
import { notificationsByIds, presentNotification } from './repository.js';
import type { NotificationView } from './schema.js';

/**
 * What a subscriber hears: a notification of theirs that was just committed, or `resync` after the
 * listener was down (announcements may have been missed: read what is newer than the last one seen).
 */
export type BusEvent = { type: 'notification'; notification: NotificationView } | { type: 'resync' };
export type BusListener = (event: BusEvent) => void;

export interface NotificationBus {
  /** Starts hearing `userId`'s notifications; the returned function stops. */
  subscribe(userId: number, listener: BusListener): () => void;
  /**
   * Resolves once the process listens on NOTIFICATION_CHANNEL: anything committed after that
   * reaches the subscribers. Rejects if the listener cannot connect (it keeps retrying).
   */
  ready(): Promise<void>;
  close(): Promise<void>;
  readonly subscriberCount: number;
}

export interface BusLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/** Where the announcements come from: the database's LISTEN, reconnecting by itself if it can drop. */
export interface AnnouncementSource {
  /** Listens; `onResync` is called after a reconnection (announcements may have been lost meanwhile). */
  start(onPayload: (payload: string) => void, onResync: () => void): Promise<void>;
  /** Resolves when listening now, or when the connection in progress succeeds; rejects otherwise. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** PGlite lives in this process: its LISTEN cannot drop, and committed NOTIFYs reach it directly. */
export function pgliteSource(pglite: PGlite): AnnouncementSource {
  let unlisten: (() => Promise<void>) | null = null;
  let starting: Promise<void> | null = null;
  return {
    start(onPayload) {
      starting = pglite.listen(NOTIFICATION_CHANNEL, onPayload).then((stop) => {
        unlisten = stop;
      });
      return starting;
    },
    ready: () => starting ?? Promise.reject(new Error('notification listener not started')),
    async close() {
      await starting?.catch(() => undefined);
      if (unlisten && !pglite.closed) await unlisten();
      unlisten = null;
    },
  };
}

export interface PostgresSourceOptions {
  /** How the dedicated LISTEN connection connects (the pool's own settings). */
  connection: pg.ClientConfig;
  log: BusLog;
  /** First reconnection delay; doubles per failure up to `maxBackoffMs` (defaults 250 ms and 30 s). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * A dedicated pg client (not from the pool: LISTEN belongs to one session) that reconnects with
 * exponential backoff and jitter when the server restarts or the network drops.
 */
export function postgresSource(options: PostgresSourceOptions): AnnouncementSource {
  const minBackoff = options.minBackoffMs ?? 250;
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let lastError: Error | null = null;
  let failures = 0;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let handlers: { onPayload: (payload: string) => void; onResync: () => void } | null = null;

  const connect = (): Promise<void> => {
    const attempt = (async () => {
      const next = new pg.Client({ ...options.connection, keepAlive: true });
      next.on('notification', (message) => {
        if (message.channel === NOTIFICATION_CHANNEL && message.payload) handlers?.onPayload(message.payload);
      });
      next.on('error', (error) => lost(next, error));
      next.on('end', () => lost(next, null));
      try {
        await next.connect();
        await next.query(`listen ${NOTIFICATION_CHANNEL}`);
      } catch (error) {
        next.removeAllListeners('end');
        await next.end().catch(() => undefined);
        throw error;
      }
      if (closed) {
        await next.end().catch(() => undefined);
        return;
      }
      client = next;
      failures = 0;
      lastError = null;
    })();
    connecting = attempt;
    return attempt.finally(() => {
      if (connecting === attempt) connecting = null;
    });
  };

  const scheduleReconnect = () => {
    if (closed || timer) return;
    const ceiling = Math.min(maxBackoff, minBackoff * 2 ** failures);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    failures += 1;
    timer = setTimeout(() => {
      timer = null;
      connect().then(
        () => handlers?.onResync(),
        (error: unknown) => {
          lastError = error instanceof Error ? error : new Error(String(error));
          options.log.warn({ err: lastError, attempt: failures }, 'notification listener: reconnect failed');
          scheduleReconnect();
        },
      );
    }, delay);
    timer.unref();
  };

  const lost = (which: pg.Client, error: Error | null) => {
    if (client !== which) return;
    client = null;
    which.removeAllListeners('end');
    which.end().catch(() => undefined);
    if (closed) return;
    lastError = error ?? new Error('connection ended');
    options.log.warn({ err: lastError }, 'notification listener lost its connection; reconnecting');
    scheduleReconnect();
  };

  return {
    async start(onPayload, onResync) {
      handlers = { onPayload, onResync };
      try {
        await connect();
      } catch (error) {
        lastError = error instanceof Error ? error : new Error(String(error));
        scheduleReconnect();
        throw error;
      }
    },
    ready() {
      if (client) return Promise.resolve();
      if (connecting) return connecting;
      return Promise.reject(lastError ?? new Error('notification listener not connected'));
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await connecting?.catch(() => undefined);
      const current = client;
      client = null;
      if (current) {
        current.removeAllListeners('end');
        await current.end().catch(() => undefined);
      }
    },
  };
}

/** The source that fits the open database. */
export function announcementSourceFor(database: Database, log: BusLog): AnnouncementSource {
  if (database.raw.kind === 'pglite') return pgliteSource(database.raw.pglite);
  return postgresSource({ connection: database.raw.pool.options, log });
}

/** A parsed announcement: the notification as a stream shows it, or only its id when it did not fit. */
export interface Announced {
  id: number;
  userId: number;
  notification: NotificationView | null;
}

const optionalText = (value: unknown): value is string | null => value === null || typeof value === 'string';

/** The announced content as the stream shows it, or null if it is not what notify() writes. */
function viewOf(id: number, content: unknown): NotificationView | null {
  if (typeof content !== 'object' || content === null) return null;
  const c = content as Partial<Record<keyof AnnouncedContent, unknown>>;
  if (
    typeof c.kind !== 'string' ||
    (c.priority !== 'normal' && c.priority !== 'urgent') ||
    typeof c.title !== 'string' ||
    !optionalText(c.body) ||
    !optionalText(c.link) ||
    !optionalText(c.entityType) ||
    !optionalText(c.entityId) ||
    typeof c.createdAt !== 'string'
  ) {
    return null;
  }
  return {
    id,
    kind: c.kind,
    priority: c.priority,
    title: c.title,
    body: c.body,
    link: c.link,
    entity: c.entityType ? { type: c.entityType, id: c.entityId } : null,
    createdAt: c.createdAt,
    readAt: null,
  };
}

/** Reads a payload as notify() writes it (see AnnouncedEntry); malformed entries are dropped. */
export function parseAnnouncement(payload: string): Announced[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const announced: Announced[] = [];
  for (const entry of parsed) {
    if (!Array.isArray(entry) || entry.length < 2 || entry.length > 3) continue;
    const [id, userId, content] = entry as unknown[];
    if (!Number.isSafeInteger(id) || !Number.isSafeInteger(userId)) continue;
    announced.push({
      id: id as number,
      userId: userId as number,
      notification: viewOf(id as number, content),
    });
  }
  return announced;
}

/**
 * One listener per process, fanning committed notifications out to this process's subscribers.
 * The listener starts with the first subscriber (a node with no open stream holds no connection).
 * Announcements carry their content, so they go straight to the subscribers; only those too large
 * for a payload are loaded (for users subscribed here), one query per burst: payloads arriving
 * while a load runs are gathered into the next one.
 */
export function createNotificationBus(options: {
  db: Kysely<DB>;
  source: AnnouncementSource;
  log: BusLog;
}): NotificationBus {
  const { db, source, log } = options;
  const subscribers = new Map<number, Set<BusListener>>();
  const waiting = new Map<number, number>();
  let loading = false;
  let started: Promise<void> | null = null;
  let closed = false;
  let count = 0;

  const emit = (userId: number, event: BusEvent) => {
    for (const listener of subscribers.get(userId) ?? []) {
      try {
        listener(event);
      } catch (error) {
        log.warn({ err: error, userId }, 'notification subscriber failed');
      }
    }
  };

  const drain = async () => {
    while (waiting.size > 0 && !closed) {
      const batch = [...waiting.entries()].slice(0, 500);
      for (const [id] of batch) waiting.delete(id);
      try {
        for (const row of await notificationsByIds(
          db,
          batch.map(([id]) => id),
        )) {
          emit(row.user_id, { type: 'notification', notification: presentNotification(row) });
        }
      } catch (error) {
        // The rows are committed: the streams catch up by reading what is newer than they saw.
        log.warn({ err: error }, 'notification bus could not load announced notifications');
        for (const userId of new Set(batch.map(([, user]) => user))) emit(userId, { type: 'resync' });
      }
    }
  };

  const onPayload = (payload: string) => {
    const announced = parseAnnouncement(payload);
    if (announced.length === 0) {
      log.warn({ payload: payload.slice(0, 100) }, 'notification bus: malformed announcement ignored');
      return;
    }
    for (const { id, userId, notification } of announced) {
      if (!subscribers.has(userId)) continue;
      // The hot path: the content came with the announcement, no database read.
      if (notification) emit(userId, { type: 'notification', notification });
      else waiting.set(id, userId);
    }
    schedule();
  };

  const schedule = () => {
    if (loading || waiting.size === 0) return;
    loading = true;
    // setImmediate gathers the announcements that arrived in the same read from the socket.
    setImmediate(() => {
      void drain().finally(() => {
        loading = false;
        schedule();
      });
    });
  };

  const onResync = () => {
    for (const userId of subscribers.keys()) emit(userId, { type: 'resync' });
  };

  const start = () => {
    if (started || closed) return;
    started = source.start(onPayload, onResync);
    // The failure is handled by ready(); the source retries by itself.
    started.catch((error: unknown) => log.warn({ err: error }, 'notification listener failed to start'));
  };

  return {
    subscribe(userId, listener) {
      let set = subscribers.get(userId);
      if (!set) subscribers.set(userId, (set = new Set()));
      set.add(listener);
      count += 1;
      start();
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        count -= 1;
        set.delete(listener);
        if (set.size === 0 && subscribers.get(userId) === set) subscribers.delete(userId);
      };
    },
    async ready() {
      if (closed) throw new Error('notification bus is closed');
      start();
      // A failed first start is retried by the source: what counts is whether it listens now.
      await started?.catch(() => undefined);
      await source.ready();
    },
    async close() {
      closed = true;
      subscribers.clear();
      count = 0;
      waiting.clear();
      await source.close();
    },
    get subscriberCount() {
      return count;
    },
  };
}
