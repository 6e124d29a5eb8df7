import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/database.js';
import { TestClock, testConfig } from '../test-support/factories.js';
import { buildApp } from '../app.js';
import { type Escalated, escalateOverdueEvents } from './escalation.js';
import {
  actorOf,
  categoryId,
  createEventWorld,
  type EventWorld,
  notificationsOf,
} from '../test-support/events-fixtures.js';
import { createEvent } from './service.js';

const MINUTE = 60_000;

describeEachDatabase('event escalation', (database, backend) => {
  let world: EventWorld;
  const db = () => database().db;

  beforeAll(async () => {
    world = await createEventWorld(db());
  });

  const patrol = async (clock: TestClock, code: string, title: string) => {
    const actor = await actorOf(db(), world.users.workerA, clock.now);
    return createEvent(db(), actor, {
      source: 'patrol',
      categoryId: await categoryId(db(), code),
      areaId: world.tree.microA.id,
      title,
    });
  };

  it('moves an overdue event one tier per overrun, notifying each tier once, up to the district', async () => {
    const clock = new TestClock(new Date('2026-11-02T10:00:00+08:00'));
    // Gatherings: 5 natural minutes to dispatch.
    const event = await patrol(clock, 'epidemic.gathering', '广场人员聚集');
    expect(event.tier).toBe('microgrid');
    expect(await escalateOverdueEvents(db(), clock.now())).toEqual([]);

    const tiers: string[] = [];
    for (const responder of ['leaderA', 'staff', 'township', 'county'] as const) {
      clock.advance(5 * MINUTE);
      const moved = await escalateOverdueEvents(db(), clock.now());
      expect(moved).toHaveLength(1);
      tiers.push(moved[0]!.toTier);
      // Running again at once changes nothing: the new tier got a fresh deadline.
      expect(await escalateOverdueEvents(db(), clock.now())).toEqual([]);
      const notes = await notificationsOf(db(), world.users[responder].id, 'event.escalated');
      expect(notes.filter((n) => n.entity_id === String(event.id))).toHaveLength(1);
    }
    expect(tiers).toEqual(['grid', 'village', 'township', 'county']);
    clock.advance(60 * MINUTE);
    expect(await escalateOverdueEvents(db(), clock.now())).toEqual([]);

    const row = await db()
      .selectFrom('events')
      .selectAll()
      .where('id', '=', event.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      tier: 'county',
      tier_area_id: world.tree.county.id,
      escalation_count: 4,
      status: 'registered',
    });
    const steps = await db()
      .selectFrom('event_steps')
      .select(['from_tier', 'to_tier'])
      .where('event_id', '=', event.id)
      .where('action', '=', 'escalate')
      .orderBy('id')
      .execute();
    expect(steps.map((s) => `${s.from_tier}>${s.to_tier}`)).toEqual([
      'microgrid>grid',
      'grid>village',
      'village>township',
      'township>county',
    ]);
  });

  it('counts working-hour limits in the working calendar: a weekend and a holiday do not count', async () => {
    await db()
      .insertInto('work_calendar_days')
      .values({ day: '2026-11-16', kind: 'holiday', name: '测试假日' })
      .onConflict((oc) => oc.column('day').doNothing())
      .execute();
    // Friday 17:30 with 1 working hour to dispatch: half an hour on Friday, Monday off, due Tuesday 09:30.
    const clock = new TestClock(new Date('2026-11-13T17:30:00+08:00'));
    const event = await patrol(clock, 'city_appearance.exposed_rubbish', '暴露垃圾');
    const moved = async (local: string) =>
      (await escalateOverdueEvents(db(), new Date(`${local}+08:00`))).filter((e) => e.id === event.id);
    expect(await moved('2026-11-16T17:00:00')).toEqual([]);
    expect(await moved('2026-11-17T09:29:00')).toEqual([]);
    expect(await moved('2026-11-17T09:30:00')).toEqual([
      expect.objectContaining({ fromTier: 'microgrid', toTier: 'grid' }),
    ]);
    const row = await db()
      .selectFrom('events')
      .select('step_deadline')
      .where('id', '=', event.id)
      .executeTakeFirstOrThrow();
    // The grid gets a fresh working hour: Tuesday 10:30.
    expect(row.step_deadline).toEqual(new Date('2026-11-17T10:30:00+08:00'));
  });

  // Skipped on PGlite: an embedded database is one connection in one process, so there is no second process.
  it.skipIf(backend === 'pglite')(
    'escalates each event exactly once with the timers of two app processes on one PostgreSQL database',
    async () => {
      const clock = new TestClock(new Date('2026-12-01T10:00:00+08:00'));
      const ids: number[] = [];
      for (let i = 0; i < 120; i++)
        ids.push((await patrol(clock, 'epidemic.quarantine_breach', `隔离户外出${i}`)).id);
      const name = (await sql<{ name: string }>`select current_database() as name`.execute(db())).rows[0]!
        .name;
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/${name}`;
      const due = new Date(clock.now().getTime() + 6 * MINUTE);
      // Both timers tick from the start, but the events fall due for both at the same wall-clock
      // instant, so the two processes race for them. The instant is set once both are running (the
      // child's start-up time varies with the machine's load) and sent to the child on its stdin.
      let startAt = Number.POSITIVE_INFINITY;
      const before = clock.now().getTime();

      // The second app process: a real Node process whose app starts the same job from the registry
      // against the same database.
      const dir = mkdtempSync(path.join(tmpdir(), 'gg-escalation-'));
      const config = {
        GRIDGUARD_ENCRYPTION_KEYS: `t1:${Buffer.alloc(32, 7).toString('base64')}`,
        GRIDGUARD_HMAC_KEY: Buffer.alloc(32, 9).toString('base64'),
        GRIDGUARD_DATA_DIR: '/nonexistent-gridguard-test',
      };
      const script = `import { createInterface } from 'node:readline';
        import { openPostgres } from ${JSON.stringify(path.resolve('src/db/database.ts'))};
        import { buildApp } from ${JSON.stringify(path.resolve('src/app.ts'))};
        import { loadConfig } from ${JSON.stringify(path.resolve('src/config.ts'))};
        const input = createInterface({ input: process.stdin });
        const lines = input[Symbol.asyncIterator]();
        let startAt = Infinity;
        const database = await openPostgres(${JSON.stringify(url.toString())}, { max: 2 });
        const app = await buildApp({ database, config: loadConfig(${JSON.stringify(config)}), logger: false,
          clock: () => new Date(Date.now() >= startAt ? ${due.getTime()} : ${before}) });
        const escalated = [];
        await app.jobs.start(['event-escalation'], { timing: { 'event-escalation': { every: 5, firstRunMs: 0 } },
          onError: (_job, e) => { console.error(e); process.exit(1); },
          onRun: (_job, rows) => escalated.push(...rows.map((r) => r.id)) });
        console.log('READY');
        startAt = Number((await lines.next()).value);
        await lines.next(); // 'stop'
        input.close(); // an open stdin would keep this process alive
        await app.close();
        await database.close();
        console.log('ESCALATED ' + JSON.stringify(escalated));`;
      const scriptFile = path.join(dir, 'second-app.mts');
      writeFileSync(scriptFile, script);
      const child = spawn('npx', ['tsx', scriptFile], { stdio: ['pipe', 'pipe', 'inherit'] });
      let output = '';
      const ready = new Promise<void>((resolve) =>
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('READY')) resolve();
        }),
      );
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      try {
        // A child that dies before it is ready fails the test instead of hanging it.
        await Promise.race([
          ready,
          exited.then((code) => Promise.reject(new Error(`second app exited ${code}`))),
        ]);
        // This process's app runs the job at the same time as the other's.
        const here: number[] = [];
        const failures: unknown[] = [];
        const app = await buildApp({
          database: database(),
          config: testConfig(config),
          logger: false,
          clock: () => new Date(Date.now() >= startAt ? due.getTime() : before),
        });
        await app.jobs.start(['event-escalation'], {
          timing: { 'event-escalation': { every: 5, firstRunMs: 0 } },
          onError: (_job, error) => failures.push(error),
          onRun: (_job, rows) => here.push(...(rows as Escalated[]).map((r) => r.id)),
        });
        expect(app.jobs.running).toEqual(['event-escalation']);
        startAt = Date.now() + 1000;
        child.stdin.write(`${startAt}\n`);
        // Until every event has moved (or 60 s), then a little longer: a second escalation would show.
        const settled = Date.now() + 60_000;
        for (;;) {
          const moved = await db()
            .selectFrom('events')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('id', 'in', ids)
            .where('escalation_count', '>=', 1)
            .executeTakeFirstOrThrow();
          if (Number(moved.n) === ids.length || Date.now() > settled) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
        child.stdin.write('stop\n');
        await app.close();
        expect(failures).toEqual([]);
        expect(await exited).toBe(0);
        const there = JSON.parse(/ESCALATED (.*)/.exec(output)![1]!) as number[];
        const escalated = [...here, ...there].filter((id) => ids.includes(id));
        // Every overdue event escalated, none twice, whichever process got it.
        expect([...escalated].sort((x, y) => x - y)).toEqual(ids);
        const counts = await db()
          .selectFrom('events')
          .select(['escalation_count'])
          .where('id', 'in', ids)
          .execute();
        expect(counts.every((c) => c.escalation_count === 1)).toBe(true);
        const notes = (await notificationsOf(db(), world.users.leaderA.id, 'event.escalated')).filter((n) =>
          ids.includes(Number(n.entity_id)),
        );
        expect(notes).toHaveLength(ids.length);
      } finally {
        child.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    // Two app processes on a 2-core CI machine under load: start-up alone can take 20 s.
    120_000,
  );
});
