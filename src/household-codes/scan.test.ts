// A worker's scanner: what a scanned door code resolves to, for whom, and what other text answers.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  type Session,
  signIn,
  testApp,
} from '../test-support/factories.js';
import { parseScannedCode } from './scan-service.js';

const TOKEN = 'AbCdEfGhIjKlMnOpQrSt_-';

describe('parseScannedCode', () => {
  it('reads the printed address on any host, and a bare token', () => {
    expect(parseScannedCode(`https://gg.example.cn/h/${TOKEN}`)).toEqual({ kind: 'household', token: TOKEN });
    expect(parseScannedCode(` http://192.168.1.20:3000/app/h/${TOKEN}/ \n`)).toEqual({
      kind: 'household',
      token: TOKEN,
    });
    expect(parseScannedCode(`https://gg.example.cn/h/${TOKEN}?from=label#x`)?.token).toBe(TOKEN);
    expect(parseScannedCode(TOKEN)).toEqual({ kind: 'household', token: TOKEN });
    expect(parseScannedCode(`https://gg.example.cn/r/${TOKEN}`)).toEqual({
      kind: 'self_report',
      token: TOKEN,
    });
    expect(parseScannedCode(`https://gg.example.cn/p/${TOKEN}`)).toEqual({ kind: 'place', token: TOKEN });
  });

  it('refuses everything else', () => {
    for (const text of [
      '',
      'hello 你好',
      'https://weixin.qq.com/r/abc',
      `https://gg.example.cn/x/${TOKEN}`,
      `https://gg.example.cn/h/${TOKEN}x`,
      `https://gg.example.cn/h/${TOKEN.slice(1)}`,
      'WIFI:S:office;T:WPA;P:secret;;',
      `javascript:alert(1)//h/${TOKEN}`,
    ])
      expect(parseScannedCode(text), text).toBeNull();
  });
});

describeEachDatabase('resolving a scanned door code', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let workerA: Session;
  let workerB: Session;
  let staff: Session;
  let houseA: { id: number; address: string };
  let urlA = '';
  let urlB = '';

  async function houseWithCode(areaId: number, address: string) {
    const created = await app.inject({
      method: 'POST',
      url: '/api/houses',
      headers: staff.headers,
      payload: { areaId, address },
    });
    expect(created.statusCode, created.body).toBe(201);
    const house = created.json<{ id: number; address: string }>();
    const issued = await app.inject({
      method: 'POST',
      url: `/api/houses/${house.id}/household-code`,
      headers: staff.headers,
    });
    expect(issued.statusCode, issued.body).toBe(201);
    return { house, url: issued.json<{ scanUrl: string }>().scanUrl };
  }
  const resolve = (who: Session, code: string) =>
    app.inject({
      method: 'GET',
      url: `/api/household-codes/resolve?code=${encodeURIComponent(code)}`,
      headers: who.headers,
    });

  beforeAll(async () => {
    app = await testApp(database());
    tree = await createAreaTree(database().db);
    const db = database().db;
    workerA = await signIn(app, (await createUser(db, [{ role: 'grid_worker', area: tree.gridA }])).username);
    workerB = await signIn(app, (await createUser(db, [{ role: 'grid_worker', area: tree.gridB }])).username);
    staff = await signIn(
      app,
      (await createUser(db, [{ role: 'community_staff', area: tree.village }])).username,
    );
    const a = await houseWithCode(tree.cellA.id, '星火路1号');
    houseA = a.house;
    urlA = a.url;
    urlB = (await houseWithCode(tree.cellB.id, '星火路2号')).url;
  });
  afterAll(async () => {
    await app.close();
  });

  it('opens the house of a code in the worker’s grid', async () => {
    const response = await resolve(workerA, urlA);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      houseId: houseA.id,
      address: '星火路1号',
      area: { id: tree.cellA.id, code: expect.any(String), name: expect.any(String) },
    });
    expect(response.headers['cache-control']).toBe('no-store');
    // The community's staff see the whole village.
    expect((await resolve(staff, urlA)).json().houseId).toBe(houseA.id);
  });

  it('tells a worker of another grid only that the house is not in their area', async () => {
    const response = await resolve(workerB, urlA);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('HOUSE_OUT_OF_SCOPE');
    expect(response.body).not.toContain('星火路1号');
    expect(response.body).not.toContain(String(houseA.id));
    expect((await resolve(workerB, urlB)).statusCode).toBe(200);
  });

  it('answers 404 for an unknown or revoked code, 400 for other codes and text, and needs a sign-in', async () => {
    const unknown = await resolve(workerA, `https://elsewhere.example/h/${TOKEN}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('CODE_NOT_FOUND');

    const codes = await app.inject({
      method: 'GET',
      url: `/api/codes?houseId=${houseA.id}`,
      headers: staff.headers,
    });
    const codeId = (codes.json() as { items: Array<{ id: number }> }).items[0]!.id;
    const revoked = await app.inject({
      method: 'POST',
      url: `/api/codes/${codeId}/revoke`,
      headers: staff.headers,
      payload: { reason: '门牌损坏' },
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect((await resolve(workerA, urlA)).json().error.code).toBe('CODE_NOT_FOUND');

    const selfReport = await app.inject({
      method: 'POST',
      url: `/api/areas/${tree.village.id}/self-report-code`,
      headers: staff.headers,
    });
    expect(selfReport.statusCode, selfReport.body).toBe(201);
    const notDoor = await resolve(workerA, selfReport.json<{ scanUrl: string }>().scanUrl);
    expect(notDoor.statusCode).toBe(400);
    expect(notDoor.json().error).toMatchObject({
      code: 'CODE_NOT_HOUSEHOLD',
      details: { kind: 'self_report' },
    });

    const garbage = await resolve(workerA, 'https://weixin.qq.com/g/随便什么');
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json().error.code).toBe('CODE_NOT_HOUSEHOLD');
    expect((await resolve(workerA, 'x'.repeat(2001))).statusCode).toBe(400);
    expect(
      (
        await app.inject({
          method: 'GET',
          url: `/api/household-codes/resolve?code=${encodeURIComponent(urlB)}`,
        })
      ).statusCode,
    ).toBe(401);
  });
});
