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
import { purgeExpiredScans } from './retention.js';

const DAY_MS = 24 * 3600 * 1000;
const first17 = '11010119800101123';
const ID_NUMBER = first17 + residentIdCheckCharacter(first17);

describeEachDatabase('place codes and scans', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let workerA: Session;
  let workerB: Session;
  const clock = new TestClock();
  let placeId: number;
  let token: string;

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
    const created = await app.inject({
      method: 'POST',
      url: '/api/places',
      headers: workerA.headers,
      payload: { areaId: tree.microA.id, name: '星火便利店', kind: 'shop', address: '星火路8号' },
    });
    expect(created.statusCode, created.body).toBe(201);
    placeId = created.json().place.id;
    token = created.json().code.scanUrl.split('/p/')[1];
  });
  afterAll(async () => {
    await app.close();
  });

  const scan = (payload: object, ip = '10.20.0.1') =>
    app.inject({ method: 'POST', url: `/api/public/places/${token}/scans`, payload, remoteAddress: ip });

  it('records scans as hashes and ciphertext, and lists them masked to staff in scope', async () => {
    const page = await app.inject({ url: `/api/public/places/${token}` });
    expect(page.json()).toMatchObject({ place: { name: '星火便利店', kind: 'shop' }, retentionDays: 21 });

    expect((await scan({ documentNumber: ID_NUMBER, name: '孙小明' })).statusCode).toBe(201);
    expect((await scan({ phone: '13600001234' })).statusCode).toBe(201);
    const neither = await scan({ name: '无证件' });
    expect(neither.statusCode).toBe(400);
    expect(neither.json().error.message).toContain('body.documentNumber');
    expect((await scan({ documentNumber: '36042619910102009X' })).json().error.code).toBe('DOC_CHECKSUM');

    const rows = await database()
      .db.selectFrom('place_scans')
      .selectAll()
      .where('place_id', '=', placeId)
      .execute();
    expect(rows).toHaveLength(2);
    const text = JSON.stringify(rows);
    for (const plain of [ID_NUMBER, '13600001234', '孙小明']) expect(text).not.toContain(plain);
    expect(rows.every((r) => r.document_hash !== null || r.phone_hash !== null)).toBe(true);

    const list = await app.inject({ url: `/api/places/${placeId}/scans`, headers: workerA.headers });
    expect(list.statusCode, list.body).toBe(200);
    expect(
      list
        .json()
        .items.map(
          (s: { documentMasked: string | null; phoneMasked: string | null; nameMasked: string | null }) => [
            s.documentMasked,
            s.phoneMasked,
            s.nameMasked,
          ],
        ),
    ).toEqual(
      expect.arrayContaining([
        [`1****************${ID_NUMBER.slice(-1)}`, null, '孙**'],
        [null, '136****1234', null],
      ]),
    );
    expect(
      (await app.inject({ url: `/api/places/${placeId}/scans`, headers: workerB.headers })).statusCode,
    ).toBe(404);
    expect((await app.inject({ url: '/api/places', headers: workerB.headers })).json().items).toEqual([]);
  });

  it('re-issues the place code (old one 404) and deletes scans after the retention period', async () => {
    const reissued = await app.inject({
      method: 'POST',
      url: `/api/places/${placeId}/code`,
      headers: workerA.headers,
    });
    expect(reissued.statusCode, reissued.body).toBe(201);
    const oldToken = token;
    token = reissued.json().scanUrl.split('/p/')[1];
    expect((await app.inject({ url: `/api/public/places/${oldToken}` })).statusCode).toBe(404);

    clock.advance(10 * DAY_MS);
    expect((await scan({ phone: '13600005678' })).statusCode).toBe(201);
    const count = async () =>
      Number(
        (
          await database()
            .db.selectFrom('place_scans')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('place_id', '=', placeId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count()).toBe(3);
    // Day 20 after the first scans: nothing has expired yet.
    clock.advance(10 * DAY_MS);
    expect(await purgeExpiredScans(database().db, clock.now(), 21)).toBe(0);
    // Day 22: the first two are past 21 days, the later one is not.
    clock.advance(2 * DAY_MS);
    expect(await purgeExpiredScans(database().db, clock.now(), 21)).toBe(2);
    expect(await count()).toBe(1);

    // The registry's job does the same on its own, with the configured retention (21 days).
    expect(app.config.placeScanRetentionDays).toBe(21);
    clock.advance(30 * DAY_MS);
    const failures: unknown[] = [];
    await app.jobs.start(['place-scan-purge'], {
      timing: { 'place-scan-purge': { every: 10, firstRunMs: 0 } },
      onError: (_job, error) => failures.push(error),
    });
    expect(app.jobs.running).toEqual(['place-scan-purge']);
    for (let i = 0; i < 100 && (await count()) > 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await app.jobs.stop();
    expect(failures).toEqual([]);
    expect(await count()).toBe(0);
  });
});
