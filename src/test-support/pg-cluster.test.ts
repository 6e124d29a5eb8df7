import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { canStartCluster, startThrowawayCluster, type ThrowawayCluster } from './pg-cluster.js';

async function query<T>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

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
    await query(url, 'create table t (n int); insert into t values (1), (2)');
    await primary.restart('immediate');
    expect(await query<{ count: string }>(url, 'select count(*) from t')).toEqual([{ count: '2' }]);

    const replica = await primary.startReplica();
    clusters.push(replica);
    await query(url, 'insert into t values (3)');
    const replicaUrl = replica.url('drill');
    let seen = 0;
    for (let i = 0; i < 50 && seen < 3; i++) {
      seen = Number((await query<{ count: string }>(replicaUrl, 'select count(*) from t'))[0]?.count);
      if (seen < 3) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(seen).toBe(3);
    expect(await query<{ r: boolean }>(replicaUrl, 'select pg_is_in_recovery() as r')).toEqual([{ r: true }]);
  }, 120_000);
});
