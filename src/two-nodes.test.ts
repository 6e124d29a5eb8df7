import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from './auth/repository.js';
import { MAX_FAILED_LOGINS } from './auth/lockout.js';
import type { Database } from './db/database.js';
import { syntheticIdNumber } from './generate/city.js';
import { HOUSEHOLD_FORM_LIMITS } from './household-codes/public-limits.js';
import { type AppNode, installationKeys, startAppNode } from './test-support/app-node.js';
import { openTestDatabase } from './test-support/database.js';
import { createAreaTree, createUser, TEST_PASSWORD } from './test-support/factories.js';

/*
 * Two `gridguard serve` processes on one PostgreSQL database: nothing that limits or queues work
 * may live in one process's memory. Public limits and sign-in lock-outs count on shared counters;
 * a pushed health-feed batch is processed once by whichever node claims it, also when the node
 * that accepted it is killed mid-batch.
 */
describe.runIf(process.env.TEST_DATABASE_URL)('two app nodes on one database', () => {
  let database: Database;
  let dir: string;
  let nodeA: AppNode;
  let nodeB: AppNode;
  let username: string;
  let feedToken: string;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    const tree = await createAreaTree(database.db);
    username = (await createUser(database.db, [{ role: 'grid_worker', area: tree.microA }])).username;
    feedToken = (
      await createApiToken(database.db, {
        name: 'lab feed',
        areaId: tree.village.id,
        capability: 'feed.health',
        createdBy: null,
      })
    ).token;
    const name = (await sql<{ name: string }>`select current_database() as name`.execute(database.db))
      .rows[0]!.name;
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${name}`;
    dir = await mkdtemp(path.join(tmpdir(), 'gg-two-nodes-'));
    const env = installationKeys();
    const start = (node: string) =>
      startAppNode({ databaseUrl: url.toString(), dataDir: path.join(dir, node), env, timeoutMs: 120_000 });
    const started = await Promise.all([start('a'), start('b')]);
    nodeA = started[0];
    nodeB = started[1];
  }, 180_000);

  afterAll(async () => {
    await nodeA?.crash();
    await nodeB?.crash();
    await database?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const nodes = () => [nodeA, nodeB];

  it('counts a public limit once for both nodes: requests alternated between them hit 429 at the limit', async () => {
    // A door code's forms: ten a minute per code, whichever node serves them (counted before validation).
    const perCode = HOUSEHOLD_FORM_LIMITS.find((rule) => rule.max === 10)!.max;
    const doorStatuses: number[] = [];
    for (let i = 0; i <= perCode; i++) {
      const response = await fetch(`${nodes()[i % 2]!.url}/api/public/households/two-nodes-code/departures`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ documentNumber: 'x' }),
      });
      doorStatuses.push(response.status);
      if (response.status === 429) {
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
      }
    }
    expect(doorStatuses).toEqual([...Array<number>(perCode).fill(400), 429]);

    // Open311 reads without a key: sixty a minute per client (src/open311/routes.ts; service lists are not limited), refused in Open311's own error list.
    const reads = 60;
    const readStatuses: number[] = [];
    let refused: unknown;
    for (let i = 0; i <= reads; i++) {
      const response = await fetch(`${nodes()[i % 2]!.url}/open311/v2/requests.json?status=closed`);
      readStatuses.push(response.status);
      if (response.status === 429) refused = await response.json();
      else await response.arrayBuffer();
    }
    expect(readStatuses.filter((s) => s === 200)).toHaveLength(reads);
    expect(readStatuses.at(-1)).toBe(429);
    expect(refused).toEqual([{ code: 429, description: expect.stringContaining('Too many requests') }]);
    console.log(
      `[two nodes] door-code form: ${doorStatuses.filter((s) => s !== 429).length} served before 429 (limit ${perCode}); ` +
        `Open311 reads: ${readStatuses.filter((s) => s === 200).length} served before 429 (limit ${reads})`,
    );
  });

  it('locks a name on both nodes after failures split between them', async () => {
    const login = (node: AppNode, password: string) =>
      fetch(`${node.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
    const triesLeft: number[] = [];
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) {
      const response = await login(nodes()[i % 2]!, 'wrong-pass-1');
      expect(response.status).toBe(401);
      triesLeft.push(
        ((await response.json()) as { error: { details: { triesLeft: number } } }).error.details.triesLeft,
      );
    }
    expect(triesLeft).toEqual([4, 3, 2, 1, 0]);
    const answers = [];
    for (const node of nodes()) {
      const response = await login(node, TEST_PASSWORD);
      expect(response.status).toBe(401);
      answers.push(
        ((await response.json()) as { error: { details: { locked: boolean } } }).error.details.locked,
      );
    }
    expect(answers).toEqual([true, true]);
    console.log(
      `[two nodes] sign-in: tries left ${triesLeft.join(',')} across A/B; right password then locked on A and B: ${answers.join(',')}`,
    );
  });

  it('processes a batch pushed to a node once, by the other node when the first is killed mid-batch', async () => {
    let next = 0;
    const records = (count: number) =>
      Array.from({ length: count }, () => {
        next += 1;
        return {
          recordId: `N${next}`,
          idNumber: syntheticIdNumber(next),
          sampledAt: '2026-11-01 09:00',
          result: '阴性',
        };
      });
    const push = async (node: AppNode, count: number) => {
      const response = await fetch(`${node.url}/api/feeds/tests/batches`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${feedToken}` },
        body: JSON.stringify({ source: 'lab-two-nodes', records: records(count) }),
      });
      expect(response.status).toBe(202);
      return ((await response.json()) as { batchId: number }).batchId;
    };
    const statusOf = async (ids: number[]) =>
      database.db
        .selectFrom('feed_batches')
        .select(['id', 'status', 'attempts', 'owner', 'inserted', 'duplicates'])
        .where('id', 'in', ids)
        .orderBy('id')
        .execute();
    const settled = async (ids: number[], ms: number) => {
      const deadline = Date.now() + ms;
      for (;;) {
        const rows = await statusOf(ids);
        if (rows.every((row) => row.status === 'done' || row.status === 'failed') || Date.now() > deadline)
          return rows;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    const batches: number[] = [];
    for (let i = 0; i < 6; i++) batches.push(await push(nodes()[i % 2]!, 300));
    // Both nodes idle again, so the next batch is A's own to claim at once.
    await settled(batches, 60_000);
    // A large one to A, and A is killed once it holds it (or as soon as it answered, if it was quicker).
    const big = await push(nodeA, 4000);
    batches.push(big);
    const ownerA = `${nodeA.process.pid}-`;
    let heldByA = false;
    for (let i = 0; i < 500 && !heldByA; i++) {
      const row = await database.db
        .selectFrom('feed_batches')
        .select(['status', 'owner'])
        .where('id', '=', big)
        .executeTakeFirstOrThrow();
      heldByA = row.status === 'processing' && (row.owner?.startsWith(ownerA) ?? false);
      if (row.status === 'done' || row.status === 'failed') break;
      if (!heldByA) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await nodeA.crash();
    // One more to B after the crash: B's fast path and its claim job take up what A left.
    batches.push(await push(nodeB, 300));
    const pushed = 6 * 300 + 4000 + 300;

    // B takes A's batch up once A's lease ran out (30 s) at its next claim turn (every 10 s).
    const rows = await settled(batches, 100_000);
    const stored = await database.db
      .selectFrom('health_records')
      .select((eb) => [
        eb.fn.countAll<string>().as('n'),
        eb.fn.count<string>('record_key').distinct().as('keys'),
      ])
      .where('source', '=', 'lab-two-nodes')
      .executeTakeFirstOrThrow();
    const bigRow = rows.find((row) => row.id === big)!;
    const inserted = rows.reduce((sum, row) => sum + row.inserted, 0);
    console.log(
      `[two nodes] feed: ${rows.length} batches, ${rows.filter((r) => r.status === 'done').length} done; ` +
        `${pushed} records pushed, ${stored.n} rows stored (${stored.keys} distinct), ${inserted} counted inserted, ` +
        `${rows.reduce((sum, row) => sum + row.duplicates, 0)} counted twice; ` +
        `big batch ${heldByA ? 'held by A when killed' : 'not seen held by A'}, claims ${bigRow.attempts}, finished by ${bigRow.owner?.startsWith(`${nodeB.process.pid}-`) ? 'B' : 'A'}`,
    );
    expect(rows.map((row) => row.status)).toEqual(batches.map(() => 'done'));
    expect(Number(stored.n)).toBe(pushed);
    expect(Number(stored.keys)).toBe(pushed);
    expect(inserted).toBe(pushed);
    if (heldByA) {
      expect(bigRow.attempts).toBeGreaterThanOrEqual(2);
      expect(bigRow.owner?.startsWith(`${nodeB.process.pid}-`)).toBe(true);
    }
    expect(nodeB.output()).not.toMatch(/feed batch failed/);
  }, 180_000);
});
