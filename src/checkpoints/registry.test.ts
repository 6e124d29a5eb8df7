import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DB } from '../db/schema.js';
import { twoVillagesWithStaff } from '../test-support/checkpoints-fixtures.js';
import { describeEachDatabase } from '../test-support/database.js';
import {
  type AreaTree,
  createUser,
  type Session,
  signIn,
  TestClock,
  testApp,
} from '../test-support/factories.js';

async function createTeam(
  db: Kysely<DB>,
  area: { id: number; path: string },
  leaderUserId: number | null = null,
) {
  return (
    await db
      .insertInto('teams')
      .values({
        area_id: area.id,
        area_path: area.path,
        name: `卡口值守队${area.id}`,
        kind: 'checkpoint',
        leader_user_id: leaderUserId,
        created_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

describeEachDatabase('checkpoint registry', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let other: AreaTree;
  let staff: Session;
  let volunteer: Session;
  let otherStaff: Session;
  let teamId: number;
  let otherTeamId: number;
  const clock = new TestClock();

  beforeAll(async () => {
    app = await testApp(database(), clock);
    const db = database().db;
    ({ tree, other, staff, otherStaff } = await twoVillagesWithStaff(app, db));
    volunteer = await signIn(
      app,
      (await createUser(db, [{ role: 'volunteer', area: tree.village }])).username,
    );
    teamId = await createTeam(db, tree.village);
    otherTeamId = await createTeam(db, other.village);
  });
  afterAll(async () => {
    await app.close();
  });

  const create = (session: Session, payload: object) =>
    app.inject({ method: 'POST', url: '/api/checkpoints', headers: session.headers, payload });
  const body = (code: string, extra: object = {}) => ({
    areaId: tree.village.id,
    code,
    name: '星火村东入口',
    kind: 'village_entrance',
    lng: 120.101,
    lat: 30.201,
    teamId,
    hours: [{ from: '06:00', to: '22:00' }],
    testWithinHours: 72,
    residentsOnly: true,
    ...extra,
  });

  it('registers a checkpoint with a working place code for visitors, and refuses bad input naming the field', async () => {
    const created = await create(staff, body('XH-E1'));
    expect(created.statusCode, created.body).toBe(201);
    const { checkpoint, placeCode } = created.json();
    expect(checkpoint).toMatchObject({
      code: 'XH-E1',
      kind: 'village_entrance',
      area: { id: tree.village.id },
      team: { id: teamId },
      hours: [{ from: '06:00', to: '22:00' }],
      checkTemperature: true,
      testWithinHours: 72,
      residentsOnly: true,
      passRequired: false,
    });
    expect(['closed', 'unscheduled']).toContain(checkpoint.staffing.state);
    // The visitors' place code opens the gate's scan page.
    const token = placeCode.scanUrl.split('/p/')[1];
    const page = await app.inject({ url: `/api/public/places/${token}` });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.json().place).toEqual({ name: '星火村东入口', kind: 'gate' });
    const audit = await database()
      .db.selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'checkpoint')
      .where('entity_id', '=', String(checkpoint.id))
      .execute();
    expect(audit.map((a) => a.action)).toContain('checkpoint.create');

    const badHours = await create(staff, body('XH-E2', { hours: [{ from: '25:00', to: '06:00' }] }));
    expect(badHours.statusCode).toBe(400);
    expect(badHours.body).toContain('hours');
    const emptySpan = await create(staff, body('XH-E2', { hours: [{ from: '08:00', to: '08:00' }] }));
    expect(emptySpan.json().error.code).toBe('CHECKPOINT_HOURS_INVALID');
    const overlap = await create(
      staff,
      body('XH-E2', {
        hours: [
          { from: '06:00', to: '12:00' },
          { from: '11:00', to: '14:00' },
        ],
      }),
    );
    expect(overlap.json().error.code).toBe('CHECKPOINT_HOURS_INVALID');
    const foreignTeam = await create(staff, body('XH-E2', { teamId: otherTeamId }));
    expect(foreignTeam.statusCode).toBe(404);
    expect(foreignTeam.json().error.code).toBe('TEAM_NOT_FOUND');
    const taken = await create(staff, body('XH-E1'));
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('CHECKPOINT_CODE_TAKEN');
    const badCode = await create(staff, body('东口'));
    expect(badCode.statusCode).toBe(400);
    // Nothing half-stored: only the one good checkpoint and its place exist.
    const count = await database()
      .db.selectFrom('checkpoints')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('area_path', '=', tree.village.path)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it('keeps checkpoints of another township invisible and unchangeable; read-only holders cannot edit', async () => {
    const created = await create(staff, body('XH-W1', { name: '星火村西入口', hours: null }));
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().checkpoint.id;

    const foreignList = await app.inject({ url: '/api/checkpoints', headers: otherStaff.headers });
    expect(foreignList.json().items).toEqual([]);
    expect(
      (await app.inject({ url: `/api/checkpoints/${id}`, headers: otherStaff.headers })).statusCode,
    ).toBe(404);
    const foreignEdit = await app.inject({
      method: 'PATCH',
      url: `/api/checkpoints/${id}`,
      headers: otherStaff.headers,
      payload: { name: '改名' },
    });
    expect(foreignEdit.statusCode).toBe(404);
    const foreignCreate = await create(otherStaff, body('XH-X1'));
    expect(foreignCreate.json().error.code).toBe('AREA_NOT_FOUND');

    const seen = await app.inject({ url: '/api/checkpoints?q=星火', headers: volunteer.headers });
    expect(seen.json().items.map((c: { code: string }) => c.code)).toEqual(['XH-E1', 'XH-W1']);
    const volunteerEdit = await app.inject({
      method: 'PATCH',
      url: `/api/checkpoints/${id}`,
      headers: volunteer.headers,
      payload: { name: '改名' },
    });
    expect(volunteerEdit.statusCode).toBe(403);
  });

  it('edits, prints the place code as a PDF, and retires (the code stops working)', async () => {
    const list = await app.inject({ url: '/api/checkpoints?q=XH-W1', headers: staff.headers });
    const id = list.json().items[0].id;
    const edited = await app.inject({
      method: 'PATCH',
      url: `/api/checkpoints/${id}`,
      headers: staff.headers,
      payload: {
        name: '星火村西口',
        passRequired: true,
        hours: [{ from: '22:00', to: '06:00' }],
        teamId: null,
      },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ name: '星火村西口', passRequired: true, team: null });
    const codeTaken = await app.inject({
      method: 'PATCH',
      url: `/api/checkpoints/${id}`,
      headers: staff.headers,
      payload: { code: 'XH-E1' },
    });
    expect(codeTaken.json().error.code).toBe('CHECKPOINT_CODE_TAKEN');

    const pdf = await app.inject({ url: `/api/checkpoints/${id}/place-code.pdf`, headers: staff.headers });
    expect(pdf.statusCode, pdf.body.slice(0, 200)).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(
      (await app.inject({ url: `/api/checkpoints/${id}/place-code.pdf`, headers: volunteer.headers }))
        .statusCode,
    ).toBe(403);

    const reissued = await app.inject({
      method: 'POST',
      url: `/api/checkpoints/${id}/place-code`,
      headers: staff.headers,
    });
    expect(reissued.statusCode, reissued.body).toBe(201);
    const token = reissued.json().scanUrl.split('/p/')[1];
    expect((await app.inject({ url: `/api/public/places/${token}` })).json().place.name).toBe('星火村西口');

    const retired = await app.inject({
      method: 'POST',
      url: `/api/checkpoints/${id}/retire`,
      headers: staff.headers,
    });
    expect(retired.statusCode, retired.body).toBe(200);
    expect(retired.json().staffing.state).toBe('closed');
    expect((await app.inject({ url: `/api/public/places/${token}` })).statusCode).toBe(404);
    const again = await app.inject({
      method: 'POST',
      url: `/api/checkpoints/${id}/retire`,
      headers: staff.headers,
    });
    expect(again.json().error.code).toBe('CHECKPOINT_RETIRED');
    const listed = await app.inject({ url: '/api/checkpoints', headers: staff.headers });
    expect(listed.json().items.map((c: { id: number }) => c.id)).not.toContain(id);
  });
});
