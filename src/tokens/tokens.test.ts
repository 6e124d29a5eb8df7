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

describeEachDatabase('API tokens for machine clients', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let admin: Session;

  beforeAll(async () => {
    app = await testApp(database());
    tree = await createAreaTree(database().db);
    admin = await signIn(
      app,
      (await createUser(database().db, [{ role: 'admin', area: tree.gridA }])).username,
    );
  });

  it('issues a token bound to an area and capability, which authenticates until revoked', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: admin.headers,
      payload: { name: '核酸数据接口', areaId: tree.gridA.id, capability: 'feed.health' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { token, id } = created.json();
    expect(token).toMatch(/^gg_/);
    const stored = await database()
      .db.selectFrom('api_tokens')
      .select('token_hash')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);
    const asMachine = await app.inject({
      url: `/api/areas/${tree.gridA.id}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(asMachine.statusCode).toBe(403);
    const listed = (await app.inject({ url: '/api/tokens', headers: admin.headers })).json().items;
    expect(listed[0]).toMatchObject({
      id,
      capability: 'feed.health',
      area: { id: tree.gridA.id },
      revoked: false,
    });
    expect(JSON.stringify(listed)).not.toContain(token);
    await app.inject({ method: 'POST', url: `/api/tokens/${id}/revoke`, headers: admin.headers });
    const revoked = await app.inject({
      url: `/api/areas/${tree.gridA.id}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(revoked.statusCode).toBe(401);
  });

  it('refuses tokens outside the caller’s area', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: admin.headers,
      payload: { name: 'x', areaId: tree.gridB.id, capability: 'open311' },
    });
    expect(response.statusCode).toBe(404);
  });
});
