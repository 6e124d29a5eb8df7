import http from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { escalateOverdueEvents } from '../../events/escalation.js';
import { categoryId } from '../../test-support/events-fixtures.js';
import { addPerson, addTestRecord } from '../../test-support/health-rounds-fixtures.js';
import type { DashboardView, EventFigures, FeedEvent } from './schema.js';

/** Reads a server-sent-events stream until `done` says enough (or the time is up), then hangs up. */
function readStream(
  url: string,
  cookie: string,
  done: (text: string) => boolean,
  timeoutMs = 8000,
): Promise<{ status: number; contentType: string; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { cookie, accept: 'text/event-stream' } }, (response) => {
      let text = '';
      const finish = () => {
        clearTimeout(timer);
        request.destroy();
        resolve({
          status: response.statusCode ?? 0,
          contentType: String(response.headers['content-type']),
          text,
        });
      };
      const timer = setTimeout(finish, timeoutMs);
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        if (done(text)) finish();
      });
      response.on('end', finish);
    });
    request.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error);
    });
  });
}

const eventsOf = (text: string): FeedEvent[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)) as FeedEvent);

describeEachDatabase('big-screen dashboard', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let staff: Session;
  let workerA: Session;
  let workerB: Session;
  let baseUrl: string;
  const clock = new TestClock();
  const personsA: number[] = [];

  const get = (session: Session, url: string) => app.inject({ url, headers: session.headers });
  const post = (session: Session, url: string, payload: object) =>
    app.inject({ method: 'POST', url, headers: session.headers, payload });

  beforeAll(async () => {
    const db = database().db;
    app = await testApp(database(), clock);
    tree = await createAreaTree(db);
    staff = await signIn(
      app,
      (await createUser(db, [{ role: 'community_staff', area: tree.village }])).username,
    );
    workerA = await signIn(app, (await createUser(db, [{ role: 'grid_worker', area: tree.gridA }])).username);
    workerB = await signIn(app, (await createUser(db, [{ role: 'grid_worker', area: tree.gridB }])).username);
    personsA.push((await addPerson(db, tree.cellA.id, { name: '甲甲' })).id);
    personsA.push((await addPerson(db, tree.microA.id, { name: '甲乙' })).id);
    personsA.push((await addPerson(db, tree.gridA.id, { name: '甲丙' })).id);
    await addPerson(db, tree.cellB.id, { name: '乙甲' });
    // Yesterday (China time) and a month ago: only the first is in the 14-day trend.
    await addTestRecord(db, personsA[0]!, new Date('2026-11-01T10:00:00+08:00'));
    await addTestRecord(db, personsA[1]!, new Date('2026-10-01T10:00:00+08:00'));
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
  });

  it('shows a node’s figures, the round’s coverage and each child’s measures in one answer', async () => {
    const round = await post(staff, '/api/rounds', {
      areaId: tree.village.id,
      name: '全员核酸',
      startsAt: '2026-11-01T00:00:00+08:00',
      endsAt: '2026-11-03T00:00:00+08:00',
    });
    expect(round.statusCode, round.body).toBe(201);
    const keyPerson = await post(staff, '/api/key-persons', {
      personId: personsA[2],
      category: 'close_contact',
    });
    expect(keyPerson.statusCode, keyPerson.body).toBe(201);
    const leads = await post(staff, '/api/leads', {
      areaId: tree.village.id,
      leads: [
        { name: '无名', address: '查无此址', reason: '协查', deadline: '1h' },
        { name: '无名二', address: '查无此址二', reason: '协查' },
      ],
    });
    expect(leads.statusCode, leads.body).toBe(201);
    expect(leads.json().inserted).toBe(2);
    // The first passes its deadline.
    clock.advance(2 * 3600 * 1000);

    const response = await get(staff, `/api/dashboard?node=${tree.village.id}`);
    expect(response.statusCode, response.body).toBe(200);
    const view = response.json() as DashboardView;
    expect(view.node).toMatchObject({ id: tree.village.id, level: 'village', childCount: 2 });
    expect(view.trail.map((a) => a.id)).toEqual([]);
    expect(view.figures).toMatchObject({
      residents: 4,
      keyPersons: { total: 1, byCategory: { close_contact: 1, returnee: 0 } },
      // Both leads wait in the village's inbox; one is past its deadline.
      leads: { total: 2, open: 1, overdue: 1, leftToZero: 2, verified: 0 },
      pendingArrivals: 0,
    });
    expect(view.round).toMatchObject({
      name: '全员核酸',
      coversNode: true,
      coverage: { due: 4, tested: 1, untested: 3, testedShare: 0.25 },
    });
    expect(view.children.map((c) => [c.area.name, c.residents, c.tested, c.untested, c.keyPersons])).toEqual([
      ['甲网格', 3, 1, 2, 1],
      ['乙网格', 1, 0, 1, 0],
    ]);
    expect(view.children[0]!.untestedShare).toBeCloseTo(2 / 3, 3);
    expect(view.trend.days).toHaveLength(14);
    expect(view.trend.days.at(-1)).toBe('2026-11-02');
    expect(view.trend.tests.at(-2)).toBe(1);
    expect(view.trend.tests.reduce((a, b) => a + b, 0)).toBe(1);
    expect(view.trend.newKeyPersons.at(-1)).toBe(1);
  });

  it('shows a grid worker their own grid by default and nothing of a neighbouring one', async () => {
    const mine = await get(workerA, '/api/dashboard');
    expect(mine.statusCode, mine.body).toBe(200);
    const view = mine.json() as DashboardView;
    expect(view.node.id).toBe(tree.gridA.id);
    expect(view.figures.residents).toBe(3);
    expect(view.children.map((c) => c.area.id)).toEqual([tree.microA.id]);
    // The village above is not theirs: no way up.
    expect(view.trail).toEqual([]);

    const other = await get(workerB, `/api/dashboard?node=${tree.gridA.id}`);
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('AREA_NOT_FOUND');
    const stream = await get(workerB, `/api/dashboard/stream?node=${tree.gridA.id}`);
    expect(stream.statusCode).toBe(404);
    expect((await app.inject({ url: '/api/dashboard' })).statusCode).toBe(401);

    const staffView = (await get(staff, `/api/dashboard?node=${tree.microA.id}`)).json() as DashboardView;
    expect(staffView.trail.map((a) => a.id)).toEqual([tree.village.id, tree.gridA.id]);
  });

  it('streams the recent events at once, then new ones as they happen, scoped to the node', async () => {
    const first = await readStream(
      `${baseUrl}/api/dashboard/stream?node=${tree.village.id}`,
      staff.cookie,
      (text) => text.includes('"key_person"'),
    );
    expect(first.status).toBe(200);
    expect(first.contentType).toMatch(/^text\/event-stream/);
    expect(first.text).toMatch(/^retry: \d+\n\n: connected\n\n/);
    const backlog = eventsOf(first.text);
    expect(backlog.find((e) => e.type === 'key_person')).toMatchObject({
      detail: 'close_contact',
      area: { id: tree.gridA.id },
    });
    // The feed never names a person.
    expect(first.text).not.toContain('甲丙');

    // Worker B's grid has seen nothing: their stream has no events of grid A.
    const other = await readStream(
      `${baseUrl}/api/dashboard/stream?node=${tree.gridB.id}`,
      workerB.cookie,
      (text) => text.includes(': connected'),
    );
    expect(other.status).toBe(200);
    expect(eventsOf(other.text)).toEqual([]);

    // A lead verified while listening arrives within a poll.
    const inbox = await get(staff, `/api/leads?within=${tree.village.id}&status=open`);
    const leadId = (inbox.json() as { items: Array<{ id: number }> }).items[0]!.id;
    const live = readStream(`${baseUrl}/api/dashboard/stream?node=${tree.village.id}`, staff.cookie, (text) =>
      text.includes('"lead_verified"'),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const verified = await post(staff, `/api/leads/${leadId}/verify`, {
      outcome: 'not_found',
      measures: ['none'],
    });
    expect(verified.statusCode, verified.body).toBe(200);
    const { text } = await live;
    const event = eventsOf(text).find((e) => e.type === 'lead_verified');
    expect(event).toMatchObject({ detail: 'not_found', area: { id: tree.village.id } });
    // Each event carries the cursor to resume from.
    expect(text).toMatch(/\nid: \d+\.\d+\.\d+\.\d+\ndata: \{"id":"a\d+","type":"lead_verified"/);
  });

  it('counts the node’s events and requests for those who may read events, and feeds new, escalated and closed ones', async () => {
    const db = database().db;
    const doctor = await signIn(
      app,
      (await createUser(db, [{ role: 'doctor', area: tree.village }])).username,
    );
    const now = clock.now();
    const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
    const yesterday = new Date(now.getTime() - 24 * 3600_000);
    const rubbish = await categoryId(db, 'city_appearance.exposed_rubbish');
    // Titles may carry what a reporter wrote, names included: the feed never sends them.
    const report = async (area: { id: number }, title: string) => {
      const created = await post(staff, '/api/events', {
        source: 'patrol',
        categoryId: rubbish,
        areaId: area.id,
        title,
      });
      expect(created.statusCode, created.body).toBe(201);
      return created.json().id as number;
    };
    const act = async (id: number, action: string, payload: object = { note: '已处理' }) => {
      const response = await post(staff, `/api/events/${id}/actions/${action}`, payload);
      expect(response.statusCode, response.body).toBe(200);
    };
    const setEvent = (id: number, values: { step_deadline?: Date; created_at?: Date; closed_at?: Date }) =>
      db.updateTable('events').set(values).where('id', '=', id).execute();

    // No micro-grid has responders here, so events start with the grid's workers. Grid B: one
    // escalated by the timer to the community (its fresh deadline not passed), one from
    // yesterday suspended past its deadline (open, but its clock stands still).
    const escalated = await report(tree.microB, '乙网格垃圾');
    await setEvent(escalated, { step_deadline: minutesAgo(1) });
    expect((await escalateOverdueEvents(db, now)).map((e) => [e.id, e.toTier])).toEqual([
      [escalated, 'village'],
    ]);
    const suspended = await report(tree.microB, '乙网格旧事件');
    await act(suspended, 'suspend', { reason: '等待天晴' });
    await setEvent(suspended, { created_at: yesterday, step_deadline: minutesAgo(60) });
    // Grid A: one waiting, one overdue, one closed today, one closed yesterday.
    const waiting = await report(tree.microA, '张三家门口垃圾');
    const overdue = await report(tree.cellA, '甲网格超时');
    await setEvent(overdue, { step_deadline: minutesAgo(5) });
    const closedYesterday = await report(tree.microA, '甲网格昨日');
    for (const action of ['accept', 'report', 'close']) await act(closedYesterday, action);
    await setEvent(closedYesterday, { created_at: yesterday, closed_at: yesterday });

    // A listener hears the close live (after the backlog's close of yesterday's event).
    const closing = await report(tree.microA, '甲网格今日');
    const live = readStream(
      `${baseUrl}/api/dashboard/stream?node=${tree.village.id}`,
      staff.cookie,
      (text) => text.split('"event_closed"').length > 2,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const action of ['accept', 'report', 'close']) await act(closing, action);

    // Two device alerts on the waiting event's camera, one within the hour.
    const camera = await db
      .insertInto('cameras')
      .values({
        area_id: tree.microA.id,
        area_path: tree.microA.path,
        code: `CAM-${tree.microA.id}`,
        name: '门口',
        kind: 'gate',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('device_alerts')
      .values(
        [10, 90].map((minutes) => ({
          camera_id: camera.id,
          kind: 'gathering' as const,
          occurred_at: minutesAgo(minutes),
          received_at: minutesAgo(minutes),
          event_id: waiting,
        })),
      )
      .execute();

    // Requests: open and unassigned in grid A, accepted by a worker in grid B, one delivered.
    const house = async (area: typeof tree.microA) =>
      (
        await db
          .insertInto('houses')
          .values({ area_id: area.id, area_path: area.path, address: `${area.name}1号` })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const workerBUser = await createUser(db, [{ role: 'grid_worker', area: tree.gridB }]);
    const request = (
      area: typeof tree.microA,
      houseId: number,
      status: 'open' | 'accepted' | 'delivered',
      volunteer: number | null,
      n: number,
    ) => ({
      code: `RQ-${area.id}-${n}`,
      house_id: houseId,
      area_id: area.id,
      area_path: area.path,
      kind: 'medicine' as const,
      details: '降压药',
      status,
      channel: 'worker' as const,
      volunteer_user_id: volunteer,
      created_at: now,
    });
    const houseA = await house(tree.microA);
    const houseB = await house(tree.microB);
    await db
      .insertInto('resident_requests')
      .values([
        request(tree.microA, houseA, 'open', null, 1),
        request(tree.microA, houseA, 'delivered', workerBUser.id, 2),
        request(tree.microB, houseB, 'accepted', workerBUser.id, 3),
      ])
      .execute();

    const village = (await get(staff, `/api/dashboard?node=${tree.village.id}`)).json() as DashboardView;
    expect(village.figures.events).toEqual<EventFigures>({
      open: 4,
      overdue: 1,
      // Created today: escalated, waiting, overdue, closing (the suspended and the closed-yesterday are older).
      newToday: 4,
      closedToday: 1,
      alertsLastHour: 1,
      byTier: { microgrid: 0, grid: 3, village: 1, township: 0, county: 0 },
      openRequests: 2,
      unassignedRequests: 1,
    });
    expect(village.children.map((c) => [c.area.name, c.openEvents, c.overdueEvents])).toEqual([
      ['甲网格', 2, 1],
      ['乙网格', 2, 0],
    ]);

    // Grid A's worker counts grid A only; grid B's worker grid B only.
    const gridA = (await get(workerA, '/api/dashboard')).json() as DashboardView;
    expect(gridA.figures.events).toMatchObject({
      open: 2,
      overdue: 1,
      newToday: 3,
      closedToday: 1,
      alertsLastHour: 1,
      byTier: { grid: 2, village: 0 },
      openRequests: 1,
      unassignedRequests: 1,
    });
    expect(gridA.children.map((c) => [c.area.id, c.openEvents, c.overdueEvents])).toEqual([
      [tree.microA.id, 2, 1],
    ]);
    const gridB = (await get(workerB, '/api/dashboard')).json() as DashboardView;
    expect(gridB.node.id).toBe(tree.gridB.id);
    expect(gridB.figures.events).toMatchObject({
      open: 2,
      overdue: 0,
      newToday: 1,
      closedToday: 0,
      alertsLastHour: 0,
      byTier: { grid: 1, village: 1 },
      openRequests: 1,
      unassignedRequests: 0,
    });

    // Health data without event.read: the event figures are absent, not zero.
    const doctorView = (await get(doctor, `/api/dashboard?node=${tree.village.id}`)).json() as DashboardView;
    expect(doctorView.figures.residents).toBe(4);
    expect(doctorView.figures.events).toBeNull();
    expect(doctorView.children.map((c) => [c.openEvents, c.overdueEvents])).toEqual([
      [null, null],
      [null, null],
    ]);

    // The live feed: the close as it happens, with its category and area, never the title.
    const { text } = await live;
    const closeStep = await db
      .selectFrom('event_steps')
      .select('id')
      .where('event_id', '=', closing)
      .where('action', '=', 'close')
      .executeTakeFirstOrThrow();
    expect(eventsOf(text).find((e) => e.id === `s${closeStep.id}`)).toMatchObject({
      type: 'event_closed',
      area: { id: tree.microA.id },
      category: { code: 'city_appearance.exposed_rubbish', nameZh: '暴露垃圾' },
    });
    // Its cursor moves past that step.
    expect(text).toContain(`.${closeStep.id}\ndata: {"id":"s${closeStep.id}","type":"event_closed"`);

    // A new listener's backlog has the new and escalated events; grid A's has none of grid B's.
    const backlog = await readStream(
      `${baseUrl}/api/dashboard/stream?node=${tree.village.id}`,
      staff.cookie,
      (chunk) => chunk.includes('"event_escalated"') && chunk.includes('"event_closed"'),
    );
    const items = eventsOf(backlog.text);
    expect(items.find((e) => e.type === 'event_escalated')).toMatchObject({
      detail: 'village',
      area: { id: tree.microB.id },
    });
    expect(items.find((e) => e.type === 'event_new')).toMatchObject({ detail: 'patrol' });
    for (const title of ['张三', '乙网格垃圾', '甲网格今日']) expect(backlog.text).not.toContain(title);
    const mine = eventsOf(
      (
        await readStream(`${baseUrl}/api/dashboard/stream`, workerA.cookie, (chunk) =>
          chunk.includes('"event_closed"'),
        )
      ).text,
    ).filter((e) => e.type.startsWith('event_'));
    expect(mine.map((e) => e.type)).toContain('event_closed');
    expect(mine.every((e) => e.area?.id === tree.microA.id || e.area?.id === tree.cellA.id)).toBe(true);
    // Without event.read, no event items at all.
    const doctorFeed = await readStream(
      `${baseUrl}/api/dashboard/stream?node=${tree.village.id}`,
      doctor.cookie,
      // The newest health item: the backlog is written at once, oldest first.
      (chunk) => chunk.includes('"lead_verified"'),
    );
    expect(eventsOf(doctorFeed.text).filter((e) => e.type.startsWith('event_'))).toEqual([]);
  });
});
