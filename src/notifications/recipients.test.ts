import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AreaRow } from '../hierarchy/repository.js';
import { escalateOverdueEvents } from '../events/escalation.js';
import { actorOf, categoryId, createEventWorld, type EventWorld } from '../test-support/events-fixtures.js';
import { applyAction, createEvent } from '../events/service.js';
import { createHouse, issueDoorToken } from '../test-support/services-fixtures.js';
import { describeEachDatabase } from '../test-support/database.js';
import { createUser, type Session, signIn, TestClock, testApp } from '../test-support/factories.js';

const MINUTE = 60_000;
let ipSerial = 1;
const nextIp = () => `10.9.${Math.floor(ipSerial / 250)}.${(ipSerial++ % 250) + 1}`;

/** The page each kind of object opens, as its notification links to it. */
const OBJECT_URL: Record<string, (id: string) => string> = {
  event: (id) => `/api/events/${id}`,
  service_request: (id) => `/api/service-requests/${id}`,
  announcement: (id) => `/api/announcements/${id}`,
};

/**
 * Every kind of notification goes only to people who may open its object: for each kind the test
 * makes the object, triggers the notification, then opens the object as every recipient (200), and
 * checks that the people who were picked before without the right to read it (a volunteer and a
 * doctor in the teams of the tier area, another grid's worker) got none.
 */
describeEachDatabase('notification recipients', (database) => {
  let app: FastifyInstance;
  let world: EventWorld;
  const clock = new TestClock(new Date('2026-11-02T10:00:00+08:00'));
  const db = () => database().db;
  const users: Record<string, { id: number; username: string }> = {};
  const sessions = new Map<number, Session>();
  const usernames = new Map<number, string>();
  let microTeam: number;

  const team = async (area: AreaRow, name: string, members: number[]) => {
    const row = await db()
      .insertInto('teams')
      .values({ area_id: area.id, area_path: area.path, name, kind: 'service', created_at: clock.now() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db()
      .insertInto('team_members')
      .values(
        members.map((user_id) => ({ team_id: row.id, user_id, duty: 'member', created_at: clock.now() })),
      )
      .execute();
    return row.id;
  };

  beforeAll(async () => {
    app = await testApp(database(), clock);
    world = await createEventWorld(db());
    Object.assign(users, world.users);
    users.volunteer = await createUser(db(), [{ role: 'volunteer', area: world.tree.microA }]);
    users.doctor = await createUser(db(), [{ role: 'doctor', area: world.tree.gridA }]);
    for (const user of Object.values(users)) usernames.set(user.id, user.username);
    // The micro-grid's team and a community service team: a worker, a volunteer and a doctor.
    microTeam = await team(world.tree.microA, '甲一微网格服务队', [
      users.workerA!.id,
      users.volunteer.id,
      users.doctor.id,
    ]);
    await team(world.tree.village, '社区志愿服务队', [users.volunteer.id, users.doctor.id]);
  });
  afterAll(async () => {
    await app.close();
  });

  const sessionOf = async (userId: number) => {
    let session = sessions.get(userId);
    if (!session) {
      session = await signIn(app, usernames.get(userId)!);
      sessions.set(userId, session);
    }
    return session;
  };

  /** The notifications of `kind` about the object, and proof that each recipient opens it. */
  const expectReadable = async (kind: string, entityType: string, entityId: number) => {
    const rows = await db()
      .selectFrom('notifications')
      .select(['user_id', 'entity_type', 'entity_id'])
      .where('kind', '=', kind)
      .where('entity_type', '=', entityType)
      .where('entity_id', '=', String(entityId))
      .execute();
    const unreadable: number[] = [];
    for (const row of rows) {
      const response = await app.inject({
        method: 'GET',
        url: OBJECT_URL[row.entity_type!]!(row.entity_id!),
        headers: (await sessionOf(row.user_id)).headers,
      });
      if (response.statusCode !== 200) unreadable.push(row.user_id);
    }
    const named = unreadable.map((id) => usernames.get(id) ?? id);
    expect.soft(named, `${kind}: recipients who cannot open ${entityType} ${entityId}`).toEqual([]);
    expect(rows.length, `${kind}: somebody who can read it is told`).toBeGreaterThan(0);
    return rows.map((r) => r.user_id);
  };

  const patrol = async (title: string) =>
    createEvent(db(), await actorOf(db(), users.workerA!, clock.now), {
      source: 'patrol',
      categoryId: await categoryId(db(), 'epidemic.gathering'),
      areaId: world.tree.microA.id,
      title,
    });

  describe('events', () => {
    it('event.new, event.dispatched, event.reported, event.returned reach only those who read the event', async () => {
      const event = await patrol('广场人员聚集');
      const told = await expectReadable('event.new', 'event', event.id);
      expect(told).toContain(users.workerA!.id);

      const leader = await actorOf(db(), users.leaderA!, clock.now);
      await applyAction(db(), leader, event.id, { action: 'dispatch', teamId: microTeam });
      expect.soft(await expectReadable('event.dispatched', 'event', event.id)).toEqual([users.workerA!.id]);

      const worker = await actorOf(db(), users.workerA!, clock.now);
      await applyAction(db(), worker, event.id, { action: 'accept' });
      await applyAction(db(), worker, event.id, { action: 'report', note: '已劝散' });
      expect.soft(await expectReadable('event.reported', 'event', event.id)).toEqual([users.leaderA!.id]);

      await applyAction(db(), leader, event.id, { action: 'return', note: '仍有聚集' });
      expect.soft(await expectReadable('event.returned', 'event', event.id)).toEqual([users.workerA!.id]);

      for (const outsider of [users.volunteer!, users.doctor!, users.workerB!]) {
        const notes = await db()
          .selectFrom('notifications')
          .select('kind')
          .where('user_id', '=', outsider.id)
          .where('entity_type', '=', 'event')
          .where('entity_id', '=', String(event.id))
          .execute();
        expect(notes, `${outsider.username} is told of an event they cannot open`).toEqual([]);
      }
    });

    it('event.escalated reaches the community’s staff, not the volunteer and doctor of its teams', async () => {
      const event = await patrol('集市人员聚集');
      for (let i = 0; i < 2; i++) {
        clock.advance(5 * MINUTE);
        await escalateOverdueEvents(db(), clock.now());
      }
      const told = await expectReadable('event.escalated', 'event', event.id);
      expect(told).toEqual(expect.arrayContaining([users.leaderA!.id, users.staff!.id]));
      for (const outsider of [users.volunteer!, users.doctor!, users.workerB!])
        expect(told).not.toContain(outsider.id);
    });
  });

  describe('resident requests and announcements', () => {
    it('request.new, request.unassigned, request.assigned, request.cancelled reach only those who read the request', async () => {
      const covered = await createHouse(db(), world.tree.microA, '星火路11号');
      await db()
        .insertInto('volunteer_households')
        .values({
          house_id: covered.id,
          volunteer_user_id: users.volunteer!.id,
          area_path: covered.area_path,
          assigned_by: 'test',
        })
        .execute();
      const uncovered = await createHouse(db(), world.tree.microA, '星火路12号');
      const ask = async (house: typeof covered) => {
        const response = await app.inject({
          method: 'POST',
          url: `/api/public/households/${await issueDoorToken(db(), house)}/requests`,
          remoteAddress: nextIp(),
          payload: { kind: 'medicine', details: '降压药两盒', urgency: 'urgent' },
        });
        expect(response.statusCode, response.body).toBe(201);
        return db()
          .selectFrom('resident_requests')
          .select('id')
          .where('code', '=', response.json<{ code: string }>().code)
          .executeTakeFirstOrThrow();
      };
      const toVolunteer = await ask(covered);
      expect
        .soft(await expectReadable('request.new', 'service_request', toVolunteer.id))
        .toEqual([users.volunteer!.id]);

      const toGrid = await ask(uncovered);
      const responders = await expectReadable('request.unassigned', 'service_request', toGrid.id);
      expect(responders).toContain(users.workerA!.id);
      expect(responders).not.toContain(users.workerB!.id);

      const worker = await sessionOf(users.workerA!.id);
      const reassigned = await app.inject({
        method: 'POST',
        url: `/api/service-requests/${toGrid.id}/reassign`,
        headers: worker.headers,
        payload: { volunteerUserId: users.volunteer!.id },
      });
      expect(reassigned.statusCode, reassigned.body).toBe(200);
      expect
        .soft(await expectReadable('request.assigned', 'service_request', toGrid.id))
        .toEqual([users.volunteer!.id]);

      const cancelled = await app.inject({
        method: 'POST',
        url: `/api/service-requests/${toGrid.id}/cancel`,
        headers: worker.headers,
        payload: {},
      });
      expect(cancelled.statusCode, cancelled.body).toBe(200);
      expect
        .soft(await expectReadable('request.cancelled', 'service_request', toGrid.id))
        .toEqual([users.volunteer!.id]);
    });

    it('announcement.published reaches only those who read the announcement', async () => {
      const staff = await sessionOf(users.staff!.id);
      const drafted = await app.inject({
        method: 'POST',
        url: '/api/announcements',
        headers: staff.headers,
        payload: { areaId: world.tree.gridA.id, kind: 'alert', title: '寒潮预警', body: '注意保暖' },
      });
      expect(drafted.statusCode, drafted.body).toBe(201);
      const id = drafted.json<{ id: number }>().id;
      const published = await app.inject({
        method: 'POST',
        url: `/api/announcements/${id}/publish`,
        headers: staff.headers,
      });
      expect(published.statusCode, published.body).toBe(200);
      const told = await expectReadable('announcement.published', 'announcement', id);
      expect(told).toEqual(expect.arrayContaining([users.workerA!.id, users.leaderA!.id]));
      expect(told).not.toContain(users.workerB!.id);
    });
  });
});
