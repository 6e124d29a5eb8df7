import { expect, it } from 'vitest';
import { SeededRandom } from '../core/random.js';
import { createFieldCipher } from '../privacy/field-crypto.js';
import { describeEachDatabase } from '../test-support/database.js';
import { createAreaTree, createUser, testConfig } from '../test-support/factories.js';
import { seedDemoCommunityServices } from './demo.js';
import { addResident, createHouses } from '../test-support/services-fixtures.js';

const cipher = createFieldCipher(testConfig().keys);

describeEachDatabase('demo community services', (database) => {
  it('gives every grid its team, every volunteer 3–5 households, and requests in every status', async () => {
    const db = database().db;
    const tree = await createAreaTree(db);
    await createUser(db, [{ role: 'community_staff', area: tree.village }]);
    for (const grid of [tree.gridA, tree.gridB]) {
      await createUser(db, [{ role: 'grid_leader', area: grid }]);
      await createUser(db, [{ role: 'police', area: grid }]);
      await createUser(db, [{ role: 'doctor', area: grid }]);
    }
    for (const micro of [tree.microA, tree.microB]) {
      await createUser(db, [{ role: 'grid_worker', area: micro }]);
      for (let i = 0; i < 3; i++) await createUser(db, [{ role: 'volunteer', area: micro }]);
    }
    const houses = [...(await createHouses(db, tree.cellA, 14)), ...(await createHouses(db, tree.cellB, 12))];
    for (const house of houses.filter((_, i) => i % 4 === 0)) await addResident(db, house, ['elderly_alone']);

    const now = new Date('2026-11-20T10:00:00+08:00');
    const result = await db
      .transaction()
      .execute((trx) =>
        seedDemoCommunityServices(trx, { village: tree.village, cipher, random: new SeededRandom(7), now }),
      );
    expect(result).toMatchObject({ teams: 6, requests: 10, announcements: 3, volunteersCovering: 6 });
    expect(result.resources).toBeGreaterThanOrEqual(12);
    expect(result.reads).toBeGreaterThan(0);

    const perVolunteer = await db
      .selectFrom('volunteer_households')
      .select(['volunteer_user_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('volunteer_user_id')
      .execute();
    expect(perVolunteer.every((v) => Number(v.n) >= 3 && Number(v.n) <= 5)).toBe(true);

    const statuses = await db.selectFrom('resident_requests').select('status').distinct().execute();
    expect(statuses.map((s) => s.status).sort()).toEqual([
      'accepted',
      'cancelled',
      'closed',
      'delivered',
      'open',
    ]);
    const gridTeams = await db
      .selectFrom('teams')
      .select(['kind', 'leader_user_id'])
      .where('kind', '=', 'grid')
      .execute();
    expect(gridTeams).toHaveLength(2);
    expect(gridTeams.every((t) => t.leader_user_id !== null)).toBe(true);
    const targeted = await db
      .selectFrom('announcements')
      .select('tags')
      .where('kind', '=', 'alert')
      .executeTakeFirstOrThrow();
    expect(targeted.tags).toEqual(['elderly_alone']);
  });
});
