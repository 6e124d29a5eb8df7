import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './app-node.js';

const run = promisify(execFile);

/**
 * A PostgreSQL cluster of the test's own — initdb into a temporary directory, its own port — for drills that
 * stop, crash or replicate the server. The shared cluster at 5432 is never touched.
 */
export interface ThrowawayCluster {
  readonly port: number;
  readonly dataDir: string;
  /** `postgres://postgres@127.0.0.1:port/name`. */
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  /** `pg_ctl stop`: `fast` closes connections cleanly, `immediate` is a crash (recovery from WAL at the next start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  restart(mode?: 'fast' | 'immediate'): Promise<void>;
  /** A streaming replica of this cluster (pg_basebackup -R), started on its own port. */
  startReplica(): Promise<ThrowawayCluster>;
  /** Stops the server and removes its directory. */
  destroy(): Promise<void>;
}

/** The newest installed server's binaries (Debian keeps them out of PATH). */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

/** Whether this machine can start a cluster of its own (server binaries installed). */
export const canStartCluster = (): boolean => postgresBinDir() !== null;

const isRoot = () => process.getuid?.() === 0;

/** initdb and the server refuse to run as root: as root, run them as the `postgres` account. */
async function asServerUser(binary: string, args: string[], timeoutMs = 120_000): Promise<string> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
  const path = join(bin, binary);
  const [command, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
  const { stdout } = await run(command, argv, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

async function ownedDirectory(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    await chown(dir, uid, gid);
  }
  return dir;
}

const running = new Set<string>();
// A test that dies must not leave a server behind.
process.once('exit', () => {
  const bin = postgresBinDir();
  if (!bin) return;
  for (const dataDir of running) {
    try {
      const args = ['-D', dataDir, '-m', 'immediate', 'stop'];
      if (isRoot())
        execFileSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args], { stdio: 'ignore' });
      else execFileSync(join(bin, 'pg_ctl'), args, { stdio: 'ignore' });
    } catch {
      // already stopped
    }
  }
});

async function waitForConnections(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function clusterAt(dataDir: string, port: number): ThrowawayCluster {
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const pgCtl = (...args: string[]) => asServerUser('pg_ctl', ['-D', dataDir, ...args]);
  const cluster: ThrowawayCluster = {
    port,
    dataDir,
    url,
    async createDatabase(name) {
      const admin = new pg.Client({ connectionString: url() });
      await admin.connect();
      try {
        await admin.query(`create database ${name}`);
      } finally {
        await admin.end();
      }
      return url(name);
    },
    async start() {
      await pgCtl('-l', join(dataDir, 'server.log'), '-w', '-t', '60', 'start');
      running.add(dataDir);
      await waitForConnections(url(), 30_000);
    },
    async stop(mode = 'fast') {
      await pgCtl('-m', mode, '-w', '-t', '60', 'stop');
      running.delete(dataDir);
    },
    async restart(mode = 'fast') {
      await cluster.stop(mode);
      await cluster.start();
    },
    async startReplica() {
      const replicaDir = await ownedDirectory('gg-replica-');
      const replicaPort = await freePort();
      await asServerUser('pg_basebackup', [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'postgres',
        '-D',
        replicaDir,
        '-R',
        '-X',
        'stream',
        '-c',
        'fast',
      ]);
      await appendFile(
        join(replicaDir, 'postgresql.auto.conf'),
        `port = ${replicaPort}\nunix_socket_directories = '${replicaDir}'\nhot_standby = on\n`,
      );
      const replica = clusterAt(replicaDir, replicaPort);
      await replica.start();
      return replica;
    },
    async destroy() {
      if (running.has(dataDir)) await cluster.stop('immediate').catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return cluster;
}

/**
 * initdb (trust auth, UTF-8, no locale) into a fresh temporary directory and start the server on a free port,
 * ready for streaming replication.
 */
export async function startThrowawayCluster(
  settings: Record<string, string | number> = {},
): Promise<ThrowawayCluster> {
  const dataDir = await ownedDirectory('gg-cluster-');
  const port = await freePort();
  await asServerUser('initdb', [
    '-D',
    dataDir,
    '-A',
    'trust',
    '-U',
    'postgres',
    '-E',
    'UTF8',
    '--no-locale',
    '--no-sync',
  ]);
  const conf: Record<string, string | number> = {
    port,
    listen_addresses: "'127.0.0.1'",
    unix_socket_directories: `'${dataDir}'`,
    wal_level: 'replica',
    max_wal_senders: 5,
    max_connections: 200,
    shared_buffers: "'128MB'",
    ...settings,
  };
  await appendFile(
    join(dataDir, 'postgresql.conf'),
    Object.entries(conf)
      .map(([key, value]) => `${key} = ${value}\n`)
      .join(''),
  );
  // Replication connections from 127.0.0.1 (initdb's trust lines cover them for local sockets only on some versions).
  await appendFile(join(dataDir, 'pg_hba.conf'), 'host replication all 127.0.0.1/32 trust\n');
  const cluster = clusterAt(dataDir, port);
  await cluster.start();
  return cluster;
}
