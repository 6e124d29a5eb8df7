import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase, openTestDatabase } from '../test-support/database.js';
import { categoryId, createEventWorld, type EventWorld } from '../test-support/events-fixtures.js';
import { type Session, signIn, TestClock, testApp, testConfig } from '../test-support/factories.js';
import { basemapOrigins, expandSubdomains, parseByteRange } from './service.js';
import type { MapLayers } from './schema.js';

const layer = (map: MapLayers, id: string) => map.layers.find((l) => l.id === id)?.features.features ?? [];

describeEachDatabase('map layers', (database) => {
  const clock = new TestClock();
  let app: FastifyInstance;
  let world: EventWorld;
  const sessions = {} as Record<'workerA' | 'workerB' | 'staff', Session>;

  beforeAll(async () => {
    app = await testApp(database(), clock);
    const db = database().db;
    world = await createEventWorld(db);
    for (const key of ['workerA', 'workerB', 'staff'] as const)
      sessions[key] = await signIn(app, world.users[key].username);
    const { cellA, cellB } = world.tree;
    const lane = (cell: typeof cellA, lng: number) => ({
      area_id: cell.id,
      area_path: cell.path,
      kind: 'road' as const,
      name: `${cell.name}`,
      geometry: JSON.stringify({
        type: 'LineString',
        coordinates: [
          [lng, 30.5],
          [lng + 0.1, 30.5],
        ],
      }),
      created_at: clock.now(),
    });
    await db
      .insertInto('map_features')
      .values([lane(cellA, 120.1), lane(cellB, 120.6)])
      .execute();
    const house = (cell: typeof cellA, address: string, lng: number) => ({
      area_id: cell.id,
      area_path: cell.path,
      address,
      lng,
      lat: 30.5,
      created_at: clock.now(),
      updated_at: clock.now(),
    });
    await db
      .insertInto('houses')
      .values([house(cellA, '甲一埭1号', 120.12), house(cellB, '乙一埭1号', 120.62)])
      .execute();
    const supply = await categoryId(db, 'epidemic.supply_need');
    for (const [who, cell, lng] of [
      ['workerA', cellA, 120.13],
      ['workerB', cellB, 120.63],
    ] as const) {
      const created = await app.inject({
        method: 'POST',
        url: '/api/events',
        headers: sessions[who].headers,
        payload: {
          source: 'patrol',
          categoryId: supply,
          areaId: cell.id,
          title: '巡查发现',
          lng,
          lat: 30.5,
          accuracyM: 12,
        },
      });
      expect(created.statusCode, created.body).toBe(201);
    }
  });
  afterAll(async () => {
    await app.close();
  });

  const layersOf = (who: Session, areaId: number) =>
    app.inject({ method: 'GET', url: `/api/map/layers?areaId=${areaId}`, headers: who.headers });

  it('gives a grid worker the geography, houses and events of their own grid only', async () => {
    const own = await layersOf(sessions.workerA, world.tree.microA.id);
    expect(own.statusCode, own.body).toBe(200);
    const map = own.json() as MapLayers;
    expect(layer(map, 'roads').map((f) => f.properties.name)).toEqual(['甲一埭']);
    expect(layer(map, 'houses').map((f) => f.properties)).toEqual([{ address: '甲一埭1号' }]);
    expect(layer(map, 'events')).toHaveLength(1);
    expect(layer(map, 'events')[0]!.geometry.coordinates).toEqual([120.13, 30.5]);
    expect(layer(map, 'areas').map((f) => f.properties.name)).toEqual(['甲一微网格']);
    expect(map.area.bounds).toEqual([120, 30, 120.25, 31]);

    // Grid B's micro-grid is not theirs: not found, as everywhere else.
    const other = await layersOf(sessions.workerA, world.tree.microB.id);
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('AREA_NOT_FOUND');
    // The village is above them: not theirs to ask for either.
    expect((await layersOf(sessions.workerA, world.tree.village.id)).statusCode).toBe(404);
  });

  it('gives community staff the whole village, with no person in any house', async () => {
    const map = (await layersOf(sessions.staff, world.tree.village.id)).json() as MapLayers;
    expect(
      layer(map, 'roads')
        .map((f) => f.properties.name)
        .sort(),
    ).toEqual(['乙一埭', '甲一埭']);
    expect(layer(map, 'houses')).toHaveLength(2);
    expect(layer(map, 'events')).toHaveLength(2);
    expect(layer(map, 'events').every((f) => f.properties.open === true)).toBe(true);
    expect(layer(map, 'areas').map((f) => f.properties.name)).toEqual(['测试社区', '甲网格', '乙网格']);
    expect(new Set(layer(map, 'houses').flatMap((f) => Object.keys(f.properties)))).toEqual(
      new Set(['address']),
    );
  });

  it('keeps the GPS accuracy with the event and refuses one out of range', async () => {
    const events = (
      await app.inject({ method: 'GET', url: '/api/events', headers: sessions.workerA.headers })
    ).json().items as Array<{ id: number }>;
    const detail = (
      await app.inject({
        method: 'GET',
        url: `/api/events/${events[0]!.id}`,
        headers: sessions.workerA.headers,
      })
    ).json();
    expect(detail).toMatchObject({ lng: 120.13, lat: 30.5, accuracyM: 12 });
    const bad = await app.inject({
      method: 'POST',
      url: '/api/events',
      headers: sessions.workerA.headers,
      payload: {
        source: 'patrol',
        categoryId: await categoryId(database().db, 'epidemic.supply_need'),
        areaId: world.tree.cellA.id,
        title: '精度有误',
        lng: 120.1,
        lat: 30.5,
        accuracyM: 20000,
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('accuracyM');
  });

  it('draws the report page’s public map: geography and bare house points, no events, addresses or cameras', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/public/map/${world.tree.village.code}` });
    expect(response.statusCode, response.body).toBe(200);
    const map = response.json() as MapLayers;
    expect(map.layers.map((l) => l.id)).toEqual(['areas', 'rivers', 'roads', 'gates', 'houses']);
    expect(layer(map, 'roads')).toHaveLength(2);
    expect(layer(map, 'houses').map((f) => f.properties)).toEqual([{}, {}]);
    expect(response.body).not.toContain('甲一埭1号');
    const unknown = await app.inject({ method: 'GET', url: '/api/public/map/999999999999' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('COMMUNITY_NOT_FOUND');
    expect((await app.inject({ method: 'GET', url: '/api/public/map/abc' })).statusCode).toBe(400);
  });

  it('answers the map settings without a session', async () => {
    const config = await app.inject({ method: 'GET', url: '/api/map/config' });
    expect(config.json()).toEqual({ basemap: { kind: 'none' }, crs: 'wgs84', attribution: '' });
    expect((await app.inject({ method: 'GET', url: '/api/map/layers?areaId=1' })).statusCode).toBe(401);
    expect((await layersOf(sessions.staff, 0)).statusCode).toBe(400);
  });
});

describe('base layer', () => {
  it('expands subdomains and allows their origin in the CSP', () => {
    expect(
      expandSubdomains('https://t{0-2}.tianditu.gov.cn/x?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}'),
    ).toEqual([
      'https://t0.tianditu.gov.cn/x?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}',
      'https://t1.tianditu.gov.cn/x?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}',
      'https://t2.tianditu.gov.cn/x?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}',
    ]);
    expect(expandSubdomains('https://tiles.example.cn/{z}/{x}/{y}.png')).toHaveLength(1);
    const config = testConfig({ GRIDGUARD_BASEMAP: 'https://webrd0{1-4}.is.autonavi.com/{z}/{x}/{y}' });
    expect(basemapOrigins(config.basemap)).toEqual(['https://*.is.autonavi.com']);
  });

  it('reads byte ranges as PMTiles readers ask for them', () => {
    expect(parseByteRange('bytes=0-16383', 100_000)).toEqual({ start: 0, end: 16383 });
    expect(parseByteRange('bytes=99990-', 100_000)).toEqual({ start: 99990, end: 99999 });
    expect(parseByteRange('bytes=-10', 100_000)).toEqual({ start: 99990, end: 99999 });
    expect(parseByteRange('bytes=0-200000', 100)).toEqual({ start: 0, end: 99 });
    expect(parseByteRange('bytes=500-', 100)).toBeNull();
    expect(parseByteRange('bytes=0-1,4-5', 100)).toBeNull();
    expect(parseByteRange('items=0-1', 100)).toBeNull();
  });

  it('serves a local archive in ranges, without a session', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gg-pmtiles-'));
    const file = path.join(dir, 'village.pmtiles');
    writeFileSync(file, Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256)));
    const database = await openTestDatabase('pglite');
    const app = await testApp(database, new TestClock(), { GRIDGUARD_BASEMAP: `pmtiles:${file}` });
    try {
      expect((await app.inject({ method: 'GET', url: '/api/map/config' })).json().basemap).toEqual({
        kind: 'pmtiles',
        url: '/api/map/basemap.pmtiles',
      });
      const part = await app.inject({
        method: 'GET',
        url: '/api/map/basemap.pmtiles',
        headers: { range: 'bytes=10-19' },
      });
      expect(part.statusCode).toBe(206);
      expect(part.headers['content-range']).toBe('bytes 10-19/1000');
      expect([...part.rawPayload]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
      const whole = await app.inject({ method: 'GET', url: '/api/map/basemap.pmtiles' });
      expect(whole.rawPayload.length).toBe(1000);
      const beyond = await app.inject({
        method: 'GET',
        url: '/api/map/basemap.pmtiles',
        headers: { range: 'bytes=5000-' },
      });
      expect(beyond.statusCode).toBe(416);
    } finally {
      await app.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
