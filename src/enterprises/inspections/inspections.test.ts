import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DB } from '../../db/schema.js';
import type { AreaRow } from '../../hierarchy/repository.js';
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
import { multipart } from '../../test-support/multipart.js';
import { gif, jpegWithGps } from '../../test-support/test-images.js';
import { DEFAULT_CHECKLIST } from './checklist.js';
import { escalateOverdueRectifications, escalateOverdueRounds } from './escalation.js';
import { inspectionFiguresByArea } from './repository.js';

const DAY = 86_400_000;
// The clock stands on 2026-11-02 09:00 China time, the second day of a round of 11-01 … 11-05.
const NOW = new Date('2026-11-02T09:00:00+08:00');

describeEachDatabase('enterprise inspections', (database) => {
  let app: FastifyInstance;
  let db: Kysely<DB>;
  let tree: AreaTree;
  const clock = new TestClock(NOW);
  let districtStaff: Session;
  let streetStaff: Session;
  let streetStaffId: number;
  let villageStaff: Session;
  let villageStaffId: number;
  let workerA: Session;
  let workerB: Session;
  let firmA1: number;
  let firmA2: number;
  let firmB1: number;
  let shopA: number;

  const names: Record<string, string> = {};
  /** Sessions lapse when the clock jumps days ahead: everyone signs in again. */
  async function advanceDays(days: number) {
    clock.advance(days * DAY);
    const again = (k: string) => signIn(app, names[k]!);
    districtStaff = await again('district');
    streetStaff = await again('street');
    villageStaff = await again('village');
    workerA = await again('workerA');
    workerB = await again('workerB');
  }
  const get = (s: Session, url: string) => app.inject({ url, headers: s.headers });
  const post = (s: Session, url: string, payload: object) =>
    app.inject({ method: 'POST', url, headers: s.headers, payload });
  const answersAll = (result: 'pass' | 'fail' | 'na', keys: readonly string[] = DEFAULT_CHECKLIST) =>
    keys.map((key) => ({ key, result }));

  /** An enterprise back at work (its filing approved) unless `resumed` is false. */
  async function unit(
    area: AreaRow,
    name: string,
    category: 'enterprise' | 'shop' = 'enterprise',
    resumed = true,
  ) {
    const row = await db
      .insertInto('units')
      .values({ area_id: area.id, area_path: area.path, name, category, created_at: NOW, updated_at: NOW })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (resumed)
      await db
        .insertInto('enterprise_filings')
        .values({
          unit_id: row.id,
          area_id: area.id,
          area_path: area.path,
          state: 'approved',
          created_by: 'test',
          created_at: NOW,
          updated_at: NOW,
        })
        .execute();
    return row.id;
  }
  const notificationsOf = (userId: number, kind: string) =>
    db
      .selectFrom('notifications')
      .select(['title', 'link'])
      .where('user_id', '=', userId)
      .where('kind', '=', kind)
      .execute();

  beforeAll(async () => {
    db = database().db;
    app = await testApp(database(), clock);
    tree = await createAreaTree(db);
    names.district = (await createUser(db, [{ role: 'community_staff', area: tree.county }])).username;
    const street = await createUser(db, [{ role: 'community_staff', area: tree.township }]);
    streetStaffId = street.id;
    names.street = street.username;
    const village = await createUser(db, [{ role: 'community_staff', area: tree.village }]);
    villageStaffId = village.id;
    names.village = village.username;
    names.workerA = (await createUser(db, [{ role: 'grid_worker', area: tree.gridA }])).username;
    names.workerB = (await createUser(db, [{ role: 'grid_worker', area: tree.gridB }])).username;
    await advanceDays(0);
    firmA1 = await unit(tree.cellA, '甲一纺织厂');
    firmA2 = await unit(tree.microA, '甲二机械厂');
    firmB1 = await unit(tree.cellB, '乙一食品厂');
    shopA = await unit(tree.cellA, '甲网格小卖部', 'shop');
  });
  afterAll(async () => {
    await app.close();
  });

  it('offers the built-in checklist until a district sets its own; the nearest template wins and each save is a version', async () => {
    const builtin = await get(workerA, `/api/enterprise-inspections/checklist?unitId=${firmA1}`);
    expect(builtin.statusCode, builtin.body).toBe(200);
    expect(builtin.json()).toMatchObject({ templateId: null, version: 0, rectificationDays: 3 });
    expect(builtin.json().items.map((i: { key: string }) => i.key)).toEqual([...DEFAULT_CHECKLIST]);

    // The district sets a short list; the street its own, which is nearer to the enterprises.
    const district = await post(districtStaff, '/api/enterprise-inspections/templates', {
      areaId: tree.county.id,
      items: [{ key: 'handwash' }, { label: '复工备案公示' }],
    });
    expect(district.statusCode, district.body).toBe(201);
    const street = await post(streetStaff, '/api/enterprise-inspections/templates', {
      areaId: tree.township.id,
      items: [{ key: 'handwash' }, { key: 'masks' }, { label: '食堂隔板' }],
      rectificationDays: 2,
    });
    expect(street.statusCode, street.body).toBe(201);
    expect(street.json()).toMatchObject({
      version: 1,
      rectificationDays: 2,
      items: [
        { key: 'handwash', label: null },
        { key: 'masks', label: null },
        { key: 'c1', label: '食堂隔板' },
      ],
    });
    const nearest = await get(workerA, `/api/enterprise-inspections/checklist?unitId=${firmA1}`);
    expect(nearest.json()).toMatchObject({
      templateId: street.json().templateId,
      area: { name: '测试街道' },
    });

    // Village staff may not set one (district and street only); a grid worker has no right at all.
    const village = await post(villageStaff, '/api/enterprise-inspections/templates', {
      areaId: tree.village.id,
      items: [{ label: '随便' }],
    });
    expect(village.statusCode).toBe(400);
    expect(village.json().error.code).toBe('INSPECTION_TEMPLATE_AREA_INVALID');
    const worker = await post(workerA, '/api/enterprise-inspections/templates', {
      areaId: tree.township.id,
      items: [{ label: '随便' }],
    });
    expect(worker.statusCode).toBe(403);
    const twice = await post(streetStaff, '/api/enterprise-inspections/templates', {
      areaId: tree.township.id,
      items: [{ label: '通风' }, { label: '通风' }],
    });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().error).toMatchObject({ code: 'INSPECTION_TEMPLATE_ITEMS_INVALID' });
    expect(twice.json().error.details[0].field).toBe('body.items[1]');
  });

  it('records an inspection with photos; a failed item becomes a task with the checklist’s deadline', async () => {
    const checklist = (await get(workerA, `/api/enterprise-inspections/checklist?unitId=${firmA1}`)).json();
    const res = await post(workerA, '/api/enterprise-inspections', {
      unitId: firmA1,
      templateId: checklist.templateId,
      answers: [
        { key: 'handwash', result: 'pass' },
        { key: 'masks', result: 'fail', note: '两名员工未戴口罩' },
        { key: 'c1', result: 'na' },
      ],
      findings: '车间口罩佩戴不到位',
      lng: 120.1,
      lat: 30.2,
    });
    expect(res.statusCode, res.body).toBe(201);
    const inspection = res.json();
    expect(inspection).toMatchObject({
      unitName: '甲一纺织厂',
      passed: false,
      findings: '车间口罩佩戴不到位',
    });
    expect(inspection.rectificationsOpened).toHaveLength(1);

    const upload = await multipart([
      { field: 'photos', name: 'a.jpg', content: await jpegWithGps(), type: 'image/jpeg' },
    ]);
    const photo = await app.inject({
      method: 'POST',
      url: `/api/enterprise-inspections/${inspection.id}/photos`,
      headers: { ...workerA.headers, ...upload.headers },
      payload: upload.payload,
    });
    expect(photo.statusCode, photo.body).toBe(200);
    const photoId = photo.json().photos[0].id;
    const image = await get(workerA, `/api/enterprise-inspections/${inspection.id}/photos/${photoId}`);
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/jpeg');
    // The same checks as event photos: a GIF is refused naming the part.
    const bad = await multipart([
      { field: 'photos', name: 'b.gif', content: await gif(), type: 'image/gif' },
    ]);
    const refused = await app.inject({
      method: 'POST',
      url: `/api/enterprise-inspections/${inspection.id}/photos`,
      headers: { ...workerA.headers, ...bad.headers },
      payload: bad.payload,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('PHOTO_NOT_IMAGE');

    const tasks = (await get(workerA, '/api/enterprise-inspections/rectifications?status=open')).json();
    expect(tasks.items).toEqual([
      expect.objectContaining({
        unitId: firmA1,
        itemKey: 'masks',
        note: '两名员工未戴口罩',
        tier: 'grid',
        overdue: false,
        deadline: new Date(NOW.getTime() + 2 * DAY).toISOString(),
      }),
    ]);
  });

  it('keeps the checklist an inspection was done with when the template changes', async () => {
    const before = (await get(workerA, `/api/enterprise-inspections?unitId=${firmA1}`)).json().items[0];
    const v2 = await post(streetStaff, '/api/enterprise-inspections/templates', {
      areaId: tree.township.id,
      items: [{ key: 'handwash' }, { key: 'masks' }, { key: 'c1', label: '食堂隔板' }, { label: '通风记录' }],
      rectificationDays: 2,
    });
    expect(v2.json()).toMatchObject({ version: 2 });
    const after = (await get(workerA, `/api/enterprise-inspections/${before.id}`)).json();
    expect(after.items.map((i: { key: string }) => i.key)).toEqual(['handwash', 'masks', 'c1']);
    expect(after.templateId).toBe(before.templateId);
  });

  it('refuses illegal answers, naming the field', async () => {
    const checklist = (await get(workerA, `/api/enterprise-inspections/checklist?unitId=${firmA2}`)).json();
    const keys = checklist.items.map((i: { key: string }) => i.key);
    const missing = await post(workerA, '/api/enterprise-inspections', {
      unitId: firmA2,
      answers: answersAll('pass', keys.slice(1)),
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({ code: 'INSPECTION_ANSWERS_INVALID' });
    const unknown = await post(workerA, '/api/enterprise-inspections', {
      unitId: firmA2,
      answers: [...answersAll('pass', keys), { key: 'nope', result: 'pass' }],
    });
    expect(unknown.json().error.details[0].field).toBe(`body.answers[${keys.length}].key`);
    const word = await post(workerA, '/api/enterprise-inspections', {
      unitId: firmA2,
      answers: [{ key: keys[0], result: 'maybe' }],
    });
    expect(word.statusCode).toBe(400);
    const noId = await post(workerA, '/api/enterprise-inspections', {
      unitId: 0,
      answers: answersAll('pass'),
    });
    expect(noId.statusCode).toBe(400);
    // A shop is not an enterprise to inspect here.
    const shop = await post(workerA, '/api/enterprise-inspections', {
      unitId: shopA,
      answers: answersAll('pass'),
    });
    expect(shop.statusCode).toBe(404);
    expect(shop.json().error.code).toBe('ENTERPRISE_NOT_FOUND');
  });

  it('keeps grid B’s worker out of grid A’s enterprises, inspections and tasks', async () => {
    const inspect = await post(workerB, '/api/enterprise-inspections', {
      unitId: firmA1,
      answers: answersAll('pass'),
    });
    expect(inspect.statusCode).toBe(404);
    expect((await get(workerB, `/api/enterprise-inspections/checklist?unitId=${firmA1}`)).statusCode).toBe(
      404,
    );
    const list = (await get(workerA, `/api/enterprise-inspections?unitId=${firmA1}`)).json();
    const id = list.items[0].id;
    expect((await get(workerB, `/api/enterprise-inspections/${id}`)).statusCode).toBe(404);
    const photoId = list.items[0].photos[0].id;
    expect((await get(workerB, `/api/enterprise-inspections/${id}/photos/${photoId}`)).statusCode).toBe(404);
    expect((await get(workerB, '/api/enterprise-inspections')).json().total).toBe(0);
    expect((await get(workerB, '/api/enterprise-inspections/rectifications')).json().total).toBe(0);
    const due = (await get(workerB, '/api/enterprise-inspections/due')).json();
    expect(due.items.map((d: { id: number }) => d.id)).toEqual([firmB1]);
    // Worker A's list: the never-inspected enterprise first, then the one with an open task.
    const dueA = (await get(workerA, '/api/enterprise-inspections/due')).json();
    expect(
      dueA.items.map((d: { id: number; openRectifications: number }) => [d.id, d.openRectifications]),
    ).toEqual([
      [firmA2, 0],
      [firmA1, 1],
    ]);
  });

  it('escalates an overdue task one tier up (grid → community), notifying it once', async () => {
    clock.advance(3600_000);
    await advanceDays(2);
    const overdue = (
      await get(villageStaff, '/api/enterprise-inspections/rectifications?overdue=true')
    ).json();
    expect(overdue.items).toHaveLength(1);
    expect(overdue.items[0].overdue).toBe(true);
    const moved = await escalateOverdueRectifications(db, clock.now());
    expect(moved).toEqual([{ id: overdue.items[0].id, toTier: 'village' }]);
    // A second run within the day moves nothing.
    expect(await escalateOverdueRectifications(db, clock.now())).toEqual([]);
    const notes = await notificationsOf(villageStaffId, 'rectification.escalated');
    expect(notes).toEqual([
      { title: '整改超期升级：甲一纺织厂 口罩佩戴', link: '/enterprise-inspections/rectifications' },
    ]);
    const task = (await get(workerA, '/api/enterprise-inspections/rectifications')).json().items[0];
    expect(task).toMatchObject({ tier: 'village', escalationCount: 1, status: 'open' });
  });

  it('closes the task when a re-inspection passes the item', async () => {
    const keys = (await get(workerA, `/api/enterprise-inspections/checklist?unitId=${firmA1}`))
      .json()
      .items.map((i: { key: string }) => i.key);
    const res = await post(workerA, '/api/enterprise-inspections', {
      unitId: firmA1,
      answers: answersAll('pass', keys),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ passed: true });
    expect(res.json().rectificationsClosed).toHaveLength(1);
    const open = (await get(workerA, '/api/enterprise-inspections/rectifications?status=open')).json();
    expect(open.total).toBe(0);
    const closed = (await get(workerA, '/api/enterprise-inspections/rectifications?status=closed')).json();
    expect(closed.items[0]).toMatchObject({
      status: 'closed',
      closedByInspectionId: res.json().id,
      overdue: false,
    });
  });

  it('runs a round: progress per grid, the uninspected list, scoped; an overdue round goes to the street', async () => {
    const bad = await post(villageStaff, '/api/enterprise-inspections/rounds', {
      areaId: tree.village.id,
      name: '第一轮',
      startsOn: '2026-11-05',
      endsOn: '2026-11-01',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('INSPECTION_ROUND_WINDOW_INVALID');
    // A grid worker may run a round over their own grid, not over the village above it.
    expect(
      (
        await post(workerA, '/api/enterprise-inspections/rounds', {
          areaId: tree.village.id,
          name: 'x',
          startsOn: '2026-11-01',
          endsOn: '2026-11-05',
        })
      ).statusCode,
    ).toBe(404);
    // An enterprise whose filing is not approved is not back at work: no round waits for it.
    await unit(tree.microA, '甲三未复工厂', 'enterprise', false);
    const created = await post(villageStaff, '/api/enterprise-inspections/rounds', {
      areaId: tree.village.id,
      name: '复工企业第一轮检查',
      startsOn: '2026-11-01',
      endsOn: '2026-11-05',
    });
    expect(created.statusCode, created.body).toBe(201);
    const round = created.json();
    // Firm A1 was inspected twice within the window; A2 and B1 not at all; the shop and 甲三 do not count.
    expect(round).toMatchObject({ phase: 'running', total: 3, inspected: 1 });

    const progress = (
      await get(villageStaff, `/api/enterprise-inspections/rounds/${round.id}/progress`)
    ).json();
    expect(progress.grids).toEqual([
      { gridId: tree.gridA.id, gridName: '甲网格', total: 2, inspected: 1 },
      { gridId: tree.gridB.id, gridName: '乙网格', total: 1, inspected: 0 },
    ]);
    const mine = (await get(workerB, `/api/enterprise-inspections/rounds/${round.id}/progress`)).json();
    expect(mine.grids).toEqual([{ gridId: tree.gridB.id, gridName: '乙网格', total: 1, inspected: 0 }]);
    const left = (
      await get(villageStaff, `/api/enterprise-inspections/rounds/${round.id}/uninspected`)
    ).json();
    expect(left.items.map((u: { name: string }) => u.name).sort()).toEqual(['乙一食品厂', '甲二机械厂']);
    const leftA = (await get(workerA, `/api/enterprise-inspections/rounds/${round.id}/uninspected`)).json();
    expect(leftA.items.map((u: { name: string }) => u.name)).toEqual(['甲二机械厂']);

    // Figures per grid for the big screen: due now, tasks.
    const figures = await inspectionFiguresByArea(db, tree.village.id, {
      since: new Date('2026-11-01T00:00:00+08:00'),
      until: new Date('2026-11-05T00:00:00+08:00'),
      now: clock.now(),
    });
    expect(figures.map((f) => [f.area_name, f.due, f.overdue, f.done, f.rectifications_open])).toEqual([
      ['甲网格', 1, 0, 2, 0],
      ['乙网格', 1, 0, 0, 0],
    ]);

    // Past its end with two enterprises left: the street is told, once.
    await advanceDays(4);
    expect(await escalateOverdueRounds(db, clock.now())).toEqual([round.id]);
    expect(await escalateOverdueRounds(db, clock.now())).toEqual([]);
    const notes = await notificationsOf(streetStaffId, 'inspection.round_overdue');
    expect(notes.map((n) => n.title)).toEqual(['检查轮次超期：复工企业第一轮检查']);
    const late = await inspectionFiguresByArea(db, tree.village.id, {
      since: new Date('2026-11-01T00:00:00+08:00'),
      until: clock.now(),
      now: clock.now(),
    });
    expect(late.map((f) => [f.area_name, f.due, f.overdue])).toEqual([
      ['甲网格', 0, 1],
      ['乙网格', 0, 1],
    ]);
    const closed = await post(villageStaff, `/api/enterprise-inspections/rounds/${round.id}/close`, {});
    expect(closed.json()).toMatchObject({ status: 'closed', phase: 'closed' });
  });

  it('moves the enterprise’s submitted filing to inspected, and refuses another enterprise’s filing', async () => {
    const firm = await unit(tree.cellA, '甲四待检查厂', 'enterprise', false);
    const { id: filingId } = await db
      .insertInto('enterprise_filings')
      .values({
        unit_id: firm,
        area_id: tree.cellA.id,
        area_path: tree.cellA.path,
        state: 'submitted',
        submitted_at: NOW,
        created_by: 'test',
        created_at: NOW,
        updated_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // Every item of the checklist in force here (the district's, set by an earlier test) passes.
    const passAll = async (unitId: number) => {
      const checklist = (await get(workerA, `/api/enterprise-inspections/checklist?unitId=${unitId}`)).json();
      return {
        templateId: checklist.templateId,
        answers: checklist.items.map((item: { key: string }) => ({ key: item.key, result: 'pass' })),
      };
    };
    const foreign = await post(workerA, '/api/enterprise-inspections', {
      unitId: firmA2,
      filingId,
      ...(await passAll(firmA2)),
    });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.details[0].field).toBe('body.filingId');

    const inspected = await post(workerA, '/api/enterprise-inspections', {
      unitId: firm,
      ...(await passAll(firm)),
    });
    expect(inspected.statusCode, inspected.body).toBe(201);
    const after = await db
      .selectFrom('enterprise_filings')
      .select(['state', 'inspection_id', 'inspection_passed'])
      .where('id', '=', filingId)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({
      state: 'inspected',
      inspection_id: inspected.json().id,
      inspection_passed: true,
    });
    const steps = await db
      .selectFrom('enterprise_filing_steps')
      .select(['action', 'to_state'])
      .where('filing_id', '=', filingId)
      .execute();
    expect(steps).toEqual([{ action: 'inspect', to_state: 'inspected' }]);
  });
});
