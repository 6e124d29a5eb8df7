import type { AuditAction } from '../core/vocabulary.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Actor } from '../auth/context.js';
import { SYSTEM_VIEWER } from '../auth/scope.js';
import { residentIdCheckCharacter } from '../register/identity/identity-number.js';
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
import { activeSigningKey, publishedKeys } from './pass-keys.js';
import { type PassPublicKey, verifyPassToken } from './pass-token.js';

const DAY_MS = 24 * 3600 * 1000;
const residentId = (sequence: number) => {
  const first17 = `33010619850312${String(sequence).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
};

interface Material {
  syncedAt: string;
  keys: PassPublicKey[];
  revoked: Array<{ id: number; revokedAt: string }>;
  checkpoints: Array<{ id: number; name: string; areaPath: string }>;
}

describeEachDatabase('passes (通行证)', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let elsewhere: AreaTree;
  let worker: Session;
  let workerName: string;
  let stranger: Session;
  let strangerName: string;
  let personId: number;
  let houseId: number;
  let doorToken: string;
  let gate: { id: number; areaPath: string };
  let foreignGate: { id: number };
  // A doctor of grid B on the village gate's team: no checkpoint.check, the team makes them staff.
  let gateMember: Session;
  let gateMemberName: string;
  let gateTeamId: number;
  let villageGate: { id: number; areaPath: string };
  // A worker of micro-grid A who checks on patrol: no gate of theirs, passes of their subtree still verify.
  let patroller: Session;
  const clock = new TestClock();
  const ID_NUMBER = residentId(421);

  beforeAll(async () => {
    app = await testApp(database(), clock);
    tree = await createAreaTree(database().db);
    elsewhere = await createAreaTree(database().db);
    workerName = (await createUser(database().db, [{ role: 'grid_worker', area: tree.gridA }])).username;
    worker = await signIn(app, workerName);
    patroller = await signIn(
      app,
      (await createUser(database().db, [{ role: 'grid_worker', area: tree.microA }])).username,
    );
    strangerName = (await createUser(database().db, [{ role: 'grid_leader', area: elsewhere.township }]))
      .username;
    stranger = await signIn(app, strangerName);
    const house = await app.inject({
      method: 'POST',
      url: '/api/houses',
      headers: worker.headers,
      payload: { areaId: tree.cellA.id, address: '星火路12号', doorNumber: '12号' },
    });
    expect(house.statusCode, house.body).toBe(201);
    houseId = house.json().id;
    const person = await app.inject({
      method: 'POST',
      url: '/api/persons',
      headers: worker.headers,
      payload: { documentNumber: ID_NUMBER, name: '韩梅梅', houseId },
    });
    expect(person.statusCode, person.body).toBe(201);
    personId = person.json().id;
    const code = await app.inject({
      method: 'POST',
      url: `/api/houses/${houseId}/household-code`,
      headers: worker.headers,
    });
    expect(code.statusCode, code.body).toBe(201);
    doorToken = code.json().scanUrl.split('/h/')[1];
    gate = await createCheckpoint(database().db, tree.gridA);
    foreignGate = await createCheckpoint(database().db, elsewhere.gridA);
    const doctor = await createUser(database().db, [{ role: 'doctor', area: tree.gridB }]);
    const team = await database()
      .db.insertInto('teams')
      .values({
        area_id: tree.village.id,
        area_path: tree.village.path,
        name: '村口值守队',
        kind: 'checkpoint',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await database()
      .db.insertInto('team_members')
      .values({ team_id: team.id, user_id: doctor.id, duty: 'member' })
      .execute();
    villageGate = await createCheckpoint(database().db, tree.village, { team_id: team.id });
    gateTeamId = team.id;
    gateMemberName = doctor.username;
    gateMember = await signIn(app, gateMemberName);
  });
  afterAll(async () => {
    await app.close();
  });

  const at = (days: number) => new Date(clock.now().getTime() + days * DAY_MS).toISOString();
  const issue = (payload: object, session = worker) =>
    app.inject({ method: 'POST', url: '/api/passes', headers: session.headers, payload });
  const material = async (session: Session, since?: string): Promise<Material> => {
    const response = await app.inject({
      url: `/api/passes/verification${since ? `?since=${encodeURIComponent(since)}` : ''}`,
      headers: session.headers,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const verify = async (token: string, synced: Material, checkpoint?: { id: number; areaPath: string }) =>
    verifyPassToken(token, synced.keys, {
      now: Math.floor(clock.now().getTime() / 1000),
      revoked: new Set(synced.revoked.map((r) => r.id)),
      ...(checkpoint ? { checkpoint } : {}),
    });
  const auditCount = async (action: AuditAction, entityId: number) =>
    (
      await database()
        .db.selectFrom('audit_log')
        .select('id')
        .where('action', '=', action)
        .where('entity_id', '=', String(entityId))
        .execute()
    ).length;

  it('issues a signed pass that verifies offline at its checkpoint, masked everywhere, printed with an audit', async () => {
    const issued = await issue({
      personId,
      purpose: '上下班通勤',
      validFrom: at(0),
      validTo: at(7),
      checkpointIds: [gate.id],
    });
    expect(issued.statusCode, issued.body).toBe(201);
    const pass = issued.json();
    expect(pass).toMatchObject({
      status: 'active',
      holder: { nameMasked: '韩**', documentMasked: '3****************' + ID_NUMBER.slice(-1) },
      checkpoints: [{ id: gate.id }],
      appliedBy: 'staff',
    });
    expect(pass.code).toMatch(/^TX[2-9][A-Z2-9]{7}$/);
    expect(issued.body).not.toContain(ID_NUMBER);
    expect(issued.body).not.toContain('韩梅梅');
    expect(await auditCount('pass.issue', pass.id)).toBe(1);

    const synced = await material(worker);
    expect(synced.keys).toHaveLength(1);
    expect(synced.checkpoints.map((c) => c.id)).toContain(gate.id);
    const ok = await verify(pass.token, synced, gate);
    expect(ok).toMatchObject({ ok: true, payload: { pid: pass.id, name: '韩**', purpose: '上下班通勤' } });
    expect(await verify(pass.token, synced, { id: gate.id + 1000, areaPath: gate.areaPath })).toMatchObject({
      ok: false,
      problem: 'PASS_WRONG_CHECKPOINT',
    });
    // Forged: the payload changed to another pass id, the signature left as it was.
    const [prefix, payload, signature] = pass.token.split('.');
    const altered = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), pid: pass.id + 1 }),
    ).toString('base64url');
    expect(await verify(`${prefix}.${altered}.${signature}`, synced)).toEqual({
      ok: false,
      problem: 'PASS_FORGED',
    });
    expect(await verify('GGP1.garbage', synced)).toEqual({ ok: false, problem: 'PASS_MALFORMED' });

    const svg = await app.inject({ url: `/api/passes/${pass.id}/qr`, headers: worker.headers });
    expect(svg.statusCode, svg.body).toBe(200);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    expect(svg.body).toContain('<svg');
    const png = await app.inject({ url: `/api/passes/${pass.id}/qr?format=png`, headers: worker.headers });
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    expect(await auditCount('pass.print', pass.id)).toBe(2);

    const list = await app.inject({ url: '/api/passes?status=active', headers: worker.headers });
    expect(list.json().items.map((p: { id: number }) => p.id)).toContain(pass.id);
    expect(list.body).not.toContain('韩梅梅');
  });

  it('refuses bad periods, unknown persons and checkpoints out of scope, storing nothing', async () => {
    const before = await database().db.selectFrom('passes').select('id').execute();
    const reversed = await issue({ personId, purpose: '探亲', validFrom: at(3), validTo: at(1) });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().error.code).toBe('PASS_INVALID_PERIOD');
    expect(reversed.json().error.message).toContain('30');
    const tooLong = await issue({ personId, purpose: '探亲', validFrom: at(0), validTo: at(31) });
    expect(tooLong.json().error.code).toBe('PASS_INVALID_PERIOD');
    const unknown = await issue({ personId: 999999, purpose: '探亲', validFrom: at(0), validTo: at(1) });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'PERSON_NOT_FOUND']);
    const foreign = await issue({
      personId,
      purpose: '探亲',
      validFrom: at(0),
      validTo: at(1),
      checkpointIds: [foreignGate.id],
    });
    expect(foreign.json().error.code).toBe('PASS_CHECKPOINT_OUT_OF_SCOPE');
    const noPurpose = await issue({ personId, purpose: '', validFrom: at(0), validTo: at(1) });
    expect(noPurpose.statusCode).toBe(400);
    expect(await database().db.selectFrom('passes').select('id').execute()).toHaveLength(before.length);
  });

  it('takes a resident’s application from the door page only for a member of that household; staff approve or reject', async () => {
    const apply = (payload: object, ip: string) =>
      app.inject({
        method: 'POST',
        url: `/api/public/households/${doorToken}/passes`,
        payload,
        remoteAddress: ip,
      });
    const day = (days: number) => at(days).slice(0, 10);
    const wrongName = await apply(
      { documentNumber: ID_NUMBER, name: '李雷', purpose: '就医', validFrom: day(0), validTo: day(2) },
      '10.9.0.1',
    );
    expect([wrongName.statusCode, wrongName.json().error.code]).toEqual([400, 'PASS_HOLDER_NOT_MATCHED']);
    const notMember = await apply(
      {
        documentNumber: residentId(422),
        name: '韩梅梅',
        purpose: '就医',
        validFrom: day(0),
        validTo: day(2),
      },
      '10.9.0.2',
    );
    expect(notMember.json().error.code).toBe('PASS_HOLDER_NOT_MATCHED');

    const applied = await apply(
      { documentNumber: ID_NUMBER, name: '韩梅梅', purpose: '就医', validFrom: day(0), validTo: day(2) },
      '10.9.0.3',
    );
    expect(applied.statusCode, applied.body).toBe(202);
    expect(applied.json()).toMatchObject({ status: 'pending', code: expect.stringMatching(/^TX/) });
    const pending = await app.inject({ url: '/api/passes?status=pending', headers: worker.headers });
    const application = pending.json().items.find((p: { code: string }) => p.code === applied.json().code);
    expect(application).toMatchObject({
      status: 'pending',
      appliedBy: 'resident',
      personId,
      purpose: '就医',
    });
    expect(application.token).toBeUndefined();

    const approved = await app.inject({
      method: 'POST',
      url: `/api/passes/${application.id}/approve`,
      headers: worker.headers,
      payload: { checkpointIds: [gate.id] },
    });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'active', checkpoints: [{ id: gate.id }] });
    expect((await verify(approved.json().token, await material(worker), gate)).ok).toBe(true);
    const again = await app.inject({
      method: 'POST',
      url: `/api/passes/${application.id}/reject`,
      headers: worker.headers,
      payload: { reason: '重复' },
    });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'PASS_NOT_PENDING']);

    const second = await apply(
      { documentNumber: ID_NUMBER, name: '韩梅梅', purpose: '走亲戚', validFrom: day(1), validTo: day(3) },
      '10.9.0.4',
    );
    const secondId = (await app.inject({ url: '/api/passes?status=pending', headers: worker.headers }))
      .json()
      .items.find((p: { code: string }) => p.code === second.json().code).id;
    const rejected = await app.inject({
      method: 'POST',
      url: `/api/passes/${secondId}/reject`,
      headers: worker.headers,
      payload: { reason: '非必要出行' },
    });
    expect(rejected.json()).toMatchObject({ status: 'rejected', rejectReason: '非必要出行' });
    expect(await auditCount('pass.reject', secondId)).toBe(1);
  });

  it('revokes: the gate learns it on sync and refuses; another township sees nothing and cannot revoke; expiry is computed', async () => {
    const pass = (await issue({ personId, purpose: '物资配送', validFrom: at(0), validTo: at(2) })).json();
    const before = await material(worker);
    const memberBefore = await material(gateMember);
    const patrolBefore = await material(patroller);
    expect(patrolBefore.checkpoints).toEqual([]);
    expect(memberBefore.checkpoints.map((c) => c.id)).toEqual([villageGate.id]);

    const foreignList = await app.inject({ url: '/api/passes', headers: stranger.headers });
    expect(foreignList.json().total).toBe(0);
    const foreignGet = await app.inject({ url: `/api/passes/${pass.id}`, headers: stranger.headers });
    expect(foreignGet.statusCode).toBe(404);
    const foreignRevoke = await app.inject({
      method: 'POST',
      url: `/api/passes/${pass.id}/revoke`,
      headers: stranger.headers,
      payload: { reason: '试图吊销' },
    });
    expect([foreignRevoke.statusCode, foreignRevoke.json().error.code]).toEqual([404, 'PASS_NOT_FOUND']);

    clock.advance(60_000);
    const revoked = await app.inject({
      method: 'POST',
      url: `/api/passes/${pass.id}/revoke`,
      headers: worker.headers,
      payload: { reason: '人员已离开本村' },
    });
    expect(revoked.json()).toMatchObject({ status: 'revoked', revokeReason: '人员已离开本村' });
    expect(await auditCount('pass.revoke', pass.id)).toBe(1);
    const qr = await app.inject({ url: `/api/passes/${pass.id}/qr`, headers: worker.headers });
    expect([qr.statusCode, qr.json().error.code]).toEqual([409, 'PASS_NOT_ACTIVE']);

    const delta = await material(worker, before.syncedAt);
    expect(delta.revoked.map((r) => r.id)).toEqual([pass.id]);
    expect(await verify(pass.token, delta)).toMatchObject({ ok: false, problem: 'PASS_REVOKED' });
    expect((await material(stranger)).revoked).toEqual([]);
    // Checking on patrol, away from any gate: the pass of their subtree is known revoked all the same.
    const patrolDelta = await material(patroller, patrolBefore.syncedAt);
    expect(patrolDelta.revoked.map((r) => r.id)).toEqual([pass.id]);
    // The village gate's team learns it too, though the pass's grid is outside the member's own area.
    const memberDelta = await material(gateMember, memberBefore.syncedAt);
    expect(memberDelta.revoked.map((r) => r.id)).toEqual([pass.id]);
    expect(await verify(pass.token, memberDelta, villageGate)).toMatchObject({
      ok: false,
      problem: 'PASS_REVOKED',
    });

    // Expiry: nothing is stored, the pass is past its end.
    const short = (await issue({ personId, purpose: '短期', validFrom: at(0), validTo: at(1) })).json();
    clock.advance(2 * DAY_MS);
    worker = await signIn(app, workerName); // the session went idle meanwhile
    const expired = await app.inject({ url: '/api/passes?status=expired', headers: worker.headers });
    expect(expired.json().items.map((p: { id: number }) => p.id)).toContain(short.id);
    expect(
      (await app.inject({ url: `/api/passes/${short.id}`, headers: worker.headers })).json().status,
    ).toBe('expired');
    expect(await verify(short.token, await material(worker))).toMatchObject({
      ok: false,
      problem: 'PASS_EXPIRED',
    });
  });

  it('keeps one active key when two nodes create it at once, and a rotated key published while its passes live', async () => {
    const db = database().db;
    const actor: Actor = { viewer: SYSTEM_VIEWER, ip: null, now: clock.now };
    const pass = (await issue({ personId, purpose: '轮换前', validFrom: at(0), validTo: at(5) })).json();
    await db.deleteFrom('pass_signing_keys').where('retired_at', 'is', null).execute();
    // After the delete only the new key can sign; the pass above was signed with the old, now gone.
    const cipher = app.cipher;
    const [a, b] = await Promise.all([
      activeSigningKey(db, actor, cipher),
      activeSigningKey(db, actor, cipher),
    ]);
    expect(a.kid).toBe(b.kid);
    expect(
      await db.selectFrom('pass_signing_keys').select('kid').where('retired_at', 'is', null).execute(),
    ).toEqual([{ kid: a.kid }]);
    const stored = await db
      .selectFrom('pass_signing_keys')
      .selectAll()
      .where('kid', '=', a.kid)
      .executeTakeFirstOrThrow();
    expect(stored.private_secret).not.toContain(a.privateJwk.d!);

    const fresh = (await issue({ personId, purpose: '轮换', validFrom: at(0), validTo: at(5) })).json();
    const rotate = (session: Session) =>
      app.inject({ method: 'POST', url: '/api/passes/signing-keys/rotate', headers: session.headers });
    expect((await rotate(worker)).statusCode).toBe(403);
    const admin = await signIn(app, (await createUser(db, [{ role: 'admin', area: tree.city }])).username);
    const rotated = await rotate(admin);
    expect(rotated.statusCode, rotated.body).toBe(200);
    const next = rotated.json().kid as string;
    expect(rotated.json().published).toEqual([next, a.kid]);
    expect(
      await db.selectFrom('audit_log').select('id').where('action', '=', 'pass.key_rotate').execute(),
    ).toHaveLength(1);
    expect((await verify(fresh.token, await material(worker))).ok).toBe(true);
    expect(await verify(pass.token, await material(worker))).toMatchObject({
      ok: false,
      problem: 'PASS_UNKNOWN_KEY',
    });
    // Once every pass issued before the rotation has ended, the old key is no longer published.
    clock.advance(6 * DAY_MS);
    expect((await publishedKeys(db, clock.now())).map((k) => k.kid)).toEqual([next]);
  });

  it('registers visitors at a residents-only gate through its place code: host household and purpose, for the gate staff', async () => {
    const place = async (name: string) => {
      const created = await app.inject({
        method: 'POST',
        url: '/api/places',
        headers: worker.headers,
        payload: { areaId: tree.cellA.id, name, kind: 'gate' },
      });
      expect(created.statusCode, created.body).toBe(201);
      return {
        id: created.json().place.id as number,
        token: created.json().code.scanUrl.split('/p/')[1] as string,
      };
    };
    // Sessions went idle while the clock ran on in the tests above.
    worker = await signIn(app, workerName);
    stranger = await signIn(app, strangerName);
    const gatePlace = await place('星火村东口');
    const shop = await place('小卖部');
    const residentsGate = await createCheckpoint(database().db, tree.gridA, {
      residents_only: true,
      place_id: gatePlace.id,
    });
    const foreignHouse = await database()
      .db.insertInto('houses')
      .values({
        area_id: elsewhere.cellA.id,
        area_path: elsewhere.cellA.path,
        address: '别处路1号',
        created_at: new Date(),
        updated_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    const page = await app.inject({ url: `/api/public/places/${gatePlace.token}/gate` });
    expect(page.json()).toMatchObject({ residentsOnly: true, checkpoint: { name: expect.any(String) } });
    expect(page.json().houses).toContainEqual({ id: houseId, address: '星火路12号' });
    expect(page.body).not.toContain('韩梅梅');
    expect((await app.inject({ url: `/api/public/places/${shop.token}/gate` })).json()).toEqual({
      residentsOnly: false,
      checkpoint: null,
      houses: [],
    });

    const visit = (token: string, payload: object) =>
      app.inject({
        method: 'POST',
        url: `/api/public/places/${token}/visits`,
        payload,
        remoteAddress: '10.9.1.1',
      });
    const visitor = { documentNumber: residentId(433), name: '李雷', purpose: '探望父母' };
    const notGate = await visit(shop.token, { ...visitor, hostHouseId: houseId });
    expect(notGate.json().error.code).toBe('GATE_NOT_RESIDENTS_ONLY');
    const wrongHouse = await visit(gatePlace.token, { ...visitor, hostHouseId: foreignHouse.id });
    expect([wrongHouse.statusCode, wrongHouse.json().error.code]).toEqual([404, 'HOUSE_NOT_FOUND']);
    const noIdentity = await visit(gatePlace.token, { purpose: '探望父母', hostHouseId: houseId });
    expect(noIdentity.statusCode).toBe(400);
    expect(await database().db.selectFrom('gate_visits').select('id').execute()).toHaveLength(0);

    const recorded = await visit(gatePlace.token, { ...visitor, hostHouseId: houseId });
    expect(recorded.statusCode, recorded.body).toBe(201);
    const list = await app.inject({
      url: `/api/gate-visits?checkpointId=${residentsGate.id}`,
      headers: worker.headers,
    });
    expect(list.json().items).toEqual([
      expect.objectContaining({ purpose: '探望父母', hostAddress: '星火路12号', nameMasked: '李*' }),
    ]);
    expect(list.body).not.toContain(residentId(433));
    const foreign = await app.inject({
      url: `/api/gate-visits?checkpointId=${residentsGate.id}`,
      headers: stranger.headers,
    });
    expect(foreign.json().total).toBe(0);
    // The gate's team sees its visitors too, whatever the members' own areas.
    const memberList = () =>
      app.inject({ url: `/api/gate-visits?checkpointId=${residentsGate.id}`, headers: gateMember.headers });
    gateMember = await signIn(app, gateMemberName);
    expect((await memberList()).json().total).toBe(0);
    await database()
      .db.updateTable('checkpoints')
      .set({ team_id: gateTeamId })
      .where('id', '=', residentsGate.id)
      .execute();
    expect((await memberList()).json().items).toEqual([expect.objectContaining({ nameMasked: '李*' })]);
    // The scan itself is a place scan: it is purged with the place's scans, and the visit goes with it.
    await database().db.deleteFrom('place_scans').where('place_id', '=', gatePlace.id).execute();
    expect(await database().db.selectFrom('gate_visits').select('id').execute()).toHaveLength(0);
  });
});
