import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiToken } from '../auth/repository.js';
import { describeEachDatabase } from '../test-support/database.js';
import { TestClock, testApp } from '../test-support/factories.js';
import { createEventWorld, type EventWorld, notificationsOf } from '../test-support/events-fixtures.js';

const MINUTE = 60_000;

describeEachDatabase('device alerts', (database) => {
  const clock = new TestClock(new Date('2026-11-02T20:00:00+08:00'));
  let app: FastifyInstance;
  let world: EventWorld;
  const cameras: Record<'square' | 'door' | 'busy', { id: number; code: string }> = {} as never;
  let gridToken = '';
  let doorToken = '';

  beforeAll(async () => {
    const db = database().db;
    app = await testApp(database(), clock, { GRIDGUARD_ALERT_MERGE_SECONDS: '600' });
    world = await createEventWorld(db);
    for (const [key, kind] of [
      ['square', 'high_point'],
      ['door', 'gate'],
      ['busy', 'road'],
    ] as const) {
      const code = `CAM-${key}-${world.tree.microA.id}`;
      cameras[key] = await db
        .insertInto('cameras')
        .values({
          area_id: world.tree.microA.id,
          area_path: world.tree.microA.path,
          code,
          name: `测试${key}`,
          kind,
          lng: 120.1,
          lat: 30.5,
        })
        .returning(['id', 'code'])
        .executeTakeFirstOrThrow();
    }
    const token = (cameraId: number | null) =>
      createApiToken(db, {
        name: 'cam',
        areaId: world.tree.gridA.id,
        capability: 'device.alerts',
        createdBy: null,
        cameraId,
      });
    gridToken = (await token(null)).token;
    doorToken = (await token(cameras.door.id)).token;
  });
  afterAll(async () => {
    await app.close();
  });

  const alert = (token: string, body: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: '/api/devices/alerts',
      headers: { authorization: `Bearer ${token}` },
      payload: { occurredAt: clock.now().toISOString(), ...body },
    });

  it('opens an urgent event, merges repeats within the window, and answers a retry the same', async () => {
    const first = await alert(gridToken, {
      camera: cameras.square.code,
      kind: 'gathering',
      externalId: 'a-1',
      details: { people: 12 },
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ merged: false, code: expect.stringMatching(/^EV2026110\d+/) });
    const eventId = first.json().eventId as number;
    const urgent = await notificationsOf(database().db, world.users.workerA.id, 'event.new');
    expect(urgent.find((n) => n.entity_id === String(eventId))?.priority).toBe('urgent');

    clock.advance(5 * MINUTE);
    const repeat = await alert(gridToken, {
      camera: cameras.square.code,
      kind: 'gathering',
      externalId: 'a-2',
    });
    expect(repeat.json()).toEqual({ eventId, code: first.json().code, merged: true });
    // The device resends both: the same answers, nothing counted twice.
    expect(
      (await alert(gridToken, { camera: cameras.square.code, kind: 'gathering', externalId: 'a-1' })).json(),
    ).toEqual(first.json());
    expect(
      (await alert(gridToken, { camera: cameras.square.code, kind: 'gathering', externalId: 'a-2' })).json(),
    ).toEqual(repeat.json());
    // Another kind is another event; so is the same kind after the window.
    const loitering = await alert(gridToken, { camera: cameras.square.code, kind: 'loitering' });
    expect(loitering.json().merged).toBe(false);
    clock.advance(11 * MINUTE);
    const later = await alert(gridToken, { camera: cameras.square.code, kind: 'gathering' });
    expect(later.json()).toMatchObject({ merged: false });
    expect(later.json().eventId).not.toBe(eventId);

    const row = await database()
      .db.selectFrom('events')
      .select(['alert_count', 'status', 'source', 'tier'])
      .where('id', '=', eventId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ alert_count: 2, status: 'registered', source: 'device', tier: 'microgrid' });
  });

  it('holds a device token to its own camera and area', async () => {
    const other = await alert(doorToken, { camera: cameras.square.code, kind: 'isolation_door_opened' });
    expect(other.statusCode).toBe(403);
    const own = await alert(doorToken, { camera: cameras.door.code, kind: 'isolation_door_opened' });
    expect(own.statusCode, own.body).toBe(200);
    const unknown = await alert(gridToken, { camera: 'CAM-NOWHERE', kind: 'gathering' });
    expect(unknown.json().error.code).toBe('CAMERA_NOT_FOUND');
    const future = await alert(gridToken, {
      camera: cameras.square.code,
      kind: 'gathering',
      occurredAt: new Date(clock.now().getTime() + 60 * MINUTE).toISOString(),
    });
    expect(future.json().error.code).toBe('ALERT_TIME_INVALID');
  });

  it('merges alerts arriving at the same moment into one event', async () => {
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        alert(gridToken, { camera: cameras.busy.code, kind: 'fever_at_gate', externalId: `f-${i}` }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
    const results = responses.map((r) => r.json() as { eventId: number; merged: boolean });
    expect(new Set(results.map((r) => r.eventId)).size).toBe(1);
    expect(results.filter((r) => !r.merged)).toHaveLength(1);
    const row = await database()
      .db.selectFrom('events')
      .select(['alert_count', 'tier'])
      .where('id', '=', results[0]!.eventId)
      .executeTakeFirstOrThrow();
    // Fever starts at the grid: the doctor and leader there.
    expect(row).toEqual({ alert_count: 6, tier: 'grid' });
  });
});
