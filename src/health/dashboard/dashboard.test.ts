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
import { addPerson, addTestRecord } from '../rounds/fixtures.js';
import type { DashboardView, FeedEvent } from './schema.js';

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
    expect(text).toMatch(/\nid: \d+\.\d+\.\d+\ndata: \{"id":"a\d+","type":"lead_verified"/);
  });
});
