import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiToken } from '../../auth/repository.js';
import type { Db } from '../../auth/context.js';
import { describeEachDatabase } from '../../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  type Session,
  signIn,
  signInNewUser,
  TestClock,
  testApp,
} from '../../test-support/factories.js';
import { newToken } from '../../household-codes/tokens.js';
import { addPerson } from '../../test-support/health-rounds-fixtures.js';
import { multipart } from '../../test-support/multipart.js';
import { createHouse, issueDoorToken } from '../../test-support/services-fixtures.js';

// 2026-11-02 08:00 China time.
const DAY = '2026-11-02';

describeEachDatabase('daily check-ins (平安报)', (database) => {
  let app: FastifyInstance;
  let db: Db;
  let tree: AreaTree;
  const clock = new TestClock();
  let smsToken: string;
  let feedToken: string;
  let worker: Session;
  let workerB: Session;
  let volunteer: Session;
  let volunteerId: number;
  let stranger: Session;
  // House A1 (cell A): three members, the first with a phone. House A2: one member sharing no phone.
  let doorA1: string;
  let houseA1: { id: number; area_id: number; area_path: string };
  let houseA2: { id: number; area_id: number; area_path: string };
  const a1: number[] = [];
  let a2: number;
  let b1: number;

  const member = async (house: { id: number; area_id: number }, fields: Record<string, unknown>) =>
    (await addPerson(db, house.area_id, { houseId: house.id, ...fields })).id;

  beforeAll(async () => {
    app = await testApp(database(), clock);
    db = database().db;
    tree = await createAreaTree(db);
    houseA1 = await createHouse(db, tree.cellA);
    houseA2 = await createHouse(db, tree.cellA);
    const houseB1 = await createHouse(db, tree.cellB);
    a1.push(await member(houseA1, { name: '王大明', phone: '13800000001' }));
    a1.push(await member(houseA1, { name: '李小红' }));
    a1.push(await member(houseA1, { name: '王小宝' }));
    a2 = await member(houseA2, { name: '赵独居', phone: '13800000002' });
    b1 = await member(houseB1, { name: '钱乙', phone: '13800000003' });
    doorA1 = await issueDoorToken(db, houseA1);
    smsToken = (
      await createApiToken(db, {
        name: 'sms gateway',
        areaId: tree.village.id,
        capability: 'checkin.inbound',
        createdBy: null,
      })
    ).token;
    feedToken = (
      await createApiToken(db, {
        name: 'health feed',
        areaId: tree.village.id,
        capability: 'feed.health',
        createdBy: null,
      })
    ).token;
    worker = await signInNewUser(app, db, [{ role: 'grid_worker', area: tree.gridA }]);
    workerB = await signInNewUser(app, db, [{ role: 'grid_worker', area: tree.gridB }]);
    const vol = await createUser(db, [{ role: 'volunteer', area: tree.microA }]);
    await db
      .insertInto('volunteer_households')
      .values({
        house_id: houseA2.id,
        volunteer_user_id: vol.id,
        area_path: houseA2.area_path,
        assigned_at: new Date(),
        assigned_by: 'test',
      })
      .execute();
    volunteer = await signIn(app, vol.username);
    volunteerId = vol.id;
    stranger = await signInNewUser(app, db, [{ role: 'volunteer', area: tree.microA }]);
  });
  afterAll(async () => {
    await app.close();
  });

  const checkinOf = (personId: number) =>
    db
      .selectFrom('health_checkins')
      .selectAll()
      .where('person_id', '=', personId)
      .where('day', '=', DAY)
      .executeTakeFirst();
  const sms = (body: Record<string, unknown>, token = smsToken) =>
    app.inject({
      method: 'POST',
      url: '/api/health/checkins/sms',
      headers: { authorization: `Bearer ${token}` },
      payload: body,
    });
  const figures = (session: Session, areaId = tree.village.id) =>
    app.inject({ url: `/api/health/checkins/figures?areaId=${areaId}`, headers: session.headers });

  it('shows the household its members without names and takes one check-in per member, once per key', async () => {
    const page = await app.inject({ url: `/api/public/households/${doorA1}/checkin` });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.body).not.toContain('王');
    const people = await db
      .selectFrom('persons')
      .select(['sex', 'birth_year'])
      .where('id', 'in', a1)
      .orderBy('id')
      .execute();
    expect(page.json().members).toEqual(
      people.map((p, i) => ({
        slot: i + 1,
        sex: p.sex,
        birthDecade: Math.floor(p.birth_year! / 10) * 10,
        reportedToday: false,
      })),
    );
    const key = randomUUID();
    const send = (members: unknown[], k = key) =>
      app.inject({
        method: 'POST',
        url: `/api/public/households/${doorA1}/checkins`,
        headers: { 'idempotency-key': k },
        payload: { members },
      });
    const first = await send([
      { slot: 1, temperature: 36.5, well: true },
      { slot: 2, temperature: 37.6, well: true },
    ]);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ day: DAY, recorded: 2 });
    // The outbox sends the same request again: nothing changes, no second temperature record.
    const replay = await send([
      { slot: 1, temperature: 36.5, well: true },
      { slot: 2, temperature: 37.6, well: true },
    ]);
    expect(replay.json()).toEqual({ day: DAY, recorded: 0 });
    const records = await db
      .selectFrom('health_records')
      .select(['person_id', 'value', 'source', 'batch_id'])
      .where('source', '=', 'checkin')
      .where('person_id', 'in', [a1[0]!, a1[1]!])
      .execute();
    expect(records.map((r) => Number(r.value)).sort()).toEqual([36.5, 37.6]);
    expect(records.every((r) => r.batch_id === null)).toBe(true);
    const health = await db
      .selectFrom('person_health')
      .selectAll()
      .where('person_id', '=', a1[1]!)
      .executeTakeFirstOrThrow();
    expect(Number(health.last_temperature)).toBe(37.6);
    // The health rules act on the door's reading once, though the outbox sent it twice.
    const feverEntries = await db
      .selectFrom('key_persons')
      .select(['person_id', 'category'])
      .where('person_id', 'in', [a1[0]!, a1[1]!])
      .where('status', '=', 'active')
      .execute();
    expect(feverEntries).toEqual([{ person_id: a1[1]!, category: 'fever' }]);
    // A fever counts as unwell even when "well" was tapped.
    expect(await checkinOf(a1[1]!)).toMatchObject({ channel: 'door', well: true, proxy_by: null });
    // A later report of the day replaces the earlier one.
    clock.advance(60_000);
    const later = await send([{ slot: 2, temperature: 36.9, well: true }], randomUUID());
    expect(later.json().recorded, later.body).toBe(1);
    expect(Number((await checkinOf(a1[1]!))!.temperature)).toBe(36.9);
    expect(
      await db.selectFrom('health_checkins').select('id').where('person_id', '=', a1[1]!).execute(),
    ).toHaveLength(1);
    const again = await app.inject({ url: `/api/public/households/${doorA1}/checkin` });
    expect(again.json().members.map((m: { reportedToday: boolean }) => m.reportedToday)).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('refuses a member the household does not have, an impossible temperature and an unknown code', async () => {
    const send = (token: string, members: unknown[]) =>
      app.inject({ method: 'POST', url: `/api/public/households/${token}/checkins`, payload: { members } });
    const noSuchMember = await send(doorA1, [{ slot: 4, temperature: 36.5, well: true }]);
    expect(noSuchMember.statusCode).toBe(400);
    expect(noSuchMember.json().error.code).toBe('PERSON_NOT_FOUND');
    const hot = await send(doorA1, [{ slot: 3, temperature: 44, well: true }]);
    expect(hot.statusCode).toBe(400);
    expect(hot.json().error.code).toBe('VALIDATION_FAILED');
    const unknown = await send(newToken(), [{ slot: 1, temperature: 36.5, well: true }]);
    expect(unknown.statusCode).toBe(404);
    expect(await checkinOf(a1[2]!)).toBeUndefined();
  });

  it('takes SMS only from a gateway token, matches the sender by phone and keeps a message once', async () => {
    expect((await sms({ messageId: 'm0', from: '13800000002', text: '36.5' }, 'nope')).statusCode).toBe(401);
    expect((await sms({ messageId: 'm0', from: '13800000002', text: '36.5' }, feedToken)).statusCode).toBe(
      403,
    );
    const cookie = await app.inject({
      method: 'POST',
      url: '/api/health/checkins/sms',
      headers: worker.headers,
      payload: { messageId: 'm0', from: '13800000002', text: '36.5' },
    });
    expect(cookie.statusCode).toBe(403);
    const first = await sms({ messageId: 'm1', from: '+86 138 0000 0002', text: '体温３６．８ 平安' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ messageId: 'm1', outcome: 'recorded', recorded: 1, duplicate: false });
    expect(await checkinOf(a2)).toMatchObject({
      channel: 'sms',
      well: true,
      message_id: expect.stringContaining('m1'),
    });
    expect(Number((await checkinOf(a2))!.temperature)).toBe(36.8);
    const retry = await sms({ messageId: 'm1', from: '13800000002', text: '体温３６．８ 平安' });
    expect(retry.json()).toEqual({ messageId: 'm1', outcome: 'recorded', recorded: 1, duplicate: true });
    const stored = await db
      .selectFrom('checkin_messages')
      .select('id')
      .where('message_id', '=', 'm1')
      .execute();
    expect(stored).toHaveLength(1);
  });

  it('records "3人 平安" for the whole household and leaves unreadable or unknown senders in the inbox', async () => {
    const household = await sms({ messageId: 'm2', from: '13800000001', text: '3人 平安' });
    expect(household.json()).toMatchObject({ outcome: 'recorded', recorded: 3 });
    // Members 1 and 2 had reported at the door; the SMS came later and stands for all three now.
    expect((await checkinOf(a1[2]!))!.channel).toBe('sms');
    const garbage = await sms({ messageId: 'm3', from: '13800000001', text: '你好请问核酸在哪做' });
    expect(garbage.json()).toMatchObject({ outcome: 'unparsed', recorded: 0 });
    const stranger = await sms({ messageId: 'm4', from: '13911112222', text: '36.5' });
    expect(stranger.json()).toMatchObject({ outcome: 'unmatched', recorded: 0 });
    const wrongCount = await sms({ messageId: 'm5', from: '13800000001', text: '2人 平安' });
    expect(wrongCount.json()).toMatchObject({ outcome: 'unparsed' });
    const inbox = await app.inject({ url: '/api/health/checkins/inbox', headers: worker.headers });
    expect(inbox.statusCode, inbox.body).toBe(200);
    const texts = inbox.json().items.map((i: { text: string }) => i.text);
    expect(texts).toEqual(expect.arrayContaining(['你好请问核酸在哪做', '2人 平安']));
    // The unmatched sender is not in grid A: it waits at the token's area (the village) for its staff.
    expect(texts).not.toContain('36.5');
    expect(inbox.body).not.toContain('13800000001');
    const item = inbox.json().items.find((i: { text: string }) => i.text === '你好请问核酸在哪做');
    expect(item).toMatchObject({ phoneMasked: '138****0001', house: { id: houseA1.id } });
    // The worker of grid B sees none of grid A's inbox and may not resolve it.
    const other = await app.inject({ url: '/api/health/checkins/inbox', headers: workerB.headers });
    expect(other.json().items).toEqual([]);
    const foreign = await app.inject({
      method: 'POST',
      url: `/api/health/checkins/inbox/${item.id}/resolve`,
      headers: workerB.headers,
      payload: { note: '已电话回复' },
    });
    expect(foreign.statusCode).toBe(404);
    const resolved = await app.inject({
      method: 'POST',
      url: `/api/health/checkins/inbox/${item.id}/resolve`,
      headers: worker.headers,
      payload: { personId: a1[0], temperature: 36.6, well: true },
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json()).toEqual({ recorded: 1 });
    expect((await checkinOf(a1[0]!))!.channel).toBe('staff');
    const twice = await app.inject({
      method: 'POST',
      url: `/api/health/checkins/inbox/${item.id}/resolve`,
      headers: worker.headers,
      payload: {},
    });
    expect(twice.statusCode).toBe(409);
  });

  it('records a voice robot’s pushed results matched by phone, once per call id', async () => {
    const push = (results: unknown[]) =>
      app.inject({
        method: 'POST',
        url: '/api/health/checkins/voice',
        headers: { authorization: `Bearer ${smsToken}` },
        payload: { results },
      });
    const answer = await push([
      {
        callId: 'c1',
        phone: '13800000003',
        calledAt: '2026-11-02T07:30:00+08:00',
        answers: { temperature: 37.9, well: true },
      },
      { callId: 'c2', phone: '13700000000', calledAt: '2026-11-02T07:31:00+08:00', answers: { well: true } },
    ]);
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json().results).toEqual([
      { messageId: 'c1', outcome: 'recorded', recorded: 1, duplicate: false },
      { messageId: 'c2', outcome: 'unmatched', recorded: 0, duplicate: false },
    ]);
    expect(await checkinOf(b1)).toMatchObject({ channel: 'voice', well: false });
    const again = await push([
      {
        callId: 'c1',
        phone: '13800000003',
        calledAt: '2026-11-02T07:30:00+08:00',
        answers: { temperature: 37.9, well: true },
      },
    ]);
    expect(again.json().results[0].duplicate).toBe(true);
  });

  it('imports a voice result file: matched rows recorded, bad rows rejected with row and column', async () => {
    const staff = await signInNewUser(app, db, [{ role: 'community_staff', area: tree.village }]);
    const csv = [
      '呼叫编号,手机号,呼叫时间,体温,是否平安,人数',
      'f1,13800000003,2026-11-02 07:40,36.7,是,',
      'f2,13800000003,昨天,36.7,是,',
      ',13800000003,2026-11-02 07:41,36.7,是,',
      'f3,13800000003,2026-11-02 07:42,48,是,',
      'f4,13955556666,2026-11-02 07:43,,是,',
      'c1,13800000003,2026-11-02 07:30,37.9,是,',
    ].join('\n');
    const body = await multipart([{ name: 'calls.csv', content: csv, type: 'text/csv' }]);
    const response = await app.inject({
      method: 'POST',
      url: '/api/health/checkins/voice/imports',
      headers: { ...staff.headers, ...body.headers },
      payload: body.payload,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      rows: 6,
      recorded: 1,
      inbox: 1,
      duplicates: 1,
      rejected: [
        { row: 3, column: '呼叫时间', code: 'date_time' },
        { row: 4, column: '呼叫编号', code: 'required' },
        { row: 5, column: '体温', code: 'temperature' },
      ],
    });
    expect(Number((await checkinOf(b1))!.temperature)).toBe(36.7);
    const missing = await multipart([
      { name: 'calls.csv', content: '手机号,体温\n13800000003,36.5', type: 'text/csv' },
    ]);
    const refused = await app.inject({
      method: 'POST',
      url: '/api/health/checkins/voice/imports',
      headers: { ...worker.headers, ...missing.headers },
      payload: missing.payload,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('IMPORT_FILE_INVALID');
  });

  it('lets a volunteer report for the household they cover, marked proxy with who did it, and no other', async () => {
    const list = await app.inject({ url: '/api/health/checkins/households', headers: volunteer.headers });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().households).toHaveLength(1);
    expect(list.json().households[0].members[0]).toMatchObject({ personId: a2, name: '赵**' });
    const sent = await app.inject({
      method: 'POST',
      url: '/api/health/checkins/proxy',
      headers: volunteer.headers,
      payload: { houseId: houseA2.id, members: [{ personId: a2, temperature: 36.4, well: true }] },
    });
    expect(sent.statusCode, sent.body).toBe(200);
    const row = await checkinOf(a2);
    expect(row).toMatchObject({ channel: 'proxy', proxy_by: volunteerId });
    const notCovered = await app.inject({
      method: 'POST',
      url: '/api/health/checkins/proxy',
      headers: stranger.headers,
      payload: { houseId: houseA2.id, members: [{ personId: a2, temperature: 36.4, well: true }] },
    });
    expect(notCovered.statusCode).toBe(403);
    expect(notCovered.json().error.code).toBe('HOUSE_OUT_OF_SCOPE');
    const wrongMember = await app.inject({
      method: 'POST',
      url: '/api/health/checkins/proxy',
      headers: volunteer.headers,
      payload: { houseId: houseA2.id, members: [{ personId: a1[0], temperature: 36.4, well: true }] },
    });
    expect(wrongMember.statusCode).toBe(400);
    // The grid worker of another grid may not report for grid A's households.
    const otherGrid = await app.inject({
      method: 'POST',
      url: '/api/health/checkins/proxy',
      headers: workerB.headers,
      payload: { houseId: houseA1.id, members: [{ personId: a1[0], temperature: 36.4, well: true }] },
    });
    expect(otherGrid.statusCode).toBe(403);
    const audit = await db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'health.checkin.proxy')
      .execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  it('counts today per grid and row the way a recount of the check-ins does, and lists who to call', async () => {
    const response = await figures(worker, tree.gridA.id);
    expect(response.statusCode, response.body).toBe(200);
    const f = response.json();
    const rows = await db
      .selectFrom('persons as p')
      .leftJoin('health_checkins as c', (j) => j.onRef('c.person_id', '=', 'p.id').on('c.day', '=', DAY))
      .select(['p.id', 'p.house_id', 'c.temperature', 'c.well'])
      .where('p.area_path', 'like', `${tree.gridA.path}%`)
      .where('p.status', '=', 'active')
      .where('p.house_id', 'is not', null)
      .execute();
    const reported = rows.filter((r) => r.well !== null);
    expect(f.total).toEqual({
      households: new Set(rows.map((r) => r.house_id)).size,
      householdsReported: new Set(reported.map((r) => r.house_id)).size,
      persons: rows.length,
      reported: reported.length,
      notReported: rows.length - reported.length,
      fevers: reported.filter((r) => Number(r.temperature) >= 37.3).length,
      unwell: reported.filter((r) => r.well === false).length,
    });
    expect(f.cells.map((c: { area: { id: number } }) => c.area.id)).toEqual([tree.cellA.id]);
    expect(f.grids.map((c: { area: { id: number } }) => c.area.id)).toEqual([tree.gridA.id]);
    expect(f.cells[0].persons).toBe(4);
    // Grid B's worker sees grid B only; grid A is outside their scope.
    expect((await figures(workerB, tree.gridA.id)).statusCode).toBe(404);
    const village = await figures(workerB, tree.gridB.id);
    expect(village.json().total).toMatchObject({ persons: 1, reported: 1, fevers: 0 });
    expect(village.json().attention).toEqual([]);
  });

  it('adds a 平安报 sheet to the daily XLSX report', async () => {
    const staff = await signInNewUser(app, db, [{ role: 'community_staff', area: tree.village }]);
    const response = await app.inject({
      url: `/api/reports/daily.xlsx?node=${tree.village.id}&date=${DAY}`,
      headers: staff.headers,
    });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('平安报');
    expect(sheet).toBeDefined();
    const rows: unknown[][] = [];
    sheet!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[1]).toEqual([
      '区域',
      '层级',
      '户数',
      '已报户数',
      '人数',
      '已报人数',
      '未报人数',
      '报告率',
      '发热',
      '不适',
    ]);
    expect(rows.at(-1)![0]).toBe('合计');
    expect(rows.at(-1)!.slice(2, 7)).toEqual([3, 3, 5, 5, 0]);
  });
});
