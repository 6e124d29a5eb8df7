// Counters under concurrent writers (PostgreSQL only: PGlite has one connection): a test record
// counted while another transaction recounts the same area must not be lost or counted twice.
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test-support/database.js';
import { type AreaTree, createAreaTree } from '../../test-support/factories.js';
import { countNewTests, nodeCoverage, recountCoverage } from './counters-repository.js';
import { addPerson, addTestRecord, systemActor } from '../../test-support/health-rounds-fixtures.js';
import { createRound, setMark } from './service.js';

const inWindow = new Date('2026-11-02T10:00:00+08:00');
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

describeEachDatabase('round counters under concurrent transactions', (database, backend) => {
  let tree: AreaTree;
  let roundId: number;
  const people: number[] = [];

  beforeAll(async () => {
    if (backend === 'pglite') return;
    const db = database().db;
    tree = await createAreaTree(db);
    for (let i = 0; i < 6; i++) people.push((await addPerson(db, tree.gridA.id)).id);
    roundId = (
      await createRound(db, systemActor(), {
        areaId: tree.village.id,
        name: '并发',
        startsAt: '2026-11-02T00:00:00+08:00',
        endsAt: '2026-11-03T00:00:00+08:00',
      })
    ).id;
  });

  const agrees = async () =>
    expect(await nodeCoverage(database().db, roundId, tree.village.path)).toEqual(
      await recountCoverage(database().db, roundId, tree.village.path),
    );

  it.skipIf(backend === 'pglite')(
    'a recount holding the area makes a new test wait, and keeps it',
    async () => {
      const db = database().db;
      const recount = await db.startTransaction().execute();
      const importer = await db.startTransaction().execute();
      await setMark(recount, systemActor(), roundId, people[0]!, { kind: 'exempt', reason: 'away' });
      const counted = (async () => {
        await addTestRecord(importer, people[1]!, inWindow);
        await importer.commit().execute();
      })();
      await settle();
      await recount.commit().execute();
      await counted;
      await agrees();
    },
  );

  it.skipIf(backend === 'pglite')(
    'a test counted first makes the recount wait, and the recount sees it',
    async () => {
      const db = database().db;
      const importer = await db.startTransaction().execute();
      const recount = await db.startTransaction().execute();
      await addTestRecord(importer, people[2]!, inWindow);
      const marked = (async () => {
        await setMark(recount, systemActor(), roundId, people[3]!, { kind: 'exempt', reason: 'infant' });
        await recount.commit().execute();
      })();
      await settle();
      await importer.commit().execute();
      await marked;
      await agrees();
    },
  );

  it.skipIf(backend === 'pglite')('two batches with the same person count them once', async () => {
    const db = database().db;
    const first = await db.startTransaction().execute();
    const second = await db.startTransaction().execute();
    await addTestRecord(first, people[4]!, inWindow);
    const later = (async () => {
      const id = await addTestRecord(second, people[4]!, new Date(inWindow.getTime() + 3600_000), {
        count: false,
      });
      await countNewTests(second, { recordIds: [id] });
      await second.commit().execute();
    })();
    await settle();
    await first.commit().execute();
    await later;
    await agrees();
  });
});
