import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgres } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { type AppNode, installationKeys, startAppNode } from '../app-node.js';
import { createEventWorld, type EventWorld, categoryId } from '../events-fixtures.js';
import { createUser } from '../factories.js';
import { canStartCluster, startThrowawayCluster, type ThrowawayCluster } from '../pg-cluster.js';
import { type Session, signInOver, type Target } from './load.js';

/** Drills need a cluster of their own (server binaries) and run in CI only, like the other PostgreSQL tests. */
export const drillsEnabled = (): boolean => Boolean(process.env.TEST_DATABASE_URL) && canStartCluster();

/** One installation on a throw-away cluster: migrated database, a village with grid workers, shared keys. */
export interface Installation {
  cluster: ThrowawayCluster;
  databaseUrl: string;
  keys: Record<string, string>;
  world: EventWorld;
  /** Grid workers of micro-grid A (they file events in cell A). */
  workers: Array<{ id: number; username: string }>;
  categoryId: number;
  /** Seconds spent on initdb, migrations and fixtures (the drill's own figures exclude it). */
  setupSeconds: number;
  /** Starts an app node; `imports` preloads modules into it (a drill's injected fault). */
  startNode(options?: { imports?: readonly string[] }): Promise<AppNode>;
  destroy(): Promise<void>;
}

export async function startInstallation(options: { workers: number }): Promise<Installation> {
  const started = Date.now();
  const cluster = await startThrowawayCluster();
  const dataDirs: string[] = [];
  const nodes: AppNode[] = [];
  try {
    const databaseUrl = await cluster.createDatabase('gridguard');
    const database = await openPostgres(databaseUrl, { max: 2 });
    let world: EventWorld;
    const workers: Array<{ id: number; username: string }> = [];
    let category: number;
    try {
      await migrateToLatest(database.db);
      world = await createEventWorld(database.db);
      for (let i = 0; i < options.workers; i++)
        workers.push(await createUser(database.db, [{ role: 'grid_worker', area: world.tree.microA }]));
      category = await categoryId(database.db, 'epidemic.supply_need');
    } finally {
      await database.close();
    }
    const keys = installationKeys();
    return {
      cluster,
      databaseUrl,
      keys,
      world,
      workers,
      categoryId: category,
      setupSeconds: (Date.now() - started) / 1000,
      async startNode(nodeOptions?: { imports?: readonly string[] }) {
        const dataDir = await mkdtemp(join(tmpdir(), 'gg-drill-node-'));
        dataDirs.push(dataDir);
        const node = await startAppNode({
          databaseUrl,
          dataDir,
          env: keys,
          timeoutMs: 90_000,
          ...(nodeOptions?.imports ? { imports: nodeOptions.imports } : {}),
        });
        nodes.push(node);
        return node;
      },
      async destroy() {
        for (const node of nodes) await node.crash();
        await cluster.destroy();
        for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
}

/**
 * Two app nodes, A and B, and the installation's workers signed in half on each (A, A, B, B, …), as a load
 * balancer would spread them.
 */
export async function twoNodesWithClients(installation: Installation): Promise<{
  nodeA: AppNode;
  nodeB: AppNode;
  a: Target;
  b: Target;
  clients: Array<{ session: Session; target: Target }>;
}> {
  const [nodeA, nodeB] = await Promise.all([installation.startNode(), installation.startNode()]);
  const a: Target = { name: 'A', url: nodeA.url };
  const b: Target = { name: 'B', url: nodeB.url };
  const half = Math.ceil(installation.workers.length / 2);
  const clients = await Promise.all(
    installation.workers.map(async (worker, i) => {
      const target = i < half ? a : b;
      return { session: await signInOver(target, worker.username), target };
    }),
  );
  return { nodeA, nodeB, a, b, clients };
}
