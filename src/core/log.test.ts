import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { createApiToken } from '../auth/repository.js';
import { createEventWorld, type EventWorld } from '../test-support/events-fixtures.js';
import { createHouse, issueDoorToken } from '../test-support/services-fixtures.js';
import { describeEachDatabase } from '../test-support/database.js';
import { type Session, signIn, TestClock, testConfig } from '../test-support/factories.js';
import { multipart } from '../test-support/multipart.js';
import { REDACTED, redactUrl } from './log.js';

const TOKEN = 'Abc123_-xyzXYZ0987654q';

describe('redactUrl', () => {
  it.each([
    [`/h/${TOKEN}`, `/h/${REDACTED}`],
    [`/r/${TOKEN}`, `/r/${REDACTED}`],
    [`/p/${TOKEN}`, `/p/${REDACTED}`],
    [`/e/${TOKEN}?lang=en`, `/e/${REDACTED}?lang=en`],
    ['/help/short-one', `/help/${REDACTED}`],
    [`/api/public/requests/${TOKEN}/cancel`, `/api/public/requests/${REDACTED}/cancel`],
    [`/api/public/households/${TOKEN}/arrivals`, `/api/public/households/${REDACTED}/arrivals`],
    [
      `/api/public/households/${TOKEN}/requests/R123/cancel`,
      `/api/public/households/${REDACTED}/requests/R123/cancel`,
    ],
    [`/api/public/self-report/${TOKEN}`, `/api/public/self-report/${REDACTED}`],
    [`/api/public/places/${TOKEN}/scans`, `/api/public/places/${REDACTED}/scans`],
    [`/api/public/events/${TOKEN}/photos/7`, `/api/public/events/${REDACTED}/photos/7`],
    // Secrets of routes nobody listed yet: shaped like a token.
    [`/api/public/something-new/x/${TOKEN}`, `/api/public/something-new/${REDACTED}/${REDACTED}`],
    [`/api/follow?ticket=${TOKEN}`, `/api/follow?ticket=${REDACTED}`],
    [
      '/open311/v2/requests.json?api_key=short&status=open',
      `/open311/v2/requests.json?api_key=${REDACTED}&status=open`,
    ],
    [
      '/x?access_token=a&password=b&Secret=c&key=d',
      `/x?access_token=${REDACTED}&password=${REDACTED}&Secret=${REDACTED}&key=${REDACTED}`,
    ],
  ])('%s → %s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });

  it.each([
    '/api/persons?within=12&q=%E7%8E%8B&page=2',
    '/api/public/communities/330106001001',
    '/api/public/event-categories',
    '/report/330106001001',
    '/api/areas/42/door-labels.pdf',
    '/open311/v2/services/city_appearance.exposed_rubbish.json',
    '/api/areas/3101161032090010101',
    '/api/household-codes/performance-review-of-the-village',
  ])('leaves %s as it is', (url) => {
    expect(redactUrl(url)).toBe(url);
  });
});

describeEachDatabase('request logs', (database) => {
  const clock = new TestClock(new Date('2026-11-06T15:00:00+08:00'));
  const lines: string[] = [];
  let app: FastifyInstance;
  let world: EventWorld;
  let staff: Session;
  let worker: Session;

  beforeAll(async () => {
    world = await createEventWorld(database().db);
    app = await buildApp({
      database: database(),
      config: testConfig({ LOG_LEVEL: 'info' }),
      clock: clock.now,
      logStream: { write: (line) => lines.push(line) },
    });
    staff = await signIn(app, world.users.staff.username);
    worker = await signIn(app, world.users.workerA.username);
  });
  afterAll(async () => {
    await app.close();
  });

  it('keeps every token, key and session secret of a full scenario out of the log, and still logs the routes', async () => {
    const db = database().db;
    const secrets: Record<string, string> = {};
    const ok = <T extends { statusCode: number; body: string }>(response: T): T => {
      expect(response.statusCode, response.body.slice(0, 300)).toBeLessThan(300);
      return response;
    };

    // The door: its page, the public API and an arrival form.
    const house = await createHouse(db, world.tree.cellA);
    secrets.door = await issueDoorToken(db, house);
    await app.inject({ url: `/h/${secrets.door}` });
    ok(await app.inject({ url: `/api/public/households/${secrets.door}` }));
    // Asking for help at the door gives the asker a follow link.
    const asked = ok(
      await app.inject({
        method: 'POST',
        url: `/api/public/households/${secrets.door}/requests`,
        payload: {
          kind: 'medicine',
          details: '降压药两盒',
          requesterName: '王阿婆',
          contactPhone: '13812345678',
        },
      }),
    );
    secrets.help = asked.json().followToken as string;
    await app.inject({ url: `/help/${secrets.help}` });
    ok(await app.inject({ url: `/api/public/requests/${secrets.help}` }));

    // The community's self-report code.
    const selfReport = ok(
      await app.inject({
        method: 'POST',
        url: `/api/areas/${world.tree.village.id}/self-report-code`,
        headers: staff.headers,
      }),
    );
    secrets.selfReport = (selfReport.json().scanUrl as string).split('/r/')[1]!;
    await app.inject({ url: `/r/${secrets.selfReport}` });
    ok(await app.inject({ url: `/api/public/self-report/${secrets.selfReport}` }));

    // A place code and a scan of it.
    const place = ok(
      await app.inject({
        method: 'POST',
        url: '/api/places',
        headers: worker.headers,
        payload: { areaId: world.tree.microA.id, name: '星火便利店', kind: 'shop', address: '星火路8号' },
      }),
    );
    secrets.place = (place.json().code.scanUrl as string).split('/p/')[1]!;
    await app.inject({ url: `/p/${secrets.place}` });
    ok(await app.inject({ url: `/api/public/places/${secrets.place}` }));
    ok(
      await app.inject({
        method: 'POST',
        url: `/api/public/places/${secrets.place}/scans`,
        payload: { phone: '13600001234' },
      }),
    );

    // A resident's report and its follow link.
    const form = await multipart([], {
      category: 'city_appearance.exposed_rubbish',
      community: world.tree.village.code,
      description: '路边有一堆垃圾没人清理',
      lng: '120.1',
      lat: '30.5',
    });
    const report = ok(await app.inject({ method: 'POST', url: '/api/public/reports', ...form }));
    secrets.follow = report.json().followToken as string;
    await app.inject({ url: `/e/${secrets.follow}` });
    ok(await app.inject({ url: `/api/public/events/${secrets.follow}` }));

    // Open311: query with the key in the query string, create with it in the form body.
    secrets.open311 = (
      await createApiToken(db, {
        name: 'city app',
        areaId: world.tree.gridA.id,
        capability: 'open311',
        createdBy: null,
      })
    ).token;
    ok(await app.inject({ url: `/open311/v2/requests.json?api_key=${secrets.open311}&status=open` }));
    ok(
      await app.inject({
        method: 'POST',
        url: '/open311/v2/requests.json',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          api_key: secrets.open311,
          service_code: 'city_appearance.exposed_rubbish',
          lat: '30.5',
          long: '120.1',
          description: '路口垃圾堆放两天无人清理',
        }).toString(),
      }),
    );

    // A camera alert with a bearer token.
    const camera = await db
      .insertInto('cameras')
      .values({
        area_id: world.tree.microA.id,
        area_path: world.tree.microA.path,
        code: `CAM-log-${world.tree.microA.id}`,
        name: '测试探头',
        kind: 'gate',
        lng: 120.1,
        lat: 30.5,
      })
      .returning(['id', 'code'])
      .executeTakeFirstOrThrow();
    secrets.device = (
      await createApiToken(db, {
        name: 'cam',
        areaId: world.tree.gridA.id,
        capability: 'device.alerts',
        createdBy: null,
        cameraId: camera.id,
      })
    ).token;
    ok(
      await app.inject({
        method: 'POST',
        url: '/api/devices/alerts',
        headers: { authorization: `Bearer ${secrets.device}` },
        payload: {
          camera: camera.code,
          kind: 'gathering',
          externalId: 'log-1',
          occurredAt: clock.now().toISOString(),
        },
      }),
    );

    // Staff sessions: the cookie and the CSRF token.
    secrets.session = staff.cookie.split('=')[1]!;
    secrets.csrf = staff.csrf;
    ok(await app.inject({ url: '/api/codes?pageSize=5', headers: staff.headers }));

    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(30);
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThanOrEqual(16);
      expect(log.includes(secret), `the ${name} secret is in the log`).toBe(false);
    }
    // The requests themselves are still there, with the secret's place marked.
    for (const route of [
      `/h/${REDACTED}`,
      `/r/${REDACTED}`,
      `/p/${REDACTED}`,
      `/e/${REDACTED}`,
      `/help/${REDACTED}`,
      `/api/public/requests/${REDACTED}`,
      `/api/public/households/${REDACTED}`,
      `/api/public/self-report/${REDACTED}`,
      `/api/public/places/${REDACTED}/scans`,
      `/api/public/events/${REDACTED}`,
      `/open311/v2/requests.json?api_key=${REDACTED}&status=open`,
      '/api/devices/alerts',
      '/api/codes?pageSize=5',
    ])
      expect(log).toContain(`"url":"${route}"`);
  });
});
