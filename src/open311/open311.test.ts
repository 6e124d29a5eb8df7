import { XMLParser } from 'fast-xml-parser';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiToken } from '../auth/repository.js';
import type { Viewer } from '../auth/scope.js';
import type { Actor } from '../auth/context.js';
import { applyAction } from '../events/service.js';
import { type AreaTree, createAreaTree, createUser, TestClock, testApp } from '../test-support/factories.js';
import { describeEachDatabase } from '../test-support/database.js';

const xml = new XMLParser({ parseTagValue: false });

describeEachDatabase('Open311 GeoReport v2', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let key: string;
  let otherKey: string;
  let deviceKey: string;
  const clock = new TestClock();

  const userActor = async (
    role: 'grid_worker' | 'community_staff',
    area: AreaTree['gridA'],
  ): Promise<Actor> => {
    const user = await createUser(database().db, [{ role, area }]);
    const viewer: Viewer = {
      kind: 'user',
      userId: user.id,
      username: user.username,
      displayName: user.username,
      assignments: [{ role, areaId: area.id, areaPath: area.path, categories: [] }],
    };
    return { viewer, ip: null, now: clock.now };
  };

  beforeAll(async () => {
    const db = database().db;
    tree = await createAreaTree(db);
    const token = (areaId: number, capability: 'open311' | 'device.alerts') =>
      createApiToken(db, { name: `client ${capability}`, areaId, capability, createdBy: null });
    key = (await token(tree.gridA.id, 'open311')).token;
    otherKey = (await token(tree.gridB.id, 'open311')).token;
    deviceKey = (await token(tree.gridA.id, 'device.alerts')).token;
    app = await testApp(database(), clock);
  });
  afterAll(async () => {
    await app.close();
  });

  const post = (format: 'json' | 'xml', fields: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: `/open311/v2/requests.${format}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });

  it('answers discovery and the service list in XML and JSON', async () => {
    const discovery = await app.inject({ method: 'GET', url: '/open311/v2/discovery.json' });
    expect(discovery.statusCode).toBe(200);
    const endpoints = (discovery.json() as { endpoints: Array<{ specification: string; formats: string[] }> })
      .endpoints;
    expect(endpoints[0]?.specification).toBe('http://wiki.open311.org/GeoReport_v2');
    expect(endpoints[0]?.formats).toContain('text/xml');

    const json = await app.inject({ method: 'GET', url: '/open311/v2/services.json' });
    const services = json.json() as Array<{ service_code: string; service_name: string; group: string }>;
    const rubbish = services.find((s) => s.service_code === 'city_appearance.exposed_rubbish');
    expect(rubbish).toMatchObject({ service_name: '暴露垃圾', group: '市容环境' });
    // Categories not offered to the public (camera-only ones) are not services.
    expect(services.some((s) => s.service_code === 'epidemic.fever')).toBe(false);

    const asXml = await app.inject({ method: 'GET', url: '/open311/v2/services.xml?locale=en' });
    expect(asXml.headers['content-type']).toContain('text/xml');
    const parsed = xml.parse(asXml.body) as {
      services: { service: Array<{ service_code: string; service_name: string }> };
    };
    expect(
      parsed.services.service.find((s) => s.service_code === 'city_appearance.exposed_rubbish')?.service_name,
    ).toBe('Exposed rubbish');

    const definition = await app.inject({
      method: 'GET',
      url: '/open311/v2/services/city_appearance.exposed_rubbish.json',
    });
    expect(definition.json()).toEqual({ service_code: 'city_appearance.exposed_rubbish', attributes: [] });
  });

  it('files a request, finds it, and shows it closed once the grid has handled it', async () => {
    const filed = await post('json', {
      api_key: key,
      service_code: 'city_appearance.exposed_rubbish',
      address_string: '星火路 18 号门口',
      description: '路口垃圾堆放两天无人清理',
      first_name: '明',
      last_name: '王',
      phone: '13812345678',
    });
    expect(filed.statusCode, filed.body).toBe(200);
    const [receipt] = filed.json() as Array<{ service_request_id: string; service_notice: string }>;
    expect(receipt?.service_request_id).toMatch(/^EV\d{14}$/);
    const code = receipt!.service_request_id;

    const one = await app.inject({ method: 'GET', url: `/open311/v2/requests/${code}.json?api_key=${key}` });
    const [request] = one.json() as Array<Record<string, unknown>>;
    expect(request).toMatchObject({
      service_request_id: code,
      status: 'open',
      service_code: 'city_appearance.exposed_rubbish',
      description: '路口垃圾堆放两天无人清理',
      address: '星火路 18 号门口',
    });
    // Open311 never shows the reporter.
    expect(JSON.stringify(request)).not.toContain('138');
    expect(JSON.stringify(request)).not.toContain('王');

    // Another area's key does not see it.
    const other = await app.inject({
      method: 'GET',
      url: `/open311/v2/requests/${code}.json?api_key=${otherKey}`,
    });
    expect(other.json()).toEqual([]);

    // The grid handles it through the workflow.
    const event = await database()
      .db.selectFrom('events')
      .select(['id', 'tier_area_id'])
      .where('code', '=', code)
      .executeTakeFirstOrThrow();
    const staff = await userActor('community_staff', tree.village);
    const worker = await userActor('grid_worker', tree.gridA);
    const workerId = worker.viewer.kind === 'user' ? worker.viewer.userId : 0;
    await database()
      .db.transaction()
      .execute(async (trx) => {
        await applyAction(trx, staff, event.id, { action: 'register' });
        await applyAction(trx, staff, event.id, { action: 'dispatch', userId: workerId });
        await applyAction(trx, worker, event.id, { action: 'accept' });
        await applyAction(trx, worker, event.id, { action: 'report', note: '已清运' });
        await applyAction(trx, staff, event.id, { action: 'close', note: '核查已清理，结案' });
      });

    const closed = await app.inject({
      method: 'GET',
      url: `/open311/v2/requests.xml?api_key=${key}&service_request_id=${code}`,
    });
    expect(closed.statusCode).toBe(200);
    const parsed = xml.parse(closed.body) as {
      service_requests: { request: { service_request_id: string; status: string; status_notes: string } };
    };
    expect(parsed.service_requests.request).toMatchObject({
      service_request_id: code,
      status: 'closed',
      status_notes: '核查已清理，结案',
    });
    const openOnes = await app.inject({
      method: 'GET',
      url: `/open311/v2/requests.json?api_key=${key}&status=open`,
    });
    expect(
      (openOnes.json() as Array<{ service_request_id: string }>).map((r) => r.service_request_id),
    ).not.toContain(code);
  });

  it('places a request with a point in the deepest mapped area of the key, and refuses a point outside', async () => {
    const db = database().db;
    const box = (w: number, s: number, e: number, n: number) =>
      JSON.stringify({
        type: 'Polygon',
        coordinates: [
          [
            [w, s],
            [e, s],
            [e, n],
            [w, n],
            [w, s],
          ],
        ],
      });
    await db
      .updateTable('areas')
      .set({ boundary: box(120, 30, 121, 31) })
      .where('id', '=', tree.gridA.id)
      .execute();
    await db
      .updateTable('areas')
      .set({ boundary: box(120, 30, 120.5, 31) })
      .where('id', '=', tree.microA.id)
      .execute();
    const fields = { api_key: key, service_code: 'city_appearance.exposed_rubbish', description: '河边垃圾' };
    const inside = await post('json', { ...fields, lat: '30.5', long: '120.25' });
    expect(inside.statusCode, inside.body).toBe(200);
    const code = (inside.json() as Array<{ service_request_id: string }>)[0]!.service_request_id;
    const event = await db
      .selectFrom('events')
      .select('area_id')
      .where('code', '=', code)
      .executeTakeFirstOrThrow();
    expect(event.area_id).toBe(tree.microA.id);
    const outside = await post('json', { ...fields, lat: '35', long: '125' });
    expect(outside.statusCode).toBe(400);
    expect(outside.json()).toEqual([
      { code: 400, description: 'lat/long lie outside the area this key serves' },
    ]);
  });

  it('answers errors as a list of {code, description}', async () => {
    const noKey = await post('json', {
      service_code: 'city_appearance.exposed_rubbish',
      address_string: 'x',
    });
    expect(noKey.statusCode).toBe(401);
    expect(noKey.json()).toEqual([{ code: 401, description: 'api_key is required' }]);

    const wrongCapability = await post('xml', {
      api_key: deviceKey,
      service_code: 'city_appearance.exposed_rubbish',
      address_string: 'x',
    });
    expect(wrongCapability.statusCode).toBe(403);
    const parsed = xml.parse(wrongCapability.body) as {
      errors: { error: { code: string; description: string } };
    };
    expect(parsed.errors.error.code).toBe('403');

    const noLocation = await post('json', { api_key: key, service_code: 'city_appearance.exposed_rubbish' });
    expect(noLocation.statusCode).toBe(400);
    expect((noLocation.json() as Array<{ description: string }>)[0]?.description).toContain(
      'location is required',
    );

    const unknownService = await post('json', { api_key: key, service_code: 'nope', address_string: 'x' });
    expect(unknownService.statusCode).toBe(404);

    const badPhone = await post('json', {
      api_key: key,
      service_code: 'city_appearance.exposed_rubbish',
      address_string: 'x',
      phone: '12',
    });
    expect(badPhone.statusCode).toBe(400);

    const badDate = await app.inject({
      method: 'GET',
      url: `/open311/v2/requests.json?api_key=${key}&start_date=yesterday`,
    });
    expect(badDate.json()).toEqual([
      { code: 400, description: 'start_date must be an ISO 8601 date-time with a time zone' },
    ]);

    const missing = await app.inject({ method: 'GET', url: '/open311/v2/nothing.json' });
    expect(missing.statusCode).toBe(404);
    expect(Array.isArray(missing.json())).toBe(true);
  });
});
