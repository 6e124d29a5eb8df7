// enterprises.clearance_roster_s: an enterprise uploads a roster of 5,000 employees (× scale, at
// least 500) as CSV into a register of 50,000 persons (× scale) with their health summaries, and the
// roster is cleared: the file read and every row checked, ID numbers hashed and matched, the rows
// encrypted and stored, then every employee's clearance from the shared health verdict (codes,
// tests, key persons, risk-area arrivals). One in ten employees is not in the register.
// Baseline: the same rows (already hashed) inserted with one multi-row statement per 2,000 on raw
// PostgreSQL, and the same join of roster, persons, health summary and key persons in one query.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { enterpriseRoster, uploadRoster } from '../../src/enterprises/clearance/service.js';
import { generateCity } from '../../src/generate/city.js';
import { createFieldCipher } from '../../src/privacy/field-crypto.js';
import { documentHash } from '../../src/privacy/protect.js';
import { residentIdCheckCharacter } from '../../src/register/identity/identity-number.js';
import { protectPerson } from '../../src/register/protect.js';
import { findUnit } from '../../src/register/repository.js';
import { type BenchModule, type Figure, peakRssMiB, ratio, secondsSince, timed } from '../harness.js';

const cipher = createFieldCipher({
  currentKeyId: 'b1',
  encryption: { b1: Buffer.alloc(32, 3) },
  hmac: Buffer.alloc(32, 5),
});
const NOW = new Date('2026-12-07T10:00:00+08:00');
const idOf = (i: number) => {
  const first17 = `420502198${1 + (i % 9)}0101${String(i % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
};
const ROUNDS = 3;

export const enterpriseClearanceBench: BenchModule = {
  title: 'enterprise clearance: a 5,000-employee roster uploaded and cleared',
  async run(context) {
    const employees = Math.max(500, Math.round(5_000 * context.scale));
    const database = await context.openDatabase();
    const db = database.db;
    let started = performance.now();
    const city = await generateCity(db, cipher, {
      persons: Math.round(50_000 * context.scale),
      grids: 10,
      seed: 41,
    });
    const grid = city.grids[0]!;
    // The employees: 9 in 10 registered (known numbers), with a code, a test, some key persons.
    const numbers = Array.from({ length: employees }, (_, i) => idOf(i + 1));
    const unique = [...new Set(numbers)];
    if (unique.length !== employees) throw new Error('bench ID numbers collide');
    const registered = numbers.flatMap((number, i) => (i % 10 === 0 ? [] : [{ number, name: `员工${i}` }]));
    for (let i = 0; i < registered.length; i += 2_000) {
      await db
        .insertInto('persons')
        .values(
          registered.slice(i, i + 2_000).map(({ number, name }) => {
            const secrets = protectPerson(cipher, 'resident_id', { documentNumber: number, phone: null });
            return {
              area_id: grid.id,
              area_path: grid.path,
              document_type: 'resident_id',
              document_hash: secrets.document_hash,
              document_masked: secrets.document_masked,
              secret: secrets.secret,
              name,
              residence_type: 'permanent' as const,
              created_at: NOW,
              updated_at: NOW,
            };
          }),
        )
        .onConflict((oc) => oc.column('document_hash').doNothing())
        .execute();
    }
    await sql`insert into person_health (person_id, last_test_at, last_test_result, health_code, health_code_at,
        vaccination_doses, updated_at)
      select p.id, ${NOW}::timestamptz - ((p.id % 96) || ' hours')::interval,
        case when p.id % 97 = 0 then 'positive' else 'negative' end,
        case when p.id % 31 = 0 then 'YELLOW' else 'GREEN' end, ${NOW}::timestamptz - interval '2 hours', 2, ${NOW}
      from persons p
      on conflict (person_id) do update set last_test_at = excluded.last_test_at,
        last_test_result = excluded.last_test_result, health_code = excluded.health_code,
        health_code_at = excluded.health_code_at`.execute(db);
    await sql`insert into key_persons (person_id, area_path, category, starts_on, ends_on, plan, source, created_at)
      select p.id, p.area_path, 'returnee', '2026-12-01', '2026-12-14', '{}'::jsonb, 'bench', ${NOW}
      from persons p where p.id % 53 = 0`.execute(db);
    const unitRow = await db
      .insertInto('units')
      .values({
        area_id: grid.id,
        area_path: grid.path,
        house_id: null,
        name: '基准制造有限公司',
        category: 'enterprise',
        credit_code: null,
        legal_person: null,
        contact_name: null,
        contact_phone_hash: null,
        contact_phone_masked: null,
        secret: null,
        employees,
        address: null,
        content_hash: null,
        created_at: NOW,
        updated_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const unit = (await findUnit(db, unitRow.id))!;
    await sql`analyze`.execute(db);
    context.log(`  register and health: ${secondsSince(started)} s`);

    const file = path.join(context.tmpDir, 'roster.csv');
    writeFileSync(
      file,
      [
        '姓名,身份证号,手机号',
        ...numbers.map((n, i) => `员工${i},${n},1380000${String(i).padStart(4, '0')}`),
      ].join('\n'),
    );
    started = performance.now();
    const times: number[] = [];
    let cleared = 0;
    let accepted = 0;
    for (let round = 0; round < ROUNDS; round++) {
      times.push(
        await timed(async () => {
          const view = await db
            .transaction()
            .execute((trx) =>
              uploadRoster(trx, cipher, unit, { file: { path: file }, fileName: 'roster.csv' }, NOW, 'zh-CN'),
            );
          const roster = await enterpriseRoster(db, unit, NOW, 'zh-CN');
          accepted = view.accepted;
          cleared = roster.counts.cleared;
        }),
      );
    }
    const value = Math.round((Math.min(...times) / 1000) * 1000) / 1000;

    let baseline: number | null = null;
    if (context.backend === 'postgres') {
      const hashes = numbers.map((n) => documentHash(cipher, 'resident_id', n));
      const baselineTimes: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        await sql`create temporary table if not exists bench_roster (unit_id int, document_hash text, name_masked text,
          document_masked text, unique (unit_id, document_hash))`.execute(db);
        baselineTimes.push(
          await timed(async () => {
            for (let i = 0; i < hashes.length; i += 2_000) {
              const rows = hashes
                .slice(i, i + 2_000)
                .map((h, j) => sql`(${unit.id}, ${h}, ${'员*'}, ${numbers[i + j]!.slice(0, 1)})`);
              await sql`insert into bench_roster values ${sql.join(rows)}
                on conflict (unit_id, document_hash) do update set name_masked = excluded.name_masked`.execute(
                db,
              );
            }
            await sql`select e.document_hash, p.id, h.health_code, h.health_code_at, h.last_test_at, h.last_test_result,
                (select array_agg(k.category) from key_persons k where k.person_id = p.id and k.status = 'active') as k
              from bench_roster e left join persons p on p.document_hash = e.document_hash
              left join person_health h on h.person_id = p.id where e.unit_id = ${unit.id}`.execute(db);
          }),
        );
      }
      baseline = Math.round((Math.min(...baselineTimes) / 1000) * 1000) / 1000;
    }
    context.log(`  ${ROUNDS} uploads: ${secondsSince(started)} s`);
    const figures: Figure[] = [
      {
        name: 'enterprises.clearance_roster_s',
        backend: context.backend,
        value,
        unit: 's',
        baseline,
        ratio: ratio(value, baseline),
        extra: { employees, accepted, cleared, peak_rss_mib: peakRssMiB() },
      },
    ];
    return figures;
  },
};
