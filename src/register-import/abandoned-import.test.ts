import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openPglite } from '../db/database.js';
import { ownerIsGone, PROCESS_OWNER, stagingRoot } from '../imports/staging.js';
import { residentIdCheckCharacter } from '../register/identity/identity-number.js';
import { openTestDatabase, testBackends } from '../test-support/database.js';
import { TestClock, testApp } from '../test-support/factories.js';
import { PROCESS_STOPPED } from './jobs.js';

const id = (first17: string) => first17 + residentIdCheckCharacter(first17);

interface Server {
  url: string;
  pid: number;
  headers: Record<string, string>;
  gridCode: string;
}

function startServer(dataDir: string, database: string): { child: ChildProcess; ready: Promise<Server> } {
  const child = spawn('npx', ['tsx', path.resolve('src/test-support/upload-server.ts'), dataDir, database], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<Server>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as Server);
    });
    child.on('exit', (code) => reject(new Error(`upload server exited ${code}`)));
  });
  return { child, ready };
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const tmpLeftovers = () =>
  new Set(
    readdirSync(tmpdir()).filter((name) => /^gg-(import|feed|leads|upload)-[A-Za-z0-9]{6}$/.test(name)),
  );

for (const backend of testBackends()) {
  describe(`an import whose process is killed [${backend}]`, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gg-abandoned-'));
    const dataDir = path.join(dir, 'data');
    const cleanups: Array<() => unknown> = [];
    afterAll(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    it('leaves no staged upload and a failed job after a start sweep; a live process keeps its job and files', async () => {
      const tmpBefore = tmpLeftovers();
      // The killed server's database must outlive it: a PGlite directory, or a PostgreSQL database.
      let database: string;
      let reopen: () => Promise<Database>;
      if (backend === 'pglite') {
        database = path.join(dir, 'pglite');
        reopen = () => openPglite(database, 'abandoned-import test');
      } else {
        const pg = await openTestDatabase('postgres');
        cleanups.push(() => pg.close());
        const name = (await sql<{ name: string }>`select current_database() as name`.execute(pg.db)).rows[0]!
          .name;
        const url = new URL(process.env.TEST_DATABASE_URL!);
        url.pathname = `/${name}`;
        database = url.toString();
        reopen = async () => pg;
      }

      const { child, ready } = startServer(dataDir, database);
      const server = await ready;
      cleanups.push(() => {
        // npx runs the server as a grandchild: end both.
        child.kill('SIGKILL');
        try {
          process.kill(server.pid, 'SIGKILL');
        } catch {
          // Already killed by the test.
        }
      });
      // 60,000 residents with ID numbers and phones: long enough to be killed half-way.
      const lines = ['姓名,证件号码,手机号码,网格编码,人员类型'];
      for (let i = 0; i < 60_000; i++) {
        const born = new Date(Date.UTC(1950, 0, 1) + (i % 20_000) * 86_400_000).toISOString().slice(0, 10);
        const idNumber = id(`110101${born.replaceAll('-', '')}${100 + Math.floor(i / 20_000)}`);
        lines.push(`居民${i},${idNumber},138${String(i).padStart(8, '0')},${server.gridCode},常住`);
      }
      const form = new FormData();
      form.append('file', new Blob([lines.join('\n')]), '人员.csv');
      const started = await fetch(`${server.url}/api/imports/persons`, {
        method: 'POST',
        headers: server.headers,
        body: form,
      });
      expect(started.status).toBe(202);
      const jobId = ((await started.json()) as { id: string }).id;
      // Killed as soon as the upload is staged and the job runs: waiting for rows lets a quiet machine
      // finish first. The file is looked at before the job is asked for: on PGlite the job's answer
      // can wait behind the import's own writes until the import is over.
      for (let i = 0; i < 400 && filesUnder(stagingRoot(dataDir)).length === 0; i++) {
        const job = (await (
          await fetch(`${server.url}/api/imports/${jobId}`, { headers: server.headers })
        ).json()) as { status: string; processedRows: number };
        expect(job.status, JSON.stringify(job).slice(0, 600)).toBe('running');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }

      // Mid-import the upload sits in the process's private staging folder, not in the system temp folder.
      const staged = filesUnder(stagingRoot(dataDir));
      expect(staged).toHaveLength(1);
      expect(staged[0]).toMatch(/staging\/\d+-[0-9a-f]+@[^/]+\/import-[^/]+\/upload\.csv$/);
      expect(statSync(staged[0]!).mode & 0o777).toBe(0o600);
      expect(statSync(path.dirname(path.dirname(staged[0]!))).mode & 0o777).toBe(0o700);
      expect(statSync(stagingRoot(dataDir)).mode & 0o777).toBe(0o700);

      const ownerOf = (file: string) => path.relative(stagingRoot(dataDir), file).split(path.sep)[0]!;
      process.kill(server.pid, 'SIGKILL');
      // Wait until the kernel has ended and reaped it (its locks go with it), not a fixed time.
      const reaped = () => {
        try {
          process.kill(server.pid, 0);
          return false;
        } catch {
          return true;
        }
      };
      for (let i = 0; i < 400 && !reaped(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(ownerIsGone(ownerOf(staged[0]!))).toBe(true);
      // kill -9 runs no cleanup: the file is still there until a start sweeps it.
      expect(existsSync(staged[0]!)).toBe(true);

      const opened = await reopen();
      if (backend === 'pglite') cleanups.push(() => opened.close());
      const db = opened.db;
      // Another app process on this host, alive, with an import of its own under way.
      const sleeper = spawn('sleep', ['60']);
      cleanups.push(() => sleeper.kill('SIGKILL'));
      const liveOwner = PROCESS_OWNER.replace(/^\d+-[0-9a-f]+/, `${sleeper.pid}-0123456789ab`);
      const liveJob = randomUUID();
      await db
        .insertInto('import_jobs')
        .values({
          id: liveJob,
          kind: 'persons',
          file_name: 'live.csv',
          actor_name: 'live',
          scope_paths: ['/'],
          owner: liveOwner,
          heartbeat_at: new Date(),
        })
        .execute();
      const liveFile = path.join(stagingRoot(dataDir), liveOwner, 'import-live', 'upload.csv');
      mkdirSync(path.dirname(liveFile), { recursive: true, mode: 0o700 });
      writeFileSync(liveFile, 'live', { mode: 0o600 });

      // What a starting server does (its start jobs): sweep the staging folder, fail the jobs of processes that are gone.
      const app = await testApp(opened, new TestClock(), { GRIDGUARD_DATA_DIR: dataDir });
      await app.jobs.start(['upload-staging', 'import-recovery']);
      await app.close();

      expect(filesUnder(stagingRoot(dataDir))).toEqual([liveFile]);
      const jobs = await db
        .selectFrom('import_jobs')
        .select(['id', 'status', 'error', 'finished_at', 'processed_rows'])
        .where('id', 'in', [jobId, liveJob])
        .execute();
      const killed = jobs.find((j) => j.id === jobId)!;
      expect(killed).toMatchObject({ status: 'failed', error: PROCESS_STOPPED });
      expect(killed.finished_at).toBeInstanceOf(Date);
      expect(jobs.find((j) => j.id === liveJob)).toMatchObject({ status: 'running', error: null });
      // Nothing of ours went to the system temp folder.
      const tmpAfter = [...tmpLeftovers()].filter((name) => !tmpBefore.has(name));
      expect(tmpAfter).toEqual([]);
    });
  });
}
