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
import {
  addHouse,
  addPerson,
  addPlace,
  addScan,
  nextIdNumber,
  systemActor,
} from '../../test-support/health-leads-fixtures.js';

const HOUR_MS = 3600 * 1000;
const MINUTE_MS = 60 * 1000;

interface Contact {
  ref: string;
  sources: string[];
  registered: boolean;
  person: { id: number } | null;
  nameMasked: string | null;
  phoneMasked: string | null;
  encounters: Array<{ placeName: string; minutesApart: number }>;
}

describeEachDatabase('contact finding', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  const clock = new TestClock();
  let workerA: Session;
  let workerB: Session;
  let staff: Session;
  const people: Record<string, { id: number; documentNumber: string }> = {};

  beforeAll(async () => {
    app = await testApp(database(), clock);
    const db = database().db;
    tree = await createAreaTree(db);
    const login = async (role: 'community_staff' | 'grid_worker', area: AreaTree[keyof AreaTree]) =>
      signIn(app, (await createUser(db, [{ role, area }])).username);
    workerA = await login('grid_worker', tree.gridA);
    workerB = await login('grid_worker', tree.gridB);
    staff = await login('community_staff', tree.village);
    const actor = systemActor(clock.now);
    const home = await addHouse(db, actor, tree.cellA.id, '星火路1号');
    people.case = await addPerson(db, actor, app.cipher, {
      houseId: home,
      name: '陈病例',
      phone: '13800000001',
    });
    people.spouse = await addPerson(db, actor, app.cipher, { houseId: home, name: '陈配偶' });
    people.neighbour = await addPerson(db, actor, app.cipher, { areaId: tree.gridB.id, name: '林邻居' });
    people.late = await addPerson(db, actor, app.cipher, { areaId: tree.gridB.id, name: '晚到者' });

    // The case tested positive yesterday; three days ago they shopped, the day before they ate out.
    const now = clock.now().getTime();
    await db
      .insertInto('health_records')
      .values({
        kind: 'test',
        source: 'lab',
        record_key: 'id:p1',
        person_id: people.case.id,
        area_path: tree.cellA.path,
        occurred_at: new Date(now - 24 * HOUR_MS),
        result: 'positive',
      })
      .execute();
    const shop = await addPlace(db, tree.microB, '星火超市');
    const diner = await addPlace(db, tree.microA, '老街面馆');
    const at = (hoursAgo: number, minutes = 0) => new Date(now - hoursAgo * HOUR_MS + minutes * MINUTE_MS);
    await addScan(db, app.cipher, shop, at(72), {
      documentNumber: people.case.documentNumber,
      name: '陈病例',
    });
    await addScan(db, app.cipher, shop, at(72, 30), {
      documentNumber: people.neighbour.documentNumber,
      name: '林邻居',
    });
    await addScan(db, app.cipher, shop, at(72, -90), { phone: '13700000077', name: '路人甲' });
    await addScan(db, app.cipher, shop, at(72, 45), { phone: '13700000077', name: '路人甲' });
    // Three hours later: outside ±2 h.
    await addScan(db, app.cipher, shop, at(69), {
      documentNumber: people.late.documentNumber,
      name: '晚到者',
    });
    // The case scanned with the phone only at the diner; the neighbour was there too.
    await addScan(db, app.cipher, diner, at(96), { phone: '13800000001' });
    await addScan(db, app.cipher, diner, at(96, 10), { documentNumber: people.neighbour.documentNumber });
    // Far outside the period (the default looks back 4 days before the positive test).
    await addScan(db, app.cipher, shop, at(200), { documentNumber: people.case.documentNumber });
    await addScan(db, app.cipher, shop, at(200, 5), { documentNumber: nextIdNumber(), name: '远古' });
  });
  afterAll(async () => {
    await app.close();
  });

  const find = (session: Session, query = '') =>
    app.inject({ url: `/api/contacts/${people.case!.id}${query}`, headers: session.headers });

  it('lists who scanned the same places within ±2 hours, and the household, masked', async () => {
    const response = await find(workerA);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.case).toMatchObject({
      personId: people.case!.id,
      nameMasked: '陈**',
      positive: { recordId: expect.any(Number) },
    });
    expect(body.window.hours).toBe(2);
    expect(body.visits.map((v: { placeName: string }) => v.placeName)).toEqual(['老街面馆', '星火超市']);
    const contacts: Contact[] = body.contacts;
    const byName = new Map(contacts.map((c) => [c.nameMasked, c]));
    expect([...byName.keys()].sort()).toEqual(['林**', '路**', '陈**'].sort());
    const neighbour = byName.get('林**')!;
    // Registered in grid B: matched, but not shown to a grid A worker.
    expect(neighbour).toMatchObject({
      ref: `person:${people.neighbour!.id}`,
      registered: true,
      person: null,
      sources: ['scan'],
    });
    expect(neighbour.encounters.map((e) => [e.placeName, e.minutesApart])).toEqual([
      ['老街面馆', 10],
      ['星火超市', 30],
    ]);
    const stranger = byName.get('路**')!;
    expect(stranger).toMatchObject({ registered: false, person: null, phoneMasked: '137****0077' });
    expect(stranger.ref).toMatch(/^scan:\d+$/);
    expect(stranger.encounters).toHaveLength(2);
    const spouse = byName.get('陈**')!;
    expect(spouse).toMatchObject({
      ref: `person:${people.spouse!.id}`,
      sources: ['household'],
      person: { id: people.spouse!.id },
    });
    expect(JSON.stringify(body)).not.toContain(people.neighbour!.documentNumber);

    // A narrower window keeps only the closest.
    const narrow = (await find(workerA, '?hours=0.25')).json();
    expect(narrow.contacts.map((c: Contact) => c.nameMasked).sort()).toEqual(['林**', '陈**'].sort());
    const audit = await database()
      .db.selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'contacts.find')
      .where('entity_id', '=', String(people.case!.id))
      .execute();
    expect(audit.length).toBeGreaterThanOrEqual(2);
  });

  it('answers 404 outside the caller’s area', async () => {
    expect((await find(workerB)).statusCode).toBe(404);
    const post = await app.inject({
      method: 'POST',
      url: `/api/contacts/${people.case!.id}/leads`,
      headers: workerB.headers,
      payload: { refs: [`person:${people.spouse!.id}`] },
    });
    expect(post.statusCode).toBe(404);
  });

  it('turns chosen contacts into close-contact leads routed like any lead, once', async () => {
    const contacts: Contact[] = (await find(staff)).json().contacts;
    const refs = contacts.map((c) => c.ref);
    const create = (payload: object) =>
      app.inject({
        method: 'POST',
        url: `/api/contacts/${people.case!.id}/leads`,
        headers: staff.headers,
        payload,
      });
    expect((await create({ refs: ['person:999999'] })).json().error.code).toBe('CONTACT_NOT_FOUND');
    const response = await create({ refs });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      inserted: 3,
      unchanged: 0,
      routed: { person: 2, address: 0, inbox: 1 },
    });

    const leads = await database()
      .db.selectFrom('leads')
      .selectAll()
      .where('batch_reference', '=', `contacts:person:${people.case!.id}`)
      .orderBy('id')
      .execute();
    const byPerson = new Map(leads.map((l) => [l.person_id, l]));
    expect(byPerson.get(people.neighbour!.id)).toMatchObject({
      routed_by: 'person',
      area_id: tree.gridB.id,
      tier: 'worker',
    });
    expect(byPerson.get(people.spouse!.id)).toMatchObject({ routed_by: 'person', area_id: tree.cellA.id });
    expect(byPerson.get(null)).toMatchObject({
      routed_by: 'inbox',
      area_id: tree.village.id,
      phone_masked: '137****0077',
    });
    for (const lead of leads) {
      expect(lead.reason).toContain(`close contact of case #${people.case!.id}`);
      expect(lead.deadline.getTime()).toBe(clock.now().getTime() + 24 * HOUR_MS);
    }
    expect(byPerson.get(people.spouse!.id)!.reason).toContain('同户居住');
    expect(app.cipher.decryptRecord(byPerson.get(null)!.identity_secret)).toMatchObject({
      phone: '13700000077',
    });

    // Choosing them again changes nothing; the grid B worker now has the neighbour's lead.
    expect((await create({ refs })).json()).toMatchObject({ inserted: 0, unchanged: 3 });
    const listB = (await app.inject({ url: '/api/leads', headers: workerB.headers })).json();
    expect(listB.items.map((l: { personId: number }) => l.personId)).toEqual([people.neighbour!.id]);
  });
});
