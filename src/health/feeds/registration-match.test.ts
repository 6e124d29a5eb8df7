import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  type Session,
  signInNewUser,
  testApp,
} from '../../test-support/factories.js';
import { nextIdNumber } from '../../test-support/health-leads-fixtures.js';

// The register does not import health: it publishes registrations and moves, and the app installs
// health's listener. Through the API, a record waiting for an unknown number finds the person.
describeEachDatabase('health listens to the register', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let worker: Session;
  let house: number;

  beforeAll(async () => {
    app = await testApp(database());
    tree = await createAreaTree(database().db);
    worker = await signInNewUser(app, database().db, [{ role: 'grid_worker', area: tree.gridA }]);
    const created = await app.inject({
      method: 'POST',
      url: '/api/houses',
      headers: worker.headers,
      payload: { areaId: tree.cellA.id, address: '星火路8号', doorNumber: '8', use: 'residential', rooms: 2 },
    });
    expect(created.statusCode, created.body).toBe(201);
    house = created.json().id;
  });

  async function waitingRecord(documentNumber: string): Promise<number> {
    const row = await database()
      .db.insertInto('health_records')
      .values({
        kind: 'test',
        source: 'lab-1',
        record_key: `id:${documentNumber}`,
        area_path: tree.village.path,
        occurred_at: new Date(),
        result: 'negative',
        unmatched_reason: 'unknown_number',
        inbox_status: 'open',
        id_hash: app.cipher.lookupHash('id', documentNumber),
        identity_secret: app.cipher.encryptRecord({ documentNumber, name: null }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  it('matches a waiting health record in the request that registers its person', async () => {
    const documentNumber = nextIdNumber();
    const record = await waitingRecord(documentNumber);
    const registered = await app.inject({
      method: 'POST',
      url: '/api/persons',
      headers: worker.headers,
      payload: { documentNumber, name: '李等待', houseId: house, residenceType: 'permanent' },
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const stored = await database()
      .db.selectFrom('health_records')
      .select(['person_id', 'inbox_status'])
      .where('id', '=', record)
      .executeTakeFirstOrThrow();
    expect(stored.person_id).toBe(registered.json().id);
    expect(stored.inbox_status).not.toBe('open');
  });
});
