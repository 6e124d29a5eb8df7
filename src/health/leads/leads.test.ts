import type { FastifyInstance } from 'fastify';
import { maskIdNumber } from '../../privacy/masking.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { problemMessage } from '../../i18n/messages.js';
import type { ProblemCode } from '../../i18n/problem-codes.js';
import type { RowReject } from '../../imports/report.js';
import { multipart } from '../../test-support/multipart.js';
import { escalateOverdueLeads, type EscalationResult } from './escalation.js';
import { addHouse, addPerson, nextIdNumber, systemActor } from '../../test-support/health-leads-fixtures.js';
import { createLeadFromUnmatched, createLeads } from './service.js';
import { parseDeadline, validateLeadRow } from './validate.js';

const HOUR_MS = 3600 * 1000;
const byNumber = (a: number, b: number) => a - b;

describe('lead rows', () => {
  const now = new Date('2026-11-02T08:00:00+08:00');
  it('reads deadlines as China time, dates as the end of the day, and hours from now', () => {
    expect(parseDeadline('2026-11-03 18:00', now)?.toISOString()).toBe('2026-11-03T10:00:00.000Z');
    expect(parseDeadline('2026年11月3日', now)?.toISOString()).toBe('2026-11-03T16:00:00.000Z');
    expect(parseDeadline('2026-11-03T18:00:00', now)?.toISOString()).toBe('2026-11-03T10:00:00.000Z');
    expect(parseDeadline('2026-11-03T18:00:00Z', now)?.toISOString()).toBe('2026-11-03T18:00:00.000Z');
    expect(parseDeadline('48h', now)?.getTime()).toBe(now.getTime() + 48 * HOUR_MS);
    expect(parseDeadline('', now)?.getTime()).toBe(now.getTime() + 24 * HOUR_MS);
    expect(parseDeadline('明天', now)).toBeNull();
  });
  it('needs an ID number, a phone or a name with an address, and a reason', () => {
    const problems = (value: unknown) =>
      Array.isArray(value) ? value.map((p: { field: string; code: string }) => [p.field, p.code]) : value;
    expect(problems(validateLeadRow({ name: '张三', reason: 'x' }, 2, now))).toEqual([
      ['documentNumber', 'leadIdentity'],
    ]);
    expect(problems(validateLeadRow({ phone: '138', reason: 'x' }, 2, now))).toEqual([['phone', 'phone']]);
    expect(problems(validateLeadRow({ documentNumber: '36042619910102009X', reason: 'x' }, 2, now))).toEqual([
      ['documentNumber', 'checksum'],
    ]);
    expect(problems(validateLeadRow({ phone: '13800000000' }, 2, now))).toEqual([['reason', 'required']]);
    // Every problem of a lead at once: the clerk fixes the row in one go.
    expect(
      problems(
        validateLeadRow(
          { documentNumber: '36042619910102009X', phone: '138', reason: '', deadline: '明天' },
          2,
          now,
        ),
      ),
    ).toEqual([
      ['documentNumber', 'checksum'],
      ['phone', 'phone'],
      ['reason', 'required'],
      ['deadline', 'deadline'],
    ]);
    expect(
      validateLeadRow({ name: '张三', address: '星火路8号', reason: '涉疫', deadline: '48h' }, 2, now),
    ).toMatchObject({
      name: '张三',
      address: '星火路8号',
      documentNumber: null,
    });
  });
});

describeEachDatabase('lead verification', (database, backend) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  const clock = new TestClock();
  let staff: Session;
  let workerA: Session;
  let workerB: Session;
  const personA = { id: 0, documentNumber: '' };
  const personB = { id: 0, documentNumber: '' };
  const ids = { byId: 0, byPhone: 0, byAddress: 0, inbox: 0 };
  const usernames = new Map<Session, string>();

  beforeAll(async () => {
    app = await testApp(database(), clock);
    const db = database().db;
    tree = await createAreaTree(db);
    const login = async (
      role: 'community_staff' | 'grid_worker' | 'grid_leader',
      area: AreaTree[keyof AreaTree],
    ) => {
      const { username } = await createUser(db, [{ role, area }]);
      const session = await signIn(app, username);
      usernames.set(session, username);
      return session;
    };
    staff = await login('community_staff', tree.village);
    workerA = await login('grid_worker', tree.gridA);
    workerB = await login('grid_worker', tree.gridB);
    const actor = systemActor(clock.now);
    const houseA = await addHouse(db, actor, tree.microA.id, '星火路8号1幢101室');
    Object.assign(personA, await addPerson(db, actor, app.cipher, { houseId: houseA, name: '王小明' }));
    Object.assign(
      personB,
      await addPerson(db, actor, app.cipher, { areaId: tree.gridB.id, name: '李四', phone: '13900000002' }),
    );
  });
  afterAll(async () => {
    await app.close();
  });

  const csv = () =>
    [
      '身份证号,手机号,姓名,地址,核查事由,核查时限',
      `${personA.documentNumber},,,,涉疫地区来返,2026-11-03 18:00`,
      `,139 0000 0002,,,时空伴随,`,
      `,,赵六,浙江省杭州市星火路8号1幢101室,密接,48h`,
      `,,钱七,外省某市某路1号,次密接,`,
      `36042619910102009X,,,,涉疫,`,
      `,,孙八,,涉疫,`,
      `,13700000007,,,涉疫,2026-11-01`,
      `${personA.documentNumber},,,,涉疫地区来返,2026-11-04`,
      `,13700000009,,,,`,
    ].join('\n');
  const upload = async (session: Session, areaId: number) => {
    const form = await multipart([{ name: '线索.csv', content: csv(), type: 'text/csv' }]);
    return app.inject({
      method: 'POST',
      url: `/api/leads/import?areaId=${areaId}&batch=${encodeURIComponent('第1批')}`,
      payload: form.payload,
      headers: { ...session.headers, ...form.headers },
    });
  };

  it('imports a list: per-row rejects, routing by ID, phone and address, the rest to the community inbox', async () => {
    const response = await upload(staff, tree.village.id);
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json();
    expect(report).toMatchObject({
      inserted: 4,
      unchanged: 0,
      rejectedTotal: 5,
      routed: { person: 2, address: 1, inbox: 1 },
    });
    expect(
      report.rejected.map((r: { row: number; field: string; code: string }) => [r.row, r.field, r.code]),
    ).toEqual([
      [6, '身份证号', 'checksum'],
      [7, '身份证号', 'leadIdentity'],
      [8, '核查时限', 'deadlinePast'],
      [9, '核查事由', 'duplicateInFile'],
      [10, '核查事由', 'required'],
    ]);

    const leads = await database()
      .db.selectFrom('leads')
      .selectAll()
      .where('batch_reference', '=', '第1批')
      .orderBy('id')
      .execute();
    expect(leads.map((l) => [l.routed_by, l.area_id, l.person_id, l.tier])).toEqual([
      ['person', tree.microA.id, personA.id, 'worker'],
      ['person', tree.gridB.id, personB.id, 'worker'],
      ['address', tree.microA.id, null, 'worker'],
      ['inbox', tree.village.id, null, 'community'],
    ]);
    expect(leads[0]!.deadline.toISOString()).toBe('2026-11-03T10:00:00.000Z');
    // Identity at rest: only ciphertext, hashes and masked copies.
    const stored = JSON.stringify(leads);
    for (const plain of [personA.documentNumber, '13900000002', '赵六']) expect(stored).not.toContain(plain);
    expect(leads[1]!.phone_masked).toBe('139****0002');
    expect(leads[2]!.name_masked).toBe('赵*');
    ids.byId = leads[0]!.id;
    ids.byPhone = leads[1]!.id;
    ids.byAddress = leads[2]!.id;
    ids.inbox = leads[3]!.id;

    // The same batch again stores nothing twice.
    const again = (await upload(staff, tree.village.id)).json();
    expect(again).toMatchObject({ inserted: 0, unchanged: 4, rejectedTotal: 5 });
    // Importing needs health.write over the importing area.
    expect((await upload(workerB, tree.village.id)).statusCode).toBe(404);
  });

  it('takes a JSON batch and matches only inside the importing area', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/leads',
      headers: workerA.headers,
      payload: {
        areaId: tree.gridA.id,
        leads: [
          { documentNumber: personA.documentNumber, reason: '核酸阳性密接', deadline: '24h' },
          // Registered in grid B: outside the importing grid, so it waits in the community inbox.
          { documentNumber: personB.documentNumber, reason: '核酸阳性密接' },
          { reason: '无身份' },
        ],
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({
      inserted: 2,
      rejectedTotal: 1,
      routed: { person: 1, address: 0, inbox: 1 },
    });
    expect(body.rejected).toEqual([
      { row: 2, field: 'documentNumber', code: 'leadIdentity', message: expect.any(String) },
    ]);
    expect(body.leads[0]).toMatchObject({ row: 0, routedBy: 'person', area: { id: tree.microA.id } });
    // The worker may not read the village inbox, so its area is not shown.
    expect(body.leads[1]).toMatchObject({ row: 1, routedBy: 'inbox', area: null });
  });

  it('lists every problem of a rejected row, worded in the reader’s language', async () => {
    const db = database().db;
    const english = await createUser(db, [{ role: 'community_staff', area: tree.village }]);
    await db.updateTable('users').set({ locale: 'en' }).where('id', '=', english.id).execute();
    const content = ['身份证号,手机号,姓名,地址,核查事由,核查时限', '36042619910102009X,138,,,,明天'].join(
      '\n',
    );
    const importAs = async (session: Session) => {
      const form = await multipart([{ name: '错误线索.csv', content, type: 'text/csv' }]);
      const response = await app.inject({
        method: 'POST',
        url: `/api/leads/import?areaId=${tree.village.id}&batch=${encodeURIComponent('错误批')}`,
        payload: form.payload,
        headers: { ...session.headers, ...form.headers },
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ inserted: number; rejectedTotal: number; rejected: RowReject[] }>();
    };
    const expected = [
      [2, '身份证号', 'checksum'],
      [2, '手机号', 'phone'],
      [2, '核查事由', 'required'],
      [2, '核查时限', 'deadline'],
    ];
    for (const [session, locale] of [
      [staff, 'zh-CN'],
      [await signIn(app, english.username), 'en'],
    ] as const) {
      const report = await importAs(session);
      expect(report).toMatchObject({ inserted: 0, rejectedTotal: 4 });
      expect(report.rejected.map((r) => [r.row, r.field, r.code])).toEqual(expected);
      for (const r of report.rejected) {
        expect(r.message).toBe(problemMessage(locale, r.code as ProblemCode, r.params));
        const other = locale === 'en' ? 'zh-CN' : 'en';
        expect(r.message).not.toBe(problemMessage(other, r.code as ProblemCode, r.params));
      }
    }
    expect(
      await db.selectFrom('leads').select('id').where('batch_reference', '=', '错误批').execute(),
    ).toEqual([]);
  });

  it('scopes every list and lead to the caller’s area', async () => {
    const listA = (await app.inject({ url: '/api/leads?pageSize=100', headers: workerA.headers })).json();
    expect(
      listA.items.every((l: { area: { id: number } }) => [tree.microA.id, tree.gridA.id].includes(l.area.id)),
    ).toBe(true);
    expect(listA.items.map((l: { id: number }) => l.id)).toEqual(
      expect.arrayContaining([ids.byId, ids.byAddress]),
    );
    const listB = (await app.inject({ url: '/api/leads', headers: workerB.headers })).json();
    expect(listB.items.map((l: { id: number }) => l.id)).toEqual([ids.byPhone]);
    expect(listB.items[0]).toMatchObject({ phoneMasked: '139****0002', routedBy: 'person', tier: 'worker' });
    expect((await app.inject({ url: `/api/leads/${ids.byId}`, headers: workerB.headers })).statusCode).toBe(
      404,
    );
    expect((await app.inject({ url: `/api/leads/${ids.inbox}`, headers: workerA.headers })).statusCode).toBe(
      404,
    );
    expect(
      (await app.inject({ url: `/api/leads/progress?node=${tree.gridA.id}`, headers: workerB.headers }))
        .statusCode,
    ).toBe(404);
    expect(
      (await app.inject({ url: `/api/leads?within=${tree.gridA.id}`, headers: workerB.headers })).statusCode,
    ).toBe(404);
    const inbox = (await app.inject({ url: '/api/leads?routedBy=inbox', headers: staff.headers })).json();
    expect(inbox.total).toBe(2);
  });

  it('lets community staff route an inbox lead by hand, recorded in its history', async () => {
    const route = (session: Session, areaId: number) =>
      app.inject({
        method: 'POST',
        url: `/api/leads/${ids.inbox}/route`,
        headers: session.headers,
        payload: { areaId, note: '电话确认住乙网格' },
      });
    expect((await route(workerA, tree.gridB.id)).statusCode).toBe(404);
    expect((await route(staff, tree.village.id)).json().error.code).toBe('AREA_LEVEL_INVALID');
    const routed = await route(staff, tree.gridB.id);
    expect(routed.statusCode, routed.body).toBe(200);
    expect(routed.json()).toMatchObject({ routedBy: 'manual', tier: 'worker', area: { id: tree.gridB.id } });
    expect(routed.json().history.map((h: { kind: string }) => h.kind)).toEqual(['created', 'routed']);
    expect(routed.json().history[1]).toMatchObject({
      fromTier: 'community',
      toTier: 'worker',
      fromArea: { id: tree.village.id },
      toArea: { id: tree.gridB.id },
    });
    const listB = (await app.inject({ url: '/api/leads', headers: workerB.headers })).json();
    expect(listB.items.map((l: { id: number }) => l.id)).toContain(ids.inbox);
  });

  it('records the verification with measures, links the person and starts key-person management', async () => {
    const verify = (session: Session, id: number, payload: object) =>
      app.inject({ method: 'POST', url: `/api/leads/${id}/verify`, headers: session.headers, payload });
    expect((await verify(workerB, ids.byId, { outcome: 'found_here', measures: [] })).statusCode).toBe(404);
    const done = await verify(workerA, ids.byId, {
      outcome: 'found_here',
      measures: ['home_quarantine', 'test_arranged'],
      note: '已上门，居家隔离',
      keyPerson: { category: 'home_quarantine' },
    });
    expect(done.statusCode, done.body).toBe(200);
    const result = done.json();
    expect(result.lead).toMatchObject({
      status: 'verified',
      outcome: 'found_here',
      measures: ['home_quarantine', 'test_arranged'],
      note: '已上门，居家隔离',
      personId: personA.id,
    });
    expect(result.lead.history.map((h: { kind: string }) => h.kind)).toEqual(['created', 'verified']);
    expect(result.keyPerson).toMatchObject({ personId: personA.id, category: 'home_quarantine' });
    const keyPerson = await database()
      .db.selectFrom('key_persons')
      .selectAll()
      .where('id', '=', result.keyPerson.keyPersonId)
      .executeTakeFirstOrThrow();
    expect(keyPerson).toMatchObject({ person_id: personA.id, category: 'home_quarantine', status: 'active' });
    expect((await verify(workerA, ids.byId, { outcome: 'moved', measures: [] })).json().error.code).toBe(
      'LEAD_ALREADY_VERIFIED',
    );
    // A key person needs a person: the address lead has none until the worker links one.
    expect(
      (
        await verify(workerA, ids.byAddress, {
          outcome: 'found_here',
          measures: [],
          keyPerson: { category: 'fever' },
        })
      ).json().error.code,
    ).toBe('LEAD_PERSON_REQUIRED');
    const audit = await database()
      .db.selectFrom('audit_log')
      .select(['action', 'actor_name'])
      .where('entity_type', '=', 'lead')
      .where('entity_id', '=', String(ids.byId))
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['lead.verify']);
  });

  it('reveals the identity as received only to those who may, with the reason logged', async () => {
    const reveal = (session: Session, id: number) =>
      app.inject({
        method: 'POST',
        url: `/api/leads/${id}/reveal`,
        headers: session.headers,
        payload: { reason: '电话联系核查对象' },
      });
    expect((await reveal(workerA, ids.byPhone)).statusCode).toBe(404);
    const shown = await reveal(workerB, ids.byPhone);
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.json()).toEqual({ documentNumber: null, phone: '13900000002', name: null });
    const entry = await database()
      .db.selectFrom('audit_log')
      .select(['reason'])
      .where('action', '=', 'lead.reveal')
      .executeTakeFirstOrThrow();
    expect(entry.reason).toBe('电话联系核查对象');
  });

  it('counts progress per child area down to zero (清零)', async () => {
    const progress = async () =>
      (
        await app.inject({ url: `/api/leads/progress?node=${tree.village.id}`, headers: staff.headers })
      ).json();
    const before = await progress();
    const row = (p: { rows: Array<{ area: { id: number } }> }, id: number) =>
      p.rows.find((r) => r.area.id === id);
    expect(before.total).toMatchObject({ total: 6, verified: 1, overdue: 0, leftToZero: 5, cleared: false });
    expect(row(before, tree.gridA.id)).toMatchObject({ total: 3, verified: 1, open: 2, leftToZero: 2 });
    expect(row(before, tree.gridB.id)).toMatchObject({ total: 2, verified: 0, leftToZero: 2 });
    expect(before.atNode).toMatchObject({ total: 1, leftToZero: 1 });

    // Past the deadlines, open leads count as overdue (and the sessions have ended: sign in again).
    clock.advance(72 * HOUR_MS);
    for (const session of [staff, workerA, workerB])
      Object.assign(session, await signIn(app, usernames.get(session)!));
    const late = await progress();
    expect(late.total).toMatchObject({ overdue: 5, open: 0, leftToZero: 5 });
    const overdue = (await app.inject({ url: '/api/leads?overdue=true', headers: workerA.headers })).json();
    expect(overdue.items.every((l: { overdue: boolean }) => l.overdue)).toBe(true);

    const open = await database().db.selectFrom('leads').select('id').where('status', '=', 'open').execute();
    for (const { id } of open) {
      const lead = await database()
        .db.selectFrom('leads')
        .select('area_id')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const session =
        lead.area_id === tree.gridB.id ? workerB : lead.area_id === tree.village.id ? staff : workerA;
      const response = await app.inject({
        method: 'POST',
        url: `/api/leads/${id}/verify`,
        headers: session.headers,
        payload: { outcome: 'not_found', measures: ['none'] },
      });
      expect(response.statusCode, response.body).toBe(200);
    }
    const after = await progress();
    expect(after.total).toMatchObject({
      total: 6,
      verified: 6,
      open: 0,
      overdue: 0,
      leftToZero: 0,
      cleared: true,
    });
    expect(after.rows.every((r: { cleared: boolean }) => r.cleared)).toBe(true);
  });

  it('turns an unmatched health record into a lead, once', async () => {
    const db = database().db;
    const number = nextIdNumber();
    const record = await db
      .insertInto('health_records')
      .values({
        kind: 'test',
        source: 'lab-1',
        record_key: `id:${number}`,
        area_path: tree.village.path,
        occurred_at: clock.now(),
        result: 'positive',
        unmatched_reason: 'unknown_number',
        inbox_status: 'open',
        id_hash: app.cipher.lookupHash('id', number),
        identity_secret: app.cipher.encryptRecord({ documentNumber: number, name: '周九' }),
        document_masked: maskIdNumber(number),
        name_masked: '周*',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const actor = systemActor(clock.now);
    const lead = await db
      .transaction()
      .execute((trx) => createLeadFromUnmatched(trx, actor, app.cipher, record.id));
    expect(lead).toMatchObject({
      routedBy: 'inbox',
      tier: 'community',
      nameMasked: '周*',
      area: { id: tree.village.id },
    });
    expect(lead.reason).toContain('lab-1');
    expect(new Date(lead.deadline).getTime()).toBe(clock.now().getTime() + 24 * HOUR_MS);
    const after = await db
      .selectFrom('health_records')
      .select('inbox_status')
      .where('id', '=', record.id)
      .executeTakeFirstOrThrow();
    expect(after.inbox_status).toBe('lead');
    await expect(
      db.transaction().execute((trx) => createLeadFromUnmatched(trx, actor, app.cipher, record.id)),
    ).rejects.toMatchObject({ code: 'RECORD_NOT_IN_INBOX' });
    const revealed = app.cipher.decryptRecord(
      (
        await db
          .selectFrom('leads')
          .select('identity_secret')
          .where('id', '=', lead.id)
          .executeTakeFirstOrThrow()
      ).identity_secret,
    );
    expect(revealed).toMatchObject({ documentNumber: number, name: '周九' });
  });

  describe('escalation', () => {
    let tree: AreaTree;
    const usernames: Record<'worker' | 'leader' | 'staff', string> = { worker: '', leader: '', staff: '' };
    let leadIds: number[];
    // Moving the clock by hours ends sessions: sign in again at the current time.
    const as = (who: keyof typeof usernames) => signIn(app, usernames[who]);
    /** What one run moved among this suite's leads (the earlier tests' leads are all settled). */
    const ours = (result: { toGridLeader: number[]; toCommunity: number[] }, extra: number[] = []) => ({
      toGridLeader: result.toGridLeader.filter((id) => [...leadIds, ...extra].includes(id)).sort(byNumber),
      toCommunity: result.toCommunity.filter((id) => [...leadIds, ...extra].includes(id)).sort(byNumber),
    });

    beforeAll(async () => {
      const db = database().db;
      tree = await createAreaTree(db);
      const user = async (
        role: 'community_staff' | 'grid_worker' | 'grid_leader',
        area: AreaTree[keyof AreaTree],
      ) => (await createUser(db, [{ role, area }])).username;
      usernames.worker = await user('grid_worker', tree.gridA);
      usernames.leader = await user('grid_leader', tree.gridA);
      usernames.staff = await user('community_staff', tree.village);
      const actor = systemActor(clock.now);
      const persons: Array<{ documentNumber: string }> = [];
      for (let i = 0; i < 3; i++)
        persons.push(await addPerson(db, actor, app.cipher, { areaId: tree.cellA.id }));
      const result = await db.transaction().execute((trx) =>
        createLeads(trx, actor, app.cipher, {
          areaId: tree.village.id,
          leads: persons.map((p) => ({
            documentNumber: p.documentNumber,
            reason: '大数据推送',
            deadline: '24h',
          })),
        }),
      );
      leadIds = result.leads.map((l) => l.id).sort(byNumber);
      expect(result.routed.person).toBe(3);
    });

    const tiers = async () =>
      (
        await database()
          .db.selectFrom('leads')
          .select(['id', 'tier'])
          .where('id', 'in', leadIds)
          .orderBy('id')
          .execute()
      ).map((l) => l.tier);
    const list = async (who: keyof typeof usernames, query: string) =>
      (await app.inject({ url: `/api/leads?${query}`, headers: (await as(who)).headers })).json();

    it('escalates overdue leads tier by tier, once per step, each step in the history', async () => {
      const db = database().db;
      // Before the deadline nothing moves.
      clock.advance(23 * HOUR_MS);
      expect(ours(await escalateOverdueLeads(db, clock.now()))).toEqual({
        toGridLeader: [],
        toCommunity: [],
      });
      // One lead is verified in time and never escalates.
      const verified = await app.inject({
        method: 'POST',
        url: `/api/leads/${leadIds[2]}/verify`,
        headers: (await as('worker')).headers,
        payload: { outcome: 'found_here', measures: ['none'] },
      });
      expect(verified.statusCode, verified.body).toBe(200);

      clock.advance(2 * HOUR_MS);
      const first = await escalateOverdueLeads(db, clock.now());
      expect(ours(first)).toEqual({ toGridLeader: leadIds.slice(0, 2), toCommunity: [] });
      // Called again at the same time: nothing more.
      expect(ours(await escalateOverdueLeads(db, clock.now()))).toEqual({
        toGridLeader: [],
        toCommunity: [],
      });
      expect(await tiers()).toEqual(['grid_leader', 'grid_leader', 'worker']);

      // The grid leader's queue holds the escalated ones; the worker still sees them in their area.
      const queue = await list('leader', 'mine=true');
      expect(queue.items.map((l: { id: number }) => l.id).sort(byNumber)).toEqual(leadIds.slice(0, 2));
      expect(
        queue.items.every((l: { tier: string; overdue: boolean }) => l.tier === 'grid_leader' && l.overdue),
      ).toBe(true);
      expect((await list('worker', 'tier=grid_leader')).total).toBe(2);
      expect((await list('staff', 'mine=true')).total).toBe(0);

      // Eleven hours with the grid leader: not yet.
      clock.advance(11 * HOUR_MS);
      expect(ours(await escalateOverdueLeads(db, clock.now())).toCommunity).toEqual([]);
      clock.advance(1 * HOUR_MS);
      const second = await escalateOverdueLeads(db, clock.now());
      expect(ours(second).toCommunity).toEqual(leadIds.slice(0, 2));
      expect(ours(await escalateOverdueLeads(db, clock.now()))).toEqual({
        toGridLeader: [],
        toCommunity: [],
      });
      expect(await tiers()).toEqual(['community', 'community', 'worker']);
      expect((await list('staff', 'mine=true')).total).toBe(2);

      const detail = (
        await app.inject({ url: `/api/leads/${leadIds[0]}`, headers: (await as('staff')).headers })
      ).json();
      const escalations = detail.history.filter((h: { kind: string }) => h.kind === 'escalated');
      expect(escalations).toEqual([
        expect.objectContaining({ fromTier: 'worker', toTier: 'grid_leader', actor: 'system:escalation' }),
        expect.objectContaining({
          fromTier: 'grid_leader',
          toTier: 'community',
          at: clock.now().toISOString(),
        }),
      ]);
      expect(new Date(escalations[0].at).getTime()).toBe(clock.now().getTime() - 12 * HOUR_MS);
      expect(detail).toMatchObject({ tier: 'community', escalatedAt: clock.now().toISOString() });
      // Who holds it now: the community staff of the village.
      expect(detail.responsible.map((r: { role: string }) => r.role)).toEqual(['community_staff']);
    });

    it(`escalates once when two runs race${backend === 'postgres' ? ' on separate connections' : ''}`, async () => {
      const db = database().db;
      const actor = systemActor(clock.now);
      const person = await addPerson(db, actor, app.cipher, { areaId: tree.gridB.id });
      const created = await db.transaction().execute((trx) =>
        createLeads(trx, actor, app.cipher, {
          areaId: tree.village.id,
          leads: [{ documentNumber: person.documentNumber, reason: '并发测试', deadline: '1h' }],
        }),
      );
      const id = created.leads[0]!.id;
      clock.advance(2 * HOUR_MS);
      const now = clock.now();
      // The first run holds its row locks in an open transaction while the second starts.
      let holding!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const firstRun = db.transaction().execute(async (trx) => {
        const result = await escalateOverdueLeads(trx, now);
        holding();
        await gate;
        return result;
      });
      await held;
      const secondRun = escalateOverdueLeads(db, now);
      await new Promise((resolve) => setTimeout(resolve, 100));
      release();
      const [a, b] = await Promise.all([firstRun, secondRun]);
      expect(ours(a, [id]).toGridLeader).toEqual([id]);
      expect(ours(b, [id]).toGridLeader).toEqual([]);
      // And plainly concurrent runs, too.
      clock.advance(12 * HOUR_MS);
      const runs = await Promise.all([1, 2, 3].map(() => escalateOverdueLeads(db, clock.now())));
      expect(runs.flatMap((r) => ours(r, [id]).toCommunity)).toEqual([id]);
      const events = await db
        .selectFrom('lead_events')
        .select(['to_tier'])
        .where('lead_id', '=', id)
        .where('kind', '=', 'escalated')
        .orderBy('id')
        .execute();
      expect(events.map((e) => e.to_tier)).toEqual(['grid_leader', 'community']);
    });

    it('runs on a timer that stops with the app', async () => {
      const db = database().db;
      const actor = systemActor(clock.now);
      const person = await addPerson(db, actor, app.cipher, { areaId: tree.gridB.id });
      const created = await db.transaction().execute((trx) =>
        createLeads(trx, actor, app.cipher, {
          areaId: tree.village.id,
          leads: [{ documentNumber: person.documentNumber, reason: '定时测试', deadline: '1h' }],
        }),
      );
      clock.advance(2 * HOUR_MS);
      const seen: number[] = [];
      const failures: unknown[] = [];
      await app.jobs.start(['lead-escalation'], {
        timing: { 'lead-escalation': { every: 10, firstRunMs: 0 } },
        onRun: (_job, result) =>
          seen.push(...ours(result as EscalationResult, [created.leads[0]!.id]).toGridLeader),
        onError: (_job, error) => failures.push(error),
      });
      for (let i = 0; i < 100 && seen.length === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      await app.jobs.stop();
      expect(failures).toEqual([]);
      expect(seen).toEqual([created.leads[0]!.id]);
    });
  });
});
