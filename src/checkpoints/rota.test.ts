import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckpoint, twoVillagesWithStaff } from '../test-support/checkpoints-fixtures.js';
import { describeEachDatabase } from '../test-support/database.js';
import { type AreaTree, createUser, type Session, TestClock, testApp } from '../test-support/factories.js';
import { isOpenAt, mondayOf } from './rota-service.js';

const HOUR_MS = 3600 * 1000;

describe('opening hours and weeks (China time)', () => {
  it('opens within a span, past midnight too, and always without hours', () => {
    const at = (hhmm: string) => new Date(`2026-11-02T${hhmm}:00+08:00`);
    const day = [{ from: '06:00', to: '22:00' }];
    expect(isOpenAt(day, at('06:00'))).toBe(true);
    expect(isOpenAt(day, at('21:59'))).toBe(true);
    expect(isOpenAt(day, at('22:00'))).toBe(false);
    const night = [{ from: '22:00', to: '06:00' }];
    expect(isOpenAt(night, at('23:30'))).toBe(true);
    expect(isOpenAt(night, at('05:59'))).toBe(true);
    expect(isOpenAt(night, at('12:00'))).toBe(false);
    expect(isOpenAt(null, at('03:00'))).toBe(true);
    // Sunday 23:30 China time belongs to the week that began on Monday 2026-10-26.
    expect(mondayOf(new Date('2026-11-01T23:30:00+08:00')).toISOString()).toBe('2026-10-25T16:00:00.000Z');
  });
});

describeEachDatabase('checkpoint rota and staffing gaps', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let other: AreaTree;
  let staff: Session;
  let otherStaff: Session;
  let leaderId: number;
  let workerId: number;
  let foreignUserId: number;
  let teamId: number;
  let checkpointId: number;
  const clock = new TestClock();

  beforeAll(async () => {
    app = await testApp(database(), clock);
    const db = database().db;
    ({ tree, other, staff, otherStaff } = await twoVillagesWithStaff(app, db));
    leaderId = (await createUser(db, [{ role: 'grid_leader', area: tree.village }])).id;
    workerId = (await createUser(db, [{ role: 'grid_worker', area: tree.gridA }])).id;
    foreignUserId = (await createUser(db, [{ role: 'grid_worker', area: other.gridA }])).id;
    teamId = (
      await db
        .insertInto('teams')
        .values({
          area_id: tree.village.id,
          area_path: tree.village.path,
          name: '东口值守队',
          kind: 'checkpoint',
          leader_user_id: leaderId,
          created_at: clock.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    checkpointId = (await createCheckpoint(db, tree.village, { team_id: teamId, name: '东入口' })).id;
  });
  afterAll(async () => {
    await app.close();
  });

  const addShift = (session: Session, payload: object, id = checkpointId) =>
    app.inject({ method: 'POST', url: `/api/checkpoints/${id}/shifts`, headers: session.headers, payload });
  const iso = (offsetHours: number) => new Date(clock.now().getTime() + offsetHours * HOUR_MS).toISOString();
  const staffing = async () =>
    (await app.inject({ url: `/api/checkpoints/${checkpointId}/staffing`, headers: staff.headers })).json();
  const gapAlerts = () =>
    database()
      .db.selectFrom('notifications')
      .select(['user_id', 'title', 'link', 'priority'])
      .where('kind', '=', 'checkpoint.staffing_gap')
      .execute();

  it('plans shifts for the week and refuses bad ones naming the field', async () => {
    const shift = await addShift(staff, {
      startsAt: iso(-1),
      endsAt: iso(7),
      teamId,
      userIds: [workerId],
      minStaff: 2,
      note: '早班',
    });
    expect(shift.statusCode, shift.body).toBe(201);
    expect(shift.json()).toMatchObject({
      team: { id: teamId, name: '东口值守队' },
      minStaff: 2,
      note: '早班',
    });
    expect(shift.json().users).toEqual([{ id: workerId, name: expect.stringContaining('grid_worker') }]);
    const later = await addShift(staff, { startsAt: iso(30), endsAt: iso(38), userIds: [workerId] });
    expect(later.statusCode, later.body).toBe(201);

    const week = await app.inject({ url: `/api/checkpoints/${checkpointId}/shifts`, headers: staff.headers });
    expect(week.statusCode, week.body).toBe(200);
    expect(week.json().items).toHaveLength(2);

    const backwards = await addShift(staff, { startsAt: iso(2), endsAt: iso(1), teamId });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.message).toContain('body.endsAt');
    const nobody = await addShift(staff, { startsAt: iso(1), endsAt: iso(2) });
    expect(nobody.statusCode).toBe(400);
    expect(nobody.json().error.message).toContain('body.teamId');
    const stranger = await addShift(staff, { startsAt: iso(1), endsAt: iso(2), userIds: [foreignUserId] });
    expect(stranger.json().error.code).toBe('USER_NOT_IN_AREA');
    const foreign = await addShift(otherStaff, { startsAt: iso(1), endsAt: iso(2), teamId });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('CHECKPOINT_NOT_FOUND');

    const removed = await app.inject({
      method: 'DELETE',
      url: `/api/checkpoints/shifts/${later.json().id}`,
      headers: otherStaff.headers,
    });
    expect(removed.statusCode).toBe(404);
    const removedOwn = await app.inject({
      method: 'DELETE',
      url: `/api/checkpoints/shifts/${later.json().id}`,
      headers: staff.headers,
    });
    expect(removedOwn.statusCode).toBe(204);
  });

  it('alerts the team leader once when nobody is on duty, and closes the gap when someone signs in', async () => {
    expect((await staffing()).staffing).toMatchObject({
      state: 'gap',
      required: 2,
      onDuty: 0,
      gapSince: null,
    });

    // The job runs every minute: the first run opens the gap and alerts, the next ones do not repeat it.
    await app.jobs.tick('checkpoint-staffing');
    clock.advance(60_000);
    await app.jobs.tick('checkpoint-staffing');
    const alerts = await gapAlerts();
    expect(alerts).toEqual([
      {
        user_id: leaderId,
        title: expect.stringContaining('东入口'),
        link: `/checkpoints/${checkpointId}`,
        priority: 'urgent',
      },
    ]);
    const open = await staffing();
    expect(open.staffing.state).toBe('gap');
    expect(open.staffing.gapSince).not.toBeNull();
    // The big screen's map draws the checkpoint red.
    const map = await app.inject({
      url: `/api/map/layers?areaId=${tree.village.id}`,
      headers: staff.headers,
    });
    const layer = map.json().layers.find((l: { id: string }) => l.id === 'checkpoints');
    expect(layer.features.features.map((f: { properties: object }) => f.properties)).toEqual([
      expect.objectContaining({ id: checkpointId, name: '东入口', state: 'gap', onDuty: 0 }),
    ]);

    // Someone signs in (the duty API writes this row): one of two due is "short", and the gap closes.
    const db = database().db;
    await db
      .insertInto('checkpoint_duty')
      .values({
        checkpoint_id: checkpointId,
        user_id: workerId,
        user_name: '值守员',
        signed_in_at: clock.now(),
      })
      .execute();
    expect((await staffing()).staffing).toMatchObject({ state: 'short', onDuty: 1 });
    clock.advance(60_000);
    await app.jobs.tick('checkpoint-staffing');
    const gaps = await db
      .selectFrom('checkpoint_gaps')
      .selectAll()
      .where('checkpoint_id', '=', checkpointId)
      .execute();
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.ended_at).not.toBeNull();
    const detail = await staffing();
    expect(detail.staffing.gapSince).toBeNull();
    expect(detail.onDuty.map((d: { userName: string }) => d.userName)).toEqual(['值守员']);
    expect(detail.shiftsNow).toHaveLength(1);

    // Signed out again: a new gap, alerted once more (a new fact), to the leader alone.
    await db
      .updateTable('checkpoint_duty')
      .set({ signed_out_at: clock.now() })
      .where('checkpoint_id', '=', checkpointId)
      .execute();
    await app.jobs.tick('checkpoint-staffing');
    await app.jobs.tick('checkpoint-staffing');
    expect(await gapAlerts()).toHaveLength(2);

    // The shift ends: nothing is due, the gap closes without anyone signing in.
    clock.advance(8 * HOUR_MS);
    await app.jobs.tick('checkpoint-staffing');
    expect((await staffing()).staffing.state).toBe('unscheduled');
    const stillOpen = await db
      .selectFrom('checkpoint_gaps')
      .select('id')
      .where('checkpoint_id', '=', checkpointId)
      .where('ended_at', 'is', null)
      .execute();
    expect(stillOpen).toEqual([]);
  });
});
