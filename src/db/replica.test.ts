import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_AGE_HEADER, WROTE_COOKIE } from './read-routing.js';
import { residentIdCheckCharacter } from '../register/identity/identity-number.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  type Session,
  signIn,
  testApp,
} from '../test-support/factories.js';
import { canStartCluster, startThrowawayCluster, type ThrowawayCluster } from '../test-support/pg-cluster.js';
import { type Database, openPostgres } from './database.js';
import { migrateToLatest } from './migrate.js';
import { formatLsn, parseLsn } from './replica.js';

describe('WAL positions', () => {
  it('reads and writes "high/low" hexadecimal positions and orders them', () => {
    expect(parseLsn('0/16B3748')).toBe(0x16b3748n);
    expect(parseLsn('1/0')).toBe(1n << 32n);
    expect(parseLsn('2/A') > parseLsn('1/FFFFFFFF')).toBe(true);
    expect(formatLsn(parseLsn('16/B374D848'))).toBe('16/B374D848');
  });
});

const residentId = (serial: number) => {
  const first17 = `330106${'19850312'}${String(serial).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
};

async function on(url: string, text: string): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

describe.runIf(canStartCluster() && process.env.TEST_DATABASE_URL)('reads from a streaming replica', () => {
  let primary: ThrowawayCluster;
  let replica: ThrowawayCluster;
  let database: Database;
  let app: FastifyInstance;
  /** A second node on the same databases: nothing of a user's write is kept in a process. */
  let otherDatabase: Database;
  let other: FastifyInstance;
  let tree: AreaTree;
  let writer: Session;
  let reader: Session;
  let houseId: number;
  let replicaUrl: string;

  const measure = () => database.replica!.measure();
  const residentsOn = async (session: Session, cookie = '', node = app) => {
    const response = await node.inject({
      url: `/api/dashboard?node=${tree.gridA.id}`,
      headers: { ...session.headers, cookie: `${session.cookie}${cookie}` },
    });
    expect(response.statusCode, response.body).toBe(200);
    return {
      residents: (response.json() as { figures: { residents: number } }).figures.residents,
      age: response.headers[DATA_AGE_HEADER],
    };
  };
  const personsListed = async (session: Session) => {
    const response = await app.inject({
      url: `/api/persons?within=${tree.gridA.id}`,
      headers: session.headers,
    });
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as { total: number }).total;
  };
  let serial = 0;
  const register = async (session: Session) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/persons',
      headers: session.headers,
      payload: {
        documentNumber: residentId(++serial),
        name: `住户${serial}`,
        houseId,
        residenceType: 'registered',
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response;
  };
  const caughtUp = async () => {
    const state = await measure();
    return state.status === 'up' && state.lagBytes === 0;
  };

  beforeAll(async () => {
    primary = await startThrowawayCluster();
    const primaryUrl = await primary.createDatabase('gg_replica');
    replica = await primary.startReplica();
    replicaUrl = replica.url('gg_replica');
    database = await openPostgres(primaryUrl, { max: 4, readUrl: replicaUrl });
    await migrateToLatest(database.db);
    app = await testApp(database, undefined, { GRIDGUARD_READ_MAX_LAG_SECONDS: '1' });
    otherDatabase = await openPostgres(primaryUrl, { max: 2, readUrl: replicaUrl });
    other = await testApp(otherDatabase, undefined, { GRIDGUARD_READ_MAX_LAG_SECONDS: '1' });
    tree = await createAreaTree(database.db);
    writer = await signIn(
      app,
      (await createUser(database.db, [{ role: 'grid_worker', area: tree.gridA }])).username,
    );
    reader = await signIn(
      app,
      (await createUser(database.db, [{ role: 'community_staff', area: tree.village }])).username,
    );
    const house = await app.inject({
      method: 'POST',
      url: '/api/houses',
      headers: writer.headers,
      payload: {
        areaId: tree.cellA.id,
        address: '星火路12号',
        doorNumber: '12',
        use: 'residential',
        rooms: 4,
      },
    });
    expect(house.statusCode, house.body).toBe(201);
    houseId = (house.json() as { id: number }).id;
    await register(writer);
    await until('the replica has replayed the setup', caughtUp);
  }, 180_000);

  afterAll(async () => {
    await other?.close();
    await otherDatabase?.close();
    await app?.close();
    await database?.close();
    await replica?.destroy();
    await primary?.destroy();
  });

  it('serves pages from the replica, the writer from the primary until its write is replayed, and says how old the data is', async () => {
    expect(app.readDb).toBe(database.replica!.db);
    const before = await residentsOn(reader);
    expect(before).toEqual({ residents: 1, age: undefined });

    await on(replicaUrl, 'select pg_wal_replay_pause()');
    await until('replay is paused', async () => {
      const [row] = await on(replicaUrl, 'select pg_get_wal_replay_pause_state() as state');
      return row?.state === 'paused';
    });
    const write = await register(writer);
    const wrote = write.cookies.find((cookie) => cookie.name === WROTE_COOKIE);
    expect(wrote?.value).toMatch(/^[0-9A-F]+\/[0-9A-F]+\.[\w-]+$/);
    const wroteCookie = `; ${WROTE_COOKIE}=${wrote!.value}`;
    // The replica stands still while the primary moves on: the lag grows past the 1-second bound.
    await until('the lag exceeds the bound', async () => (await measure()).lagSeconds >= 2);
    const lag = database.replica!.state;
    await otherDatabase.replica!.measure();

    const stale = await residentsOn(reader);
    const own = await residentsOn(writer, wroteCookie);
    // Someone else's cookie is not the reader's: it keeps reading the replica.
    const borrowed = await residentsOn(reader, wroteCookie);
    const staleList = await personsListed(reader);
    const ownElsewhere = await residentsOn(writer, wroteCookie, other);
    const staleElsewhere = await residentsOn(reader, '', other);
    expect(stale.residents).toBe(1);
    expect(Number(stale.age)).toBeGreaterThanOrEqual(2);
    expect(own).toEqual({ residents: 2, age: undefined });
    expect(borrowed.residents).toBe(1);
    expect(staleList).toBe(1);
    expect(ownElsewhere.residents).toBe(2);
    expect(staleElsewhere.residents).toBe(1);

    await on(replicaUrl, 'select pg_wal_replay_resume()');
    await until('the replica catches up', caughtUp);
    const fresh = await residentsOn(reader);
    const ownAgain = await residentsOn(writer, wroteCookie);
    expect(fresh).toEqual({ residents: 2, age: undefined });
    expect(ownAgain).toEqual({ residents: 2, age: undefined });
    expect(await personsListed(reader)).toBe(2);
    console.log(
      `replica: paused lag ${lag.lagSeconds} s / ${lag.lagBytes} WAL bytes; reader saw ${stale.residents} (data age ${stale.age} s), writer ${own.residents}; after resume both ${fresh.residents}`,
    );
  }, 120_000);

  it('names DATABASE_READ_URL when the replica answers but the setting is wrong', async () => {
    const wrong = await openPostgres(primary.url('gg_replica'), {
      max: 1,
      readUrl: replica.url('gg_nowhere'),
    });
    try {
      await expect(wrong.replica!.measure()).rejects.toThrow(/^DATABASE_READ_URL: .*gg_nowhere/);
      expect(wrong.replica!.state.status).toBe('down');
    } finally {
      await wrong.close();
    }
  });

  it('answers from the primary while the replica is down, and returns to it when it is back', async () => {
    await replica.stop('fast');
    const started = Date.now();
    // The first read finds the replica gone on its own (before any measurement says so).
    const during = await residentsOn(reader);
    const firstMs = Date.now() - started;
    expect(during).toEqual({ residents: 2, age: undefined });
    expect((await measure()).status).toBe('down');
    await register(writer);
    expect(await residentsOn(reader)).toEqual({ residents: 3, age: undefined });
    expect(await personsListed(reader)).toBe(3);

    await replica.start();
    await until('the replica answers again', caughtUp);
    expect(database.replica!.state.status).toBe('up');
    expect(await residentsOn(reader)).toEqual({ residents: 3, age: undefined });
    console.log(`replica down: first read answered by the primary in ${firstMs} ms; back up and caught up`);
  }, 120_000);
});
