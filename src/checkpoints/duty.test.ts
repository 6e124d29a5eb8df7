import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCheckpoint } from '../test-support/checkpoints-fixtures.js';
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

describeEachDatabase('duty at a checkpoint', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let worker: Session;
  let member: Session;
  const clock = new TestClock();
  const cp: Record<'east' | 'west' | 'team', number> = { east: 0, west: 0, team: 0 };

  beforeAll(async () => {
    app = await testApp(database(), clock);
    const db = database().db;
    tree = await createAreaTree(db);
    worker = await signIn(app, (await createUser(db, [{ role: 'grid_worker', area: tree.gridA }])).username);
    // A doctor holds no checkpoint.check: only the team makes them staff of its checkpoint.
    const doctor = await createUser(db, [{ role: 'doctor', area: tree.gridB }]);
    member = await signIn(app, doctor.username);
    const team = await db
      .insertInto('teams')
      .values({
        area_id: tree.village.id,
        area_path: tree.village.path,
        name: '卡口值守队',
        kind: 'checkpoint',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('team_members')
      .values({ team_id: team.id, user_id: doctor.id, duty: 'member' })
      .execute();
    cp.east = (await createCheckpoint(db, tree.gridA, { name: '甲东卡口' })).id;
    cp.west = (await createCheckpoint(db, tree.gridA, { name: '甲西卡口' })).id;
    cp.team = (await createCheckpoint(db, tree.village, { name: '村口卡口', team_id: team.id })).id;
  });
  afterAll(async () => {
    await app.close();
  });

  const post = (session: Session, url: string, payload: object) =>
    app.inject({ method: 'POST', url, payload, headers: session.headers });
  const mine = async (session: Session) =>
    (await app.inject({ url: '/api/checkpoints/duty/mine', headers: session.headers })).json();

  it('keeps one open duty per person, with position, and hands over with a note', async () => {
    const east = await post(worker, `/api/checkpoints/${cp.east}/duty/sign-in`, {
      lng: 120.1,
      lat: 30.2,
      accuracyM: 12,
    });
    expect(east.statusCode, east.body).toBe(200);
    expect(east.json().duty).toMatchObject({
      checkpoint: { name: '甲东卡口' },
      position: { lng: 120.1, lat: 30.2, accuracyM: 12 },
    });
    // Signing in again here answers the same duty.
    const again = await post(worker, `/api/checkpoints/${cp.east}/duty/sign-in`, {});
    expect(again.json().duty.id).toBe(east.json().duty.id);

    clock.advance(3600_000);
    const west = await post(worker, `/api/checkpoints/${cp.west}/duty/sign-in`, {});
    expect(west.json().closed).toMatchObject({ id: east.json().duty.id, checkpoint: { name: '甲东卡口' } });
    expect((await mine(worker)).duty).toMatchObject({ checkpoint: { id: cp.west } });
    const open = await database()
      .db.selectFrom('checkpoint_duty')
      .select('checkpoint_id')
      .where('signed_out_at', 'is', null)
      .execute();
    expect(open.map((d) => d.checkpoint_id)).toEqual([cp.west]);

    const wrong = await post(worker, `/api/checkpoints/${cp.east}/duty/sign-out`, {});
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json().error.code).toBe('DUTY_NOT_SIGNED_IN');
    const out = await post(worker, `/api/checkpoints/${cp.west}/duty/sign-out`, {
      handoverNote: '  测温枪电池不足  ',
    });
    expect(out.statusCode, out.body).toBe(200);
    expect(out.json()).toMatchObject({ handoverNote: '测温枪电池不足', signedOutAt: expect.any(String) });
    expect((await mine(worker)).duty).toBeNull();
    const next = await post(worker, `/api/checkpoints/${cp.west}/duty/sign-in`, {});
    expect(next.json().lastHandover).toMatchObject({ note: '测温枪电池不足' });
  });

  it('validates the position and lets team members staff their team’s checkpoint only', async () => {
    const halfPoint = await post(worker, `/api/checkpoints/${cp.east}/duty/sign-in`, { lng: 120.1 });
    expect(halfPoint.statusCode).toBe(400);
    expect(halfPoint.json().error.message).toContain('body.lat');
    const offEarth = await post(worker, `/api/checkpoints/${cp.east}/duty/sign-in`, { lng: 120.1, lat: 100 });
    expect(offEarth.statusCode).toBe(400);
    expect(offEarth.json().error.message).toContain('lat');

    const memberCheckpoints = (await mine(member)).checkpoints;
    expect(memberCheckpoints.map((c: { id: number }) => c.id)).toEqual([cp.team]);
    // The gate phone warns of fever at the deployment's line, not a constant of its own.
    expect(memberCheckpoints[0].rules.feverThreshold).toBe(37.3);
    expect((await post(member, `/api/checkpoints/${cp.team}/duty/sign-in`, {})).statusCode).toBe(200);
    const notTheirs = await post(member, `/api/checkpoints/${cp.east}/duty/sign-in`, {});
    expect(notTheirs.statusCode).toBe(404);
    expect(notTheirs.json().error.code).toBe('CHECKPOINT_NOT_FOUND');
    // The grid worker of grid A may staff grid A's checkpoints, not the village's team checkpoint.
    expect((await mine(worker)).checkpoints.map((c: { name: string }) => c.name)).toEqual([
      '甲东卡口',
      '甲西卡口',
    ]);
  });

  it('lets a team member check vehicles at the team’s checkpoint too, and nowhere else', async () => {
    const get = (url: string) => app.inject({ url, headers: member.headers });
    const lookup = await get(`/api/checkpoints/${cp.team}/vehicles/${encodeURIComponent('浙A12345')}`);
    expect(lookup.statusCode).toBe(200);
    expect(lookup.json()).toMatchObject({ plate: '浙A12345' });
    expect((await get(`/api/checkpoints/${cp.team}/vehicles`)).statusCode).toBe(200);
    const elsewhere = await get(`/api/checkpoints/${cp.east}/vehicles/${encodeURIComponent('浙A12345')}`);
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json().error.code).toBe('CHECKPOINT_NOT_FOUND');
  });
});
