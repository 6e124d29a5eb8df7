import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { residentIdCheckCharacter } from '../register/identity/identity-number.js';
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

let serial = 100;
/** A valid resident ID number (check character computed), different on every call. */
function idNumber(birth = '19900101'): string {
  const first17 = `110101${birth}${String(serial++).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}
let ipSerial = 1;
/** Each public call from its own address unless a test means to share one (per-client limit). */
const nextIp = () => `10.9.${Math.floor(ipSerial / 250)}.${(ipSerial++ % 250) + 1}`;

describeEachDatabase('household codes, public forms and pending changes', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let workerA: Session;
  let workerB: Session;
  let staff: Session;
  const clock = new TestClock();

  beforeAll(async () => {
    app = await testApp(database(), clock);
    tree = await createAreaTree(database().db);
    workerA = await signIn(
      app,
      (await createUser(database().db, [{ role: 'grid_worker', area: tree.gridA }])).username,
    );
    workerB = await signIn(
      app,
      (await createUser(database().db, [{ role: 'grid_worker', area: tree.gridB }])).username,
    );
    staff = await signIn(
      app,
      (await createUser(database().db, [{ role: 'community_staff', area: tree.village }])).username,
    );
  });
  afterAll(async () => {
    await app.close();
  });

  let houseSerial = 1;
  async function createHouse(session: Session, areaId: number) {
    const response = await app.inject({
      method: 'POST',
      url: '/api/houses',
      headers: session.headers,
      payload: { areaId, address: `星火路${houseSerial}号`, doorNumber: `${houseSerial++}号` },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: number; address: string }>();
  }
  async function issueCode(session: Session, houseId: number) {
    const response = await app.inject({
      method: 'POST',
      url: `/api/houses/${houseId}/household-code`,
      headers: session.headers,
    });
    expect(response.statusCode, response.body).toBe(201);
    const view = response.json<{ id: number; scanUrl: string }>();
    return { ...view, token: view.scanUrl.split('/h/')[1]! };
  }
  const publicCall = (method: 'GET' | 'POST', url: string, payload?: object, ip = nextIp()) =>
    app.inject({ method, url, remoteAddress: ip, ...(payload ? { payload } : {}) });
  const arrival = (overrides: Record<string, unknown> = {}) => ({
    documentNumber: idNumber(),
    name: '李来福',
    phone: '13812345678',
    arrivedFrom: '安徽省阜阳市',
    arrivalDate: '2026-11-01',
    arrivalReason: '务工',
    healthCodeColour: 'GREEN',
    vaccinationDoses: 3,
    relation: '租客',
    ...overrides,
  });
  async function pendingOf(session: Session, query = '') {
    const response = await app.inject({
      url: `/api/pending-changes?pageSize=500${query}`,
      headers: session.headers,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{
      items: Array<{ id: number; kind: string; house: { id: number } | null; [k: string]: unknown }>;
    }>().items;
  }

  it('issues unguessable codes; re-issuing and revoking make the old token answer 404', async () => {
    const house = await createHouse(workerA, tree.cellA.id);
    const first = await issueCode(workerA, house.id);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // Demo mode without GRIDGUARD_PUBLIC_URL: the default address, never the request's host.
    expect(first.scanUrl).toMatch(new RegExp(`^http://localhost:3000/h/${first.token}$`));
    expect((await publicCall('GET', `/api/public/households/${first.token}`)).statusCode).toBe(200);
    // Nothing about the house is in the token: another house gets an unrelated one.
    const other = await issueCode(workerA, (await createHouse(workerA, tree.cellA.id)).id);
    expect(other.token.slice(0, 8)).not.toBe(first.token.slice(0, 8));

    const second = await issueCode(workerA, house.id);
    expect(second.token).not.toBe(first.token);
    const old = await publicCall('GET', `/api/public/households/${first.token}`);
    expect(old.statusCode).toBe(404);
    expect(old.json().error.code).toBe('CODE_NOT_FOUND');
    expect((await publicCall('GET', `/api/public/households/${second.token}`)).statusCode).toBe(200);
    const tampered = `${second.token.slice(0, -1)}${second.token.endsWith('A') ? 'B' : 'A'}`;
    expect((await publicCall('GET', `/api/public/households/${tampered}`)).statusCode).toBe(404);

    const list = await app.inject({
      url: `/api/codes?houseId=${house.id}&status=all`,
      headers: workerA.headers,
    });
    expect(
      list
        .json()
        .items.map((c: { status: string }) => c.status)
        .sort(),
    ).toEqual(['active', 'revoked']);
    expect(list.body).not.toContain(second.token);

    const revoke = await app.inject({
      method: 'POST',
      url: `/api/codes/${second.id}/revoke`,
      headers: workerA.headers,
      payload: { reason: '门牌损坏' },
    });
    expect(revoke.statusCode, revoke.body).toBe(200);
    expect(revoke.json()).toMatchObject({ status: 'revoked', revokeReason: '门牌损坏' });
    expect((await publicCall('GET', `/api/public/households/${second.token}`)).statusCode).toBe(404);
    const raw = await database()
      .db.selectFrom('access_codes')
      .selectAll()
      .where('id', '=', second.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(raw)).not.toContain(second.token);
  });

  it('shows the door page without ever naming who lives there', async () => {
    const house = await createHouse(workerA, tree.cellA.id);
    const resident = { documentNumber: idNumber(), name: '张秀英', phone: '13955556666' };
    const registered = await app.inject({
      method: 'POST',
      url: '/api/persons',
      headers: workerA.headers,
      payload: { ...resident, houseId: house.id },
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const { token } = await issueCode(workerA, house.id);
    const page = await publicCall('GET', `/api/public/households/${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({
      house: { address: house.address },
      community: { name: tree.village.name },
      instruction: '扫码登记：来时登记、走时注销',
    });
    expect(page.json().forms.healthCodeColours.map((c: { value: string }) => c.value)).toEqual([
      'GREEN',
      'YELLOW',
      'RED',
      'UNKNOWN',
    ]);
    expect(Object.keys(page.json()).sort()).toEqual(['community', 'forms', 'house', 'instruction']);
    const masked = [resident.name.slice(1), resident.phone.slice(-4), resident.documentNumber.slice(-6)];
    for (const secret of [resident.name, resident.phone, resident.documentNumber, ...masked]) {
      expect(page.body).not.toContain(secret);
    }
  });

  it('arrival → pending → confirm puts the person in the house with the arrival fields; secrets stay encrypted', async () => {
    const house = await createHouse(workerA, tree.cellA.id);
    const { token } = await issueCode(workerA, house.id);
    const body = arrival({ name: '  赵 来 ', documentNumber: ` ${idNumber('19851203').toLowerCase()} ` });
    const submitted = await publicCall('POST', `/api/public/households/${token}/arrivals`, body);
    expect(submitted.statusCode, submitted.body).toBe(202);
    expect(submitted.json().status).toBe('pending');

    const raw = await database()
      .db.selectFrom('pending_changes')
      .selectAll()
      .where('house_id', '=', house.id)
      .executeTakeFirstOrThrow();
    const rawText = JSON.stringify(raw);
    for (const plain of [body.documentNumber.trim(), body.phone, '赵 来', body.arrivedFrom])
      expect(rawText).not.toContain(plain);
    expect(raw.secret).toMatch(/^v1\./);

    const task = (await pendingOf(workerA)).find((p) => p.house?.id === house.id)!;
    expect(task).toMatchObject({
      kind: 'arrival',
      status: 'pending',
      name: '赵 来',
      phoneMasked: '138****5678',
      answers: {
        arrivedFrom: '安徽省阜阳市',
        arrivalDate: '2026-11-01',
        arrivalReason: '务工',
        relation: '租客',
      },
      health: { healthCodeColour: 'GREEN', vaccinationDoses: 3 },
      matchedPersonId: null,
    });
    expect(task.documentMasked).toMatch(/^1\*{16}[0-9X]$/);

    const confirmed = await app.inject({
      method: 'POST',
      url: `/api/pending-changes/${task.id}/confirm`,
      headers: workerA.headers,
      payload: {},
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const person = confirmed.json().person;
    expect(person).toMatchObject({
      name: '赵 来',
      house: { id: house.id },
      arrivalDate: '2026-11-01',
      arrivedFrom: '安徽省阜阳市',
      arrivalReason: '务工',
      relation: '租客',
      residenceType: 'floating',
      status: 'active',
      sex: 'male',
      birthYear: 1985,
    });
    expect(confirmed.json().change).toMatchObject({ status: 'confirmed', personId: person.id });
    const stored = await database()
      .db.selectFrom('persons')
      .selectAll()
      .where('id', '=', person.id)
      .executeTakeFirstOrThrow();
    expect(stored.secret).not.toContain(body.documentNumber.trim().toUpperCase());
    expect(JSON.stringify(stored)).not.toContain(body.phone);

    const again = await app.inject({
      method: 'POST',
      url: `/api/pending-changes/${task.id}/confirm`,
      headers: workerA.headers,
      payload: {},
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('PENDING_CHANGE_DECIDED');
    const audit = await database()
      .db.selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'pending_change')
      .where('entity_id', '=', String(task.id))
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['pending_change.confirm']);
  });

  it('departure → confirm de-registers; an unknown person still lands pending and can only be rejected', async () => {
    const house = await createHouse(workerA, tree.cellA.id);
    const documentNumber = idNumber();
    const registered = await app.inject({
      method: 'POST',
      url: '/api/persons',
      headers: workerA.headers,
      payload: { documentNumber, name: '刘衡荣', houseId: house.id },
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const { token } = await issueCode(workerA, house.id);

    const known = await publicCall('POST', `/api/public/households/${token}/departures`, {
      documentNumber,
      name: '刘衡荣',
      departedOn: '2026-11-03',
      destination: '江苏省苏州市',
    });
    const unknown = await publicCall('POST', `/api/public/households/${token}/departures`, {
      documentNumber: idNumber(),
      name: '陌生人',
      departedOn: '2026-11-03',
      destination: '外地',
    });
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(unknown.body).toBe(known.body);

    const tasks = (await pendingOf(workerA, '&kind=departure')).filter((p) => p.house?.id === house.id);
    const knownTask = tasks.find((t) => t.name === '刘衡荣')!;
    const unknownTask = tasks.find((t) => t.name === '陌生人')!;
    expect(knownTask.matchedPersonId).toBe(registered.json().id);
    expect(unknownTask.matchedPersonId).toBeNull();

    const confirmed = await app.inject({
      method: 'POST',
      url: `/api/pending-changes/${knownTask.id}/confirm`,
      headers: workerA.headers,
      payload: {},
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().person).toMatchObject({
      status: 'departed',
      departedOn: '2026-11-03',
      departureDestination: '江苏省苏州市',
      house: null,
    });

    const noMatch = await app.inject({
      method: 'POST',
      url: `/api/pending-changes/${unknownTask.id}/confirm`,
      headers: workerA.headers,
      payload: {},
    });
    expect(noMatch.statusCode).toBe(409);
    expect(noMatch.json().error.code).toBe('PENDING_NO_MATCH');
    const rejected = await app.inject({
      method: 'POST',
      url: `/api/pending-changes/${unknownTask.id}/reject`,
      headers: workerA.headers,
      payload: { reason: '查无此人' },
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({ status: 'rejected', rejectReason: '查无此人', personId: null });
    const rejectedList = await pendingOf(workerA, '&status=rejected');
    expect(rejectedList.map((p) => p.id)).toContain(unknownTask.id);
  });

  it('rejects malformed public input naming the field, and oversize bodies', async () => {
    const house = await createHouse(workerA, tree.cellA.id);
    const { token } = await issueCode(workerA, house.id);
    const url = `/api/public/households/${token}/arrivals`;
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ documentNumber: '36042619910102009X' }, 'body.documentNumber', 'DOC_CHECKSUM'],
      [{ healthCodeColour: 'PURPLE' }, 'body.healthCodeColour', 'VALIDATION_FAILED'],
      [{ vaccinationDoses: 5 }, 'body.vaccinationDoses', 'VALIDATION_FAILED'],
      [{ phone: '12345' }, 'body.phone', 'PHONE_INVALID'],
      [{ arrivalDate: '1999-01-01' }, 'body.arrivalDate', 'VALIDATION_FAILED'],
      [{ arrivalDate: '2026-02-30' }, 'body.arrivalDate', 'VALIDATION_FAILED'],
      [{ arrivedFrom: 'x'.repeat(101) }, 'body.arrivedFrom', 'VALIDATION_FAILED'],
      [{ name: '张三<script>' }, 'body.name', 'VALIDATION_FAILED'],
      [{ isAdmin: true }, 'body.isAdmin', 'VALIDATION_FAILED'],
    ];
    for (const [overrides, field, code] of cases) {
      const response = await publicCall('POST', url, arrival(overrides));
      expect(response.statusCode, `${field}: ${response.body}`).toBe(400);
      expect(response.json().error.code).toBe(code);
      expect(response.json().error.message).toContain(field);
    }
    const oversize = await publicCall('POST', url, arrival({ arrivalReason: '务'.repeat(5000) }));
    expect(oversize.statusCode).toBe(413);
    expect(oversize.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    const badToken = await publicCall('GET', '/api/public/households/not-a-token');
    expect(badToken.statusCode).toBe(400);
    expect(await pendingOf(workerA).then((items) => items.filter((p) => p.house?.id === house.id))).toEqual(
      [],
    );
  });

  it('limits submissions per code and per client (429)', async () => {
    const tokens: string[] = [];
    for (let i = 0; i < 5; i++)
      tokens.push((await issueCode(workerA, (await createHouse(workerA, tree.cellA.id)).id)).token);
    const invalidBody = { documentNumber: 'x' };
    // Per code: 10 a minute over both forms, whoever sends them (counted before validation).
    for (let i = 0; i < 10; i++) {
      expect(
        (await publicCall('POST', `/api/public/households/${tokens[0]}/departures`, invalidBody)).statusCode,
      ).toBe(400);
    }
    const limited = await publicCall('POST', `/api/public/households/${tokens[0]}/arrivals`, arrival());
    expect(limited.statusCode).toBe(429);
    // The pass application is a form of the same code: its counter is the same, not a fresh ten.
    expect(
      (await publicCall('POST', `/api/public/households/${tokens[0]}/passes`, invalidBody)).statusCode,
    ).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(limited.headers['retry-after']).toBeDefined();
    // Per client: 30 a minute across codes (no code reaches its own 10 here).
    const ip = nextIp();
    for (let i = 0; i < 30; i++) {
      const token = tokens[1 + (i % 4)];
      expect(
        (await publicCall('POST', `/api/public/households/${token}/departures`, invalidBody, ip)).statusCode,
      ).toBe(400);
    }
    expect(
      (await publicCall('POST', `/api/public/households/${tokens[4]}/departures`, invalidBody, ip))
        .statusCode,
    ).toBe(429);
    expect(
      (await publicCall('POST', `/api/public/households/${tokens[4]}/departures`, invalidBody)).statusCode,
    ).toBe(400);
  });

  it('keeps grid A’s codes and pending changes from a worker of grid B (404)', async () => {
    const house = await createHouse(workerA, tree.cellA.id);
    const { token, id: codeId } = await issueCode(workerA, house.id);
    expect((await publicCall('POST', `/api/public/households/${token}/arrivals`, arrival())).statusCode).toBe(
      202,
    );
    const task = (await pendingOf(workerA)).find((p) => p.house?.id === house.id)!;

    expect((await pendingOf(workerB)).map((p) => p.id)).not.toContain(task.id);
    const asB = (method: 'GET' | 'POST', url: string, payload?: object) =>
      app.inject({ method, url, headers: workerB.headers, ...(payload ? { payload } : {}) });
    expect((await asB('GET', `/api/pending-changes/${task.id}`)).statusCode).toBe(404);
    expect((await asB('POST', `/api/pending-changes/${task.id}/confirm`, {})).statusCode).toBe(404);
    expect(
      (await asB('POST', `/api/pending-changes/${task.id}/reject`, { reason: '不是我的' })).statusCode,
    ).toBe(404);
    expect((await asB('GET', `/api/pending-changes?within=${tree.gridA.id}`)).statusCode).toBe(404);
    expect((await asB('POST', `/api/houses/${house.id}/household-code`)).statusCode).toBe(404);
    expect((await asB('POST', `/api/areas/${tree.gridA.id}/household-codes`, {})).statusCode).toBe(404);
    expect((await asB('GET', `/api/areas/${tree.gridA.id}/door-labels.pdf`)).statusCode).toBe(404);
    expect((await asB('POST', `/api/codes/${codeId}/revoke`, {})).statusCode).toBe(404);
    expect((await asB('GET', `/api/codes?houseId=${house.id}`)).json().items).toEqual([]);
    // The community's staff sees and decides it.
    expect((await pendingOf(staff)).map((p) => p.id)).toContain(task.id);
  });

  it('routes self-reports to the community; staff confirm into a house of it', async () => {
    const notVillage = await app.inject({
      method: 'POST',
      url: `/api/areas/${tree.gridA.id}/self-report-code`,
      headers: staff.headers,
    });
    expect(notVillage.statusCode).toBe(400);
    const issued = await app.inject({
      method: 'POST',
      url: `/api/areas/${tree.village.id}/self-report-code`,
      headers: staff.headers,
    });
    expect(issued.statusCode, issued.body).toBe(201);
    const token = issued.json().scanUrl.split('/r/')[1];
    const page = await publicCall('GET', `/api/public/self-report/${token}`);
    expect(page.json().community.name).toBe(tree.village.name);

    const report = {
      documentNumber: idNumber('19920315'),
      name: '钱返乡',
      phone: '13700001111',
      arrivedFrom: '上海市浦东新区',
      travelStartedOn: '2026-10-31',
      arrivalDate: '2026-11-01',
      transport: 'G7012',
      address: '村东头老宅',
      healthCodeColour: 'YELLOW',
    };
    const early = await publicCall('POST', `/api/public/self-report/${token}`, {
      ...report,
      arrivalDate: '2026-10-30',
    });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.details[0].field).toBe('body.arrivalDate');
    expect((await publicCall('POST', `/api/public/self-report/${token}`, report)).statusCode).toBe(202);

    const raw = await database()
      .db.selectFrom('pending_changes')
      .selectAll()
      .where('kind', '=', 'self_report')
      .executeTakeFirstOrThrow();
    expect(raw.area_path).toBe(tree.village.path);
    expect((await pendingOf(workerA, '&kind=self_report')).length).toBe(0);
    const task = (await pendingOf(staff, '&kind=self_report'))[0]!;
    expect(task).toMatchObject({
      house: null,
      area: { id: tree.village.id },
      answers: { travelStartedOn: '2026-10-31', transport: 'G7012', address: '村东头老宅' },
    });

    const withoutPlace = await app.inject({
      method: 'POST',
      url: `/api/pending-changes/${task.id}/confirm`,
      headers: staff.headers,
      payload: {},
    });
    expect(withoutPlace.statusCode).toBe(400);
    const house = await createHouse(staff, tree.cellB.id);
    const confirmed = await app.inject({
      method: 'POST',
      url: `/api/pending-changes/${task.id}/confirm`,
      headers: staff.headers,
      payload: { houseId: house.id, residenceType: 'registered' },
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().person).toMatchObject({
      name: '钱返乡',
      house: { id: house.id },
      arrivedFrom: '上海市浦东新区',
      arrivalDate: '2026-11-01',
      residenceType: 'registered',
    });
  });

  it('issues missing codes only and prints door labels for an area as an A4 PDF with the CJK font', async () => {
    const houses = [];
    for (let i = 0; i < 9; i++) houses.push(await createHouse(workerA, tree.cellA.id));
    const kept = await issueCode(workerA, houses[0]!.id);
    const issued = await app.inject({
      method: 'POST',
      url: `/api/areas/${tree.cellA.id}/household-codes`,
      headers: workerA.headers,
      payload: {},
    });
    expect(issued.statusCode, issued.body).toBe(200);
    const response = await app.inject({
      url: `/api/areas/${tree.cellA.id}/door-labels.pdf`,
      headers: workerA.headers,
    });
    expect(response.statusCode, response.body.slice(0, 200)).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const pdf = response.rawPayload.toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    const cellHouses = await database()
      .db.selectFrom('houses')
      .select('id')
      .where('area_id', '=', tree.cellA.id)
      .execute();
    expect(pdf.match(/\/Type \/Page\b(?!s)/g)?.length).toBe(Math.ceil(cellHouses.length / 8));
    expect(pdf).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC-Regular/);
    expect(pdf).toContain('/FontFile2');
    // Every house has one active code now; the one printed before is still valid.
    const active = await database()
      .db.selectFrom('access_codes')
      .select(['house_id'])
      .where('kind', '=', 'household')
      .where('status', '=', 'active')
      .where('area_id', '=', tree.cellA.id)
      .execute();
    expect(new Set(active.map((c) => c.house_id)).size).toBe(cellHouses.length);
    expect(active.length).toBe(cellHouses.length);
    expect((await publicCall('GET', `/api/public/households/${kept.token}`)).statusCode).toBe(200);

    const bulk = await app.inject({
      method: 'POST',
      url: `/api/areas/${tree.cellA.id}/household-codes`,
      headers: workerA.headers,
      payload: {},
    });
    expect(bulk.json()).toMatchObject({
      houses: cellHouses.length,
      issued: 0,
      alreadyHad: cellHouses.length,
    });
    const reissued = await app.inject({
      method: 'POST',
      url: `/api/areas/${tree.cellA.id}/household-codes`,
      headers: workerA.headers,
      payload: { reissue: true },
    });
    expect(reissued.json()).toMatchObject({ issued: cellHouses.length });
    expect((await publicCall('GET', `/api/public/households/${kept.token}`)).statusCode).toBe(404);
  });
});
