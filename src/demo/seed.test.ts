import { expect, it } from 'vitest';
import { describeEachDatabase, openTestDatabase } from '../test-support/database.js';
import { createFieldCipher } from '../privacy/field-crypto.js';
import { testConfig } from '../test-support/factories.js';
import { isEmptyInstallation, seedDemo } from './seed.js';
import { nodeCoverage, recountCoverage } from '../health/rounds/counters-repository.js';
import { containsPoint } from '../events/location.js';

const cipher = createFieldCipher(testConfig().keys);

describeEachDatabase('demo village', (database) => {
  // Two whole villages: ~20 s alone, and much more beside other test files on two shared cores.
  it('builds 星火村 with its grids and 287 accounts, deterministically', async () => {
    const db = database().db;
    expect(await isEmptyInstallation(db)).toBe(true);
    const { logins } = await seedDemo(db, { password: 'Gridguard2026', demoMode: true, seed: 7, cipher });
    expect(logins.map((l) => l.role)).toEqual([
      'admin',
      'commander',
      'community_staff',
      'grid_leader',
      'grid_worker',
      'volunteer',
      'doctor',
      'police',
      'department',
    ]);
    expect(logins[0]).toMatchObject({ username: 'admin', area: '上海市' });
    const levels = await db
      .selectFrom('areas')
      .select(['level', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('level')
      .execute();
    const count = Object.fromEntries(levels.map((l) => [l.level, Number(l.n)]));
    expect(count).toMatchObject({ city: 1, county: 1, township: 1, village: 1, grid: 4, microgrid: 20 });
    expect(count.cell).toBeGreaterThanOrEqual(100);
    const village = await db
      .selectFrom('areas')
      .selectAll()
      .where('level', '=', 'village')
      .executeTakeFirstOrThrow();
    expect(village).toMatchObject({ name: '星火村', code: '310116103209' });
    expect((await db.selectFrom('users').select('id').execute()).length).toBe(287);
    const unbound = await db
      .selectFrom('users as u')
      .leftJoin('role_assignments as r', 'r.user_id', 'u.id')
      .select('u.id')
      .where('r.id', 'is', null)
      .execute();
    expect(unbound).toEqual([]);
    const cellsWithoutBoundary = await db
      .selectFrom('areas')
      .select('id')
      .where('boundary', 'is', null)
      .where('level', 'in', ['grid', 'microgrid', 'cell'])
      .execute();
    expect(cellsWithoutBoundary).toEqual([]);
    expect(await isEmptyInstallation(db)).toBe(false);
    const houses = Number(
      (
        await db
          .selectFrom('houses')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const people = Number(
      (
        await db
          .selectFrom('persons')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const tenants = Number(
      (
        await db
          .selectFrom('persons')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('residence_type', 'in', ['floating', 'temporary'])
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(houses).toBeGreaterThan(1000);
    expect(houses).toBeLessThan(1500);
    expect(people).toBeGreaterThan(3600);
    expect(people).toBeLessThan(4700);
    expect(tenants).toBeGreaterThan(500);
    expect((await db.selectFrom('units').select('id').execute()).length).toBe(51);
    // 81 cameras as in 星火村, and at its checkpoints two plate cameras and a temperature gate.
    expect(
      (await db.selectFrom('cameras').select('id').where('checkpoint_id', 'is', null).execute()).length,
    ).toBe(81);
    const gateDevices = await db
      .selectFrom('cameras')
      .select('kind')
      .where('checkpoint_id', 'is not', null)
      .execute();
    expect(gateDevices.map((c) => c.kind).sort()).toEqual(['face_gate', 'plate', 'plate']);
    // Its checkpoints: two village entrances and the town road's, each with a team, a place code and
    // a week of crossings; some vehicles flagged, two fevers that opened events.
    const checkpoints = await db
      .selectFrom('checkpoints as cp')
      .innerJoin('teams as t', 't.id', 'cp.team_id')
      .innerJoin('access_codes as c', (join) =>
        join.onRef('c.place_id', '=', 'cp.place_id').on('c.status', '=', 'active'),
      )
      .select(['cp.kind', 't.kind as team_kind', 'cp.lng'])
      .execute();
    expect(checkpoints.map((c) => c.kind).sort()).toEqual([
      'traffic',
      'village_entrance',
      'village_entrance',
    ]);
    expect(checkpoints.every((c) => c.team_kind === 'checkpoint' && c.lng !== null)).toBe(true);
    const crossings = await db
      .selectFrom('checkpoint_records')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.countAll<number>().filterWhere('flagged', '=', true).as('flagged'),
        eb.fn.countAll<number>().filterWhere('decision', '=', 'refused').as('refused'),
        eb.fn.countAll<number>().filterWhere('event_id', 'is not', null).as('fevers'),
      ])
      .executeTakeFirstOrThrow();
    expect(Number(crossings.n)).toBeGreaterThan(4000);
    expect(Number(crossings.flagged)).toBeGreaterThan(5);
    expect(Number(crossings.refused)).toBeGreaterThan(5);
    expect(Number(crossings.fevers)).toBe(2);
    // Enterprise inspections: a running round over the enterprises back at work (filing approved), most
    // of them inspected, a few tasks to rectify.
    const inspected = await db
      .selectFrom('enterprise_inspections')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.count<number>('unit_id').distinct().as('units'),
      ])
      .executeTakeFirstOrThrow();
    expect(Number(inspected.n)).toBeGreaterThan(3);
    expect(Number(inspected.n)).toBe(Number(inspected.units));
    const tasks = await db.selectFrom('enterprise_rectifications').select('status').execute();
    expect(tasks.length).toBeGreaterThan(0);
    // The demo's open screening round: counters equal a brute-force recount, about 60 % tested.
    const round = await db.selectFrom('screening_rounds').select('id').executeTakeFirstOrThrow();
    const fromCounters = await nodeCoverage(db, round.id, village.path);
    expect(fromCounters).toEqual(await recountCoverage(db, round.id, village.path));
    expect(fromCounters.tested / fromCounters.due).toBeGreaterThan(0.5);
    expect(fromCounters.tested / fromCounters.due).toBeLessThan(0.7);

    // Its own geography: a river, six gates, a lane per row cell; every house stands inside its
    // row cell, and every event has a point.
    const features = await db.selectFrom('map_features').select(['kind', 'area_id']).execute();
    expect(features.filter((f) => f.kind === 'river')).toHaveLength(1);
    expect(features.filter((f) => f.kind === 'gate')).toHaveLength(6);
    expect(features.filter((f) => f.kind === 'road').length).toBeGreaterThan(count.cell!);
    const placed = await db
      .selectFrom('houses as h')
      .innerJoin('areas as a', 'a.id', 'h.area_id')
      .select(['h.lng', 'h.lat', 'a.boundary'])
      .execute();
    expect(placed).toHaveLength(houses);
    for (const house of placed) {
      expect(house.lng).not.toBeNull();
      expect(containsPoint(house.boundary!, house.lng!, house.lat!)).toBe(true);
    }
    expect(await db.selectFrom('events').select('id').where('lng', 'is', null).execute()).toEqual([]);

    // The same seed builds the same village in another database.
    const describeVillage = async (other: typeof db) => ({
      cells: await other
        .selectFrom('areas')
        .select(['code', 'name'])
        .where('level', '=', 'cell')
        .orderBy('code')
        .execute(),
      houses: await other.selectFrom('houses').select(['address', 'lng', 'lat']).orderBy('id').execute(),
      people: await other
        .selectFrom('users')
        .select(['username', 'display_name'])
        .orderBy('username')
        .execute(),
    });
    const twin = await openTestDatabase('pglite');
    try {
      await seedDemo(twin.db, { password: 'Gridguard2026', demoMode: true, seed: 7, cipher });
      expect(await describeVillage(twin.db)).toEqual(await describeVillage(db));
    } finally {
      await twin.close();
    }
  }, 180_000);
});
