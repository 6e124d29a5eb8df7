import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { residentIdCheckCharacter } from '../register/identity/identity-number.js';
import { drillsEnabled, type Installation, startInstallation } from '../test-support/drills/installation.js';

/** The size of the register file: a town's persons. Kept whole, however slow (the printed line says how slow). */
const IMPORT_ROWS = 100_000;
/** Rows committed before the importer is killed. */
const KILL_AFTER_ROWS = 15_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A persons CSV as a clerk exports it: valid, distinct resident ID numbers, split over two grids. */
async function writePersonsCsv(path: string, rows: number, gridCodes: readonly string[]): Promise<void> {
  const out = createWriteStream(path);
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  await write('姓名,身份证号,联系电话,网格编码,人员类型\n');
  const start = Date.UTC(1950, 0, 1);
  for (let i = 0; i < rows; i++) {
    // 1000 sequence numbers per birth date: 100 days cover 100,000 people.
    const birth = new Date(start + Math.floor(i / 1000) * 86_400_000)
      .toISOString()
      .slice(0, 10)
      .replaceAll('-', '');
    const first17 = `330106${birth}${String(i % 1000).padStart(3, '0')}`;
    const id = first17 + residentIdCheckCharacter(first17);
    const phone = `139${String(i).padStart(8, '0')}`;
    await write(
      `演练${i},${id},${phone},${gridCodes[i % gridCodes.length]},${i % 3 === 0 ? '流动' : '户籍'}\n`,
    );
  }
  out.end();
  await once(out, 'finish');
}

async function scalar(client: pg.Client, text: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(text);
  return Number(rows[0]!.n);
}

describe.runIf(drillsEnabled())('drill: kill -9 of a 100,000-row persons import', () => {
  let installation: Installation | undefined;
  let dir: string | undefined;
  let child: ChildProcess | undefined;
  afterAll(async () => {
    child?.kill('SIGKILL');
    await installation?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a re-run of the same file completes it: every person once, whole, with their history', async () => {
    installation = await startInstallation({ workers: 0 });
    dir = await mkdtemp(join(tmpdir(), 'gg-drill-import-'));
    const file = join(dir, 'persons.csv');
    const { gridA, gridB } = installation.world.tree;
    await writePersonsCsv(file, IMPORT_ROWS, [gridA.code, gridB.code]);

    const env = {
      ...process.env,
      ...installation.keys,
      DATABASE_URL: installation.databaseUrl,
      GRIDGUARD_DATA_DIR: dir,
      GRIDGUARD_PUBLIC_URL: 'http://127.0.0.1:1',
      GRIDGUARD_DEMO: 'false',
      LOG_LEVEL: 'warn',
      LANG: 'en_US.UTF-8',
    };
    const importer = () => {
      const started = spawn(
        process.execPath,
        ['--import', 'tsx', 'src/dev-cli.ts', 'import', 'persons', file, '--json'],
        {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let printed = '';
      started.stdout?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
      started.stderr?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));
      return { process: started, exited, output: () => printed };
    };

    const db = new pg.Client({ connectionString: installation.databaseUrl });
    await db.connect();
    try {
      const persons = () => scalar(db, 'select count(*) as n from persons');
      // First run, killed once some batches are in.
      const t0 = Date.now();
      const first = importer();
      child = first.process;
      let atKill = 0;
      while ((atKill = await persons()) < KILL_AFTER_ROWS) {
        if (first.process.exitCode !== null)
          throw new Error(`the import ended before it was killed:\n${first.output()}`);
        await sleep(50);
      }
      first.process.kill('SIGKILL');
      await first.exited;
      const killedAfter = (Date.now() - t0) / 1000;
      const afterKill = await persons();

      // The same command again, to the end.
      const t1 = Date.now();
      const second = importer();
      child = second.process;
      const code = await second.exited;
      const rerun = (Date.now() - t1) / 1000;
      expect(code, second.output()).toBe(0);
      const report = JSON.parse(second.output().trim().split('\n').at(-1)!) as {
        inserted: number;
        updated: number;
        unchanged: number;
        rejected: unknown[];
      };

      const total = await persons();
      const distinct = await scalar(db, 'select count(distinct document_hash) as n from persons');
      const incomplete = await scalar(
        db,
        `select count(*) as n from persons p left join areas a on a.id = p.area_id
          where p.name = '' or p.document_hash is null or p.document_masked is null or p.secret is null
             or p.phone_hash is null or p.content_hash is null or a.id is null or p.area_path <> a.path
             or p.status <> 'active'`,
      );
      const registered = await scalar(
        db,
        `select count(*) as n from person_history where kind = 'registered'`,
      );
      const registeredPersons = await scalar(
        db,
        `select count(distinct person_id) as n from person_history where kind = 'registered'`,
      );
      const otherHistory = await scalar(
        db,
        `select count(*) as n from person_history where kind <> 'registered'`,
      );
      const perGrid = await db.query<{ code: string; n: string }>(
        `select a.code, count(*) as n from persons p join areas a on a.id = p.area_id group by a.code order by a.code`,
      );
      console.log(
        `import kill -9 drill: (setup ${installation.setupSeconds.toFixed(0)} s) ${IMPORT_ROWS} rows, killed after ${killedAfter.toFixed(1)} s with ${atKill} persons in ` +
          `(${afterKill} after the kill), re-run ${rerun.toFixed(1)} s: inserted ${report.inserted}, unchanged ` +
          `${report.unchanged}, updated ${report.updated}, rejected ${report.rejected.length}; persons ${total}, ` +
          `distinct ID hashes ${distinct}, incomplete ${incomplete}, registered history ${registered} ` +
          `(${registeredPersons} persons), other history ${otherHistory}, per grid ${perGrid.rows.map((r) => r.n).join('/')}`,
      );
      expect(atKill).toBeLessThan(IMPORT_ROWS);
      expect(report.rejected).toEqual([]);
      expect(report.inserted + report.unchanged).toBe(IMPORT_ROWS);
      expect(report.unchanged).toBe(afterKill);
      expect(total).toBe(IMPORT_ROWS);
      expect(distinct).toBe(IMPORT_ROWS);
      expect(incomplete).toBe(0);
      expect(registered).toBe(IMPORT_ROWS);
      expect(registeredPersons).toBe(IMPORT_ROWS);
      expect(otherHistory).toBe(0);
      expect(perGrid.rows.map((r) => Number(r.n))).toEqual([IMPORT_ROWS / 2, IMPORT_ROWS / 2]);
    } finally {
      await db.end();
    }
    // Alone ~70 s on the busy CI machine; beside the other drills up to ~170 s, hence the margin.
  }, 240_000);
});
