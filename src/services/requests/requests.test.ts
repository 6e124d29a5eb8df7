import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  type Session,
  signIn,
  TestClock,
  testApp,
} from '../../test-support/factories.js';
import { createHouse, issueDoorToken } from '../../test-support/services-fixtures.js';

let ipSerial = 1;
const nextIp = () => `10.7.${Math.floor(ipSerial / 250)}.${(ipSerial++ % 250) + 1}`;

describeEachDatabase('resident requests', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  const clock = new TestClock();
  let workerA: Session;
  let workerB: Session;
  let volunteer: Session;
  let otherVolunteer: Session;
  let ids: Record<string, number>;
  let coveredHouse: { id: number; area_id: number; area_path: string; address: string };
  let uncoveredHouse: { id: number; area_id: number; area_path: string; address: string };
  let houseB: { id: number; area_id: number; area_path: string; address: string };
  let coveredToken: string;
  let uncoveredToken: string;

  beforeAll(async () => {
    const db = database().db;
    app = await testApp(database(), clock);
    tree = await createAreaTree(db);
    const wA = await createUser(db, [{ role: 'grid_worker', area: tree.microA }]);
    const wB = await createUser(db, [{ role: 'grid_worker', area: tree.microB }]);
    const leaderA = await createUser(db, [{ role: 'grid_leader', area: tree.gridA }]);
    const vol = await createUser(db, [{ role: 'volunteer', area: tree.microA }]);
    const vol2 = await createUser(db, [{ role: 'volunteer', area: tree.microA }]);
    ids = { workerA: wA.id, workerB: wB.id, leaderA: leaderA.id, volunteer: vol.id, otherVolunteer: vol2.id };
    workerA = await signIn(app, wA.username);
    workerB = await signIn(app, wB.username);
    volunteer = await signIn(app, vol.username);
    otherVolunteer = await signIn(app, vol2.username);
    coveredHouse = await createHouse(db, tree.cellA, '星火路1号');
    uncoveredHouse = await createHouse(db, tree.cellA, '星火路2号');
    houseB = await createHouse(db, tree.cellB, '乙路9号');
    await db
      .insertInto('volunteer_households')
      .values({
        house_id: coveredHouse.id,
        volunteer_user_id: vol.id,
        area_path: coveredHouse.area_path,
        assigned_by: 'test',
      })
      .execute();
    coveredToken = await issueDoorToken(db, coveredHouse);
    uncoveredToken = await issueDoorToken(db, uncoveredHouse);
  });
  afterAll(async () => {
    await app.close();
  });

  const call = (session: Session, method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, headers: session.headers, ...(payload ? { payload } : {}) });
  const publicCall = (method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, remoteAddress: nextIp(), ...(payload ? { payload } : {}) });
  const notificationsOf = (userId: number) =>
    database()
      .db.selectFrom('notifications')
      .select(['kind', 'priority', 'entity_id', 'title'])
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute();

  it('routes a resident’s request for medicine to the volunteer who covers the household', async () => {
    const sent = await publicCall('POST', `/api/public/households/${coveredToken}/requests`, {
      kind: 'medicine',
      details: '降压药（硝苯地平）两盒',
      urgency: 'urgent',
      requesterName: '王阿婆',
      contactPhone: '13812345678',
    });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json()).toMatchObject({ status: 'open', routedToVolunteer: true });
    const code = sent.json<{ code: string }>().code;
    expect(code).toMatch(/^RQ\d{8}[0-9A-Z]{6}$/);

    const stored = await database()
      .db.selectFrom('resident_requests')
      .selectAll()
      .where('code', '=', code)
      .executeTakeFirstOrThrow();
    expect(stored.volunteer_user_id).toBe(ids.volunteer);
    expect(stored.contact_masked).toBe('138****5678');
    expect(stored.contact_secret).not.toContain('13812345678');

    const notes = await notificationsOf(ids.volunteer!);
    expect(notes).toEqual([
      expect.objectContaining({
        kind: 'request.new',
        priority: 'urgent',
        entity_id: String(stored.id),
        title: '【紧急】居民求助：代购药品',
      }),
    ]);

    // The volunteer's queue holds it; the resident follows it through the link given on asking.
    const queue = await call(volunteer, 'GET', '/api/service-requests?mine=1');
    expect(queue.statusCode, queue.body).toBe(200);
    expect(
      queue.json<{ items: Array<{ code: string; requesterName: string; contactMasked: string }> }>().items,
    ).toEqual([expect.objectContaining({ code, requesterName: '王**', contactMasked: '138****5678' })]);
    expect(sent.headers['cache-control']).toBe('no-store');
    const followToken = sent.json<{ followToken: string }>().followToken;
    expect(followToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // Only its hash is kept.
    expect(stored.follow_token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(followToken);
    const page = await publicCall('GET', `/api/public/requests/${followToken}`);
    expect(page.statusCode, page.body).toBe(200);
    const item = page.json<Record<string, unknown>>();
    expect(item).toMatchObject({
      code,
      status: 'open',
      kindLabel: '代购药品',
      volunteer: { name: expect.any(String) },
    });
    expect(JSON.stringify(page.json())).not.toMatch(/138|userId|王阿婆/);
    // A browser asking in English reads the kind in English.
    const english = await app.inject({
      url: `/api/public/requests/${followToken}`,
      remoteAddress: nextIp(),
      headers: { 'accept-language': 'en' },
    });
    expect(english.json()).toMatchObject({ kind: 'medicine', kindLabel: 'Buy medicine' });
  });

  it('walks accept → delivered → closed, with 409 on illegal transitions and the history from the audit log', async () => {
    const created = await call(workerA, 'POST', '/api/service-requests', {
      houseId: coveredHouse.id,
      kind: 'groceries',
      details: '大米一袋、鸡蛋',
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: number; volunteer: { userId: number } }>().id;
    expect(created.json().volunteer.userId).toBe(ids.volunteer);

    expect((await call(volunteer, 'POST', `/api/service-requests/${id}/deliver`, {})).statusCode).toBe(409);
    const accepted = await call(volunteer, 'POST', `/api/service-requests/${id}/accept`, { note: '马上去' });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().status).toBe('accepted');
    const again = await call(volunteer, 'POST', `/api/service-requests/${id}/accept`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('REQUEST_STATUS_CONFLICT');
    // Volunteers cannot cancel; the worker could, but it is delivered first.
    expect((await call(volunteer, 'POST', `/api/service-requests/${id}/cancel`, {})).statusCode).toBe(403);
    clock.advance(30 * 60_000);
    expect(
      (await call(volunteer, 'POST', `/api/service-requests/${id}/deliver`, { note: '已送达' })).statusCode,
    ).toBe(200);
    expect((await call(workerA, 'POST', `/api/service-requests/${id}/cancel`, {})).statusCode).toBe(409);
    // The web client may send no body at all.
    const closed = await app.inject({
      method: 'POST',
      url: `/api/service-requests/${id}/close`,
      headers: volunteer.headers,
    });
    expect(closed.statusCode).toBe(200);
    const detail = closed.json<{
      status: string;
      note: string;
      history: Array<{ action: string; toStatus: string }>;
    }>();
    expect(detail.status).toBe('closed');
    expect(detail.note).toBe('已送达');
    expect(detail.history.map((h) => h.action)).toEqual(['create', 'accept', 'deliver', 'close']);
  });

  it('shows an uncovered household’s request as unassigned to the grid’s responders, who can take it or reassign it', async () => {
    const sent = await publicCall('POST', `/api/public/households/${uncoveredToken}/requests`, {
      kind: 'gas',
      details: '煤气罐没气了',
    });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json().routedToVolunteer).toBe(false);
    const row = await database()
      .db.selectFrom('resident_requests')
      .select(['id', 'volunteer_user_id'])
      .where('code', '=', sent.json<{ code: string }>().code)
      .executeTakeFirstOrThrow();
    expect(row.volunteer_user_id).toBeNull();
    // The micro-grid's worker and the grid's leader hear of it; grid B's worker and the volunteers do not.
    expect((await notificationsOf(ids.workerA!)).map((n) => n.entity_id)).toContain(String(row.id));
    expect((await notificationsOf(ids.leaderA!)).map((n) => n.entity_id)).toContain(String(row.id));
    expect((await notificationsOf(ids.workerB!)).map((n) => n.entity_id)).not.toContain(String(row.id));
    expect((await notificationsOf(ids.otherVolunteer!)).map((n) => n.entity_id)).not.toContain(
      String(row.id),
    );

    const unassigned = await call(workerA, 'GET', '/api/service-requests?unassigned=true&status=open');
    expect(unassigned.json<{ items: Array<{ id: number }> }>().items.map((r) => r.id)).toEqual([row.id]);

    const reassigned = await call(workerA, 'POST', `/api/service-requests/${row.id}/reassign`, {
      volunteerUserId: ids.otherVolunteer,
    });
    expect(reassigned.statusCode, reassigned.body).toBe(200);
    expect(reassigned.json().volunteer.userId).toBe(ids.otherVolunteer);
    expect((await notificationsOf(ids.otherVolunteer!)).map((n) => n.kind)).toContain('request.assigned');
    const foreign = await call(workerA, 'POST', `/api/service-requests/${row.id}/reassign`, {
      volunteerUserId: ids.workerB,
    });
    expect(foreign.statusCode).toBe(400);

    // Whoever asked withdraws it through the follow link; the volunteer is told.
    const followToken = sent.json<{ followToken: string }>().followToken;
    const cancelled = await publicCall('POST', `/api/public/requests/${followToken}/cancel`);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
    expect((await notificationsOf(ids.otherVolunteer!)).map((n) => n.kind)).toContain('request.cancelled');
    // Twice is a conflict, not a second cancellation.
    expect((await publicCall('POST', `/api/public/requests/${followToken}/cancel`)).statusCode).toBe(409);
  });

  it('keeps a household’s requests from whoever scans its door: only the follow link opens and withdraws its own request', async () => {
    // A house of its own: each door code may send only a few requests a minute.
    const house = await createHouse(database().db, tree.cellA, '星火路3号');
    const doorToken = await issueDoorToken(database().db, house);
    const ask = async (details: string) => {
      const sent = await publicCall('POST', `/api/public/households/${doorToken}/requests`, {
        kind: 'groceries',
        details,
        urgency: 'urgent',
      });
      expect(sent.statusCode, sent.body).toBe(201);
      return sent.json<{ code: string; followToken: string }>();
    };
    const mine = await ask('米一袋、鸡蛋两斤');
    const neighbours = await ask('卫生纸');

    // The door code (on the door, seen by any passer-by) lists none of them and withdraws none.
    const doorList = await publicCall('GET', `/api/public/households/${doorToken}/requests`);
    expect(doorList.statusCode).toBe(404);
    expect(doorList.body).not.toContain('米一袋');
    const doorCancel = await publicCall(
      'POST',
      `/api/public/households/${doorToken}/requests/${mine.code}/cancel`,
    );
    expect(doorCancel.statusCode).toBe(404);
    // Nor does the door code work in place of a follow link.
    expect((await publicCall('GET', `/api/public/requests/${doorToken}`)).statusCode).toBe(400);
    const doorPage = await publicCall('GET', `/api/public/households/${doorToken}`);
    expect(doorPage.statusCode).toBe(200);
    expect(doorPage.body).not.toMatch(/米一袋|卫生纸|RQ\d/);

    // The follow link opens its own request, not the other one of the same household.
    const followed = await publicCall('GET', `/api/public/requests/${mine.followToken}`);
    expect(followed.statusCode, followed.body).toBe(200);
    expect(followed.json()).toMatchObject({ code: mine.code, details: '米一袋、鸡蛋两斤', status: 'open' });
    expect(followed.body).not.toContain('卫生纸');
    const withdrawn = await publicCall('POST', `/api/public/requests/${mine.followToken}/cancel`);
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json()).toMatchObject({ code: mine.code, status: 'cancelled' });
    const other = await database()
      .db.selectFrom('resident_requests')
      .select('status')
      .where('code', '=', neighbours.code)
      .executeTakeFirstOrThrow();
    expect(other.status).toBe('open');

    // A wrong or made-up link finds nothing, the same way.
    const madeUp = 'A'.repeat(32);
    for (const response of [
      await publicCall('GET', `/api/public/requests/${madeUp}`),
      await publicCall('POST', `/api/public/requests/${madeUp}/cancel`),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('REQUEST_NOT_FOUND');
    }
  });

  it('lets a volunteer see only their own households’ requests, and grid B none of grid A’s', async () => {
    const created = await call(workerB, 'POST', '/api/service-requests', {
      houseId: houseB.id,
      kind: 'transport',
      details: '去医院透析',
    });
    expect(created.statusCode, created.body).toBe(201);
    const idB = created.json<{ id: number }>().id;

    const mineA = await call(volunteer, 'GET', '/api/service-requests');
    const volunteerSees = mineA.json<{ items: Array<{ house: { id: number } }> }>().items;
    expect(volunteerSees.length).toBeGreaterThan(0);
    expect(volunteerSees.every((r) => r.house.id === coveredHouse.id)).toBe(true);

    const listB = await call(workerB, 'GET', '/api/service-requests');
    expect(listB.json<{ items: Array<{ id: number }> }>().items.map((r) => r.id)).toEqual([idB]);
    const listA = await call(workerA, 'GET', '/api/service-requests');
    expect(listA.json<{ items: Array<{ id: number }> }>().items.map((r) => r.id)).not.toContain(idB);

    expect((await call(workerA, 'GET', `/api/service-requests/${idB}`)).statusCode).toBe(404);
    expect((await call(workerA, 'POST', `/api/service-requests/${idB}/accept`, {})).statusCode).toBe(404);
    expect((await call(volunteer, 'GET', `/api/service-requests/${idB}`)).statusCode).toBe(404);
    const onBehalf = await call(workerA, 'POST', '/api/service-requests', {
      houseId: houseB.id,
      kind: 'other',
      details: 'x',
    });
    expect(onBehalf.statusCode).toBe(404);

    // A worker accepting an unassigned request takes it on.
    const accepted = await call(workerB, 'POST', `/api/service-requests/${idB}/accept`, {});
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().volunteer.userId).toBe(ids.workerB);
  });

  it('reveals the contact phone to the assignee only with an audited reason', async () => {
    const list = await call(volunteer, 'GET', '/api/service-requests?mine=true&kind=medicine');
    const id = list.json<{ items: Array<{ id: number }> }>().items[0]!.id;
    const reveal = await call(volunteer, 'POST', `/api/service-requests/${id}/contact`, {
      reason: '送药前电话确认',
    });
    expect(reveal.statusCode).toBe(200);
    expect(reveal.json()).toEqual({ phone: '13812345678' });
    expect(
      (await call(otherVolunteer, 'POST', `/api/service-requests/${id}/contact`, { reason: '看看' }))
        .statusCode,
    ).toBe(404);
    const audit = await database()
      .db.selectFrom('audit_log')
      .select(['reason'])
      .where('action', '=', 'service_request.contact.reveal')
      .execute();
    expect(audit).toEqual([{ reason: '送药前电话确认' }]);
  });

  it('validates public requests and refuses unknown codes', async () => {
    const unknown = await publicCall('POST', '/api/public/households/AAAAAAAAAAAAAAAAAAAAAA/requests', {
      kind: 'medicine',
      details: '药',
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('CODE_NOT_FOUND');
    const badKind = await publicCall('POST', `/api/public/households/${coveredToken}/requests`, {
      kind: 'pizza',
      details: '药',
    });
    expect(badKind.statusCode).toBe(400);
    const badPhone = await publicCall('POST', `/api/public/households/${coveredToken}/requests`, {
      kind: 'medicine',
      details: '药',
      contactPhone: '12',
    });
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.json().error.code).toBe('PHONE_INVALID');
    const blank = await publicCall('POST', `/api/public/households/${coveredToken}/requests`, {
      kind: 'medicine',
      details: '   ',
    });
    expect(blank.statusCode).toBe(400);
  });

  it('limits how often one door code may send requests', async () => {
    const house = await createHouse(database().db, tree.cellA);
    const token = await issueDoorToken(database().db, house);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await publicCall('POST', `/api/public/households/${token}/requests`, {
        kind: 'other',
        details: `第${i + 1}次`,
      });
      statuses.push(response.statusCode);
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
  });

  it('words each responder’s notification in their own language setting', async () => {
    const db = database().db;
    const house = await createHouse(db, tree.cellA, '星火路8号');
    const token = await issueDoorToken(db, house);
    await db.updateTable('users').set({ locale: 'en' }).where('id', '=', ids.leaderA!).execute();
    try {
      const sent = await publicCall('POST', `/api/public/households/${token}/requests`, {
        kind: 'gas',
        details: '煤气罐空了',
      });
      expect(sent.statusCode, sent.body).toBe(201);
      const titleOf = async (userId: number) =>
        (await notificationsOf(userId)).filter((n) => n.kind === 'request.unassigned').at(-1)?.title;
      expect(await titleOf(ids.leaderA!)).toBe('Help requested: Gas delivery');
      expect(await titleOf(ids.workerA!)).toBe('居民求助：煤气配送');
    } finally {
      await db.updateTable('users').set({ locale: 'zh-CN' }).where('id', '=', ids.leaderA!).execute();
    }
  });
});
