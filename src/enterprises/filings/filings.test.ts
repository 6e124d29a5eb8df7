import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYSTEM_VIEWER } from '../../auth/scope.js';
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
import { pdfText } from '../../test-support/pdf-text.js';
import { recordInspection, remindOverdueFilings } from './service.js';

const DAY = 24 * 3600 * 1000;

describeEachDatabase('return-to-work filings', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let workerA: Session;
  let workerAId: number;
  let workerAName: string;
  let workerB: Session;
  const clock = new TestClock();
  const firms: Array<{ unitId: number; token: string }> = [];

  beforeAll(async () => {
    app = await testApp(database(), clock);
    tree = await createAreaTree(database().db);
    const userA = await createUser(database().db, [{ role: 'grid_worker', area: tree.gridA }]);
    workerAId = userA.id;
    workerAName = userA.username;
    workerA = await signIn(app, userA.username);
    workerB = await signIn(
      app,
      (await createUser(database().db, [{ role: 'grid_worker', area: tree.gridB }])).username,
    );
    for (const [name, legalPerson] of [
      ['星火织造有限公司', '张建国'],
      ['东方五金厂', null],
    ] as const) {
      const unit = await app.inject({
        method: 'POST',
        url: '/api/units',
        headers: workerA.headers,
        payload: {
          areaId: tree.microA.id,
          name,
          category: 'enterprise',
          ...(legalPerson ? { legalPerson } : {}),
        },
      });
      expect(unit.statusCode, unit.body).toBe(201);
      const codes = await app.inject({
        method: 'POST',
        url: `/api/units/${unit.json().id}/enterprise-codes`,
        headers: workerA.headers,
      });
      expect(codes.statusCode, codes.body).toBe(201);
      firms.push({ unitId: unit.json().id, token: codes.json().enterprise.scanUrl.split('/').at(-1) });
    }
  });
  afterAll(async () => {
    await app.close();
  });

  const own = (
    token: string,
    path = '',
    method: 'GET' | 'PUT' | 'POST' | 'DELETE' = 'GET',
    payload?: object,
  ) => app.inject({ method, url: `/api/public/enterprises/${token}/filing${path}`, payload });
  const staff = (session: Session, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    app.inject({ method, url, headers: session.headers, payload });
  const upload = async (token: string, content: Buffer | string, name: string, title = '营业执照') =>
    app.inject({
      method: 'POST',
      url: `/api/public/enterprises/${token}/filing/documents`,
      ...(await multipart([{ name, content }], { title })),
    });
  const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

  it('lets an enterprise file through its code: draft, documents, signature, submit; bad input is refused by field', async () => {
    const [firm] = firms;
    const empty = await own(firm!.token);
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toMatchObject({
      enterprise: { name: '星火织造有限公司', hasLegalPerson: true },
      filing: null,
    });
    expect(empty.json().commitment.title).toBe('复工复产承诺书');

    for (const [payload, field] of [
      [{ headcount: -1 }, 'headcount'],
      [{ plannedOn: '2026-13-40' }, 'plannedOn'],
      [{ supplies: { masks: { stock: 10 } } }, 'days'],
      [{ owner: 'x' }, 'owner'],
    ] as const) {
      const bad = await own(firm!.token, '', 'PUT', payload);
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
      expect(JSON.stringify(bad.json().error.details)).toContain(field);
    }

    const saved = await own(firm!.token, '', 'PUT', {
      plannedOn: '2026-11-10',
      headcount: 42,
      supplies: { masks: { stock: 2000, days: 14 }, thermometers: { stock: 4, days: 30 } },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().filing).toMatchObject({ state: 'draft', headcount: 42, editable: true });

    const incomplete = await own(firm!.token, '/submit', 'POST');
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.json().error.code).toBe('FILING_INCOMPLETE');
    expect(incomplete.json().error.details.map((d: { field: string }) => d.field)).toEqual([
      'plan',
      'signerName',
    ]);

    const text = await upload(firm!.token, 'just text renamed', 'licence.pdf');
    expect(text.statusCode).toBe(400);
    expect(text.json().error.code).toBe('DOCUMENT_TYPE_INVALID');
    const big = await upload(firm!.token, Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024)]), 'big.pdf');
    expect(big.statusCode).toBe(413);
    const pdf = await upload(firm!.token, PDF, 'licence.pdf');
    expect(pdf.statusCode, pdf.body).toBe(201);
    const [document] = pdf.json().filing.documents;
    expect(document).toMatchObject({ title: '营业执照', mime: 'application/pdf', bytes: PDF.length });
    const fetched = await own(firm!.token, `/documents/${document.id}`);
    expect(fetched.headers['content-disposition']).toMatch(/^attachment/);
    expect(fetched.rawPayload.equals(PDF)).toBe(true);

    await own(firm!.token, '', 'PUT', { plan: '错峰上下班，食堂分餐，每日两次测温并登记。' });
    const wrong = await own(firm!.token, '/sign', 'POST', { signerName: '李四' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('FILING_SIGNER_MISMATCH');
    expect(wrong.json().error.details[0].field).toBe('signerName');
    expect((await own(firm!.token, '/commitment.pdf')).statusCode).toBe(409);
    const signed = await own(firm!.token, '/sign', 'POST', { signerName: '张建国' });
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json().filing).toMatchObject({
      signerName: '张建国',
      commitmentVersion: expect.any(String),
    });

    const letter = await own(firm!.token, '/commitment.pdf');
    expect(letter.statusCode).toBe(200);
    expect(letter.headers['content-type']).toBe('application/pdf');
    const [page] = await pdfText(letter.rawPayload);
    for (const words of [
      '复工复产承诺书',
      '星火织造有限公司',
      '张建国',
      '落实防控主体责任',
      '员工健康监测',
      '物资储备',
      '如实报告',
      '2026-11-02',
    ])
      expect(page).toContain(words);

    const submitted = await own(firm!.token, '/submit', 'POST');
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(submitted.json().filing).toMatchObject({ state: 'submitted', editable: false });
    // Submitted: nothing changes until staff decide.
    const edit = await own(firm!.token, '', 'PUT', { headcount: 1 });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().error.code).toBe('FILING_NOT_EDITABLE');
    const again = await own(firm!.token, '/submit', 'POST');
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'FILING_STATE_CONFLICT' });
    expect((await own(firm!.token, `/documents/${document.id}`, 'DELETE')).statusCode).toBe(409);

    // The grid worker of the enterprise's grid is told, with the deadline.
    const inbox = await staff(workerA, 'GET', '/api/notifications');
    expect(JSON.stringify(inbox.json())).toContain('星火织造有限公司');
  });

  it('keeps each enterprise to its own filing: a second code never reaches the first one’s', async () => {
    const [first, second] = firms;
    const mine = await own(first!.token);
    const documentId = mine.json().filing.documents[0].id;
    const other = await own(second!.token);
    expect(other.json()).toMatchObject({
      enterprise: { name: '东方五金厂', hasLegalPerson: false },
      filing: null,
    });
    const crossed = await own(second!.token, `/documents/${documentId}`);
    expect(crossed.statusCode).toBe(404);
    expect(crossed.json().error.code).toBe('FILING_DOCUMENT_NOT_FOUND');
    expect((await own(second!.token, `/documents/${documentId}`, 'DELETE')).statusCode).toBe(404);
    expect((await own(second!.token, '/submit', 'POST')).json().error.code).toBe('FILING_NOT_FOUND');
    // Without a registered legal person any typed name signs; the first firm's filing is untouched.
    await own(second!.token, '', 'PUT', { headcount: 5 });
    expect((await own(second!.token, '/sign', 'POST', { signerName: '王五' })).statusCode).toBe(200);
    expect((await own(first!.token)).json().filing).toMatchObject({ headcount: 42, signerName: '张建国' });
    expect(
      (await app.inject({ url: '/api/public/enterprises/AAAAAAAAAAAAAAAAAAAAAA/filing' })).statusCode,
    ).toBe(404);
  });

  it('moves a filing only along the state machine, scoped to the grid worker’s grid', async () => {
    const [firm] = firms;
    const view = await staff(workerA, 'GET', `/api/enterprises/${firm!.unitId}`);
    expect(view.statusCode, view.body).toBe(200);
    const filing = view.json().filing;
    expect(filing).toMatchObject({ state: 'submitted', overdue: false, actions: ['return'] });
    expect(view.json().canManage).toBe(true);

    // Grid B's worker neither sees nor changes grid A's filing.
    expect((await staff(workerB, 'GET', `/api/enterprises/${firm!.unitId}`)).statusCode).toBe(404);
    expect((await staff(workerB, 'GET', `/api/filings/${filing.id}`)).statusCode).toBe(404);
    const foreign = await staff(workerB, 'POST', `/api/filings/${filing.id}/return`, { reason: '材料不全' });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('FILING_NOT_FOUND');
    expect((await staff(workerB, 'GET', '/api/enterprises')).json().total).toBe(0);
    expect((await staff(workerB, 'GET', `/api/filings/${filing.id}/commitment.pdf`)).statusCode).toBe(404);

    // Approval needs an inspection first.
    const early = await staff(workerA, 'POST', `/api/filings/${filing.id}/approve`, {});
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatchObject({ code: 'FILING_STATE_CONFLICT' });
    const noReason = await staff(workerA, 'POST', `/api/filings/${filing.id}/return`, { reason: '  ' });
    expect(noReason.statusCode).toBe(400);
    const returned = await staff(workerA, 'POST', `/api/filings/${filing.id}/return`, {
      reason: '防控方案缺少隔离观察区',
    });
    expect(returned.statusCode, returned.body).toBe(200);
    expect(returned.json()).toMatchObject({ state: 'returned', returnReasons: '防控方案缺少隔离观察区' });

    // The enterprise sees the reason, never who gave it; it edits (which takes the signature away) and resubmits.
    const seen = await own(firm!.token);
    expect(seen.json().filing).toMatchObject({
      state: 'returned',
      editable: true,
      returnReasons: '防控方案缺少隔离观察区',
    });
    expect(seen.body).not.toContain('grid_worker');
    expect(seen.json().filing.steps[0]).not.toHaveProperty('actorName');
    const edited = await own(firm!.token, '', 'PUT', { plan: '错峰上下班，设隔离观察区，每日两次测温。' });
    expect(edited.json().filing.signerName).toBeNull();
    await own(firm!.token, '/sign', 'POST', { signerName: '张 建国' });
    expect((await own(firm!.token, '/submit', 'POST')).json().filing.state).toBe('submitted');

    // The inspections module records its result; a failed one cannot be approved.
    const actor = { viewer: SYSTEM_VIEWER, ip: null, now: clock.now };
    await database()
      .db.transaction()
      .execute((trx) => recordInspection(trx, actor, filing.id, { inspectionId: 7, passed: false }));
    const failed = await staff(workerA, 'POST', `/api/filings/${filing.id}/approve`, {});
    expect(failed.json().error.code).toBe('FILING_INSPECTION_FAILED');
    await expect(
      database()
        .db.transaction()
        .execute((trx) => recordInspection(trx, actor, filing.id, { inspectionId: 8, passed: true })),
    ).rejects.toMatchObject({ code: 'FILING_STATE_CONFLICT', statusCode: 409 });
    await staff(workerA, 'POST', `/api/filings/${filing.id}/return`, { reason: '检查未通过：消毒记录缺失' });
    await own(firm!.token, '/sign', 'POST', { signerName: '张建国' });
    await own(firm!.token, '/submit', 'POST');
    await database()
      .db.transaction()
      .execute((trx) => recordInspection(trx, actor, filing.id, { inspectionId: 9, passed: true }));

    const approved = await staff(workerA, 'POST', `/api/filings/${filing.id}/approve`, {});
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ state: 'approved', actions: ['suspend'], inspectionId: 9 });
    expect((await staff(workerA, 'POST', `/api/filings/${filing.id}/suspend`, {})).statusCode).toBe(400);
    const suspended = await staff(workerA, 'POST', `/api/filings/${filing.id}/suspend`, {
      reason: '出现发热员工',
    });
    expect(suspended.json()).toMatchObject({ state: 'suspended', actions: ['approve', 'return'] });
    const again = await staff(workerA, 'POST', `/api/filings/${filing.id}/approve`, { reason: '复查合格' });
    expect(again.json().state).toBe('approved');
    expect(again.json().steps.map((s: { toState: string }) => s.toState)).toEqual([
      'draft',
      'submitted',
      'returned',
      'submitted',
      'inspected',
      'returned',
      'submitted',
      'inspected',
      'approved',
      'suspended',
      'approved',
    ]);

    const figures = await staff(workerA, 'GET', '/api/enterprises/figures');
    expect(figures.json()).toMatchObject({ enterprises: 2, filed: 2, approved: 1, draft: 1, overdue: 0 });
    const letter = await staff(workerA, 'GET', `/api/filings/${filing.id}/commitment.pdf`);
    expect(letter.statusCode).toBe(200);
    const audit = await database()
      .db.selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', String(filing.id))
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'enterprise_filing.approve',
        'enterprise_filing.suspend',
        'enterprise_filing.commitment_download',
      ]),
    );
  });

  it('reminds the grid worker once when a submitted filing passes its deadline', async () => {
    const [, second] = firms;
    await own(second!.token, '', 'PUT', { plannedOn: '2026-11-12', plan: '分批返岗' });
    await own(second!.token, '/sign', 'POST', { signerName: '王五' });
    expect((await own(second!.token, '/submit', 'POST')).statusCode).toBe(200);
    expect(await remindOverdueFilings(database().db, clock.now())).toEqual([]);
    clock.advance(3 * DAY + 1000);
    const reminded = await remindOverdueFilings(database().db, clock.now());
    expect(reminded).toHaveLength(1);
    expect(await remindOverdueFilings(database().db, clock.now())).toEqual([]);
    const notes = await database()
      .db.selectFrom('notifications')
      .select(['kind', 'title', 'link'])
      .where('user_id', '=', workerAId)
      .where('kind', '=', 'enterprise_filing.overdue')
      .execute();
    expect(notes).toEqual([
      {
        kind: 'enterprise_filing.overdue',
        title: expect.stringContaining('东方五金厂'),
        link: `/enterprises/${second!.unitId}`,
      },
    ]);
    // Three days on, the session has expired: sign in again.
    const worker = await signIn(app, workerAName);
    const overdue = await staff(worker, 'GET', '/api/enterprises?overdue=true');
    expect(overdue.statusCode, overdue.body).toBe(200);
    expect(overdue.json().items.map((i: { name: string }) => i.name)).toEqual(['东方五金厂']);
    const bad = await staff(worker, 'GET', '/api/enterprises?state=flying');
    expect(bad.statusCode).toBe(400);
  });
});
