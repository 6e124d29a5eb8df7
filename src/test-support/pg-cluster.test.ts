import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryOnce } from '../db/database.js';
import { afterAll, describe, expect, it } from 'vitest';
import { installationKeys, startAppNode } from './app-node.js';
import { canStartCluster, startThrowawayCluster, type ThrowawayCluster } from './pg-cluster.js';

describe.runIf(canStartCluster() && process.env.TEST_DATABASE_URL)('throw-away PostgreSQL cluster', () => {
  const clusters: ThrowawayCluster[] = [];
  afterAll(async () => {
    for (const cluster of clusters.reverse()) await cluster.destroy();
  });

  it('starts on its own port, survives a crash restart and streams to a replica', async () => {
    const primary = await startThrowawayCluster();
    clusters.push(primary);
    expect(primary.port).not.toBe(5432);
    const url = await primary.createDatabase('drill');
    await queryOnce(url, 'create table t (n int); insert into t values (1), (2)');
    await primary.restart('immediate');
    expect(await queryOnce<{ count: number }>(url, 'select count(*) from t')).toEqual([{ count: 2 }]);

    const replica = await primary.startReplica();
    clusters.push(replica);
    await queryOnce(url, 'insert into t values (3)');
    const replicaUrl = replica.url('drill');
    let seen = 0;
    for (let i = 0; i < 50 && seen < 3; i++) {
      seen = Number((await queryOnce<{ count: number }>(replicaUrl, 'select count(*) from t'))[0]?.count);
      if (seen < 3) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(seen).toBe(3);
    expect(await queryOnce<{ r: boolean }>(replicaUrl, 'select pg_is_in_recovery() as r')).toEqual([
      { r: true },
    ]);
  }, 120_000);
});

describe.runIf(canStartCluster() && process.env.TEST_DATABASE_URL)(
  'an app node on a throw-away cluster',
  () => {
    it('serves /api/health and stops on SIGTERM', async () => {
      const cluster = await startThrowawayCluster();
      const dataDir = await mkdtemp(join(tmpdir(), 'gg-node-'));
      try {
        const databaseUrl = await cluster.createDatabase('gridguard');
        const node = await startAppNode({ databaseUrl, dataDir, env: installationKeys() });
        const health = (await (await fetch(`${node.url}/api/health`)).json()) as { database?: string };
        expect(health.database).toBe('postgres');
        await node.stop();
        expect(node.process.exitCode).toBe(0);
      } finally {
        await cluster.destroy();
        await rm(dataDir, { recursive: true, force: true });
      }
    }, 120_000);
  },
);
