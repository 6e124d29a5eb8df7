import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/database.js';
import { type Session, signIn, TestClock, testApp } from '../test-support/factories.js';
import { multipart } from '../test-support/multipart.js';
import {
  categoryId,
  createEventWorld,
  type EventWorld,
  notificationsOf,
} from '../test-support/events-fixtures.js';
import { png } from '../test-support/test-images.js';

const MINUTE = 60_000;
const at = (local: string) => new Date(`${local}+08:00`).toISOString();

describeEachDatabase('events: lifecycle, rules and scope', (database) => {
  // Friday 16:00; Monday 9 November is made a holiday below.
  const clock = new TestClock(new Date('2026-11-06T16:00:00+08:00'));
  let app: FastifyInstance;
  let world: EventWorld;
  const sessions = {} as Record<keyof EventWorld['users'], Session>;

  // Sessions lapse after 12 idle hours: sign in again after moving the clock by days.
  const signInAll = async () => {
    for (const [key, user] of Object.entries(world.users))
      sessions[key as keyof EventWorld['users']] = await signIn(app, user.username);
  };
  beforeAll(async () => {
    app = await testApp(database(), clock);
    world = await createEventWorld(database().db);
    await signInAll();
  });
  afterAll(async () => {
    await app.close();
  });

  const act = (who: Session, id: number, action: string, payload: object = {}) =>
    app.inject({ method: 'POST', url: `/api/events/${id}/actions/${action}`, headers: who.headers, payload });
  const detail = async (who: Session, id: number) =>
    app.inject({ method: 'GET', url: `/api/events/${id}`, headers: who.headers });

  let eventId = 0;
  let followToken = '';

  it('runs a resident report through all seven steps, counting limits in working time', async () => {
    // The working calendar: Monday 9 November off.
    const holiday = await app.inject({
      method: 'PUT',
      url: '/api/events/calendar/2026-11-09',
      headers: sessions.admin.headers,
      payload: { kind: 'holiday', name: '测试假日' },
    });
    expect(holiday.statusCode, holiday.body).toBe(200);
    const notAllowed = await app.inject({
      method: 'PUT',
      url: '/api/events/calendar/2026-11-10',
      headers: sessions.staff.headers,
      payload: { kind: 'holiday', name: '越权' },
    });
    expect(notAllowed.statusCode).toBe(403);
    const year = await app.inject({
      method: 'GET',
      url: '/api/events/calendar?year=2026',
      headers: sessions.staff.headers,
    });
    expect(year.json().items).toEqual([expect.objectContaining({ day: '2026-11-09', kind: 'holiday' })]);

    // 1 collect: the public page, a point inside micro-grid A, a photo and a phone.
    const categories = await app.inject({ method: 'GET', url: '/api/public/event-categories' });
    const codes = (categories.json().items as Array<{ children: Array<{ code: string }> }>).flatMap((c) =>
      c.children.map((s) => s.code),
    );
    expect(codes).toContain('city_appearance.exposed_rubbish');
    expect(codes).not.toContain('epidemic.fever');
    const form = await multipart(
      [{ field: 'photos', name: 'rubbish.png', content: await png(), type: 'image/png' }],
      {
        category: 'city_appearance.exposed_rubbish',
        community: world.tree.village.code,
        description: '路边有一堆垃圾没人清理',
        lng: '120.1',
        lat: '30.5',
        phone: '13812345678',
        name: '王小明',
      },
    );
    const report = await app.inject({ method: 'POST', url: '/api/public/reports', ...form });
    expect(report.statusCode, report.body).toBe(201);
    const receipt = report.json() as { code: string; followToken: string; photos: number };
    expect(receipt.code).toMatch(/^EV20261106\d{6}$/);
    expect(receipt.photos).toBe(1);
    followToken = receipt.followToken;

    const board = await app.inject({
      method: 'GET',
      url: `/api/events?q=${receipt.code}`,
      headers: sessions.leaderA.headers,
    });
    eventId = board.json().items[0].id;
    const collected = (await detail(sessions.leaderA, eventId)).json();
    expect(collected).toMatchObject({
      status: 'collected',
      source: 'citizen',
      tier: 'microgrid',
      area: { id: world.tree.microA.id },
      reporterPhone: '138****5678',
      reporterName: '王**',
      step: 'register',
      // 1 working hour of the class: Friday 16:00 → 17:00.
      stepDeadline: at('2026-11-06T17:00:00'),
    });
    expect(collected.photos).toHaveLength(1);
    expect(await notificationsOf(database().db, world.users.workerA.id, 'event.new')).toHaveLength(1);

    // 2 register, by the micro-grid worker.
    clock.advance(30 * MINUTE);
    const registered = await act(sessions.workerA, eventId, 'register', { note: '已核实' });
    expect(registered.statusCode, registered.body).toBe(200);
    expect(registered.json()).toMatchObject({
      status: 'registered',
      step: 'dispatch',
      stepDeadline: at('2026-11-06T17:30:00'),
    });

    // 3 dispatch: only a dispatcher, only to a responder inside the tier area.
    expect(
      (await act(sessions.workerA, eventId, 'dispatch', { userId: world.users.workerA.id })).statusCode,
    ).toBe(403);
    const outside = await act(sessions.leaderA, eventId, 'dispatch', { userId: world.users.workerB.id });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error.code).toBe('EVENT_ASSIGNEE_INVALID');
    clock.advance(30 * MINUTE);
    // The worker reads English: the notification is worded in the recipient's language.
    await database()
      .db.updateTable('users')
      .set({ locale: 'en' })
      .where('id', '=', world.users.workerA.id)
      .execute();
    const dispatched = await act(sessions.leaderA, eventId, 'dispatch', {
      userId: world.users.workerA.id,
      note: '请处理',
    });
    expect(dispatched.statusCode, dispatched.body).toBe(200);
    // 4 working hours from Friday 17:00: one on Friday, the weekend and the Monday holiday off, three on Tuesday.
    expect(dispatched.json()).toMatchObject({
      status: 'dispatched',
      step: 'handle',
      stepDeadline: at('2026-11-10T12:00:00'),
      assignee: { userId: world.users.workerA.id },
    });
    expect(await notificationsOf(database().db, world.users.workerA.id, 'event.dispatched')).toHaveLength(1);
    const { title } = await database()
      .db.selectFrom('notifications')
      .select('title')
      .where('user_id', '=', world.users.workerA.id)
      .where('kind', '=', 'event.dispatched')
      .executeTakeFirstOrThrow();
    expect(title).toMatch(/^Dispatched to you: /);
    await database()
      .db.updateTable('users')
      .set({ locale: 'zh-CN' })
      .where('id', '=', world.users.workerA.id)
      .execute();
    const mine = await app.inject({
      method: 'GET',
      url: '/api/events/mine',
      headers: sessions.workerA.headers,
    });
    expect(mine.json().items.map((e: { id: number }) => e.id)).toContain(eventId);

    // 4 handle, 5 report back with a photo; the checker returns it once.
    clock.advance(3 * 24 * 60 * MINUTE);
    await signInAll();
    expect((await act(sessions.workerA, eventId, 'accept')).json().status).toBe('handling');
    const feedback = await multipart(
      [{ field: 'photos', name: 'done.png', content: await png(20, 20), type: 'image/png' }],
      {
        note: '已清理',
      },
    );
    const reported = await app.inject({
      method: 'POST',
      url: `/api/events/${eventId}/actions/report`,
      payload: feedback.payload,
      headers: { ...sessions.workerA.headers, ...feedback.headers },
    });
    expect(reported.statusCode, reported.body).toBe(200);
    expect(reported.json()).toMatchObject({ status: 'reported', step: 'check' });
    expect(reported.json().photos.map((p: { purpose: string }) => p.purpose)).toEqual(['report', 'feedback']);
    expect((await act(sessions.workerA, eventId, 'close')).statusCode).toBe(403);
    expect((await act(sessions.leaderA, eventId, 'return', { note: '还有残留' })).json().status).toBe(
      'handling',
    );
    expect((await act(sessions.workerA, eventId, 'report', { note: '已彻底清理' })).json().status).toBe(
      'reported',
    );

    // 6 check and close.
    const closed = await act(sessions.leaderA, eventId, 'close', { note: '核查属实' });
    expect(closed.json()).toMatchObject({ status: 'closed', step: null, stepDeadline: null, overdue: false });

    // 7 evaluate through the reporter's link: status and timeline, no names or notes.
    const follow = await app.inject({ method: 'GET', url: `/api/public/events/${followToken}` });
    expect(follow.statusCode).toBe(200);
    expect(follow.json()).toMatchObject({ code: receipt.code, status: 'closed', canRate: true });
    expect(follow.body).not.toContain(world.users.leaderA.username);
    expect(follow.body).not.toContain('还有残留');
    const rated = await app.inject({
      method: 'POST',
      url: `/api/public/events/${followToken}/rating`,
      payload: { rating: 5, comment: '处理很快' },
    });
    expect(rated.json()).toMatchObject({ status: 'evaluated', rating: 5, canRate: false });
    const again = await app.inject({
      method: 'POST',
      url: `/api/public/events/${followToken}/rating`,
      payload: { rating: 1 },
    });
    expect(again.statusCode).toBe(409);

    const done = (await detail(sessions.staff, eventId)).json();
    expect(done.steps.map((s: { action: string }) => s.action)).toEqual([
      'collect',
      'register',
      'dispatch',
      'accept',
      'report',
      'return',
      'report',
      'close',
      'evaluate',
    ]);
    expect(done.steps[2]).toMatchObject({ actor: expect.stringContaining('grid_leader'), note: '请处理' });
  });

  it('rejects illegal transitions with 409 naming the action and the status', async () => {
    const response = await act(sessions.leaderA, eventId, 'dispatch', { userId: world.users.workerA.id });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({
      code: 'EVENT_TRANSITION_INVALID',
      details: { action: 'dispatch', status: 'evaluated' },
    });
    const badBody = await act(sessions.leaderA, eventId, 'evaluate', { rating: 9 });
    expect(badBody.statusCode).toBe(400);
  });

  it('suspends with the clock stopped, resumes with the time left, and merges duplicates', async () => {
    const db = database().db;
    const supplyNeed = await categoryId(db, 'epidemic.supply_need');
    const enter = async (title: string) => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/events',
        headers: sessions.workerA.headers,
        payload: { source: 'patrol', categoryId: supplyNeed, areaId: world.tree.cellA.id, title },
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json() as { id: number; status: string; feedbackToken: string | null };
    };
    const first = await enter('独居老人缺米');
    expect(first).toMatchObject({ status: 'registered', feedbackToken: null });
    const before = (await detail(sessions.leaderA, first.id)).json();
    // Natural minutes: 30 for dispatching.
    expect(Date.parse(before.stepDeadline) - clock.now().getTime()).toBe(30 * MINUTE);

    clock.advance(10 * MINUTE);
    expect((await act(sessions.leaderA, first.id, 'suspend', { reason: '联系不上家属' })).json().status).toBe(
      'suspended',
    );
    clock.advance(5 * 60 * MINUTE);
    const resumed = (await act(sessions.leaderA, first.id, 'resume')).json();
    expect(resumed.status).toBe('registered');
    expect(Date.parse(resumed.stepDeadline) - clock.now().getTime()).toBe(20 * MINUTE);

    const duplicate = await enter('独居老人缺米（重复）');
    const merged = await act(sessions.leaderA, duplicate.id, 'merge', { intoEventId: first.id });
    expect(merged.json()).toMatchObject({ status: 'merged', mergedInto: { id: first.id } });
    const intoClosed = await act(sessions.leaderA, first.id, 'merge', { intoEventId: eventId });
    expect(intoClosed.json().error.code).toBe('EVENT_MERGE_INVALID');
  });

  it('keeps every grid to its own events: read, act, list', async () => {
    const other = sessions.workerB;
    expect((await detail(other, eventId)).statusCode).toBe(404);
    expect((await act(other, eventId, 'suspend', { reason: 'x' })).statusCode).toBe(404);
    const board = (await app.inject({ method: 'GET', url: '/api/events', headers: other.headers })).json();
    expect(board.items).toEqual([]);
    const summary = (
      await app.inject({ method: 'GET', url: '/api/events/summary', headers: other.headers })
    ).json();
    expect(summary.open).toBe(0);
    const entry = await app.inject({
      method: 'POST',
      url: '/api/events',
      headers: other.headers,
      payload: {
        source: 'patrol',
        categoryId: await categoryId(database().db, 'epidemic.supply_need'),
        areaId: world.tree.microA.id,
        title: '越界',
      },
    });
    expect(entry.statusCode).toBe(404);
    const mine = (
      await app.inject({ method: 'GET', url: '/api/events', headers: sessions.workerA.headers })
    ).json();
    expect(mine.items.length).toBeGreaterThanOrEqual(3);
  });

  it('dispatches only to someone whose own area holds the event', async () => {
    // A hotline entry given only an address lands on the village: a micro-grid worker could not see it.
    const entry = await app.inject({
      method: 'POST',
      url: '/api/events',
      headers: sessions.staff.headers,
      payload: {
        source: 'hotline',
        categoryId: await categoryId(database().db, 'epidemic.supply_need'),
        areaId: world.tree.village.id,
        title: '村口缺少防疫物资',
      },
    });
    expect(entry.statusCode, entry.body).toBe(201);
    const id = (entry.json() as { id: number }).id;
    expect((await act(sessions.staff, id, 'register')).statusCode).toBe(200);
    const refused = await act(sessions.staff, id, 'dispatch', { userId: world.users.workerA.id });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({ code: 'EVENT_ASSIGNEE_INVALID' });
    // Worded from the code in the caller's language (zh-CN by default), not the developer's English.
    expect(refused.json().error.message).toMatch(/\p{Script=Han}/u);
    expect((await detail(sessions.workerA, id)).statusCode).toBe(404);
    const dispatched = await act(sessions.staff, id, 'dispatch', { userId: world.users.staff.id });
    expect(dispatched.statusCode, dispatched.body).toBe(200);
  });

  it('gives the report page its community map without signing in, and nothing for other levels', async () => {
    const page = await app.inject({
      method: 'GET',
      url: `/api/public/communities/${world.tree.village.code}`,
    });
    expect(page.statusCode, page.body).toBe(200);
    const community = page.json() as {
      name: string;
      path: string[];
      boundary: unknown;
      areas: Array<{ code: string }>;
    };
    expect(community.name).toBe(world.tree.village.name);
    expect(community.path.at(-1)).toBe(world.tree.village.name);
    expect(community.boundary).not.toBeNull();
    expect(community.areas.map((a) => a.code).sort()).toEqual(
      [world.tree.gridA.code, world.tree.gridB.code, world.tree.microA.code, world.tree.microB.code].sort(),
    );
    const county = await app.inject({
      method: 'GET',
      url: `/api/public/communities/${world.tree.county.code}`,
    });
    expect(county.statusCode).toBe(404);
    expect(county.json().error.code).toBe('COMMUNITY_NOT_FOUND');
  });

  it('pages the board by keyset and filters it', async () => {
    const page1 = (
      await app.inject({ method: 'GET', url: '/api/events?limit=2', headers: sessions.staff.headers })
    ).json();
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = (
      await app.inject({
        method: 'GET',
        url: `/api/events?limit=2&cursor=${page1.nextCursor}`,
        headers: sessions.staff.headers,
      })
    ).json();
    expect(page2.items.length).toBeGreaterThan(0);
    expect(page2.items.map((e: { id: number }) => e.id)).not.toContain(page1.items[0].id);
    const filtered = (
      await app.inject({
        method: 'GET',
        url: `/api/events?status=merged&status=evaluated&source=patrol`,
        headers: sessions.staff.headers,
      })
    ).json();
    expect(filtered.items.map((e: { status: string }) => e.status)).toEqual(['merged']);
    const byClass = (
      await app.inject({
        method: 'GET',
        url: `/api/events?category=${await categoryId(database().db, 'city_appearance')}`,
        headers: sessions.staff.headers,
      })
    ).json();
    expect(byClass.items.map((e: { id: number }) => e.id)).toEqual([eventId]);
    const bad = await app.inject({
      method: 'GET',
      url: '/api/events?cursor=nonsense',
      headers: sessions.staff.headers,
    });
    expect(bad.json().error.code).toBe('EVENT_CURSOR_INVALID');
  });

  it('lets only installation-wide configurers change categories, with validated limits', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/events/categories',
      headers: sessions.admin.headers,
      payload: {
        parentId: await categoryId(database().db, 'street_order'),
        code: 'street_order.test_noise',
        nameZh: '噪声扰民',
        nameEn: 'Noise',
        startTier: 'grid',
        limits: { handle: { amount: 6, unit: 'work_hours' } },
        public: true,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const tooLong = await app.inject({
      method: 'PATCH',
      url: `/api/events/categories/${created.json().id}`,
      headers: sessions.admin.headers,
      payload: { limits: { handle: { amount: 900, unit: 'work_days' } } },
    });
    expect(tooLong.json().error.code).toBe('EVENT_LIMIT_INVALID');
    const byStaff = await app.inject({
      method: 'POST',
      url: `/api/events/categories/${created.json().id}/retire`,
      headers: sessions.staff.headers,
    });
    expect(byStaff.statusCode).toBe(403);
    const retired = await app.inject({
      method: 'POST',
      url: `/api/events/categories/${created.json().id}/retire`,
      headers: sessions.admin.headers,
    });
    expect(retired.json().retired).toBe(true);
    const tree = (
      await app.inject({ method: 'GET', url: '/api/events/categories', headers: sessions.workerA.headers })
    ).json();
    expect(tree.items.map((c: { code: string }) => c.code)).toEqual([
      'city_appearance',
      'advertising',
      'construction',
      'street_order',
      'emergency',
      'epidemic',
    ]);
  });
});
