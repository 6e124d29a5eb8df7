// import.tests: 1,000,000 nucleic-acid test results (× scale) imported through the CLI's code path
// against a 1,000,000-person register, beside raw PostgreSQL doing the least the same job needs:
// COPY of the same rows into a table of text columns, then one UPDATE … FROM that marks the
// tested persons.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { SYSTEM_VIEWER } from '../../src/auth/scope.js';
import type { Database } from '../../src/db/database.js';
import { generateCity, syntheticIdNumber } from '../../src/generate/city.js';
import { importHealthFile } from '../../src/health/feeds/file-import.js';
import { createFieldCipher } from '../../src/privacy/field-crypto.js';
import { type BenchContext, type BenchModule, type Figure, peakRssMiB, ratio } from '../harness.js';

const cipher = createFieldCipher({
  currentKeyId: 'b1',
  encryption: { b1: Buffer.alloc(32, 3) },
  hmac: Buffer.alloc(32, 5),
});
const HEADER = '姓名,身份证号,采样时间,检测结果,检测机构,样本编号';
const RESULTS = ['阴性', '阴性', '阴性', '阴性', '阴性', '阴性', '阴性', '阴性', '阴性', '待出'];
const LABS = ['市第一人民医院', '市中心医院', '区疾控中心', '第三方检测实验室'];
const pad = (n: number) => String(n).padStart(2, '0');

/** Beijing wall time as clerks' files write it. */
function beijing(moment: number): string {
  const d = new Date(moment + 8 * 3600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** The number test row `i` carries: a registered person's, 1% a mistyped check character, 1% someone not registered. */
function numberOf(i: number, persons: number): { number: string; person: boolean } {
  if (i % 100 === 37) {
    const valid = syntheticIdNumber(i);
    return { number: valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0'), person: false };
  }
  if (i % 100 === 71) return { number: syntheticIdNumber(persons + i), person: false };
  return { number: syntheticIdNumber(i), person: true };
}

async function writeLines(out: WriteStream, lines: string[]): Promise<void> {
  if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
}

/**
 * Writes the test file the import reads and the baseline's copy of it, which carries one more
 * column: the keyed hash of the ID number, precomputed here, because plain SQL cannot compute
 * the HMAC. Also writes the persons' hashes for the baseline's register.
 */
async function writeFiles(dir: string, rows: number, persons: number) {
  const files = {
    tests: path.join(dir, 'tests.csv'),
    baseline: path.join(dir, 'tests-with-hash.csv'),
    persons: path.join(dir, 'persons-hash.csv'),
  };
  const tests = createWriteStream(files.tests);
  const baseline = createWriteStream(files.baseline);
  const register = createWriteStream(files.persons);
  tests.write(`${HEADER}\n`);
  baseline.write(`${HEADER},id_hash\n`);
  const start = Date.now() - 2 * 86_400_000;
  let batch: { tests: string[]; baseline: string[]; register: string[] } = {
    tests: [],
    baseline: [],
    register: [],
  };
  for (let i = 0; i < rows; i++) {
    const { number } = numberOf(i, persons);
    const line = `测试${i % 1000},${number},${beijing(start + (i % 86_400) * 1000)},${RESULTS[i % RESULTS.length]},${LABS[i % LABS.length]},S${String(i).padStart(9, '0')}`;
    batch.tests.push(line);
    batch.baseline.push(`${line},${cipher.lookupHash('id', number)}`);
    if (i < persons) batch.register.push(`${i + 1},${cipher.lookupHash('id', syntheticIdNumber(i))}`);
    if (batch.tests.length === 10_000) {
      await Promise.all([
        writeLines(tests, batch.tests),
        writeLines(baseline, batch.baseline),
        batch.register.length ? writeLines(register, batch.register) : undefined,
      ]);
      batch = { tests: [], baseline: [], register: [] };
    }
  }
  for (let i = rows; i < persons; i++)
    batch.register.push(`${i + 1},${cipher.lookupHash('id', syntheticIdNumber(i))}`);
  if (batch.tests.length)
    await Promise.all([writeLines(tests, batch.tests), writeLines(baseline, batch.baseline)]);
  if (batch.register.length) await writeLines(register, batch.register);
  for (const out of [tests, baseline, register]) {
    out.end();
    await once(out, 'finish');
  }
  return files;
}

function psqlCopy(database: Database, name: string, command: string): void {
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  execFileSync('psql', [url.toString(), '-v', 'ON_ERROR_STOP=1', '-q', '-c', command], { stdio: 'pipe' });
}

/** Raw PostgreSQL: the register as (id, id_hash) with its unique index, then COPY + UPDATE … FROM, timed. */
async function baselineSeconds(
  context: BenchContext,
  files: Awaited<ReturnType<typeof writeFiles>>,
  rows: number,
) {
  const baseline = await context.baselineDatabase();
  const db = baseline.db;
  const name = (await sql<{ name: string }>`select current_database() as name`.execute(db)).rows[0]!.name;
  await sql`create table plain_persons (id integer primary key, id_hash text not null, last_test_at timestamptz)`.execute(
    db,
  );
  psqlCopy(baseline, name, `\\copy plain_persons (id, id_hash) from '${files.persons}' with (format csv)`);
  await sql`create unique index plain_persons_hash_idx on plain_persons (id_hash)`.execute(db);
  await sql`vacuum analyze plain_persons`.execute(db);
  await sql`create table plain_tests (name text, id_number text, sampled_at text, result text, institution text, record_id text, id_hash text)`.execute(
    db,
  );

  const started = performance.now();
  psqlCopy(baseline, name, `\\copy plain_tests from '${files.baseline}' with (format csv, header true)`);
  const copied = performance.now();
  const marked = await sql`
    update plain_persons p set last_test_at = (t.sampled_at || '+08')::timestamptz
    from plain_tests t where p.id_hash = t.id_hash`.execute(db);
  const seconds = (performance.now() - started) / 1000;
  context.log(
    `  baseline: COPY ${rows} rows ${((copied - started) / 1000).toFixed(1)} s + UPDATE … FROM marking ${Number(marked.numAffectedRows)} persons ${((performance.now() - copied) / 1000).toFixed(1)} s`,
  );
  return seconds;
}

export const importTestsBench: BenchModule = {
  title: 'import.tests (test results → matched to the register, beside COPY + UPDATE … FROM)',
  async run(context) {
    const persons = Math.round(1_000_000 * context.scale);
    const rows = Math.round(1_000_000 * context.scale);
    const database = await context.openDatabase();
    let generated = performance.now();
    const city = await generateCity(database.db, cipher, {
      persons,
      grids: Math.round(10_000 * context.scale),
      seed: 7,
    });
    context.log(`  register: ${persons} persons in ${((performance.now() - generated) / 1000).toFixed(1)} s`);
    generated = performance.now();
    const files = await writeFiles(context.tmpDir, rows, persons);
    context.log(`  files written in ${((performance.now() - generated) / 1000).toFixed(1)} s`);

    // RSS is process-wide: the register generation and an in-memory PGlite are counted too.
    const rssBefore = process.memoryUsage().rss;
    let sampledPeak = 0;
    const sampler = setInterval(() => {
      sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
    }, 100);
    const started = performance.now();
    const result = await importHealthFile(
      database.db,
      { viewer: SYSTEM_VIEWER, ip: null, now: () => new Date() },
      cipher,
      { kind: 'tests', source: 'bench-lab', areaId: city.city.id, file: { path: files.tests } },
    );
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
    const { report } = result;
    const expectedMatched = Array.from({ length: rows }, (_, i) => numberOf(i, persons).person).filter(
      Boolean,
    ).length;
    if (report.inserted !== rows || report.matched !== expectedMatched || result.rejectedTotal !== 0) {
      throw new Error(
        `import stored ${report.inserted} of ${rows} rows, matched ${report.matched} of ${expectedMatched}; first rejects: ${JSON.stringify(report.rejected.slice(0, 3))}`,
      );
    }
    context.log(
      `  import: ${rows} rows in ${seconds.toFixed(1)} s (${report.matched} matched, ${report.unmatched} to the inbox), RSS during import ${Math.round(sampledPeak / 2 ** 20)} MiB`,
    );

    const baseline = await baselineSeconds(context, files, rows);
    const figure: Figure = {
      name: 'import.tests',
      backend: context.backend,
      value: Math.round(seconds * 10) / 10,
      unit: 's',
      baseline: Math.round(baseline * 10) / 10,
      ratio: ratio(seconds, baseline),
      extra: {
        rows,
        rowsPerSecond: Math.round(rows / seconds),
        peakRssMiB: peakRssMiB(),
        importRssMiB: Math.round(sampledPeak / 2 ** 20),
        rssBeforeMiB: Math.round(rssBefore / 2 ** 20),
      },
    };
    return [figure];
  },
};
