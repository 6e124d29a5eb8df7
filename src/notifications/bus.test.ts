import { sql } from 'kysely';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/database.js';
import { createAreaTree, createUser } from '../test-support/factories.js';
import {
  announcementSourceFor,
  type BusEvent,
  createNotificationBus,
  type NotificationBus,
  parseAnnouncement,
  postgresSource,
} from './bus.js';
import { type AnnouncedContent, NOTIFICATION_CHANNEL, notify } from './notify.js';

const warnings: string[] = [];
const log = { warn: (_fields: Record<string, unknown>, message: string) => void warnings.push(message) };

/** Collects a subscriber's events; `until` waits for the n-th. */
function recorder() {
  const events: BusEvent[] = [];
  const waiters: Array<() => void> = [];
  return {
    events,
    listener: (event: BusEvent) => {
      events.push(event);
      for (const wake of waiters.splice(0)) wake();
    },
    async until(count: number, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} events, got ${events.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return events;
    },
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const CONTENT: AnnouncedContent = {
  kind: 'event.dispatched',
  priority: 'urgent',
  title: '告警',
  body: null,
  link: '/events/3',
  entityType: 'event',
  entityId: '3',
  createdAt: '2026-11-02T00:00:00.000Z',
};

describe('announcement payloads', () => {
  it('reads [id, userId, content] and [id, userId] entries and drops anything else', () => {
    expect(
      parseAnnouncement(
        JSON.stringify([
          [5, 2, CONTENT],
          [6, 3],
        ]),
      ),
    ).toEqual([
      {
        id: 5,
        userId: 2,
        notification: {
          id: 5,
          kind: 'event.dispatched',
          priority: 'urgent',
          title: '告警',
          body: null,
          link: '/events/3',
          entity: { type: 'event', id: '3' },
          createdAt: '2026-11-02T00:00:00.000Z',
          readAt: null,
        },
      },
      { id: 6, userId: 3, notification: null },
    ]);
    // Content of the wrong shape is read from the database instead.
    expect(parseAnnouncement(JSON.stringify([[7, 2, { ...CONTENT, priority: 'high' }]]))).toEqual([
      { id: 7, userId: 2, notification: null },
    ]);
    expect(parseAnnouncement('[[5,2],["x",3],[1],[1.5,2]]')).toEqual([
      { id: 5, userId: 2, notification: null },
    ]);
    expect(parseAnnouncement('{"id":1}')).toEqual([]);
    expect(parseAnnouncement('not json')).toEqual([]);
  });
});

describeEachDatabase('notification bus', (database, backend) => {
  let userA: number;
  let userB: number;
  let bus: NotificationBus | null = null;
  const now = new Date('2026-11-02T08:00:00+08:00');

  beforeAll(async () => {
    const tree = await createAreaTree(database().db);
    userA = (await createUser(database().db, [{ role: 'grid_worker', area: tree.gridA }])).id;
    userB = (await createUser(database().db, [{ role: 'grid_worker', area: tree.gridB }])).id;
  });
  afterEach(async () => {
    await bus?.close();
    bus = null;
  });
  const openBus = () =>
    (bus = createNotificationBus({ db: database().db, source: announcementSourceFor(database(), log), log }));
  const titles = (events: BusEvent[]) =>
    events.map((e) => (e.type === 'notification' ? e.notification.title : e.type));

  it('hears notifications committed in a Kysely transaction, never rolled-back ones, per user', async () => {
    const open = openBus();
    const forA = recorder();
    const forB = recorder();
    open.subscribe(userA, forA.listener);
    open.subscribe(userB, forB.listener);
    await open.ready();
    let heardInsideTransaction = -1;
    await database()
      .db.transaction()
      .execute(async (trx) => {
        await notify(trx, { userIds: [userA, userB], kind: 'event.dispatched', title: '提交的', now });
        await pause(50);
        heardInsideTransaction = forA.events.length;
      });
    // Nothing is heard before the commit.
    expect(heardInsideTransaction).toBe(0);
    await expect(
      database()
        .db.transaction()
        .execute(async (trx) => {
          await notify(trx, { userIds: [userA], kind: 'event.dispatched', title: '回滚的', now });
          throw new Error('roll back');
        }),
    ).rejects.toThrow('roll back');
    await notify(database().db, { userIds: [userA], kind: 'event.dispatched', title: '之后的', now });
    await forA.until(2);
    await forB.until(1);
    await pause(100);
    expect(titles(forA.events)).toEqual(['提交的', '之后的']);
    expect(titles(forB.events)).toEqual(['提交的']);
  });

  it('announces each of many users’ notifications from one call, even with a long body', async () => {
    const open = openBus();
    const forA = recorder();
    const forB = recorder();
    open.subscribe(userA, forA.listener);
    open.subscribe(userB, forB.listener);
    await open.ready();
    const others = await database()
      .db.selectFrom('users')
      .select('id')
      .where('id', 'not in', [userA, userB])
      .execute();
    const body = '很'.repeat(2000);
    const created = await notify(database().db, {
      userIds: [userA, ...others.map((o) => o.id), userB, userA],
      kind: 'announcement.published',
      title: '全体通知',
      body,
      now,
    });
    expect(created).toHaveLength(others.length + 2);
    await forA.until(1);
    await forB.until(1);
    expect(forA.events[0]).toMatchObject({ type: 'notification', notification: { title: '全体通知', body } });
    expect(forB.events[0]).toMatchObject({ type: 'notification', notification: { title: '全体通知', body } });
  });

  it('announces a fact notified twice (same dedupe key) once', async () => {
    const open = openBus();
    const forA = recorder();
    open.subscribe(userA, forA.listener);
    await open.ready();
    const again = () =>
      notify(database().db, {
        userIds: [userA],
        kind: 'event.escalated',
        title: '超时升级',
        dedupeKey: 'event:42:escalate:1',
        now,
      });
    expect(await again()).toHaveLength(1);
    expect(await again()).toEqual([]);
    await notify(database().db, { userIds: [userA], kind: 'event.dispatched', title: '下一条', now });
    await forA.until(2);
    await pause(100);
    expect(titles(forA.events)).toEqual(['超时升级', '下一条']);
  });

  it('loads from the database what was announced by id only (content too large for a payload)', async () => {
    const open = openBus();
    const forA = recorder();
    open.subscribe(userA, forA.listener);
    await open.ready();
    const body = '🚨'.repeat(2000);
    const [created] = await notify(database().db, {
      userIds: [userA],
      kind: 'event.dispatched',
      title: '长通知',
      body,
      now,
    });
    await forA.until(1);
    expect(forA.events[0]).toMatchObject({
      type: 'notification',
      notification: { id: created!.id, title: '长通知', body, createdAt: now.toISOString() },
    });
  });

  it('stops hearing after unsubscribing and ignores malformed announcements', async () => {
    const open = openBus();
    const forA = recorder();
    const unsubscribe = open.subscribe(userA, forA.listener);
    await open.ready();
    expect(open.subscriberCount).toBe(1);
    await sql`select pg_notify(${NOTIFICATION_CHANNEL}, 'garbage')`.execute(database().db);
    await notify(database().db, { userIds: [userA], kind: 'event.dispatched', title: '一', now });
    await forA.until(1);
    expect(warnings).toContain('notification bus: malformed announcement ignored');
    unsubscribe();
    expect(open.subscriberCount).toBe(0);
    await notify(database().db, { userIds: [userA], kind: 'event.dispatched', title: '二', now });
    await pause(150);
    expect(titles(forA.events)).toEqual(['一']);
  });

  it.skipIf(backend === 'pglite')(
    'reconnects when its PostgreSQL connection is killed, asks subscribers to resync, and hears again (PGlite cannot drop)',
    async () => {
      const raw = database().raw;
      if (raw.kind !== 'postgres') throw new Error('unreachable');
      const source = postgresSource({ connection: raw.pool.options, log, minBackoffMs: 20 });
      const open = (bus = createNotificationBus({ db: database().db, source, log }));
      const forA = recorder();
      open.subscribe(userA, forA.listener);
      await open.ready();
      const listening = () =>
        sql<{ pid: number }>`
          select pid from pg_stat_activity
          where datname = current_database() and query ilike ${`listen ${NOTIFICATION_CHANNEL}%`}`.execute(
          database().db,
        );
      const before = await listening();
      expect(before.rows).toHaveLength(1);
      await sql`select pg_terminate_backend(${before.rows[0]!.pid})`.execute(database().db);
      await forA.until(1);
      expect(forA.events[0]).toEqual({ type: 'resync' });
      await notify(database().db, { userIds: [userA], kind: 'event.dispatched', title: '重连后', now });
      await forA.until(2);
      expect(titles(forA.events)).toEqual(['resync', '重连后']);
      await open.close();
      expect((await listening()).rows).toHaveLength(0);
    },
  );
});
