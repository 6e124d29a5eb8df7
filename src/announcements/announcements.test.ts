import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addResident, createHouse, issueDoorToken } from '../test-support/services-fixtures.js';
import { describeEachDatabase } from '../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  type Session,
  signIn,
  TestClock,
  testApp,
} from '../test-support/factories.js';

let ipSerial = 1;
const nextIp = () => `10.8.${Math.floor(ipSerial / 250)}.${(ipSerial++ % 250) + 1}`;
const HOUR = 3600_000;

describeEachDatabase('announcements', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  const clock = new TestClock();
  let staff: Session;
  let leaderA: Session;
  let leaderB: Session;
  let workerA: Session;
  let ids: Record<string, number>;
  // Grid A: an elderly person living alone, a family; grid B: one elderly person living alone.
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    const db = database().db;
    app = await testApp(database(), clock);
    tree = await createAreaTree(db);
    const s = await createUser(db, [{ role: 'community_staff', area: tree.village }]);
    const lA = await createUser(db, [{ role: 'grid_leader', area: tree.gridA }]);
    const lB = await createUser(db, [{ role: 'grid_leader', area: tree.gridB }]);
    const wA = await createUser(db, [{ role: 'grid_worker', area: tree.microA }]);
    const wB = await createUser(db, [{ role: 'grid_worker', area: tree.microB }]);
    const vol = await createUser(db, [{ role: 'volunteer', area: tree.microA }]);
    ids = { staff: s.id, leaderA: lA.id, leaderB: lB.id, workerA: wA.id, workerB: wB.id, volunteer: vol.id };
    staff = await signIn(app, s.username);
    leaderA = await signIn(app, lA.username);
    leaderB = await signIn(app, lB.username);
    workerA = await signIn(app, wA.username);
    const aloneA = await createHouse(db, tree.cellA);
    await addResident(db, aloneA, ['elderly_alone']);
    const familyA = await createHouse(db, tree.cellA);
    await addResident(db, familyA, []);
    await addResident(db, familyA, ['infant']);
    const aloneB = await createHouse(db, tree.cellB);
    await addResident(db, aloneB, ['elderly_alone', 'chronic_disease']);
    tokens.aloneA = await issueDoorToken(db, aloneA);
    tokens.familyA = await issueDoorToken(db, familyA);
    tokens.aloneB = await issueDoorToken(db, aloneB);
  });
  afterAll(async () => {
    await app.close();
  });

  const call = (session: Session, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    app.inject({ method, url, headers: session.headers, ...(payload ? { payload } : {}) });
  const publicCall = (method: 'GET' | 'POST', url: string) =>
    app.inject({ method, url, remoteAddress: nextIp() });
  const titlesFor = async (token: string) =>
    (await publicCall('GET', `/api/public/households/${token}/announcements`))
      .json<{ items: Array<{ title: string; read: boolean }> }>()
      .items.map((i) => i.title);
  const draft = async (session: Session, payload: Record<string, unknown>) => {
    const response = await call(session, 'POST', '/api/announcements', {
      kind: 'notice',
      body: '正文',
      ...payload,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: number; status: string }>();
  };

  it('drafts, publishes once, notifies the subtree’s workers once each, and withdraws', async () => {
    const notice = await draft(staff, { areaId: tree.village.id, kind: 'policy', title: '疫苗接种安排' });
    expect(notice.status).toBe('draft');
    expect(await titlesFor(tokens.aloneA!)).not.toContain('疫苗接种安排');
    // Workers do not see drafts.
    expect((await call(workerA, 'GET', `/api/announcements/${notice.id}`)).statusCode).toBe(404);

    const published = await call(staff, 'POST', `/api/announcements/${notice.id}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json().status).toBe('published');
    const twice = await call(staff, 'POST', `/api/announcements/${notice.id}/publish`);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('ANNOUNCEMENT_STATUS_CONFLICT');

    const notified = await database()
      .db.selectFrom('notifications')
      .select('user_id')
      .where('kind', '=', 'announcement.published')
      .where('entity_id', '=', String(notice.id))
      .execute();
    expect(notified.map((n) => n.user_id).sort((a, b) => a - b)).toEqual(
      [ids.leaderA!, ids.leaderB!, ids.workerA!, ids.workerB!].sort((a, b) => a - b),
    );

    expect(await titlesFor(tokens.aloneA!)).toContain('疫苗接种安排');
    expect(await titlesFor(tokens.aloneB!)).toContain('疫苗接种安排');
    expect((await call(workerA, 'GET', `/api/announcements/${notice.id}`)).statusCode).toBe(200);

    const edited = await call(staff, 'PATCH', `/api/announcements/${notice.id}`, {
      title: '疫苗接种安排（更新）',
    });
    expect(edited.statusCode).toBe(200);
    expect((await call(staff, 'POST', `/api/announcements/${notice.id}/withdraw`)).statusCode).toBe(200);
    expect(await titlesFor(tokens.aloneA!)).not.toContain('疫苗接种安排（更新）');
    const editWithdrawn = await call(staff, 'PATCH', `/api/announcements/${notice.id}`, { title: '改' });
    expect(editWithdrawn.statusCode).toBe(409);
  });

  it('never shows a tagged announcement on a door page, where a passer-by would learn who lives there', async () => {
    const alert = await draft(staff, {
      areaId: tree.village.id,
      kind: 'alert',
      title: '寒潮预警：独居老人请注意保暖',
      tags: ['elderly_alone'],
    });
    await call(staff, 'POST', `/api/announcements/${alert.id}/publish`);
    // Not on the door of the households it is addressed to, nor on the others'.
    for (const token of [tokens.aloneA!, tokens.aloneB!, tokens.familyA!])
      expect(await titlesFor(token)).not.toContain('寒潮预警：独居老人请注意保暖');
    for (const token of [tokens.aloneA!, tokens.familyA!]) {
      const read = await publicCall('POST', `/api/public/households/${token}/announcements/${alert.id}/read`);
      expect(read.statusCode).toBe(404);
    }
    // The workers who bring it to those households see it, and how many households it is for.
    expect((await call(workerA, 'GET', `/api/announcements/${alert.id}`)).statusCode).toBe(200);
    const reads = await call(staff, 'GET', `/api/announcements/${alert.id}/reads`);
    expect(reads.json().totals).toEqual({ targetedHouseholds: 2, readHouseholds: 0 });
  });

  it('shows only announcements of areas above the household, and hides expired ones', async () => {
    const gridB = await draft(leaderB, { areaId: tree.gridB.id, title: '乙网格停水通知' });
    await call(leaderB, 'POST', `/api/announcements/${gridB.id}/publish`);
    expect(await titlesFor(tokens.aloneB!)).toContain('乙网格停水通知');
    expect(await titlesFor(tokens.aloneA!)).not.toContain('乙网格停水通知');
    // Grid A's leader neither sees nor touches grid B's announcement.
    expect((await call(leaderA, 'GET', `/api/announcements/${gridB.id}`)).statusCode).toBe(404);
    expect((await call(leaderA, 'POST', `/api/announcements/${gridB.id}/withdraw`)).statusCode).toBe(404);
    expect((await call(leaderA, 'GET', `/api/announcements/${gridB.id}/reads`)).statusCode).toBe(404);
    const listA = await call(leaderA, 'GET', '/api/announcements');
    expect(listA.json<{ items: Array<{ id: number }> }>().items.map((a) => a.id)).not.toContain(gridB.id);
    const outside = await call(leaderA, 'POST', '/api/announcements', {
      areaId: tree.gridB.id,
      kind: 'notice',
      title: 'x',
      body: 'y',
    });
    expect(outside.statusCode).toBe(404);

    const shortLived = await draft(staff, {
      areaId: tree.village.id,
      title: '今日核酸采样点',
      expiresAt: new Date(clock.now().getTime() + 2 * HOUR).toISOString(),
    });
    await call(staff, 'POST', `/api/announcements/${shortLived.id}/publish`);
    expect(await titlesFor(tokens.familyA!)).toContain('今日核酸采样点');
    clock.advance(3 * HOUR);
    expect(await titlesFor(tokens.familyA!)).not.toContain('今日核酸采样点');
    const past = await call(staff, 'POST', '/api/announcements', {
      areaId: tree.village.id,
      kind: 'notice',
      title: '过期',
      body: 'x',
      expiresAt: new Date(clock.now().getTime() - HOUR).toISOString(),
    });
    expect(past.statusCode).toBe(400);
  });

  it('counts targeted and read households per grid, and marking read is idempotent', async () => {
    const rebuttal = await draft(staff, {
      areaId: tree.village.id,
      kind: 'rumour_rebuttal',
      title: '辟谣：自来水未受污染',
    });
    await call(staff, 'POST', `/api/announcements/${rebuttal.id}/publish`);
    const first = await publicCall(
      'POST',
      `/api/public/households/${tokens.aloneA}/announcements/${rebuttal.id}/read`,
    );
    expect(first.statusCode, first.body).toBe(200);
    clock.advance(60_000);
    const second = await publicCall(
      'POST',
      `/api/public/households/${tokens.aloneA}/announcements/${rebuttal.id}/read`,
    );
    expect(second.json().readAt).toBe(first.json().readAt);
    await publicCall('POST', `/api/public/households/${tokens.aloneB}/announcements/${rebuttal.id}/read`);
    const list = await publicCall('GET', `/api/public/households/${tokens.aloneA}/announcements`);
    expect(
      list.json<{ items: Array<{ id: number; read: boolean }> }>().items.find((i) => i.id === rebuttal.id)
        ?.read,
    ).toBe(true);

    const reads = await call(staff, 'GET', `/api/announcements/${rebuttal.id}/reads`);
    expect(reads.statusCode, reads.body).toBe(200);
    expect(reads.json().grids).toEqual([
      { grid: expect.objectContaining({ id: tree.gridA.id }), targetedHouseholds: 2, readHouseholds: 1 },
      { grid: expect.objectContaining({ id: tree.gridB.id }), targetedHouseholds: 1, readHouseholds: 1 },
    ]);
    expect(reads.json().totals).toEqual({ targetedHouseholds: 3, readHouseholds: 2 });

    // A grid worker sees their own grid only.
    const worker = await call(workerA, 'GET', `/api/announcements/${rebuttal.id}/reads`);
    expect(worker.json().grids).toEqual([
      { grid: expect.objectContaining({ id: tree.gridA.id }), targetedHouseholds: 2, readHouseholds: 1 },
    ]);

    // Tag targeting narrows the households counted.
    const tagged = await draft(staff, {
      areaId: tree.village.id,
      title: '独居老人关爱',
      tags: ['elderly_alone'],
    });
    await call(staff, 'POST', `/api/announcements/${tagged.id}/publish`);
    const taggedReads = await call(staff, 'GET', `/api/announcements/${tagged.id}/reads`);
    expect(taggedReads.json().totals).toEqual({ targetedHouseholds: 2, readHouseholds: 0 });
  });
});
