// checkpoint.check_p95: the gate check over a city's history — 1,000,000 persons (× scale) and
// 10,000,000 crossings (× scale; PGlite runs a tenth of that again). Each sample is what a gate
// phone asks: an ID number → the person's verdict at that checkpoint (identify: hash match, lookup
// budget, health status with key persons and risk areas, the checkpoint's rules, audit), or a plate
// → its crossings across all checkpoints in the window and the risk flag. Baseline: the same
// lookups as plain indexed queries on the same PostgreSQL tables, without scope, rules or audit.
import { sql } from 'kysely';
import type { Actor } from '../../src/auth/context.js';
import type { Viewer } from '../../src/auth/scope.js';
import { identify } from '../../src/checkpoints/check-service.js';
import { lookupVehicle } from '../../src/checkpoints/vehicle-service.js';
import { SeededRandom } from '../../src/core/random.js';
import { generateCity, syntheticIdNumber } from '../../src/generate/city.js';
import type { AreaRow } from '../../src/hierarchy/repository.js';
import { createFieldCipher } from '../../src/privacy/field-crypto.js';
import { idNumberInClear } from '../../src/privacy/protect.js';
import { type BenchModule, type Figure, p95, peakRssMiB, ratio, secondsSince, timed } from '../harness.js';
import { insertCheckpointHistory, syntheticPlate } from './checkpoint-history.js';

const cipher = createFieldCipher({
  currentKeyId: 'b1',
  encryption: { b1: Buffer.alloc(32, 3) },
  hmac: Buffer.alloc(32, 5),
});
const SAMPLES = 400;
const NOW = new Date('2026-12-07T10:00:00+08:00');

/** A worker of the whole city on duty; each sample gets its own user id, so no one lookup budget runs dry. */
function gateActor(city: AreaRow, sample: number): Actor {
  const viewer: Viewer = {
    kind: 'user',
    userId: 1_000_000 + sample,
    username: `bench_gate_${sample}`,
    displayName: 'bench',
    assignments: [{ role: 'grid_worker', areaId: city.id, areaPath: city.path, categories: [] }],
  };
  return { viewer, ip: null, now: () => NOW };
}

export const checkpointCheckBench: BenchModule = {
  title: 'checkpoint: gate check (ID or plate → verdict and history) over 10M crossings',
  async run(context) {
    const scale = context.backend === 'pglite' ? context.scale / 10 : context.scale;
    const persons = Math.round(1_000_000 * scale);
    const records = Math.round(10_000_000 * scale);
    const plates = Math.round(200_000 * scale);
    const database = await context.openDatabase();
    const db = database.db;
    let started = performance.now();
    let logged = 0;
    const city = await generateCity(db, cipher, {
      persons,
      grids: Math.round(10_000 * scale),
      seed: 17,
      onProgress: (done, total) => {
        if (done - logged >= total / 4 || done === total) {
          logged = done;
          context.log(`  generated ${done} of ${total} persons`);
        }
      },
    });
    context.log(`  city: ${secondsSince(started)} s`);
    started = performance.now();
    logged = 0;
    const { checkpointIds } = await insertCheckpointHistory(database, {
      records,
      plates,
      grids: city.grids,
      gridsPerCheckpoint: 10,
      now: NOW,
      onProgress: (done, total) => {
        if (done - logged >= total / 5 || done === total) {
          logged = done;
          context.log(`  ${done} of ${total} crossings`);
        }
      },
    });
    // Risk areas in force, so the verdict and the flag compare against real rows.
    await db
      .insertInto('risk_areas')
      .values([
        {
          source: 'bench',
          region_code: '420502',
          name: '西陵区',
          level: 'medium',
          valid_from: new Date(NOW.getTime() - 86_400_000),
        },
        {
          source: 'bench',
          region_code: '310116',
          name: '金山区',
          level: 'high',
          valid_from: new Date(NOW.getTime() - 86_400_000),
        },
      ])
      .execute();
    await sql`vacuum analyze`.execute(db);
    context.log(`  ${checkpointIds.length} checkpoints, ${records} crossings: ${secondsSince(started)} s`);

    const random = new SeededRandom(23);
    const options = { windowHours: 24, trailDays: 14 };
    const samples = Array.from({ length: SAMPLES }, (_, i) => ({
      byPlate: i % 2 === 1,
      person: random.int(0, persons - 1),
      plate: syntheticPlate(random.int(0, plates - 1)),
      checkpointId: checkpointIds[random.int(0, checkpointIds.length - 1)]!,
    }));
    const check = (s: (typeof samples)[number], i: number) =>
      s.byPlate
        ? lookupVehicle(db, gateActor(city.city, i), s.checkpointId, s.plate, options)
        : identify(db, gateActor(city.city, i), cipher, s.checkpointId, {
            idNumber: syntheticIdNumber(s.person),
          });
    for (let i = 0; i < 20; i++) await check(samples[i]!, SAMPLES + i); // warm-up
    const idTimes: number[] = [];
    const plateTimes: number[] = [];
    let history = 0;
    for (const [i, s] of samples.entries()) {
      const ms = await timed(async () => {
        const answer = await check(s, i);
        if ('subjects' in answer && answer.subjects.length !== 1)
          throw new Error(`identify found ${answer.subjects.length} persons for one ID number`);
        if ('history' in answer) history += (answer as { history: unknown[] }).history.length;
      });
      (s.byPlate ? plateTimes : idTimes).push(ms);
    }

    // Baseline: the same two lookups as plain queries on the same PostgreSQL tables.
    // (On PGlite there is no PostgreSQL server under the same tables: no baseline there.)
    const baselineDb = db;
    const baselineTimes: number[] = [];
    if (context.backend === 'postgres') {
      const since = new Date(NOW.getTime() - 24 * 3_600_000);
      for (const s of samples) {
        const hash = s.byPlate
          ? ''
          : idNumberInClear(cipher, 'resident_id', syntheticIdNumber(s.person)).hash;
        const ms = await timed(() =>
          s.byPlate
            ? sql`select r.checkpoint_id, r.at, r.decision, r.origin, r.flagged from checkpoint_records r
                where r.plate = ${s.plate} and r.at >= ${since} order by r.at desc limit 20`.execute(
                baselineDb,
              )
            : sql`select p.id, p.name, p.document_masked, h.health_code, h.health_code_at, h.last_test_at,
                  h.last_test_result, h.vaccination_doses
                from persons p left join person_health h on h.person_id = p.id
                where p.document_hash = ${hash} and p.status = 'active'`.execute(baselineDb),
        );
        baselineTimes.push(ms);
      }
    }
    const all = [...idTimes, ...plateTimes];
    const baseline = baselineTimes.length > 0 ? p95(baselineTimes) : null;
    const figures: Figure[] = [
      {
        name: 'checkpoint.check_p95',
        backend: context.backend,
        value: p95(all),
        unit: 'ms',
        baseline,
        ratio: ratio(p95(all), baseline),
        extra: {
          id_p95_ms: p95(idTimes),
          plate_p95_ms: p95(plateTimes),
          persons,
          crossings: records,
          plate_rows_seen: history,
          peak_rss_mib: peakRssMiB(),
        },
      },
    ];
    return figures;
  },
};
