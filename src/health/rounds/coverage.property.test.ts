// Property: whatever happens to the register and the records, in any order, the counters of every
// open round equal a brute-force recount for the round's node, every village and every grid —
// and a closed round's counters never move.
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { AppError } from '../../core/errors.js';
import { SeededRandom } from '../../core/random.js';
import { insertAreas, type AreaRow } from '../../hierarchy/repository.js';
import { moveArea } from '../../hierarchy/service.js';
import { departPerson, movePerson, registerPerson } from '../../register/person-service.js';
import { describeEachDatabase } from '../../test-support/database.js';
import { type AreaTree, createAreaTree } from '../../test-support/factories.js';
import { countNewTests, nodeCoverage, rebuildRoundCounters, recountCoverage } from './counters-repository.js';
import { addPerson, addTestRecord, cipher, systemActor } from '../../test-support/health-rounds-fixtures.js';
import { closeRound, createRound, removeMark, setMark } from './service.js';
import { EXEMPT_REASONS, OUTCOME_REASONS } from './schema.js';

const STEPS = 150;
const DAY = 86_400_000;
const NOV1 = Date.parse('2026-11-01T00:00:00+08:00');
const actor = systemActor();

interface Person {
  id: number;
  documentNumber: string;
}

describeEachDatabase('round coverage under random operations', (database, backend) => {
  let tree: AreaTree;
  let village2: AreaRow;
  let villages: number[];
  let grids: number[];
  let residentAreas: number[];
  const persons: Person[] = [];
  const rounds: { open: number[]; closed: number | null } = { open: [], closed: null };

  beforeAll(async () => {
    const db = database().db;
    tree = await createAreaTree(db);
    const now = new Date();
    const draft = (parent: AreaRow, code: string, name: string, level: 'village' | 'grid' | 'microgrid') => ({
      parentId: parent.id,
      parentPath: parent.path,
      code,
      name,
      level,
      kind: 'ordinary' as const,
      boundary: null,
      centreLng: null,
      centreLat: null,
    });
    village2 = (
      await insertAreas(db, [draft(tree.township, `${tree.township.code}002`, '第二社区', 'village')], now)
    )[0]!;
    // Grid sequence numbers are unique across both villages, so moves never clash on codes.
    const [grid3, grid4] = await insertAreas(
      db,
      [
        draft(village2, `${village2.code}003`, '丙网格', 'grid'),
        draft(village2, `${village2.code}004`, '丁网格', 'grid'),
      ],
      now,
    );
    const [micro3] = await insertAreas(
      db,
      [draft(grid3!, `${grid3!.code}01`, '丙一微网格', 'microgrid')],
      now,
    );
    villages = [tree.village.id, village2.id];
    grids = [tree.gridA.id, tree.gridB.id, grid3!.id, grid4!.id];
    residentAreas = [...grids, tree.microA.id, tree.microB.id, tree.cellA.id, tree.cellB.id, micro3!.id];
    for (let i = 0; i < 12; i++) persons.push(await addPerson(db, residentAreas[i % residentAreas.length]!));
    const round = (areaId: number, from: number, days: number) =>
      createRound(db, actor, {
        areaId,
        name: `轮次${areaId}`,
        startsAt: new Date(NOV1 + from * DAY).toISOString(),
        endsAt: new Date(NOV1 + (from + days) * DAY).toISOString(),
      });
    // The whole township; one village only (grids move in and out of it); one that will be closed.
    rounds.open.push((await round(tree.township.id, 1, 2)).id, (await round(tree.village.id, 2, 2)).id);
    rounds.closed = (await round(tree.township.id, 0, 3)).id;
  });

  it(
    `keeps counters equal to a brute-force recount over ${STEPS} random steps`,
    { timeout: 120_000 },
    async () => {
      const db = database().db;
      const random = new SeededRandom(backend === 'pglite' ? 20261102 : 20261103);
      const pick = <T>(items: readonly T[]) => random.pick(items);
      // Half the records fall in the township round's window, the rest anywhere around it.
      const at = () =>
        random.chance(0.5)
          ? new Date(NOV1 + DAY + random.int(0, 2 * 24 * 60 - 1) * 60_000)
          : new Date(NOV1 - DAY + random.int(0, 6 * 24 * 60) * 60_000);
      const day = () => new Date(NOV1 + random.int(-1, 4) * DAY).toISOString().slice(0, 10);
      const statusOf = async (id: number) =>
        await db
          .selectFrom('persons')
          .select(['status', 'area_path'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
      /** Runs an operation the rules may refuse (e.g. marking someone outside the round): refusals are fine. */
      const allowed = async (work: () => Promise<unknown>) => {
        try {
          await work();
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
        }
      };
      let frozen: unknown = null;
      const closedCounters = () =>
        db
          .selectFrom('round_counters')
          .select(['area_id', 'due', 'tested', 'exempt', 'departed'])
          .where('round_id', '=', rounds.closed!)
          .orderBy('area_id')
          .execute();
      const counts: Record<string, number> = {};

      for (let step = 0; step < STEPS; step++) {
        const roll = random.next();
        const person = pick(persons);
        let op: string;
        if (roll < 0.12) {
          op = 'register';
          persons.push(await addPerson(db, pick(residentAreas)));
        } else if (roll < 0.35) {
          op = 'test';
          const records = random.int(1, 3);
          const ids: number[] = [];
          for (let i = 0; i < records; i++)
            ids.push(
              await addTestRecord(db, random.chance(0.8) ? person.id : pick(persons).id, at(), {
                count: false,
              }),
            );
          await countNewTests(db, { recordIds: ids });
        } else if (roll < 0.4) {
          op = 'unmatched';
          await addTestRecord(db, null, at());
        } else if (roll < 0.47) {
          op = 'match';
          const open = await db
            .selectFrom('health_records')
            .select('id')
            .where('person_id', 'is', null)
            .orderBy('id')
            .execute();
          if (open.length) {
            const record = pick(open).id;
            const target = await statusOf(person.id);
            await db
              .updateTable('health_records')
              .set({ person_id: person.id, area_path: target.area_path!, inbox_status: 'matched' })
              .where('id', '=', record)
              .execute();
            await countNewTests(db, { recordIds: [record] });
          }
        } else if (roll < 0.52) {
          op = 'batch';
          const batch = await db
            .insertInto('feed_batches')
            .values({
              kind: 'test',
              source: 'lab-test',
              channel: 'push',
              area_id: tree.city.id,
              area_path: tree.city.path,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          for (let i = random.int(1, 4); i > 0; i--) {
            const id = await addTestRecord(db, pick(persons).id, at(), { count: false });
            await db.updateTable('health_records').set({ batch_id: batch.id }).where('id', '=', id).execute();
          }
          await countNewTests(db, { batchId: batch.id });
        } else if (roll < 0.6) {
          op = 'depart';
          await allowed(() => departPerson(db, actor, person.id, { departedOn: day() }));
        } else if (roll < 0.63) {
          op = 'return';
          if ((await statusOf(person.id)).status === 'departed')
            await registerPerson(db, actor, cipher, {
              documentNumber: person.documentNumber,
              name: '测试人',
              areaId: pick(residentAreas),
            });
        } else if (roll < 0.73) {
          op = 'move person';
          await allowed(() => movePerson(db, actor, person.id, { areaId: pick(residentAreas) }));
        } else if (roll < 0.78) {
          op = 'move grid';
          const grid = pick(grids);
          const current = await db
            .selectFrom('areas')
            .select('parent_id')
            .where('id', '=', grid)
            .executeTakeFirstOrThrow();
          await moveArea(
            db,
            actor,
            grid,
            villages.find((v) => v !== current.parent_id)!,
          );
        } else if (roll < 0.9) {
          op = 'mark';
          const exempt = random.chance(0.6);
          await allowed(() =>
            setMark(db, actor, pick(rounds.open), person.id, {
              kind: exempt ? 'exempt' : 'outcome',
              reason: exempt ? pick(EXEMPT_REASONS) : pick(OUTCOME_REASONS),
            }),
          );
        } else {
          op = 'unmark';
          const marks = await db
            .selectFrom('round_marks')
            .select(['round_id', 'person_id'])
            .orderBy('person_id')
            .execute();
          const mark = marks.length ? pick(marks) : null;
          if (mark && mark.round_id !== rounds.closed)
            await removeMark(db, actor, mark.round_id, mark.person_id);
        }
        counts[op] = (counts[op] ?? 0) + 1;

        if (step === 20) {
          await closeRound(db, actor, rounds.closed!);
          frozen = await closedCounters();
        }

        const areas = await db
          .selectFrom('areas')
          .select(['id', 'path'])
          .where('id', 'in', [...villages, ...grids, tree.township.id])
          .execute();
        for (const roundId of rounds.open) {
          for (const area of areas) {
            const expected = await recountCoverage(db, roundId, area.path);
            const actual = await nodeCoverage(db, roundId, area.path);
            expect(actual, `step ${step} (${op}), round ${roundId}, area ${area.id}`).toEqual(expected);
          }
        }
        if (frozen) expect(await closedCounters(), `closed round after step ${step} (${op})`).toEqual(frozen);
      }

      // Every kind of step ran, and the city saw real coverage, not an empty register.
      expect(Object.keys(counts).length).toBe(11);
      const township = await recountCoverage(db, rounds.open[0]!, tree.township.path);
      expect(township.tested).toBeGreaterThan(5);
      expect(township.departed + township.exempt).toBeGreaterThan(0);

      // Rebuilding from source gives the same rows as the incremental path.
      const snapshot = () =>
        sql`select round_id, area_id, area_path, due, tested, exempt, departed from round_counters order by 1, 2`.execute(
          db,
        );
      const incremental = (await snapshot()).rows;
      expect(await rebuildRoundCounters(db)).toEqual({ rounds: 2 });
      expect((await snapshot()).rows).toEqual(incremental);
    },
  );
});
