// What /api/auth/me says about where the caller's rights hold, and that it predicts the server's
// own answers: a grant at a prefix of an object's area path is exactly what the server checks.
import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  signInNewUser,
  TestClock,
  testApp,
} from '../test-support/factories.js';

interface Grant {
  areaId: number;
  areaPath: string;
  rights: string[];
}

/** The web's useAuth().canAt, written out here as the test's oracle. */
const holdsAt = (grants: Grant[], right: string, path: string) =>
  grants.some((g) => path.startsWith(g.areaPath) && g.rights.includes(right));

describeEachDatabase('grants: rights per area on /api/auth/me', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  const clock = new TestClock();

  beforeAll(async () => {
    app = await testApp(database(), clock);
    tree = await createAreaTree(database().db);
  });

  // Generous: the first requests of a file warm the app up, slowly on a loaded machine.
  const SLOW = { timeout: 240_000 };

  it('reports each assignment area with its rights, merged per area', SLOW, async () => {
    const session = await signInNewUser(app, database().db, [
      { role: 'grid_worker', area: tree.microA },
      { role: 'volunteer', area: tree.microA },
      { role: 'doctor', area: tree.gridB },
    ]);
    const me = (await app.inject({ url: '/api/auth/me', headers: session.headers })).json() as {
      rights: string[];
      grants: Grant[];
    };
    expect(me.grants.map((g) => g.areaPath)).toEqual([tree.gridB.path, tree.microA.path].sort());
    const micro = me.grants.find((g) => g.areaId === tree.microA.id)!;
    expect(micro.rights).toContain('person.write');
    expect(micro.rights).toContain('service.handle');
    const grid = me.grants.find((g) => g.areaId === tree.gridB.id)!;
    expect(grid.rights).toContain('health.write');
    expect(grid.rights).not.toContain('person.write');
    // The flat list stays as it was: every right held anywhere.
    expect(new Set(me.rights)).toEqual(new Set(me.grants.flatMap((g) => g.rights)));
  });

  it(
    'predicts who may close a round: a grid worker sees the village round but may not close it',
    SLOW,
    async () => {
      const staff = await signInNewUser(app, database().db, [
        { role: 'community_staff', area: tree.village },
      ]);
      const worker = await signInNewUser(app, database().db, [{ role: 'grid_worker', area: tree.microA }]);
      const now = clock.now().getTime();
      const created = await app.inject({
        method: 'POST',
        url: '/api/rounds',
        headers: staff.headers,
        payload: {
          areaId: tree.village.id,
          name: '全员核酸',
          startsAt: new Date(now - 86_400_000).toISOString(),
          endsAt: new Date(now + 86_400_000).toISOString(),
        },
      });
      expect(created.statusCode, created.body).toBe(201);
      const roundId = (created.json() as { id: number }).id;

      for (const [session, mayClose] of [
        [worker, false],
        [staff, true],
      ] as const) {
        const me = (await app.inject({ url: '/api/auth/me', headers: session.headers })).json() as {
          grants: Grant[];
        };
        const round = (
          await app.inject({ url: `/api/rounds/${roundId}`, headers: session.headers })
        ).json() as {
          area: { path: string };
        };
        expect(round.area.path).toBe(tree.village.path);
        expect(holdsAt(me.grants, 'health.write', round.area.path)).toBe(mayClose);
        const closed = await app.inject({
          method: 'POST',
          url: `/api/rounds/${roundId}/close`,
          headers: session.headers,
        });
        expect(closed.statusCode, closed.body).toBe(mayClose ? 200 : 403);
      }
    },
  );
});
