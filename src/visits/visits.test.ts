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

let serial = 300;
function idNumber(): string {
  const first17 = `11010119700101${String(serial++).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}

describeEachDatabase('household visits', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let workerA: Session;
  let workerAUser: { id: number; username: string };
  let workerB: Session;
  const clock = new TestClock();
  const houses: Array<{ id: number }> = [];
  const residents: number[] = [];

  beforeAll(async () => {
    app = await testApp(database(), clock);
    tree = await createAreaTree(database().db);
    workerAUser = await createUser(database().db, [{ role: 'grid_worker', area: tree.gridA }]);
    workerA = await signIn(app, workerAUser.username);
    workerB = await signIn(
      app,
      (await createUser(database().db, [{ role: 'grid_worker', area: tree.gridB }])).username,
    );
    const post = async (session: Session, url: string, payload: object) => {
      const response = await app.inject({ method: 'POST', url, headers: session.headers, payload });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<{ id: number }>();
    };
    // Two houses in grid A (one in its cell, one in its micro-grid), one in grid B.
    houses.push(await post(workerA, '/api/houses', { areaId: tree.cellA.id, address: '甲一埭1号' }));
    houses.push(await post(workerA, '/api/houses', { areaId: tree.microA.id, address: '甲一微网格2号' }));
    houses.push(await post(workerB, '/api/houses', { areaId: tree.cellB.id, address: '乙一埭1号' }));
    for (const name of ['周大爷', '周小妹']) {
      residents.push(
        (await post(workerA, '/api/persons', { documentNumber: idNumber(), name, houseId: houses[0]!.id }))
          .id,
      );
    }
  });
  afterAll(async () => {
    await app.close();
  });

  const visit = (session: Session, payload: object) =>
    app.inject({ method: 'POST', url: '/api/visits', headers: session.headers, payload });
  const person = async (id: number) =>
    (await app.inject({ url: `/api/persons/${id}`, headers: workerA.headers })).json();

  it('refuses people of another house and rolls every change back on an error', async () => {
    const stranger = await visit(workerA, { houseId: houses[1]!.id, seenPersonIds: [residents[0]] });
    expect(stranger.statusCode).toBe(400);
    expect(stranger.json().error.details[0].field).toBe('body.seenPersonIds.0');

    const broken = await visit(workerA, {
      houseId: houses[0]!.id,
      seenPersonIds: [],
      changes: {
        departures: [{ personId: residents[1], departedOn: '2026-11-01' }],
        arrivals: [{ documentNumber: '36042619910102009X', name: '坏号码' }],
      },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.details[0].field).toBe('body.changes.arrivals.0.documentNumber');
    expect((await person(residents[1]!)).status).toBe('active');
    expect((await visit(workerB, { houseId: houses[0]!.id, seenPersonIds: [] })).statusCode).toBe(404);
  });

  it('applies arrivals, departures, phone and tag changes, and counts toward coverage', async () => {
    const newcomer = idNumber();
    const response = await visit(workerA, {
      houseId: houses[0]!.id,
      seenPersonIds: [residents[0]],
      notes: '老人独居，子女在外地',
      changes: {
        arrivals: [
          {
            documentNumber: newcomer,
            name: '吴新来',
            phone: '13811112222',
            arrivalDate: '2026-11-01',
            arrivedFrom: '河南',
          },
        ],
        departures: [{ personId: residents[1], departedOn: '2026-11-01', destination: '杭州' }],
        phoneUpdates: [{ personId: residents[0], phone: '13900001111' }],
        tagUpdates: [{ personId: residents[0], tags: ['elderly_alone'] }],
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    const result = response.json();
    expect(result.visit).toMatchObject({
      house: { id: houses[0]!.id },
      worker: { userId: workerAUser.id },
      seenPersonIds: [residents[0]],
      counts: { seen: 1, arrivals: 1, departures: 1, phoneUpdates: 1, tagUpdates: 1 },
      notes: '老人独居，子女在外地',
    });
    expect(result.persons.arrived[0]).toMatchObject({
      name: '吴新来',
      house: { id: houses[0]!.id },
      arrivedFrom: '河南',
    });
    expect(await person(residents[1]!)).toMatchObject({ status: 'departed', departureDestination: '杭州' });
    expect(await person(residents[0]!)).toMatchObject({
      phoneMasked: '139****1111',
      tags: ['elderly_alone'],
    });

    // A second visit to the same house this month, and one to grid B's house last month.
    expect((await visit(workerA, { houseId: houses[0]!.id, seenPersonIds: [] })).statusCode).toBe(201);
    const lastMonth = new Date(clock.now().getTime() - 5 * 24 * 3600 * 1000).toISOString();
    expect(
      (await visit(workerB, { houseId: houses[2]!.id, seenPersonIds: [], visitedAt: lastMonth })).statusCode,
    ).toBe(201);

    const listed = await app.inject({
      url: `/api/visits?worker=${workerAUser.id}`,
      headers: workerA.headers,
    });
    expect(listed.json().total).toBe(2);
    expect(
      (await app.inject({ url: '/api/visits', headers: workerB.headers }))
        .json()
        .items.map((v: { house: { id: number } }) => v.house.id),
    ).toEqual([houses[2]!.id]);

    const coverage = await app.inject({
      url: `/api/visits/coverage?areaId=${tree.village.id}`,
      headers: workerA.headers,
    });
    expect(coverage.statusCode).toBe(404);
    const staff = await signIn(
      app,
      (await createUser(database().db, [{ role: 'community_staff', area: tree.village }])).username,
    );
    const village = await app.inject({
      url: `/api/visits/coverage?areaId=${tree.village.id}`,
      headers: staff.headers,
    });
    expect(village.statusCode, village.body).toBe(200);
    const body = village.json();
    expect(body.from).toBe('2026-10-31T16:00:00.000Z');
    expect(body.total).toMatchObject({ houses: 3, visitedHouses: 1, visits: 2 });
    const rows = Object.fromEntries(body.rows.map((r: { area: { id: number } }) => [r.area.id, r]));
    expect(rows[tree.gridA.id]).toMatchObject({
      houses: 2,
      visitedHouses: 1,
      coverage: 0.5,
      visits: 2,
      workers: [{ userId: workerAUser.id, visits: 2, houses: 1 }],
    });
    expect(rows[tree.microA.id]).toMatchObject({ houses: 2, visitedHouses: 1, coverage: 0.5 });
    expect(rows[tree.gridB.id]).toMatchObject({ houses: 1, visitedHouses: 0, coverage: 0, workers: [] });

    const october = await app.inject({
      url: `/api/visits/coverage?areaId=${tree.gridB.id}&from=2026-10-01T00:00:00%2B08:00&to=2026-11-01T00:00:00%2B08:00`,
      headers: workerB.headers,
    });
    expect(october.json().total).toMatchObject({ houses: 1, visitedHouses: 1, coverage: 1 });
  });
});
