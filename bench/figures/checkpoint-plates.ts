// checkpoint.plate_reads_per_s: plate-camera reads ingested through the real HTTP API (POST
// /api/devices/plate-reads, batches of 500, four cameras posting at once) with the flagging on:
// every batch matches its plates' trails against the current risk areas, merges repeats, flags and
// alerts the checkpoint's team. The table holds a history of earlier crossings first. Baseline: the
// same rows as plain multi-row INSERTs into checkpoint_records on a PostgreSQL server.
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { buildApp } from '../../src/app.js';
import { createApiToken } from '../../src/auth/repository.js';
import { loadConfig } from '../../src/config.js';
import { SeededRandom } from '../../src/core/random.js';
import type { Database } from '../../src/db/database.js';
import { createAreaTree } from '../../src/test-support/factories.js';
import { type BenchContext, type BenchModule, type Figure, peakRssMiB, ratio } from '../harness.js';

const BATCH = 500;
const CAMERAS = 4;
const PROVINCES = '浙沪苏皖鄂赣闽';
const SERIAL = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

function plateOf(random: SeededRandom): string {
  let serial = '';
  for (let i = 0; i < 5; i += 1) serial += SERIAL[random.int(0, SERIAL.length - 1)];
  return `${PROVINCES[random.int(0, PROVINCES.length - 1)]}${SERIAL[random.int(0, 22)]}${serial}`;
}

interface World {
  checkpointId: number;
  areaPath: string;
  cameras: Array<{ id: number; token: string }>;
  plates: string[];
}

/** A checkpoint with a team leader, four plate cameras, a risk area and trails putting 5% of plates in it. */
async function buildWorld(
  database: Database,
  plateCount: number,
  historyRows: number,
  now: Date,
): Promise<World> {
  const db = database.db;
  const tree = await createAreaTree(db);
  const leader = await db
    .insertInto('users')
    .values({ username: 'bench_leader', display_name: '卡口组长', password_hash: 'x' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('role_assignments')
    .values({ user_id: leader.id, role: 'grid_leader', area_id: tree.gridA.id })
    .execute();
  const team = await db
    .insertInto('teams')
    .values({
      area_id: tree.gridA.id,
      area_path: tree.gridA.path,
      name: '卡口队',
      kind: 'checkpoint',
      leader_user_id: leader.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const checkpoint = await db
    .insertInto('checkpoints')
    .values({
      area_id: tree.microA.id,
      area_path: tree.microA.path,
      code: 'BENCH-CP',
      name: '镇道卡口',
      kind: 'traffic',
      team_id: team.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const cameras = [];
  for (let i = 0; i < CAMERAS; i += 1) {
    const camera = await db
      .insertInto('cameras')
      .values({
        area_id: tree.microA.id,
        area_path: tree.microA.path,
        code: `BENCH-PLATE-${i}`,
        name: `车牌机${i}`,
        kind: 'plate',
        checkpoint_id: checkpoint.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { token } = await createApiToken(db, {
      name: `plate-${i}`,
      areaId: tree.microA.id,
      capability: 'device.alerts',
      createdBy: null,
      cameraId: camera.id,
    });
    cameras.push({ id: camera.id, token });
  }
  await db
    .insertInto('risk_areas')
    .values({
      source: 'bench',
      region_code: '420106',
      name: '武昌区',
      level: 'high',
      valid_from: new Date(now.getTime() - 30 * 86_400_000),
    })
    .execute();
  const random = new SeededRandom(12);
  const plates = [...new Set(Array.from({ length: plateCount }, () => plateOf(random)))];
  const risky = plates.filter((_, i) => i % 20 === 0);
  for (let i = 0; i < risky.length; i += 1000)
    await db
      .insertInto('vehicle_trails')
      .values(
        risky.slice(i, i + 1000).map((plate) => ({
          plate,
          at: new Date(now.getTime() - 3 * 86_400_000),
          region_code: '420106',
          source: 'bench',
        })),
      )
      .execute();
  // Earlier crossings of the same plates over the last 30 days, so the flag's trail lookups run against real data.
  await sql`
    insert into checkpoint_records (checkpoint_id, area_path, subject, source, at, plate, plate_kind, camera_id)
    select ${checkpoint.id}, ${tree.microA.path}, 'vehicle', 'device',
      ${now}::timestamptz - (g * interval '1 second') * (2592000.0 / ${historyRows}),
      (${plates}::text[])[1 + g % ${plates.length}], 'ordinary', ${cameras[0]!.id}
    from generate_series(1, ${historyRows}) g`.execute(db);
  await sql`analyze checkpoint_records`.execute(db);
  return { checkpointId: checkpoint.id, areaPath: tree.microA.path, cameras, plates };
}

interface Read {
  plate: string;
  at: string;
  externalId: string;
}

/** Reads of `count` crossings a few ms apart, spread over the cameras; some plates come back within the merge window. */
function readsFor(world: World, count: number, start: Date): Read[][] {
  const random = new SeededRandom(34);
  const perCamera: Read[][] = world.cameras.map(() => []);
  for (let i = 0; i < count; i += 1)
    perCamera[i % CAMERAS]!.push({
      plate: world.plates[random.int(0, world.plates.length - 1)]!,
      at: new Date(start.getTime() + i * 5).toISOString(),
      externalId: `bench-${i}`,
    });
  return perCamera;
}

async function ingestThroughApi(database: Database, world: World, reads: Read[][], now: Date) {
  const config = loadConfig({
    GRIDGUARD_ENCRYPTION_KEYS: `b1:${Buffer.alloc(32, 3).toString('base64')}`,
    GRIDGUARD_HMAC_KEY: Buffer.alloc(32, 5).toString('base64'),
    GRIDGUARD_DATA_DIR: '/nonexistent-gridguard-bench',
    LOG_LEVEL: 'warn',
  });
  const app = await buildApp({ database, config, logger: false, clock: () => now });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  let flagged = 0;
  let merged = 0;
  const started = performance.now();
  try {
    await Promise.all(
      reads.map(async (mine, c) => {
        for (let i = 0; i < mine.length; i += BATCH) {
          const response = await fetch(`${base}/api/devices/plate-reads`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${world.cameras[c]!.token}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify(mine.slice(i, i + BATCH)),
          });
          if (response.status !== 200)
            throw new Error(`plate reads: ${response.status} ${await response.text()}`);
          const body = (await response.json()) as { merged: number; results: Array<{ flagged: boolean }> };
          merged += body.merged;
          flagged += body.results.filter((r) => r.flagged).length;
        }
      }),
    );
    return { seconds: (performance.now() - started) / 1000, flagged, merged };
  } finally {
    await app.close();
  }
}

/** The same rows, plainly inserted 500 at a time, four connections at once. */
async function rawInserts(database: Database, world: World, reads: Read[][]): Promise<number> {
  const started = performance.now();
  await Promise.all(
    reads.map(async (mine, c) => {
      for (let i = 0; i < mine.length; i += BATCH)
        await database.db
          .insertInto('checkpoint_records')
          .values(
            mine.slice(i, i + BATCH).map((r) => ({
              checkpoint_id: world.checkpointId,
              area_path: world.areaPath,
              subject: 'vehicle' as const,
              source: 'device' as const,
              at: new Date(r.at),
              plate: r.plate,
              plate_kind: 'ordinary',
              camera_id: world.cameras[c]!.id,
              external_id: r.externalId,
            })),
          )
          .execute();
    }),
  );
  return (performance.now() - started) / 1000;
}

export const checkpointPlatesBench: BenchModule = {
  title: 'checkpoint plate reads',
  async run(context: BenchContext): Promise<Figure[]> {
    const reads = Math.round(40_000 * context.scale);
    const history = Math.round(1_000_000 * context.scale);
    const plates = Math.round(50_000 * context.scale);
    const now = new Date('2026-11-02T12:00:00+08:00');
    const start = new Date(now.getTime() - 10 * 60_000);

    const database = await context.openDatabase();
    const world = await buildWorld(database, plates, history, now);
    context.log(
      `  ${history} earlier crossings, ${world.plates.length} plates (5% with a trail in a risk area)`,
    );
    const batches = readsFor(world, reads, start);
    const api = await ingestThroughApi(database, world, batches, now);
    const perSecond = Math.round(reads / api.seconds);
    const stored = await database.db
      .selectFrom('checkpoint_records')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('at', '>=', start)
      .executeTakeFirstOrThrow();
    const alerts = await database.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('kind', '=', 'checkpoint.vehicle_flagged')
      .executeTakeFirstOrThrow();

    const baselineDb = await context.baselineDatabase();
    const baselineWorld = await buildWorld(baselineDb, plates, history, now);
    const raw = await rawInserts(baselineDb, baselineWorld, readsFor(baselineWorld, reads, start));
    const baseline = Math.round(reads / raw);
    return [
      {
        name: 'checkpoint.plate_reads_per_s',
        backend: context.backend,
        value: perSecond,
        unit: 'reads/s',
        baseline,
        ratio: ratio(perSecond, baseline),
        extra: {
          reads,
          records: Number(stored.n),
          merged: api.merged,
          flaggedReads: api.flagged,
          teamAlerts: Number(alerts.n),
          history,
          peakRssMiB: peakRssMiB(),
        },
      },
    ];
  },
};
