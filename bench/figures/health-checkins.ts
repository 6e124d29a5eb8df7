// health.checkins_per_s: residents' daily check-ins (平安报) through the HTTP endpoints, as a
// morning brings them — households tapping their door page (3 members each, with temperatures)
// and SMS texts posted by the gateway's webhook ("36.5", "3人 平安"), mixed, 8 at a time, each
// request its own transaction: checked, matched (door code / phone hash), stored, a health
// record per temperature and person_health moved forward. Baseline: raw PostgreSQL, the same
// check-in rows inserted (upsert per person and day) one statement per request, 8 at a time.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { buildApp } from '../../src/app.js';
import { createApiToken } from '../../src/auth/repository.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { type AreaRow, insertAreas, type NewArea } from '../../src/hierarchy/repository.js';
import { newToken, tokenHash } from '../../src/household-codes/tokens.js';
import { createFieldCipher } from '../../src/privacy/field-crypto.js';
import { type BenchModule, type Figure, ratio } from '../harness.js';

const keys = {
  GRIDGUARD_ENCRYPTION_KEYS: `b1:${Buffer.alloc(32, 3).toString('base64')}`,
  GRIDGUARD_HMAC_KEY: Buffer.alloc(32, 5).toString('base64'),
};
const cipher = createFieldCipher({
  currentKeyId: 'b1',
  encryption: { b1: Buffer.alloc(32, 3) },
  hmac: Buffer.alloc(32, 5),
});
const MEMBERS = 3;
const CONCURRENCY = 8;
const NOW = new Date('2026-12-08T08:00:00+08:00');
const DAY = '2026-12-08';

const phoneOf = (house: number) => `139${String(house).padStart(8, '0')}`;

interface Household {
  token: string;
  phone: string;
  /** Person ids, for the baseline. */
  persons: number[];
}

/** A village of `grids` grids with one row (cell) each, `houses` households of 3 spread over them. */
async function seed(database: Database, houses: number, grids: number): Promise<Household[]> {
  const db = database.db;
  const area = (parent: AreaRow | null, code: string, name: string, level: NewArea['level']): NewArea => ({
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
  const [city] = await insertAreas(db, [area(null, '420500', '宜昌市', 'city')], NOW);
  const [county] = await insertAreas(db, [area(city!, '420502', '西陵区', 'county')], NOW);
  const [township] = await insertAreas(db, [area(county!, '420502001', '西陵街道', 'township')], NOW);
  const [village] = await insertAreas(db, [area(township!, '420502001001', '平安社区', 'village')], NOW);
  const gridRows = await insertAreas(
    db,
    Array.from({ length: grids }, (_, g) =>
      area(village!, `420502001001${String(g + 1).padStart(3, '0')}`, `第${g + 1}网格`, 'grid'),
    ),
    NOW,
  );
  const cells = await insertAreas(
    db,
    gridRows.map((grid, g) => area(grid, `${grid.code}01`, `${g + 1}埭`, 'cell')),
    NOW,
  );
  const households: Household[] = [];
  const CHUNK = 1000;
  for (let start = 0; start < houses; start += CHUNK) {
    const count = Math.min(CHUNK, houses - start);
    const slice = Array.from({ length: count }, (_, i) => start + i);
    const cellOf = (h: number) => cells[h % cells.length]!;
    const houseRows = await db
      .insertInto('houses')
      .values(
        slice.map((h) => ({ area_id: cellOf(h).id, area_path: cellOf(h).path, address: `平安路${h + 1}号` })),
      )
      .returning(['id', 'area_id', 'area_path'])
      .execute();
    const tokens = slice.map(() => newToken());
    await db
      .insertInto('access_codes')
      .values(
        houseRows.map((house, i) => ({
          kind: 'household' as const,
          house_id: house.id,
          area_id: house.area_id,
          area_path: house.area_path,
          token_hash: tokenHash(tokens[i]!),
          token_secret: 'bench',
          issued_by: 'bench',
          issued_at: NOW,
        })),
      )
      .execute();
    const persons = await db
      .insertInto('persons')
      .values(
        houseRows.flatMap((house, i) =>
          Array.from({ length: MEMBERS }, (_, m) => ({
            area_id: house.area_id,
            area_path: house.area_path,
            house_id: house.id,
            document_type: 'resident_id',
            document_hash: `bench-${slice[i]}-${m}`,
            document_masked: '4205**********0000',
            phone_hash: m === 0 ? cipher.lookupHash('phone', phoneOf(slice[i]!)) : null,
            phone_masked: m === 0 ? '139****0000' : null,
            secret: 'bench',
            name: `居民${slice[i]}-${m}`,
            birth_year: 1960 + m * 20,
          })),
        ),
      )
      .returning(['id', 'house_id'])
      .execute();
    houseRows.forEach((house, i) =>
      households.push({
        token: tokens[i]!,
        phone: phoneOf(slice[i]!),
        persons: persons.filter((p) => p.house_id === house.id).map((p) => p.id),
      }),
    );
  }
  await sql`analyze`.execute(db);
  return households;
}

async function pool<T>(items: readonly T[], work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i]!, i);
      }
    }),
  );
}

/** Every other household by door page (3 temperatures), the rest by SMS ("36.5" or "3人 平安"). */
const byDoor = (i: number) => i % 2 === 0;
const smsText = (i: number) => (i % 4 === 1 ? '体温36.6 平安' : '3人 平安');
const temperature = (i: number, m: number) => 36 + ((i + m) % 12) / 10;

export const healthCheckinsBench: BenchModule = {
  title: 'health: check-ins (door page and SMS webhook) through HTTP',
  async run(context) {
    const houses = Math.round(20_000 * context.scale);
    const database = await context.openDatabase();
    let started = performance.now();
    const households = await seed(database, houses, Math.max(10, Math.round(houses / 500)));
    context.log(`  ${houses} households of ${MEMBERS}: ${Math.round(performance.now() - started)} ms`);
    const config = loadConfig({
      ...keys,
      GRIDGUARD_DATA_DIR: '/nonexistent-gridguard-bench',
      LOG_LEVEL: 'warn',
    });
    const app = await buildApp({ database, config, logger: false, clock: () => new Date(NOW) });
    await app.ready();
    const village = await database.db
      .selectFrom('areas')
      .select('id')
      .where('level', '=', 'village')
      .executeTakeFirstOrThrow();
    const { token } = await createApiToken(database.db, {
      name: 'bench sms gateway',
      areaId: village.id,
      capability: 'checkin.inbound',
      createdBy: null,
    });
    let checkins = 0;
    const send = async (household: Household, i: number) => {
      // One client address per household: the door forms' per-client limit is for people, not for a bench.
      const remoteAddress = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      const response = byDoor(i)
        ? await app.inject({
            method: 'POST',
            url: `/api/public/households/${household.token}/checkins`,
            remoteAddress,
            headers: { 'idempotency-key': randomUUID() },
            payload: {
              members: household.persons.map((_, m) => ({
                slot: m + 1,
                temperature: temperature(i, m),
                well: true,
              })),
            },
          })
        : await app.inject({
            method: 'POST',
            url: '/api/health/checkins/sms',
            remoteAddress,
            headers: { authorization: `Bearer ${token}` },
            payload: { messageId: `bench-${i}`, from: household.phone, text: smsText(i) },
          });
      if (response.statusCode !== 200)
        throw new Error(`check-in answered ${response.statusCode}: ${response.body}`);
      checkins += (response.json() as { recorded: number }).recorded;
    };
    // Warm-up on the first 50 households (their check-ins are counted apart).
    const warm = households.slice(0, 50);
    await pool(warm, send);
    checkins = 0;
    const measured = households.slice(50);
    started = performance.now();
    await pool(measured, (h, i) => send(h, i + 50));
    const seconds = (performance.now() - started) / 1000;
    await app.close();
    const expected = measured.reduce(
      (n, h, i) => n + (byDoor(i + 50) || smsText(i + 50) === '3人 平安' ? h.persons.length : 1),
      0,
    );
    if (checkins !== expected) throw new Error(`stored ${checkins} check-ins, expected ${expected}`);
    const value = Math.round(checkins / seconds);

    // Baseline: the same check-in rows into a plain PostgreSQL table, one upsert per request.
    const baseline = await context.baselineDatabase();
    await sql`create table plain_checkins (person_id int not null, day date not null, reported_at timestamptz not null,
      temperature numeric(3,1), well boolean not null, channel text not null, message_id text,
      primary key (person_id, day))`.execute(baseline.db);
    let plainRows = 0;
    started = performance.now();
    await pool(measured, async (h, index) => {
      const i = index + 50;
      const rows = byDoor(i)
        ? h.persons.map((p, m) => ({ p, t: temperature(i, m) as number | null }))
        : smsText(i) === '3人 平安'
          ? h.persons.map((p) => ({ p, t: null as number | null }))
          : [{ p: h.persons[0]!, t: 36.6 as number | null }];
      await sql`insert into plain_checkins (person_id, day, reported_at, temperature, well, channel, message_id)
        select p, ${DAY}::date, now(), t, true, ${byDoor(i) ? 'door' : 'sms'}, ${`bench-${i}`}
        from unnest(${rows.map((r) => r.p)}::int[], ${rows.map((r) => r.t)}::numeric[]) as r(p, t)
        on conflict (person_id, day) do update set temperature = excluded.temperature, reported_at = excluded.reported_at`.execute(
        baseline.db,
      );
      plainRows += rows.length;
    });
    const baseSeconds = (performance.now() - started) / 1000;
    const base = Math.round(plainRows / baseSeconds);
    const figure: Figure = {
      name: 'health.checkins_per_s',
      backend: context.backend,
      value,
      unit: '/s',
      baseline: base,
      // Higher is better here: the ratio says what share of the raw inserts' rate the endpoints reach.
      ratio: ratio(value, base),
      extra: {
        requests: measured.length,
        requests_per_s: Math.round(measured.length / seconds),
        checkins,
        concurrency: CONCURRENCY,
      },
    };
    return [figure];
  },
};
