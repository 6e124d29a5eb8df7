import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../../auth/context.js';
import { describeEachDatabase } from '../../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  type Session,
  signInNewUser,
  TestClock,
  testApp,
} from '../../test-support/factories.js';
import { addPerson } from '../../test-support/health-rounds-fixtures.js';
import { setHealth } from '../../test-support/health-status-fixtures.js';
import { pdfText } from '../../test-support/pdf-text.js';
import { createHouse, issueDoorToken } from '../../test-support/services-fixtures.js';
import { sameName } from './service.js';

const DAY_MS = 86_400_000;

it('compares a typed name with the registered one as the register stores it, folding width, case and spaces', () => {
  expect(sameName('王大明', '王大明')).toBe(true);
  expect(sameName(' 王 大明 ', '王大明')).toBe(true);
  expect(sameName('john smith', 'John  Smith')).toBe(true);
  expect(sameName('Ｊｏｈｎ', 'John')).toBe(true);
  expect(sameName('王小明', '王大明')).toBe(false);
  expect(sameName('王', '王大明')).toBe(false);
});

describeEachDatabase('return to work: commitment letters and certificates', (database) => {
  let app: FastifyInstance;
  let db: Db;
  let tree: AreaTree;
  const clock = new TestClock();
  let staff: Session;
  let staffB: Session;
  let house: { id: number; area_id: number; area_path: string };
  let door: string;
  // 王大明 and 李小红 live in house A (cell A); 赵无房 is registered in cell A without a house; 钱乙 lives in cell B.
  let wang: { id: number; documentNumber: string };
  let li: number;
  let zhao: number;
  let qian: number;

  beforeAll(async () => {
    app = await testApp(database(), clock);
    db = database().db;
    tree = await createAreaTree(db);
    house = await createHouse(db, tree.cellA);
    const houseB = await createHouse(db, tree.cellB);
    wang = await addPerson(db, house.area_id, { houseId: house.id, name: '王大明' });
    li = (await addPerson(db, house.area_id, { houseId: house.id, name: '李小红' })).id;
    zhao = (await addPerson(db, tree.cellA.id, { name: '赵无房' })).id;
    qian = (await addPerson(db, houseB.area_id, { houseId: houseB.id, name: '钱乙' })).id;
    door = await issueDoorToken(db, house);
    staff = await signInNewUser(app, db, [{ role: 'grid_worker', area: tree.gridA }]);
    staffB = await signInNewUser(app, db, [{ role: 'grid_worker', area: tree.gridB }]);
  });
  afterAll(async () => {
    await app.close();
  });

  const post = (session: Session, url: string, payload: object) =>
    app.inject({ method: 'POST', url, headers: session.headers, payload });
  const get = (session: Session, url: string) => app.inject({ url, headers: session.headers });
  const audits = (action: string, entityId: number) =>
    db
      .selectFrom('audit_log')
      .select(['action', 'actor_name', 'reason'])
      .where('action', '=', action as never)
      .where('entity_id', '=', String(entityId))
      .execute();

  it('lets a household member sign at the door page by their registered name, never naming anyone there', async () => {
    const page = await app.inject({ url: `/api/public/households/${door}/commitment` });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.body).not.toContain('王');
    expect(page.body).not.toContain('李');
    expect(page.json().letter.title).toBe('复工复产个人承诺书');
    expect(page.json().members.map((m: { slot: number; signedAt: null }) => [m.slot, m.signedAt])).toEqual([
      [1, null],
      [2, null],
    ]);
    const english = await app.inject({
      url: `/api/public/households/${door}/commitment`,
      headers: { 'accept-language': 'en' },
    });
    expect(english.json().letter.title).toBe('Personal return-to-work commitment');

    const sign = (slot: number, name: string) =>
      app.inject({
        method: 'POST',
        url: `/api/public/households/${door}/commitments`,
        payload: { slot, name },
      });
    // Another member's name, a wrong name and a slot nobody has all get the same answer.
    for (const [slot, name] of [
      [1, '李小红'],
      [1, '王小明'],
      [9, '王大明'],
    ] as const) {
      const refused = await sign(slot, name);
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.json().error.code).toBe('COMMITMENT_NAME_MISMATCH');
      expect(refused.json().error.message).toMatch(/^所填姓名与登记的姓名不符/);
    }
    const signed = await sign(1, ' 王 大明 ');
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json()).toEqual({ signedAt: clock.now().toISOString(), version: '2026-12-v1' });
    const after = await app.inject({ url: `/api/public/households/${door}/commitment` });
    expect(after.json().members[0].signedAt).toBe(clock.now().toISOString());
    expect(after.json().members[1].signedAt).toBeNull();

    const unknown = await app.inject({
      method: 'POST',
      url: `/api/public/households/${'A'.repeat(22)}/commitments`,
      payload: { slot: 1, name: '王大明' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('CODE_NOT_FOUND');
  });

  it('records desk signatures for persons of the staff member’s area only, and renders the letter as a CJK PDF (audited)', async () => {
    const outside = await post(staffB, '/api/commitments', { personId: li, name: '李小红' });
    expect(outside.statusCode).toBe(404);
    expect(outside.json().error.code).toBe('PERSON_NOT_FOUND');
    const wrong = await post(staff, '/api/commitments', { personId: li, name: '李小' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details[0].field).toBe('body.name');
    const desk = await post(staff, '/api/commitments', { personId: li, name: '李小红' });
    expect(desk.statusCode, desk.body).toBe(200);
    expect(desk.json()).toMatchObject({ personId: li, name: '李**', channel: 'desk', version: '2026-12-v1' });

    const list = await get(staff, '/api/commitments');
    expect(
      list.json().items.map((c: { personId: number; channel: string }) => [c.personId, c.channel]),
    ).toEqual([
      [li, 'desk'],
      [wang.id, 'door'],
    ]);
    expect(list.body).not.toContain('王大明');
    expect((await get(staffB, '/api/commitments')).json().items).toEqual([]);

    const doorLetter = list.json().items[1].id as number;
    expect((await get(staffB, `/api/commitments/${doorLetter}/pdf`)).statusCode).toBe(404);
    const file = await get(staff, `/api/commitments/${doorLetter}/pdf`);
    expect(file.statusCode, file.body).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    const [text] = await pdfText(file.rawPayload);
    expect(text).toContain('复工复产个人承诺书');
    expect(text).toContain('不带病上岗');
    expect(text).toContain('承诺人：王大明');
    expect(text).toContain('2026年11月2日');
    const masked = (
      await db
        .selectFrom('persons')
        .select('document_masked')
        .where('id', '=', wang.id)
        .executeTakeFirstOrThrow()
    ).document_masked;
    expect(text).toContain(masked);
    expect(text).not.toContain(wang.documentNumber);
    expect(await audits('commitment.pdf', doorLetter)).toHaveLength(1);
    expect(await audits('commitment.sign', doorLetter)).toEqual([
      { action: 'commitment.sign', actor_name: 'system:resident', reason: null },
    ]);
  });

  it('refuses a health certificate unless the health status is green, naming the reasons', async () => {
    const unclear = await post(staff, '/api/certificates', { personId: wang.id, kind: 'health' });
    expect(unclear.statusCode, unclear.body).toBe(409);
    expect(unclear.json().error.code).toBe('CERTIFICATE_HEALTH_NOT_CLEAR');
    expect(unclear.json().error.details.reasons).toEqual(['HEALTH_CODE_UNKNOWN']);
    await setHealth(db, wang.id, clock.now(), { code: 'YELLOW' });
    const yellow = await post(staff, '/api/certificates', { personId: wang.id, kind: 'health' });
    expect(yellow.json().error.details).toMatchObject({ verdict: 'amber', reasons: ['HEALTH_CODE_YELLOW'] });
    const tooLong = await post(staff, '/api/certificates', {
      personId: wang.id,
      kind: 'health',
      validDays: 30,
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.code).toBe('CERTIFICATE_VALIDITY_INVALID');
    expect(tooLong.json().error.details[0].field).toBe('body.validDays');
    expect(await db.selectFrom('certificates').select('id').execute()).toEqual([]);
  });

  let healthId: number;
  let healthToken: string;

  it('issues numbered health certificates per committee and year, with a CJK PDF and a QR code to the check', async () => {
    await setHealth(db, wang.id, clock.now(), { code: 'GREEN', testHoursAgo: 20, doses: 3 });
    const issued = await post(staff, '/api/certificates', { personId: wang.id, kind: 'health' });
    expect(issued.statusCode, issued.body).toBe(200);
    const certificate = issued.json();
    expect(certificate).toMatchObject({
      number: `${tree.village.code}-2026-000001`,
      kind: 'health',
      state: 'valid',
      name: '王**',
      issuer: '测试社区居民委员会',
      validUntil: new Date(clock.now().getTime() + 7 * DAY_MS).toISOString(),
    });
    healthId = certificate.id;
    expect((await audits('certificate.issue', healthId)).map((a) => a.action)).toEqual(['certificate.issue']);

    const outside = await get(staffB, `/api/certificates/${healthId}/pdf`);
    expect(outside.statusCode).toBe(404);
    expect(outside.json().error.code).toBe('CERTIFICATE_NOT_FOUND');
    const file = await get(staff, `/api/certificates/${healthId}/pdf`);
    expect(file.statusCode, file.body).toBe(200);
    const [text] = await pdfText(file.rawPayload);
    expect(text).toContain('健康证明');
    expect(text).toContain(`编号：${tree.village.code}-2026-000001`);
    expect(text).toContain('兹证明 王大明');
    expect(text).toContain('健康码为绿码');
    expect(text).toContain('最近一次核酸检测结果为阴性（采样日期 2026年11月1日）');
    expect(text).toContain('出具单位：测试社区居民委员会');
    expect(text).toContain('有效期至：2026年11月9日');
    expect(text).not.toContain(wang.documentNumber);
    expect(await audits('certificate.pdf', healthId)).toHaveLength(1);
    // The QR code's token: 128 bits; only its hash is kept in clear.
    const row = await db
      .selectFrom('certificates')
      .select(['token_hash', 'token_secret'])
      .where('id', '=', healthId)
      .executeTakeFirstOrThrow();
    healthToken = app.cipher.decrypt(row.token_secret);
    expect(healthToken).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(row.token_hash).not.toContain(healthToken);
  });

  it('shows the public check nothing but validity, kind, number, issuer, dates and the masked name', async () => {
    const check = await app.inject({ url: `/api/public/certificates/${healthToken}` });
    expect(check.statusCode, check.body).toBe(200);
    expect(check.json()).toEqual({
      state: 'valid',
      kind: 'health',
      number: `${tree.village.code}-2026-000001`,
      issuer: '测试社区居民委员会',
      issuedOn: '2026-11-02',
      validUntil: new Date(clock.now().getTime() + 7 * DAY_MS).toISOString(),
      name: '王**',
    });
    expect(check.body).not.toContain('王大明');
    expect(check.body).not.toContain(wang.documentNumber.slice(-6));
    expect(check.body).not.toMatch(/GREEN|negative|阴性|address|地址/);
    const unknown = await app.inject({ url: `/api/public/certificates/${'B'.repeat(22)}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('CERTIFICATE_NOT_FOUND');
    const malformed = await app.inject({ url: '/api/public/certificates/not-a-token' });
    expect(malformed.statusCode).toBe(400);
  });

  it('issues residence certificates only for a person living at a house of the committee', async () => {
    const homeless = await post(staff, '/api/certificates', { personId: zhao, kind: 'residence' });
    expect(homeless.statusCode).toBe(409);
    expect(homeless.json().error.code).toBe('CERTIFICATE_NO_RESIDENCE');
    const outside = await post(staffB, '/api/certificates', { personId: li, kind: 'residence' });
    expect(outside.statusCode).toBe(404);
    const issued = await post(staff, '/api/certificates', { personId: li, kind: 'residence', validDays: 30 });
    expect(issued.statusCode, issued.body).toBe(200);
    expect(issued.json().number).toBe(`${tree.village.code}-2026-000002`);
    const [text] = await pdfText((await get(staff, `/api/certificates/${issued.json().id}/pdf`)).rawPayload);
    expect(text).toContain('居住证明');
    expect(text).toContain('兹证明 李小红');
    const address = (
      await db.selectFrom('houses').select('address').where('id', '=', house.id).executeTakeFirstOrThrow()
    ).address;
    expect(text).toContain(`现居住于${address}`);
  });

  it('keeps the numbers gap-free under concurrent issues, and a refused issue takes no number', async () => {
    await setHealth(db, qian, clock.now(), { code: 'GREEN' });
    const staffVillage = await signInNewUser(app, db, [{ role: 'community_staff', area: tree.village }]);
    const results = await Promise.all(
      [...Array(6).keys()].map((i) =>
        post(staffVillage, '/api/certificates', { personId: i % 2 ? qian : li, kind: 'residence' }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(
      await post(staffVillage, '/api/certificates', { personId: zhao, kind: 'residence' }),
    ).toMatchObject({
      statusCode: 409,
    });
    const numbers = (await db.selectFrom('certificates').select('number').orderBy('number').execute()).map(
      (r) => r.number,
    );
    expect(numbers).toEqual(
      [...Array(8).keys()].map((i) => `${tree.village.code}-2026-${String(i + 1).padStart(6, '0')}`),
    );
  });

  it('revokes with a reason (audited), and the public check says revoked, then expired ones say expired', async () => {
    const outside = await post(staffB, `/api/certificates/${healthId}/revoke`, { reason: '信息有误' });
    expect(outside.statusCode).toBe(404);
    const revoked = await post(staff, `/api/certificates/${healthId}/revoke`, { reason: '信息有误' });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json()).toMatchObject({ state: 'revoked', revokeReason: '信息有误' });
    const again = await post(staff, `/api/certificates/${healthId}/revoke`, { reason: '再次' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('CERTIFICATE_ALREADY_REVOKED');
    expect(await audits('certificate.revoke', healthId)).toEqual([
      {
        action: 'certificate.revoke',
        actor_name: expect.stringMatching(/^grid_worker_/),
        reason: '信息有误',
      },
    ]);
    const check = await app.inject({ url: `/api/public/certificates/${healthToken}` });
    expect(check.json().state).toBe('revoked');
    expect(check.body).not.toContain('信息有误');

    const list = await get(staff, '/api/certificates');
    expect(list.json().items).toHaveLength(5);
    expect(
      (await get(staffB, '/api/certificates')).json().items.map((c: { personId: number }) => c.personId),
    ).toEqual([qian, qian, qian]);
    clock.advance(31 * DAY_MS);
    const residence = list
      .json()
      .items.find((c: { validUntil: string }) => c.validUntil < clock.now().toISOString());
    const token = app.cipher.decrypt(
      (
        await db
          .selectFrom('certificates')
          .select('token_secret')
          .where('id', '=', residence.id)
          .executeTakeFirstOrThrow()
      ).token_secret,
    );
    expect((await app.inject({ url: `/api/public/certificates/${token}` })).json().state).toBe('expired');
  });

  it('counts signatures and certificates per child area for the big screen', async () => {
    // A month has passed (the sessions above have expired): sign in again.
    const worker = await signInNewUser(app, db, [{ role: 'grid_worker', area: tree.gridA }]);
    const workerB = await signInNewUser(app, db, [{ role: 'grid_worker', area: tree.gridB }]);
    const figures = await get(worker, `/api/certificates/figures?areaId=${tree.gridA.id}`);
    expect(figures.statusCode, figures.body).toBe(200);
    expect(figures.json().total).toEqual({ commitments: 2, health: 0, residence: 4 });
    const village = await signInNewUser(app, db, [{ role: 'community_staff', area: tree.village }]);
    const all = await get(village, '/api/certificates/figures');
    expect(all.json().area.id).toBe(tree.village.id);
    expect(
      all
        .json()
        .children.map((c: { area: { id: number }; commitments: number; residence: number }) => [
          c.area.id,
          c.commitments,
          c.residence,
        ]),
    ).toEqual([
      [tree.gridA.id, 2, 4],
      [tree.gridB.id, 0, 3],
    ]);
    expect((await get(workerB, `/api/certificates/figures?areaId=${tree.gridA.id}`)).statusCode).toBe(404);
  });

  it('throttles the public check per client', async () => {
    let last = 0;
    for (let i = 0; i < 61 && last !== 429; i++)
      last = (await app.inject({ url: `/api/public/certificates/${healthToken}`, remoteAddress: '10.9.9.9' }))
        .statusCode;
    expect(last).toBe(429);
  });
});
