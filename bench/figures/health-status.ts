// health.status_p95: one person's health status (the person page's card, the gate check's verdict)
// over a city of 1,000,000 persons (× scale; PGlite runs a tenth of that again) and their records:
// every person has a test, a health code and 0–3 vaccination doses; three in five took their
// temperature about daily over the last week (≈ 8.6 records per person in all). Each sample is what
// GET /api/persons/:id/health-status does: the scope check, then the facts (summary, key persons,
// risk-area arrival, the week's temperature trend) and the verdict. Baseline: the same facts as
// plain indexed queries on the same PostgreSQL tables, without scope, risk areas or rules.
import { sql } from 'kysely';
import type { Actor } from '../../src/auth/context.js';
import type { Viewer } from '../../src/auth/scope.js';
import { SeededRandom } from '../../src/core/random.js';
import { generateCity } from '../../src/generate/city.js';
import type { AreaRow } from '../../src/hierarchy/repository.js';
import { personHealthStatus } from '../../src/health/status/service.js';
import { createFieldCipher } from '../../src/privacy/field-crypto.js';
import {
  type BenchModule,
  type Figure,
  p95,
  peakRssMiB,
  quantile,
  ratio,
  round2,
  secondsSince,
  timed,
} from '../harness.js';

const cipher = createFieldCipher({
  currentKeyId: 'b1',
  encryption: { b1: Buffer.alloc(32, 3) },
  hmac: Buffer.alloc(32, 5),
});
const SAMPLES = 400;
const NOW = new Date('2026-12-07T10:00:00+08:00');
/** The budget the issue asks for: one person's status within 10 ms at the 95th percentile. */
const BUDGET_MS = 10;

function cityWorker(city: AreaRow): Actor {
  const viewer: Viewer = {
    kind: 'user',
    userId: 1_000_000,
    username: 'bench_health',
    displayName: 'bench',
    assignments: [{ role: 'grid_worker', areaId: city.id, areaPath: city.path, categories: [] }],
  };
  return { viewer, ip: null, now: () => NOW };
}

export const healthStatusBench: BenchModule = {
  title: 'health status: one person’s status (doses, test, code, temperature trend) over 1M persons',
  async run(context) {
    const scale = context.backend === 'pglite' ? context.scale / 10 : context.scale;
    const persons = Math.round(1_000_000 * scale);
    const database = await context.openDatabase();
    const db = database.db;
    let started = performance.now();
    let logged = 0;
    const city = await generateCity(db, cipher, {
      persons,
      grids: Math.max(1, Math.round(10_000 * scale)),
      seed: 29,
      onProgress: (done, total) => {
        if (done - logged >= total / 4 || done === total) {
          logged = done;
          context.log(`  generated ${done} of ${total} persons`);
        }
      },
    });
    context.log(`  city: ${secondsSince(started)} s`);
    started = performance.now();
    // Records, set-based: a test, a code, 0–3 doses per person, a week of temperatures for 3 in 5.
    const now = sql`${NOW}::timestamptz`;
    await sql`insert into health_records (kind, source, record_key, person_id, area_path, occurred_at, result, value)
      select 'test', 'bench', 't' || p.id, p.id, p.area_path, ${now} - ((p.id % 96) || ' hours')::interval,
        case when p.id % 997 = 0 then 'positive' else 'negative' end, null
      from persons p`.execute(db);
    await sql`insert into health_records (kind, source, record_key, person_id, area_path, occurred_at, result, value)
      select 'health_code', 'bench', 'c' || p.id, p.id, p.area_path, ${now} - ((p.id % 20) || ' hours')::interval,
        case when p.id % 101 = 0 then 'RED' when p.id % 37 = 0 then 'YELLOW' else 'GREEN' end, null
      from persons p`.execute(db);
    await sql`insert into health_records (kind, source, record_key, person_id, area_path, occurred_at, result, value)
      select 'vaccination', 'bench', 'v' || p.id || '-' || d, p.id, p.area_path,
        ${now} - ((400 - d * 60 + p.id % 30) || ' days')::interval, null, d
      from persons p cross join generate_series(1, 3) d where d <= p.id % 4`.execute(db);
    await sql`insert into health_records (kind, source, record_key, person_id, area_path, occurred_at, result, value)
      select 'temperature', 'bench', 'x' || p.id || '-' || d, p.id, p.area_path,
        ${now} - (d || ' days')::interval - ((p.id % 12) || ' hours')::interval, null,
        case when d = 0 and p.id % 211 = 0 then 38.1 else 36.2 + (p.id + d) % 9 / 10.0 end
      from persons p cross join generate_series(0, 7) d where p.id % 5 < 3`.execute(db);
    // The summary as the feeds leave it.
    await sql`insert into person_health (person_id, last_test_at, last_test_result, health_code, health_code_at,
        vaccination_doses, last_vaccinated_at, last_temperature, last_temperature_at, updated_at)
      select p.id, t.occurred_at, t.result, c.result, c.occurred_at, coalesce(v.doses, 0), v.last_at,
        x.value, x.occurred_at, ${now}
      from persons p
      left join health_records t on t.kind = 'test' and t.source = 'bench' and t.record_key = 't' || p.id
      left join health_records c on c.kind = 'health_code' and c.source = 'bench' and c.record_key = 'c' || p.id
      left join health_records x on x.kind = 'temperature' and x.source = 'bench' and x.record_key = 'x' || p.id || '-0'
      left join (select person_id, max(value)::int as doses, max(occurred_at) as last_at from health_records
                 where kind = 'vaccination' group by person_id) v on v.person_id = p.id`.execute(db);
    // Key persons for one in fifty, as the rules and the returnee scan leave them.
    await sql`insert into key_persons (person_id, area_path, category, starts_on, ends_on, plan, source, created_at)
      select p.id, p.area_path, case when p.id % 100 = 0 then 'fever' else 'returnee' end, '2026-12-01', '2026-12-14',
        '{}'::jsonb, 'bench', ${now}
      from persons p where p.id % 50 = 0`.execute(db);
    await db
      .insertInto('risk_areas')
      .values({
        source: 'bench',
        region_code: '420502',
        name: '西陵区',
        level: 'medium',
        valid_from: new Date(NOW.getTime() - 86_400_000),
      })
      .execute();
    await sql`vacuum analyze`.execute(db);
    const counted = await sql<{ n: number }>`select count(*)::int as n from health_records`.execute(db);
    const records = Number(counted.rows[0]!.n);
    context.log(`  ${records} health records: ${secondsSince(started)} s`);

    const range = await sql<{
      lo: number;
      hi: number;
    }>`select min(id) as lo, max(id) as hi from persons`.execute(db);
    const lo = Number(range.rows[0]!.lo);
    const hi = Number(range.rows[0]!.hi);
    const random = new SeededRandom(31);
    const samples = Array.from({ length: SAMPLES }, () => random.int(lo, hi));
    const actor = cityWorker(city.city);
    for (const id of samples.slice(0, 20)) await personHealthStatus(db, actor, id, {}); // warm-up
    const times: number[] = [];
    let readings = 0;
    for (const id of samples) {
      times.push(
        await timed(async () => {
          const status = await personHealthStatus(db, actor, id, {});
          readings += status.facts.temperatures.length;
        }),
      );
    }

    // Baseline: the same facts as plain queries on the same PostgreSQL tables.
    const baselineTimes: number[] = [];
    if (context.backend === 'postgres') {
      const since = new Date(NOW.getTime() - 7 * 86_400_000);
      for (const id of samples) {
        baselineTimes.push(
          await timed(async () => {
            await sql`select p.id, p.area_path, h.*,
                (select array_agg(k.category) from key_persons k where k.person_id = p.id and k.status = 'active') as k
              from persons p left join person_health h on h.person_id = p.id where p.id = ${id}`.execute(db);
            await sql`select occurred_at, value from health_records
              where person_id = ${id} and kind = 'temperature' and occurred_at >= ${since}
              order by occurred_at desc limit 28`.execute(db);
          }),
        );
      }
    }
    const value = p95(times);
    const baseline = baselineTimes.length > 0 ? p95(baselineTimes) : null;
    const figures: Figure[] = [
      {
        name: 'health.status_p95',
        backend: context.backend,
        value,
        unit: 'ms',
        baseline,
        ratio: ratio(value, baseline),
        budget: BUDGET_MS,
        extra: {
          p50_ms: quantile(times, 0.5),
          baseline_p50_ms: baselineTimes.length > 0 ? quantile(baselineTimes, 0.5) : '-',
          persons,
          records,
          trend_readings_per_sample: round2(readings / SAMPLES),
          peak_rss_mib: peakRssMiB(),
        },
      },
    ];
    return figures;
  },
};
