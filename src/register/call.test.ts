// Calling a resident from the doorstep: the phone alone, in scope, audit-logged.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  type Session,
  signIn,
  testApp,
} from '../test-support/factories.js';
import { residentIdCheckCharacter } from './identity/identity-number.js';

let sequence = 201;
function residentId(): string {
  const first17 = `330106${'19700101'}${String(sequence++).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}

describeEachDatabase('register: the number to call a person', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let workerA: Session;
  let workerB: Session;
  let doctorA: Session;
  let houseId = 0;

  beforeAll(async () => {
    app = await testApp(database());
    tree = await createAreaTree(database().db);
    const db = database().db;
    workerA = await signIn(app, (await createUser(db, [{ role: 'grid_worker', area: tree.gridA }])).username);
    workerB = await signIn(app, (await createUser(db, [{ role: 'grid_worker', area: tree.gridB }])).username);
    doctorA = await signIn(app, (await createUser(db, [{ role: 'doctor', area: tree.gridA }])).username);
    const house = await app.inject({
      method: 'POST',
      url: '/api/houses',
      headers: workerA.headers,
      payload: { areaId: tree.cellA.id, address: '星火路30号' },
    });
    expect(house.statusCode, house.body).toBe(201);
    houseId = house.json<{ id: number }>().id;
  });
  afterAll(async () => {
    await app.close();
  });

  const register = async (phone?: string) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/persons',
      headers: workerA.headers,
      payload: { documentNumber: residentId(), name: '赵大爷', houseId, ...(phone ? { phone } : {}) },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: number }>().id;
  };
  const call = (who: Session, id: number, payload: object = { reason: '入户走访联系住户' }) =>
    app.inject({ method: 'POST', url: `/api/persons/${id}/call`, headers: who.headers, payload });
  const callsOf = (id: number) =>
    database()
      .db.selectFrom('audit_log')
      .select(['action', 'reason', 'actor_user_id'])
      .where('entity_type', '=', 'person')
      .where('entity_id', '=', String(id))
      .where('action', 'in', ['person.call', 'person.reveal'])
      .execute();

  it('answers only the phone, never the ID number, and logs who asked and why', async () => {
    const id = await register('13900001111');
    const response = await call(workerA, id);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ phone: '13900001111' });
    expect(response.headers['cache-control']).toBe('no-store');
    expect(await callsOf(id)).toEqual([
      { action: 'person.call', reason: '入户走访联系住户', actor_user_id: expect.any(Number) },
    ]);
  });

  it('answers null without logging when no phone is registered', async () => {
    const id = await register();
    const response = await call(workerA, id);
    expect(response.json()).toEqual({ phone: null });
    expect(await callsOf(id)).toEqual([]);
  });

  it('refuses another grid (404), a role without reveal (403) and a missing reason (400)', async () => {
    const id = await register('13900002222');
    expect((await call(workerB, id)).statusCode).toBe(404);
    expect((await call(doctorA, id)).statusCode).toBe(403);
    const noReason = await call(workerA, id, {});
    expect(noReason.statusCode).toBe(400);
    expect(await callsOf(id)).toEqual([]);
  });
});
