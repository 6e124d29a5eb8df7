import { expect, it } from 'vitest';
import { SeededRandom } from '../core/random.js';
import { describeEachDatabase } from '../test-support/database.js';
import { seedDemoEvents } from './demo.js';
import { createEventWorld } from '../test-support/events-fixtures.js';

describeEachDatabase('demo events', (database) => {
  it('fills a village with events in every stage, each with its timeline', async () => {
    const db = database().db;
    const world = await createEventWorld(db);
    const now = new Date('2026-11-20T12:00:00+08:00');
    const result = await seedDemoEvents(db, {
      village: world.tree.village,
      now,
      random: new SeededRandom(7),
      count: 120,
    });
    expect(result.events).toBe(120);
    const statuses = await db.selectFrom('events').select('status').distinct().execute();
    expect(statuses.map((s) => s.status)).toEqual(
      expect.arrayContaining(['collected', 'registered', 'dispatched', 'handling', 'closed', 'evaluated']),
    );
    const lonely = await db
      .selectFrom('events as e')
      .select('e.id')
      .where((eb) =>
        eb.not(
          eb.exists(eb.selectFrom('event_steps as s').select('s.id').whereRef('s.event_id', '=', 'e.id')),
        ),
      )
      .execute();
    expect(lonely).toEqual([]);
    const future = await db.selectFrom('event_steps').select('id').where('at', '>', now).execute();
    expect(future).toEqual([]);
  });
});
