import { createHook } from 'node:async_hooks';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { JobRegistry } from './core/jobs.js';
import { JOBS } from './jobs.js';
import { startServer } from './server.js';
import { openTestDatabase, testBackends } from './test-support/database.js';
import { testApp, testConfig } from './test-support/factories.js';

/** The background work of the server, in start order (README "Background jobs"). */
const DECLARED = [
  'upload-staging',
  'replica-lag',
  'import-recovery',
  'feed-recovery',
  'feed-claim',
  'pglite-vacuum',
  'event-escalation',
  'notification-delivery',
  'inspection-escalation',
  'lead-escalation',
  'filing-reminders',
  'place-scan-purge',
  'checkpoint-staffing',
  'checkpoint-record-purge',
  'returnee-scan',
  'public-limit-prune',
  'idempotency-expiry',
];

describe('the job registry', () => {
  it('declares every job once, with a unique name, an interval (or "at start") and a claim', () => {
    expect(JOBS.map((job) => job.name)).toEqual(DECLARED);
    expect(new Set(JOBS.map((job) => job.name)).size).toBe(JOBS.length);
    for (const job of JOBS) {
      expect(job.summary.length, job.name).toBeGreaterThan(10);
      expect(['skip-locked', 'lease', 'guarded-update', 'idempotent', 'per-node'], job.name).toContain(
        job.claim,
      );
      if (job.schedule.every !== 'start') expect(job.schedule.every, job.name).toBeGreaterThan(0);
    }
    expect(
      Object.fromEntries(
        JOBS.map((job) => [job.name, job.schedule.every === 'start' ? 'start' : job.schedule]),
      ),
    ).toEqual({
      'upload-staging': { every: 60_000 },
      'replica-lag': { every: 2_000 },
      'import-recovery': 'start',
      'feed-recovery': 'start',
      'feed-claim': { every: 10_000 },
      'pglite-vacuum': { every: 6 * 3600_000 },
      'event-escalation': { every: 60_000, firstRunMs: 5_000 },
      'notification-delivery': { every: 5_000 },
      'inspection-escalation': { every: 60_000, firstRunMs: 7_000 },
      'lead-escalation': { every: 60_000 },
      'filing-reminders': { every: 300_000 },
      'place-scan-purge': { every: 3600_000, firstRunMs: 60_000 },
      'checkpoint-staffing': { every: 60_000, firstRunMs: 15_000 },
      'checkpoint-record-purge': { every: 3600_000, firstRunMs: 180_000 },
      'returnee-scan': { every: 600_000 },
      'public-limit-prune': { every: 600_000, firstRunMs: 60_000 },
      'idempotency-expiry': { every: 3600_000, firstRunMs: 120_000 },
    });
  });

  it('starts jobs in declaration order, runs start jobs once, stops in reverse order, and ticks one on demand', async () => {
    const seen: string[] = [];
    const registry = new JobRegistry({}, { info: () => undefined, error: () => undefined });
    for (const name of ['a', 'b', 'c'])
      registry.declare({
        name,
        summary: `job ${name} for the test`,
        schedule: name === 'b' ? { every: 'start' } : { every: 3600_000 },
        claim: 'per-node',
        atStart: async () => seen.push(`start ${name}`),
        run: async () => {
          seen.push(`run ${name}`);
          return name;
        },
        atStop: async () => seen.push(`stop ${name}`),
      });
    registry.seal();
    expect(() =>
      registry.declare({
        name: 'late',
        summary: 'x',
        schedule: { every: 1 },
        claim: 'per-node',
        run: async () => 0,
      }),
    ).toThrow(/declared outside the registry/);
    await registry.start();
    expect(registry.running).toEqual(['a', 'b', 'c']);
    expect(await registry.tick('c')).toBe('c');
    await expect(registry.tick('nope')).rejects.toThrow(/No background job "nope"/);
    await registry.stop();
    expect(registry.running).toEqual([]);
    expect(seen).toEqual(['start a', 'start b', 'run b', 'start c', 'run c', 'stop c', 'stop b', 'stop a']);

    // A timer runs its job with nobody listening to the results; after stop it never runs again.
    seen.length = 0;
    await registry.start(['a'], { timing: { a: { every: 5, firstRunMs: 0 } } });
    for (let i = 0; i < 100 && seen.filter((s) => s === 'run a').length < 2; i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    await registry.stop();
    const runs = seen.filter((s) => s === 'run a').length;
    expect(runs).toBeGreaterThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.filter((s) => s === 'run a')).toHaveLength(runs);
    expect(seen.at(-1)).toBe('stop a');
  });

  it('refuses a job declared by a route plugin', async () => {
    const database = await openTestDatabase('pglite');
    try {
      const app = await testApp(database);
      await expect(
        app.register(async (plugin) => {
          plugin.jobs.declare({
            name: 'rogue-timer',
            summary: 'a timer a route plugin wants',
            schedule: { every: 1000 },
            claim: 'per-node',
            run: async () => undefined,
          });
        }),
      ).rejects.toThrow(/"rogue-timer" declared outside the registry/);
      expect(app.jobs.declared.map((job) => job.name)).toEqual(DECLARED);
      await app.close();
    } finally {
      await database.close();
    }
  });

  it('no route plugin starts background work (timers, onReady work, the registry)', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/^(routes|plugin|.*-routes)\.ts$/.test(entry.name)) {
          const text = readFileSync(full, 'utf8');
          for (const pattern of [
            /startPeriodicJob/,
            /setInterval\(/,
            /addHook\('onReady'/,
            /jobs\.(start|declare)\(/,
          ])
            if (pattern.test(text)) offenders.push(`${path.relative('src', full)}: ${pattern.source}`);
        }
      }
    };
    walk('src');
    expect(offenders).toEqual([]);
  });
});

/** Timers set by the periodic-job primitive, alive until cleared (async_hooks: no internals). */
function periodicTimers() {
  const live = new Set<number>();
  const hook = createHook({
    init(asyncId, type) {
      if (type !== 'Timeout') return;
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 50;
      const stack = new Error().stack ?? '';
      Error.stackTraceLimit = limit;
      if (stack.includes(`${path.sep}core${path.sep}periodic.ts`)) live.add(asyncId);
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  }).enable();
  return { live, disable: () => hook.disable() };
}

for (const backend of testBackends()) {
  describe(`startServer [${backend}]`, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gg-jobs-'));
    const cleanups: Array<() => Promise<unknown>> = [];
    afterAll(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    it('starts exactly the declared jobs after the migrations, and its close stops every timer', async () => {
      const env: Record<string, string> = {
        GRIDGUARD_DATA_DIR: path.join(dir, 'data'),
        GRIDGUARD_DEMO: 'false',
        GRIDGUARD_PUBLIC_URL: 'https://gridguard.example.org',
        PORT: '0',
        HOST: '127.0.0.1',
      };
      if (backend === 'postgres') {
        const pg = await openTestDatabase('postgres');
        cleanups.push(() => pg.close());
        const name = (await sql<{ name: string }>`select current_database() as name`.execute(pg.db)).rows[0]!
          .name;
        const url = new URL(process.env.TEST_DATABASE_URL!);
        url.pathname = `/${name}`;
        env.DATABASE_URL = url.toString();
      }
      const timers = periodicTimers();
      cleanups.push(async () => timers.disable());
      const server = await startServer(testConfig(env), () => undefined);
      let closed = false;
      cleanups.push(async () => (closed ? undefined : server.close()));

      // No replica configured here (DATABASE_READ_URL): nothing to measure.
      const expected = DECLARED.filter(
        (name) => name !== 'replica-lag' && (backend === 'pglite' || name !== 'pglite-vacuum'),
      );
      expect(server.app.jobs.running).toEqual(expected);
      // One pending timer per periodic job (its first run), none for the start jobs.
      const periodic = JOBS.filter((job) => expected.includes(job.name) && job.schedule.every !== 'start');
      expect(timers.live.size).toBe(periodic.length);
      // The jobs ran after the migrations: the tables they read exist.
      expect(await server.app.jobs.tick('returnee-scan')).toEqual({ flagged: [] });

      await server.close();
      closed = true;
      expect(server.app.jobs.running).toEqual([]);
      // Destroy hooks come a turn after clearTimeout.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(timers.live.size).toBe(0);
    });
  });
}
