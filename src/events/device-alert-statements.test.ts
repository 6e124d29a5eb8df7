import type { FastifyInstance } from 'fastify';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiToken } from '../auth/repository.js';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { describeEachDatabase } from '../test-support/database.js';
import { createEventWorld, type EventWorld } from '../test-support/events-fixtures.js';
import { TestClock, testApp } from '../test-support/factories.js';

/**
 * How many statements one device alert sends to the database, counted by a Kysely log hook on the
 * handle the app runs on (no pg_stat_statements): the token lookup, BEGIN, the work, COMMIT.
 */
describeEachDatabase('device alert statements', (database, backend) => {
  const clock = new TestClock(new Date('2026-11-02T20:00:00+08:00'));
  let app: FastifyInstance;
  let world: EventWorld;
  let token = '';
  let counting: Kysely<DB>;
  let statements: string[] = [];
  let seq = 0;

  beforeAll(async () => {
    const raw = database().raw;
    counting = new Kysely<DB>({
      dialect:
        raw.kind === 'pglite'
          ? new PGliteDialect({ pglite: raw.pglite })
          : new PostgresDialect({ pool: raw.pool }),
      log: (event) => {
        if (event.level === 'query') statements.push(event.query.sql);
      },
    });
    // The same database, seen through the counting handle (closing it is the suite's business).
    const counted: Database = { ...database(), db: counting, close: async () => undefined };
    app = await testApp(counted, clock, { GRIDGUARD_ALERT_MERGE_SECONDS: '600' });
    world = await createEventWorld(database().db);
    await database()
      .db.insertInto('cameras')
      .values(
        Array.from({ length: 4 }, (_, i) => ({
          area_id: world.tree.microA.id,
          area_path: world.tree.microA.path,
          code: `CNT-${i}`,
          name: `计数${i}`,
          kind: 'gate' as const,
        })),
      )
      .execute();
    token = (
      await createApiToken(database().db, {
        name: 'counter',
        areaId: world.tree.gridA.id,
        capability: 'device.alerts',
        createdBy: null,
      })
    ).token;
  });
  afterAll(async () => {
    await app.close();
  });

  const alert = async (camera: string) => {
    // Warm: the token's last-use stamp is written once a minute, not per alert.
    statements = [];
    const response = await app.inject({
      method: 'POST',
      url: '/api/devices/alerts',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        camera,
        kind: 'gathering',
        occurredAt: clock.now().toISOString(),
        externalId: `cnt-${(seq += 1)}`,
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    const sent = [...statements];
    const control = sent.filter((s) => /^(begin|commit|rollback)/i.test(s.trim())).length;
    return {
      result: response.json() as { merged: boolean },
      total: sent.length,
      work: sent.length - control,
    };
  };

  it('a new event and a merged alert each take a few statements', async () => {
    await alert('CNT-0'); // stamps the token's last use
    const opened = await alert('CNT-1');
    const merged = await alert('CNT-1');
    expect(opened.result.merged).toBe(false);
    expect(merged.result.merged).toBe(true);
    console.log(
      `[${backend}] device alert statements: new event ${opened.work} (+ ${opened.total - opened.work} begin/commit), merged ${merged.work} (+ ${merged.total - merged.work})`,
    );
    // Token lookup, the alert's context with its camera lock, and one statement writing it all.
    expect(opened.work).toBeLessThanOrEqual(3);
    expect(merged.work).toBeLessThanOrEqual(3);
  });
});
