import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { beforeAll, expect, it } from 'vitest';
import type { DB } from '../db/schema.js';
import { describeEachDatabase } from '../test-support/database.js';
import { TestClock } from '../test-support/factories.js';
import { escalateOverdueEvents } from './escalation.js';
import { actorOf, categoryId, createEventWorld, type EventWorld, notificationsOf } from './fixtures.js';
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
    'escalates each event exactly once with two app processes on one PostgreSQL database',
    async () => {
      const clock = new TestClock(new Date('2026-12-01T10:00:00+08:00'));
      const ids: number[] = [];
      for (let i = 0; i < 120; i++)
        ids.push((await patrol(clock, 'epidemic.quarantine_breach', `隔离户外出${i}`)).id);
      const name = (await sql<{ name: string }>`select current_database() as name`.execute(db())).rows[0]!
        .name;
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/${name}`;
      // A second process: its own pool, its own connections.
      const secondPool = new pg.Pool({ connectionString: url.toString(), max: 2 });
      const second = new Kysely<DB>({ dialect: new PostgresDialect({ pool: secondPool }) });
      try {
        const due = new Date(clock.now().getTime() + 6 * MINUTE);
        const [a, b] = await Promise.all([
          escalateOverdueEvents(db(), due),
          escalateOverdueEvents(second, due),
        ]);
        const escalated = [...a, ...b].map((e) => e.id).filter((id) => ids.includes(id));
        expect(escalated.sort((x, y) => x - y)).toEqual(ids);
        expect(new Set(escalated).size).toBe(ids.length);
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
        await second.destroy();
      }
    },
  );
});
