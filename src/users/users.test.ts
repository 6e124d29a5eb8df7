import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  type Session,
  signIn,
  testApp,
} from '../test-support/factories.js';

describeEachDatabase('users and role assignments', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let staffA: Session;

  beforeAll(async () => {
    app = await testApp(database());
    tree = await createAreaTree(database().db);
    const staff = await createUser(database().db, [{ role: 'community_staff', area: tree.gridA }]);
    staffA = await signIn(app, staff.username);
  });

  it('creates a worker in its subtree who must change the password at first sign-in', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: staffA.headers,
      payload: {
        username: 'new_worker_a',
        displayName: '新网格员',
        password: 'Start-pass-2026',
        assignments: [{ role: 'grid_worker', areaId: tree.microA.id }],
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      username: 'new_worker_a',
      mustChangePassword: true,
      assignments: [{ role: 'grid_worker', areaCode: tree.microA.code }],
    });
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'new_worker_a', password: 'Start-pass-2026' },
    });
    expect(login.json().mustChangePassword).toBe(true);
    const audit = await app.inject({ url: '/api/audit?action=user.create', headers: staffA.headers });
    expect(audit.json().items[0].after).toMatchObject({ username: 'new_worker_a' });
  });

  it('refuses roles outside its subtree, roles above its own, and a taken username', async () => {
    const base = { displayName: 'x', password: 'Start-pass-2026' };
    const outside = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: staffA.headers,
      payload: {
        ...base,
        username: 'u_outside',
        assignments: [{ role: 'grid_worker', areaId: tree.microB.id }],
      },
    });
    expect(outside.statusCode).toBe(404);
    const admin = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: staffA.headers,
      payload: { ...base, username: 'u_admin', assignments: [{ role: 'admin', areaId: tree.microA.id }] },
    });
    expect(admin.statusCode).toBe(403);
    expect(admin.json().error.code).toBe('ROLE_NOT_GRANTABLE');
    const taken = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: staffA.headers,
      payload: {
        ...base,
        username: 'NEW_WORKER_A',
        assignments: [{ role: 'volunteer', areaId: tree.microA.id }],
      },
    });
    expect(taken.json().error.code).toBe('USERNAME_TAKEN');
    const stored = await database()
      .db.selectFrom('users')
      .select('username')
      .where('username', 'in', ['u_outside', 'u_admin'])
      .execute();
    expect(stored).toEqual([]);
  });

  it('cannot read, disable or reset a user of grid B, nor one who also holds a role elsewhere', async () => {
    const workerB = await createUser(database().db, [{ role: 'grid_worker', area: tree.microB }]);
    const spanning = await createUser(database().db, [
      { role: 'volunteer', area: tree.microA },
      { role: 'commander', area: tree.county },
    ]);
    expect((await app.inject({ url: `/api/users/${workerB.id}`, headers: staffA.headers })).statusCode).toBe(
      404,
    );
    expect(
      (
        await app.inject({
          method: 'PATCH',
          url: `/api/users/${workerB.id}`,
          headers: staffA.headers,
          payload: { disabled: true },
        })
      ).statusCode,
    ).toBe(404);
    const seen = await app.inject({ url: `/api/users/${spanning.id}`, headers: staffA.headers });
    expect(seen.json().assignments.map((a: { role: string }) => a.role)).toEqual(['volunteer']);
    const disable = await app.inject({
      method: 'PATCH',
      url: `/api/users/${spanning.id}`,
      headers: staffA.headers,
      payload: { disabled: true },
    });
    expect(disable.statusCode).toBe(403);
    const reset = await app.inject({
      method: 'POST',
      url: `/api/users/${spanning.id}/password`,
      headers: staffA.headers,
      payload: { newPassword: 'Reset-pass-2026' },
    });
    expect(reset.statusCode).toBe(403);
  });

  it('disables a user of its subtree and ends their sessions', async () => {
    const worker = await createUser(database().db, [{ role: 'grid_worker', area: tree.cellA }]);
    const session = await signIn(app, worker.username);
    const response = await app.inject({
      method: 'PATCH',
      url: `/api/users/${worker.id}`,
      headers: staffA.headers,
      payload: { disabled: true },
    });
    expect(response.json().disabled).toBe(true);
    expect((await app.inject({ url: '/api/auth/me', headers: session.headers })).statusCode).toBe(401);
  });

  it('grants and withdraws a role', async () => {
    const volunteer = await createUser(database().db, [{ role: 'volunteer', area: tree.microA }]);
    const granted = await app.inject({
      method: 'POST',
      url: `/api/users/${volunteer.id}/assignments`,
      headers: staffA.headers,
      payload: { role: 'doctor', areaId: tree.gridA.id },
    });
    expect(
      granted
        .json()
        .assignments.map((a: { role: string }) => a.role)
        .sort(),
    ).toEqual(['doctor', 'volunteer']);
    const doctor = granted.json().assignments.find((a: { role: string }) => a.role === 'doctor');
    const withdrawn = await app.inject({
      method: 'DELETE',
      url: `/api/users/${volunteer.id}/assignments/${doctor.id}`,
      headers: staffA.headers,
    });
    expect(withdrawn.json().assignments.map((a: { role: string }) => a.role)).toEqual(['volunteer']);
  });
});
