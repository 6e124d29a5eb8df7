// import.persons: a CSV of 1,000,000 persons (× scale) imported through the CLI's code path,
// beside a plain COPY of the same file into a PostgreSQL table of text columns.
import { execFileSync } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { sql } from 'kysely';
import { SYSTEM_VIEWER } from '../../src/auth/scope.js';
import type { Database } from '../../src/db/database.js';
import { type AreaRow, insertAreas, type NewArea } from '../../src/hierarchy/repository.js';
import { createFieldCipher } from '../../src/privacy/field-crypto.js';
import { residentIdCheckCharacter } from '../../src/register/identity/identity-number.js';
import { importRegisterFile } from '../../src/register-import/service.js';
import { type BenchContext, type BenchModule, type Figure, peakRssMiB, ratio } from '../harness.js';

const HEADER = '姓名,公民身份号码,性别,联系电话,户籍地址,现住址,网格编码,人员类型,工作单位,标签';
const COLUMNS = [
  'name',
  'id_number',
  'sex',
  'phone',
  'hukou_address',
  'current_address',
  'grid_code',
  'residence_type',
  'workplace',
  'tags',
];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华';
const REGIONS = ['330102', '330106', '110105', '440524', '320102', '510104', '420102', '610113'];
const RESIDENCE = ['户籍', '常住', '流动', '暂住'];
const TAGS = ['', '', '', '', '', '', '独居老人', '残疾', '孕妇', '卧床,残疾'];

const keys = {
  currentKeyId: 'b1',
  encryption: { b1: Buffer.alloc(32, 3) },
  hmac: Buffer.alloc(32, 5),
};
const cipher = createFieldCipher(keys);

/** city › county › 10 streets › 10 communities each › 10 grids each: 1,000 grids. */
export async function createGrids(database: Database): Promise<AreaRow[]> {
  const now = new Date();
  const draft = (parent: AreaRow | null, code: string, name: string, level: NewArea['level']): NewArea => ({
    parentId: parent?.id ?? null,
    parentPath: parent?.path ?? null,
    code,
    name,
    level,
    kind: 'ordinary',
    boundary: null,
    centreLng: null,
    centreLat: null,
  });
  const [city] = await insertAreas(database.db, [draft(null, '339900', '基准市', 'city')], now);
  const [county] = await insertAreas(database.db, [draft(city!, '339901', '基准区', 'county')], now);
  const streets = await insertAreas(
    database.db,
    Array.from({ length: 10 }, (_, i) =>
      draft(county!, `339901${String(i + 1).padStart(3, '0')}`, `街道${i + 1}`, 'township'),
    ),
    now,
  );
  const communities = await insertAreas(
    database.db,
    streets.flatMap((s) =>
      Array.from({ length: 10 }, (_, i) =>
        draft(s, `${s.code}${String(i + 1).padStart(3, '0')}`, `社区${i + 1}`, 'village'),
      ),
    ),
    now,
  );
  return insertAreas(
    database.db,
    communities.flatMap((c) =>
      Array.from({ length: 10 }, (_, i) =>
        draft(c, `${c.code}${String(i + 1).padStart(3, '0')}`, `网格${i + 1}`, 'grid'),
      ),
    ),
    now,
  );
}

function day(offset: number): string {
  return new Date(Date.UTC(1950, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
}

/** Writes `count` persons with valid, distinct ID numbers (correct check characters) spread over the grids. */
export async function writeCsv(file: string, count: number, gridCodes: readonly string[]): Promise<number> {
  const out = createWriteStream(file);
  out.write(`${HEADER}\n`);
  let lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const sequence = i % 1000;
    const region = REGIONS[Math.floor(i / 1000) % REGIONS.length]!;
    // Every 1,000 rows a new (region, birth day) pair, so numbers never repeat.
    const first17 = `${region}${day(Math.floor(i / 1000 / REGIONS.length) * 37 + (i % 5))}${String(sequence).padStart(3, '0')}`;
    const id = first17 + residentIdCheckCharacter(first17);
    const name =
      SURNAMES[i % SURNAMES.length]! +
      GIVEN[(i * 7) % GIVEN.length]! +
      (i % 3 === 0 ? GIVEN[(i * 13) % GIVEN.length]! : '');
    const sex = sequence % 2 === 1 ? '男' : '女';
    const grid = gridCodes[i % gridCodes.length]!;
    const tags = TAGS[i % TAGS.length]!;
    lines.push(
      `${name},${id},${sex},13${String(i).padStart(9, '0')},浙江省杭州市西湖区文三路${(i % 500) + 1}号,基准区社区路${(i % 300) + 1}号${(i % 20) + 1}幢${(i % 30) + 101}室,${grid},${RESIDENCE[i % 4]},单位${i % 997},${tags.includes(',') ? `"${tags}"` : tags}`,
    );
    if (lines.length === 10_000) {
      if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
      lines = [];
    }
  }
  if (lines.length) out.write(`${lines.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
  return count;
}

/**
 * CPU milliseconds each PostgreSQL backend of this database has used, read from /proc (the server
 * runs on this machine): unlike wall time, it hardly moves when other work shares the cores.
 */
async function serverCpuMs(database: Database): Promise<Map<number, number> | null> {
  if (database.raw.kind !== 'postgres') return null;
  const { rows } = await sql<{
    pid: number;
  }>`select pid from pg_stat_activity where datname = current_database()`.execute(database.db);
  const ticks = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      // Fields after "(comm) ": utime and stime are the 12th and 13th, in 1/100 s.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      return null;
    }
  }
  return ticks;
}

function cpuSpent(before: Map<number, number> | null, after: Map<number, number> | null): number | null {
  if (!before || !after) return null;
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** The plain-PostgreSQL baseline: psql \copy of the same file into a table of text columns. */
async function copyBaseline(context: BenchContext, file: string, count: number): Promise<number> {
  const baseline = await context.baselineDatabase();
  await sql
    .raw(`create table persons_copy (${COLUMNS.map((c) => `${c} text`).join(', ')})`)
    .execute(baseline.db);
  const name = (await sql<{ name: string }>`select current_database() as name`.execute(baseline.db)).rows[0]!
    .name;
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  const started = performance.now();
  execFileSync(
    'psql',
    [
      url.toString(),
      '-v',
      'ON_ERROR_STOP=1',
      '-q',
      '-c',
      `\\copy persons_copy from '${file}' with (format csv, header true)`,
    ],
    { stdio: 'pipe' },
  );
  const seconds = (performance.now() - started) / 1000;
  const copied = Number(
    (await sql<{ n: string }>`select count(*) as n from persons_copy`.execute(baseline.db)).rows[0]!.n,
  );
  if (copied !== count) throw new Error(`COPY stored ${copied} rows, expected ${count}`);
  context.log(`  COPY baseline: ${count} rows in ${seconds.toFixed(1)} s`);
  return Math.round(count / seconds);
}

export const importPersonsBench: BenchModule = {
  title: 'import.persons (CSV → register, beside COPY)',
  async run(context) {
    const count = Math.round(1_000_000 * context.scale);
    const database = await context.openDatabase();
    const grids = await createGrids(database);
    const file = path.join(context.tmpDir, 'persons.csv');
    await writeCsv(
      file,
      count,
      grids.map((g) => g.code),
    );

    // RSS is process-wide: an earlier backend's memory (an in-memory PGlite) is still counted.
    const rssBefore = process.memoryUsage().rss;
    let sampledPeak = 0;
    const sampler = setInterval(() => {
      sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
    }, 100);
    // Every pooled connection is opened first, so its backend's CPU is counted from zero here.
    const serverBefore = await serverCpuMs(database);
    const nodeBefore = process.cpuUsage();
    const started = performance.now();
    const result = await importRegisterFile(
      database.db,
      { viewer: SYSTEM_VIEWER, ip: null, now: () => new Date() },
      cipher,
      {
        kind: 'persons',
        source: { path: file },
        keys,
      },
    );
    const seconds = (performance.now() - started) / 1000;
    const nodeCpu = process.cpuUsage(nodeBefore);
    const serverCpu = cpuSpent(serverBefore, await serverCpuMs(database));
    clearInterval(sampler);
    sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
    const { report } = result;
    if (report.inserted !== count || result.rejectedTotal !== 0) {
      throw new Error(
        `import stored ${report.inserted} of ${count} rows; first rejects: ${JSON.stringify(report.rejected.slice(0, 3))}`,
      );
    }
    const rowsPerSecond = Math.round(count / seconds);
    context.log(
      `  import: ${count} rows in ${seconds.toFixed(1)} s, RSS during import ${Math.round(sampledPeak / 2 ** 20)} MiB`,
    );
    const perRow = (ms: number) => Math.round((ms * 1000) / count);
    const nodeCpuUs = perRow((nodeCpu.user + nodeCpu.system) / 1000);
    const serverCpuUs = serverCpu === null ? null : perRow(serverCpu);
    context.log(`  phases (ms): ${JSON.stringify(result.phases)}`);
    context.log(
      `  CPU per row: Node (all threads) ${nodeCpuUs} µs, PostgreSQL ${serverCpuUs ?? '—'} µs; load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );

    const copyRowsPerSecond = await copyBaseline(context, file, count);
    const figure: Figure = {
      name: 'import.persons',
      backend: context.backend,
      value: rowsPerSecond,
      unit: 'rows/s',
      baseline: copyRowsPerSecond,
      // How many times slower than COPY.
      ratio: ratio(copyRowsPerSecond, rowsPerSecond),
      extra: {
        rows: count,
        seconds: Math.round(seconds * 10) / 10,
        peakRssMiB: peakRssMiB(),
        importRssMiB: Math.round(sampledPeak / 2 ** 20),
        rssBeforeMiB: Math.round(rssBefore / 2 ** 20),
        nodeCpuUsPerRow: nodeCpuUs,
        ...(serverCpuUs === null ? {} : { serverCpuUsPerRow: serverCpuUs }),
        loadavg: loadavg()[0]!.toFixed(1),
        // Milliseconds per phase; reading, checking and storing overlap, so they add up to more than `seconds`.
        ...Object.fromEntries(Object.entries(result.phases).map(([name, ms]) => [`${name}Ms`, ms])),
      },
    };
    return [figure];
  },
};
