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
import { addPerson, systemActor } from '../../test-support/health-rounds-fixtures.js';
import { movePerson } from '../../register/person-service.js';
import { flagReturnees } from './returnees.js';

const DAY = 86_400_000;

describeEachDatabase('key persons', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let workerA: Session;
  let workerAId: number;
  let workerB: Session;
  let staff: Session;
  let microWorkerId: number;
  const usernames: Record<'workerA' | 'workerB' | 'staff', string> = { workerA: '', workerB: '', staff: '' };
  const clock = new TestClock();
  const people: Record<string, number> = {};

  const get = (session: Session, url: string) => app.inject({ url, headers: session.headers });
  const send = (session: Session, method: 'POST' | 'PATCH', url: string, payload: object = {}) =>
    app.inject({ method, url, headers: session.headers, payload });
  const tasks = async (session: Session, query = '') =>
    (await get(session, `/api/key-persons/tasks${query}`)).json() as {
      total: number;
      items: Array<{ kind: string; keyPersonId: number; missing: number; since: string }>;
    };

  /** Sessions lapse after 12 idle hours: a day later everyone signs in again. */
  const signInAll = async () => {
    workerA = await signIn(app, usernames.workerA);
    workerB = await signIn(app, usernames.workerB);
    staff = await signIn(app, usernames.staff);
  };
  const nextDays = async (days: number) => {
    clock.advance(days * DAY);
    await signInAll();
  };

  beforeAll(async () => {
    const db = database().db;
    app = await testApp(database(), clock);
    tree = await createAreaTree(db);
    const a = await createUser(db, [{ role: 'grid_worker', area: tree.gridA }]);
    workerAId = a.id;
    usernames.workerA = a.username;
    usernames.workerB = (await createUser(db, [{ role: 'grid_worker', area: tree.gridB }])).username;
    await createUser(db, [{ role: 'grid_worker', area: tree.gridB }]);
    microWorkerId = (await createUser(db, [{ role: 'grid_worker', area: tree.microB }])).id;
    usernames.staff = (await createUser(db, [{ role: 'community_staff', area: tree.village }])).username;
    await signInAll();
    people.contact = (await addPerson(db, tree.cellA.id, { name: '密接甲', phone: '13900001111' })).id;
    people.fever = (await addPerson(db, tree.gridA.id, { name: '发热乙' })).id;
    people.inGridB = (await addPerson(db, tree.gridB.id, { name: '乙网格人' })).id;
    people.inCellB = (await addPerson(db, tree.cellB.id, { name: '乙埭人' })).id;
  });
  afterAll(async () => {
    await app.close();
  });

  let contact: number;

  it('puts a person under follow-up with a plan, generating the follow-ups, the grid worker responsible by default', async () => {
    const created = await send(workerA, 'POST', '/api/key-persons', {
      personId: people.contact,
      category: 'close_contact',
      endsOn: '2026-11-08',
      plan: { temperatureSlots: ['pm', 'am'], testDays: [7, 1, 4], dailyCall: true },
      reason: '与确诊病例同一场所',
    });
    expect(created.statusCode, created.body).toBe(201);
    contact = created.json().id;
    expect(created.json()).toMatchObject({
      person: { id: people.contact, name: '密接甲', phoneMasked: '139****1111', area: { id: tree.cellA.id } },
      category: 'close_contact',
      status: 'active',
      startsOn: '2026-11-02',
      endsOn: '2026-11-08',
      responsible: { id: workerAId },
      plan: { temperatureSlots: ['am', 'pm'], testDays: [1, 4, 7], dailyCall: true },
      followUps: { dueToday: 4, doneToday: 0, missing: 0 },
    });
    const detail = (await get(workerA, `/api/key-persons/${contact}`)).json();
    // 7 days × (2 temperatures + 1 call) + tests on days 1, 4 and 7.
    expect(detail.schedule).toHaveLength(24);
    expect(
      detail.schedule
        .filter((f: { kind: string }) => f.kind === 'test')
        .map((f: { dueOn: string }) => f.dueOn),
    ).toEqual(['2026-11-02', '2026-11-05', '2026-11-08']);

    const again = await send(workerA, 'POST', '/api/key-persons', {
      personId: people.contact,
      category: 'close_contact',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('KEY_PERSON_EXISTS');
    const notTheirs = await send(workerA, 'POST', '/api/key-persons', {
      personId: people.fever,
      category: 'fever',
      responsibleUserId: microWorkerId,
    });
    expect(notTheirs.statusCode).toBe(400);
    expect(notTheirs.json().error.code).toBe('RESPONSIBLE_INVALID');
    expect(
      (await send(workerB, 'POST', '/api/key-persons', { personId: people.contact, category: 'fever' }))
        .statusCode,
    ).toBe(404);
  });

  it('chooses the nearest grid worker only when there is exactly one', async () => {
    const inGrid = await send(staff, 'POST', '/api/key-persons', {
      personId: people.inGridB,
      category: 'home_monitoring',
    });
    expect(inGrid.statusCode, inGrid.body).toBe(201);
    expect(inGrid.json().responsible).toBeNull();
    const inCell = await send(staff, 'POST', '/api/key-persons', {
      personId: people.inCellB,
      category: 'home_monitoring',
    });
    expect(inCell.json().responsible).toMatchObject({ id: microWorkerId });
    expect(inCell.json().endsOn).toBe('2026-11-08');
  });

  it('records follow-ups due today or earlier, once', async () => {
    const schedule = (await get(workerA, `/api/key-persons/${contact}`)).json().schedule as Array<{
      id: number;
      dueOn: string;
      slot: string;
    }>;
    const todayAm = schedule.find((f) => f.dueOn === '2026-11-02' && f.slot === 'am')!;
    const tomorrowAm = schedule.find((f) => f.dueOn === '2026-11-03' && f.slot === 'am')!;
    const url = (id: number) => `/api/key-persons/${contact}/follow-ups/${id}`;
    expect((await send(workerA, 'POST', url(todayAm.id), { note: '电话' })).statusCode).toBe(400);
    const recorded = await send(workerA, 'POST', url(todayAm.id), { temperature: 36.6, symptoms: '无' });
    expect(recorded.statusCode, recorded.body).toBe(200);
    expect(recorded.json()).toMatchObject({ done: true, temperature: 36.6, symptoms: '无' });
    expect((await send(workerA, 'POST', url(todayAm.id), { temperature: 36.6 })).json().error.code).toBe(
      'FOLLOW_UP_DONE',
    );
    expect((await send(workerA, 'POST', url(tomorrowAm.id), { temperature: 36.6 })).json().error.code).toBe(
      'FOLLOW_UP_NOT_DUE',
    );
    expect((await send(workerB, 'POST', url(todayAm.id), { temperature: 36.6 })).statusCode).toBe(404);
  });

  it('turns what was not done by the end of the day into a task for the worker and those above', async () => {
    expect((await tasks(workerA)).total).toBe(0);
    await nextDays(1);
    const mine = await tasks(workerA, '?responsible=me');
    expect(mine.items).toEqual([
      expect.objectContaining({
        kind: 'follow_up_missing',
        keyPersonId: contact,
        missing: 3,
        since: '2026-11-02',
      }),
    ]);
    expect((await tasks(staff)).items.map((t) => t.keyPersonId)).toContain(contact);
    expect((await tasks(staff, `?responsible=${workerAId}`)).items.map((t) => t.keyPersonId)).toEqual([
      contact,
    ]);
    expect((await tasks(workerB)).items.map((t) => t.keyPersonId)).not.toContain(contact);
    expect((await tasks(staff, `?within=${tree.gridB.id}`)).items.map((t) => t.keyPersonId)).not.toContain(
      contact,
    );
  });

  it('surfaces ended periods, and ends or transfers a key person', async () => {
    const fever = await send(workerA, 'POST', '/api/key-persons', {
      personId: people.fever,
      category: 'fever',
      startsOn: '2026-11-03',
      endsOn: '2026-11-03',
      plan: { temperatureSlots: ['am'] },
    });
    expect(fever.statusCode, fever.body).toBe(201);
    const feverId = fever.json().id;
    const extended = await send(workerA, 'PATCH', `/api/key-persons/${feverId}`, { endsOn: '2026-11-04' });
    expect(extended.json()).toMatchObject({ endsOn: '2026-11-04' });
    expect((await get(workerA, `/api/key-persons/${feverId}`)).json().schedule).toHaveLength(2);

    await nextDays(2); // 2026-11-05
    const ended = (await tasks(workerA)).items.filter((t) => t.keyPersonId === feverId);
    expect(ended.map((t) => t.kind).sort()).toEqual(['follow_up_missing', 'period_ended']);

    const done = await send(workerA, 'POST', `/api/key-persons/${feverId}/end`, { note: '体温正常，解除' });
    expect(done.json()).toMatchObject({ status: 'ended', endNote: '体温正常，解除' });
    expect((await tasks(workerA)).items.map((t) => t.keyPersonId)).not.toContain(feverId);
    expect((await send(workerA, 'POST', `/api/key-persons/${feverId}/end`)).statusCode).toBe(409);

    const moved = await send(workerA, 'POST', `/api/key-persons/${contact}/transfer`, {
      destination: '集中隔离点A酒店',
    });
    expect(moved.json()).toMatchObject({ status: 'transferred', endNote: '集中隔离点A酒店' });
    // Follow-ups after the transfer day are gone; the past stays.
    const schedule = (await get(workerA, `/api/key-persons/${contact}`)).json().schedule as Array<{
      dueOn: string;
    }>;
    expect(schedule.every((f) => f.dueOn <= '2026-11-05')).toBe(true);
    const listed = (await get(workerA, '/api/key-persons?status=all')).json();
    expect(listed.items.map((k: { id: number }) => k.id).sort()).toEqual([contact, feverId].sort());
    expect((await get(workerA, '/api/key-persons')).json().total).toBe(0);

    const audit = await database()
      .db.selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'key_person')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'key_person.create',
        'key_person.update',
        'key_person.end',
        'key_person.transfer',
      ]),
    );
  });

  it('follows the person when they move to another grid', async () => {
    const db = database().db;
    const id = (await addPerson(db, tree.gridA.id, { name: '搬家丙' })).id;
    const created = await send(workerA, 'POST', '/api/key-persons', {
      personId: id,
      category: 'home_quarantine',
    });
    expect(created.statusCode).toBe(201);
    await movePerson(db, systemActor(), id, { areaId: tree.gridB.id });
    expect((await get(workerA, `/api/key-persons/${created.json().id}`)).statusCode).toBe(404);
    expect((await get(workerB, `/api/key-persons/${created.json().id}`)).json().person.area.id).toBe(
      tree.gridB.id,
    );
  });

  it('flags returnees from current risk areas, once per arrival, in the scanner’s scope', async () => {
    const db = database().db;
    const today = '2026-11-05';
    const daysAgo = (n: number) =>
      new Date(Date.parse(`${today}T00:00:00Z`) - n * DAY).toISOString().slice(0, 10);
    await db
      .insertInto('risk_areas')
      .values([
        {
          source: 'province',
          region_code: '420106',
          name: '武昌区中南路街道',
          level: 'high',
          valid_from: new Date('2026-11-01T00:00:00+08:00'),
        },
        {
          source: 'province',
          region_code: null,
          name: '杨浦区',
          level: 'medium',
          valid_from: new Date('2026-10-01T00:00:00+08:00'),
          valid_to: new Date('2026-10-20T00:00:00+08:00'),
        },
      ])
      .execute();
    const arrive = (area: number, name: string, arrivalDate: string, arrivedFrom: string) =>
      addPerson(db, area, { name, arrivalDate, arrivedFrom });
    const byName = (await arrive(tree.gridA.id, '返乡甲', daysAgo(3), '湖北省武汉市武昌区中南路街道')).id;
    const byCode = (await arrive(tree.gridB.id, '返乡乙', daysAgo(1), '420106')).id;
    await arrive(tree.gridA.id, '早到丙', daysAgo(20), '湖北省武汉市武昌区中南路街道');
    await arrive(tree.gridA.id, '沪来丁', daysAgo(2), '上海市杨浦区'); // risk area no longer current

    const scan = await send(workerA, 'POST', '/api/key-persons/scan-returnees');
    expect(scan.statusCode, scan.body).toBe(200);
    expect(scan.json()).toEqual({ flagged: 1 }); // the other one is in grid B
    expect((await flagReturnees(db, clock.now())).flagged).toEqual([]);

    const returnees = (await get(staff, '/api/key-persons?category=returnee')).json();
    expect(returnees.items.map((k: { person: { id: number } }) => k.person.id).sort()).toEqual(
      [byName, byCode].sort(),
    );
    const first = returnees.items.find((k: { person: { id: number } }) => k.person.id === byName);
    expect(first).toMatchObject({
      source: 'returnee_scan',
      startsOn: today,
      endsOn: '2026-11-15',
      responsible: { id: workerAId },
      followUps: { dueToday: 2 },
    });
    expect(first.reason).toContain('武昌区中南路街道');
    expect(first).toMatchObject({
      reasonCode: 'risk_area',
      reasonParams: { areas: expect.stringContaining('武昌区中南路街道'), arrivedOn: expect.any(String) },
    });

    // A worker who ends it has decided: the same arrival is not flagged again.
    await send(workerA, 'POST', `/api/key-persons/${first.id}/end`, { note: '核实为误报' });
    expect((await flagReturnees(db, clock.now())).flagged).toEqual([]);
    const audit = await db
      .selectFrom('audit_log')
      .select('actor_name')
      .where('action', '=', 'key_person.flag')
      .execute();
    expect(audit).toEqual([{ actor_name: 'system:returnee-scan' }, { actor_name: 'system:returnee-scan' }]);
  });
});
