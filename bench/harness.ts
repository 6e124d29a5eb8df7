import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { type Database, openPglite } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { type TestBackend, openTestDatabase } from '../src/test-support/database.js';

/** One measured figure, printed beside its raw-PostgreSQL baseline as a ratio. */
export interface Figure {
  name: string;
  backend: TestBackend;
  value: number;
  unit: string;
  /** The raw-PostgreSQL baseline measured in the same run (same unit), or null when none applies. */
  baseline: number | null;
  /** value / baseline (for times: how many times slower than the baseline). */
  ratio: number | null;
  /** Further numbers worth printing (rows/s, peak RSS, …). */
  extra?: Record<string, number | string>;
  /** The most the figure may be (same unit), when the project holds it to one (the web pages' budgets). */
  budget?: number;
}

export interface BenchContext {
  backend: TestBackend;
  /** 1 for the full run, 0.1 with --quick. */
  scale: number;
  /** A fresh, migrated database for this backend; closed (and dropped) by the harness at the end. */
  openDatabase(): Promise<Database>;
  /** URL of a throw-away PostgreSQL database for raw baselines (always PostgreSQL, whatever the backend). */
  baselineDatabase(): Promise<Database>;
  tmpDir: string;
  log(line: string): void;
}

export interface BenchModule {
  title: string;
  /** The backends it means something on (the web figures measure the browser, not the database); all by default. */
  backends?: TestBackend[];
  run(context: BenchContext): Promise<Figure[]>;
}

export function ratio(value: number, baseline: number | null): number | null {
  return baseline && baseline > 0 ? Math.round((value / baseline) * 100) / 100 : null;
}

export function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/** Peak resident memory of this process so far, in MiB (Linux reports maxRSS in KiB). */
export function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export function makeContext(backend: TestBackend, scale: number, log: (line: string) => void) {
  const opened: Database[] = [];
  const tmpDir = mkdtempSync(path.join(tmpdir(), 'gg-bench-'));
  const context: BenchContext = {
    backend,
    scale,
    tmpDir,
    log,
    openDatabase: async () => {
      // PGlite on disk, as installations run it: an in-memory database would count the data as process memory.
      const database =
        backend === 'pglite'
          ? await openPglite(path.join(tmpDir, `pglite-${opened.length}`), 'gridguard bench')
          : await openTestDatabase(backend);
      if (backend === 'pglite') await migrateToLatest(database.db);
      opened.push(database);
      return database;
    },
    baselineDatabase: async () => {
      const database = await openTestDatabase('postgres');
      opened.push(database);
      return database;
    },
  };
  const dispose = async () => {
    for (const database of opened.splice(0)) await database.close();
    rmSync(tmpDir, { recursive: true, force: true });
  };
  return { context, dispose };
}

/** Milliseconds to two decimals, as the figures print them. */
export const round2 = (ms: number) => Math.round(ms * 100) / 100;

/** Seconds since `started` (a performance.now() reading), to one decimal, for progress lines. */
export const secondsSince = (started: number) => Math.round((performance.now() - started) / 100) / 10;

/** The `q` quantile (0–1) of the samples, in their unit, to two decimals. */
export function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return round2(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!);
}

export const p95 = (samples: readonly number[]) => quantile(samples, 0.95);

/** How long `work` takes, in milliseconds. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}
