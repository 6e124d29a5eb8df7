import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiToken } from '../auth/repository.js';
import { SYSTEM_VIEWER } from '../auth/scope.js';
import type { BusEvent } from '../notifications/bus.js';
import { describeEachDatabase } from '../test-support/database.js';
import { createEventWorld, type EventWorld } from '../test-support/events-fixtures.js';
import { TestClock, createUser, testApp } from '../test-support/factories.js';
import { createEvent } from './service.js';

/**
 * A device alert writes its event and notifications in one statement of its own SQL: it must pick
 * the same people as any other new event (createEvent + notifyInTheirLanguage), word it in their
 * language, queue their channels and announce it on the live stream.
 */
describeEachDatabase('device alert notifications', (database) => {
  const clock = new TestClock(new Date('2026-11-03T10:00:00+08:00'));
  let app: FastifyInstance;
  let world: EventWorld;
  let token = '';
  const users: Record<'english' | 'department' | 'volunteer', number> = {} as never;

  beforeAll(async () => {
    const db = database().db;
    app = await testApp(database(), clock, { GRIDGUARD_ALERT_MERGE_SECONDS: '600' });
    world = await createEventWorld(db);
    const micro = world.tree.microA;
    users.english = (await createUser(db, [{ role: 'grid_worker', area: micro }])).id;
    await db.updateTable('users').set({ locale: 'en-US' }).where('id', '=', users.english).execute();
    users.department = (
      await createUser(db, [{ role: 'department', area: micro, categories: ['city_management'] }])
    ).id;
    // A team member is a responder, but a volunteer may not read events: no notification.
    users.volunteer = (await createUser(db, [{ role: 'volunteer', area: micro }])).id;
    const team = await db
      .insertInto('teams')
      .values({ area_id: micro.id, area_path: micro.path, name: '巡逻队', kind: 'grid' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('team_members')
      .values({ team_id: team.id, user_id: users.volunteer, duty: 'member' })
      .execute();
    await db
      .insertInto('notification_preferences')
      .values({
        user_id: world.users.workerA.id,
        channel: 'voice',
        enabled: true,
        urgent_only: true,
        address_secret: app.cipher.encrypt('13800000000'),
        address_masked: '138****0000',
        updated_at: clock.now(),
      })
      .execute();
    await db
      .insertInto('cameras')
      .values(
        ['N-1', 'N-2'].map((code) => ({
          area_id: micro.id,
          area_path: micro.path,
          code,
          name: `通知${code}`,
          kind: 'gate' as const,
        })),
      )
      .execute();
    token = (
      await createApiToken(db, {
        name: 'cam',
        areaId: world.tree.gridA.id,
        capability: 'device.alerts',
        createdBy: null,
      })
    ).token;
  });
  afterAll(async () => {
    await app.close();
  });

  const alert = (camera: string) =>
    app.inject({
      method: 'POST',
      url: '/api/devices/alerts',
      headers: { authorization: `Bearer ${token}` },
      payload: { camera, kind: 'gathering', occurredAt: clock.now().toISOString() },
    });
  const notified = (eventId: number) =>
    database()
      .db.selectFrom('notifications')
      .select(['id', 'user_id', 'title', 'body', 'priority', 'link', 'dedupe_key'])
      .where('entity_type', '=', 'event')
      .where('entity_id', '=', String(eventId))
      .where('kind', '=', 'event.new')
      .orderBy('user_id')
      .execute();

  it('notifies who may read the event, in their language, with their channels and the live stream', async () => {
    const heard: Array<{ userId: number; event: BusEvent }> = [];
    for (const userId of [world.users.workerA.id, users.english])
      app.notifications.subscribe(userId, (event) => heard.push({ userId, event }));
    await app.notifications.ready();

    const response = await alert('N-1');
    expect(response.statusCode, response.body).toBe(200);
    const { eventId, code } = response.json() as { eventId: number; code: string };
    const rows = await notified(eventId);
    expect(rows.map((r) => r.user_id).sort((a, b) => a - b)).toEqual(
      [world.users.workerA.id, users.english, users.department].sort((a, b) => a - b),
    );
    const category = await database()
      .db.selectFrom('event_categories')
      .select(['name_zh', 'name_en'])
      .where('code', '=', 'epidemic.gathering')
      .executeTakeFirstOrThrow();
    const english = rows.find((r) => r.user_id === users.english)!;
    expect(english).toMatchObject({
      title: `New event ${code}: 通知N-1：人员聚集告警`,
      body: `${category.name_en} · ${world.tree.microA.name}`,
      priority: 'urgent',
      link: `/events/${eventId}`,
      dedupe_key: `event:${eventId}:new:${users.english}`,
    });
    const chinese = rows.find((r) => r.user_id === world.users.workerA.id)!;
    expect(chinese.title).toBe(`新事件 ${code}：通知N-1：人员聚集告警`);
    expect(chinese.body).toBe(`${category.name_zh} · ${world.tree.microA.name}`);
    // The urgent-only voice channel is queued for an urgent notification.
    const deliveries = await database()
      .db.selectFrom('notification_deliveries')
      .select(['notification_id', 'channel'])
      .where(
        'notification_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    expect(deliveries).toEqual([{ notification_id: chinese.id, channel: 'voice' }]);

    for (let waited = 0; heard.length < 2 && waited < 5000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const titles = heard.map(({ userId, event }) => [
      userId,
      event.type === 'notification' ? event.notification.title : null,
    ]);
    expect(titles.sort()).toEqual(
      [
        [world.users.workerA.id, chinese.title],
        [users.english, english.title],
      ].sort(),
    );
  });

  it('picks the same people as an event entered any other way', async () => {
    const byAlert = await alert('N-2');
    const alerted = (byAlert.json() as { eventId: number }).eventId;
    const categoryId = (
      await database()
        .db.selectFrom('event_categories')
        .select('id')
        .where('code', '=', 'epidemic.gathering')
        .executeTakeFirstOrThrow()
    ).id;
    const entered = await database()
      .db.transaction()
      .execute((trx) =>
        createEvent(
          trx,
          { viewer: SYSTEM_VIEWER, ip: '127.0.0.1', now: clock.now },
          { source: 'patrol', categoryId, areaId: world.tree.microA.id, title: '巡查发现聚集' },
        ),
      );
    const users = async (id: number) => (await notified(id)).map((r) => r.user_id);
    expect(await users(alerted)).toEqual(await users(entered.id));
    expect(entered.tier).toBe('microgrid');
  });

  it('numbers only the events it opens: a merged alert takes no event number', async () => {
    const first = (await alert('N-1')).json() as { eventId: number; merged: boolean };
    expect(first.merged).toBe(true);
    clock.advance(11 * 60_000);
    const reopened = (await alert('N-1')).json() as { eventId: number; merged: boolean };
    const next = (await alert('N-2')).json() as { eventId: number; merged: boolean };
    expect(reopened.merged).toBe(false);
    expect(next.merged).toBe(false);
    expect(next.eventId).toBe(reopened.eventId + 1);
    const merged = (await alert('N-2')).json() as { eventId: number; merged: boolean };
    expect(merged).toMatchObject({ eventId: next.eventId, merged: true });
    const after = (await alert('N-1')).json() as { eventId: number; merged: boolean };
    expect(after).toMatchObject({ eventId: reopened.eventId, merged: true });
  });
});
