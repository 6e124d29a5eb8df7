import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { buildCli } from '../cli.js';
import type { KeyMaterial } from '../config.js';
import {
  addPerson,
  addPlace,
  addScan,
  nextIdNumber,
  systemActor,
} from '../test-support/health-leads-fixtures.js';
import { findPersonByDocumentHash } from '../register/repository.js';
import { documentHash, documentHashes, phoneHash } from '../privacy/protect.js';
import { describeEachDatabase } from '../test-support/database.js';
import { createAreaTree, createUser } from '../test-support/factories.js';
import { createFieldCipher } from '../privacy/field-crypto.js';
import { rotateKeys } from './reencrypt.js';

const hmac = randomBytes(32);
const aesKey = randomBytes(32);
const sm4Key = randomBytes(16);
const before: KeyMaterial = { currentKeyId: 'k1', encryption: { k1: aesKey }, hmac };
const after: KeyMaterial = {
  currentKeyId: 's1',
  encryption: { s1: sm4Key, k1: aesKey },
  suites: { s1: 'sm4', k1: 'aes' },
  hmac,
};

describeEachDatabase('gridguard keys rotate (AES-256-GCM → SM4)', (database) => {
  it('re-encrypts every encrypted column, recomputes and carries the hashes, finds people again, and a second run changes nothing', async () => {
    const { db } = database();
    const actor = systemActor(() => new Date());
    const aes = createFieldCipher(before);
    const sm4 = createFieldCipher(after);
    const tree = await createAreaTree(db);

    // Written under AES, the way the app writes them.
    const people: Array<{ id: number; documentNumber: string; phone: string }> = [];
    for (let i = 0; i < 7; i++) {
      const phone = `1381234${String(1000 + i)}`;
      const person = await addPerson(db, actor, aes, { areaId: tree.cellA.id, phone });
      people.push({ ...person, phone });
    }
    const place = await addPlace(db, tree.cellA, '测试超市');
    const scanOfResident = await addScan(db, aes, place, new Date(), {
      documentNumber: people[2]!.documentNumber,
      phone: people[2]!.phone,
      name: '测试人',
    });
    const visitor = nextIdNumber();
    const scanOfVisitor = await addScan(db, aes, place, new Date(), { documentNumber: visitor });
    const user = await createUser(db, [{ role: 'admin', area: tree.city }]);
    await db
      .insertInto('notification_preferences')
      .values([
        { user_id: user.id, channel: 'sms', enabled: true, address_secret: aes.encrypt('13900001111') },
        {
          user_id: user.id,
          channel: 'webhook',
          enabled: true,
          address_secret: aes.encrypt('https://hooks.example.cn/x'),
        },
      ])
      .execute();

    // The new suite cannot find anyone through its own hash before the rotation.
    const target = people[4]!;
    expect(await findPersonByDocumentHash(db, documentHash(sm4, 'resident_id', target.documentNumber))).toBe(
      undefined,
    );

    // Interrupted after two batches of 3, then resumed from its checkpoint.
    const partial = await rotateKeys(db, actor, sm4, { batchSize: 3, maxBatches: 2 });
    expect(partial.tables.find((t) => t.table === 'persons')).toMatchObject({ scanned: 6, reencrypted: 6 });
    const first = await rotateKeys(db, actor, sm4, { batchSize: 3 });
    expect(first.resumed).toBe(true);
    const persons = first.tables.find((t) => t.table === 'persons')!;
    expect(persons).toMatchObject({ scanned: 7, reencrypted: 7, rehashed: 7 });
    expect(first.tables.find((t) => t.table === 'place_scans')).toMatchObject({ reencrypted: 2 });
    expect(first.tables.find((t) => t.table === 'notification_preferences')).toMatchObject({
      reencrypted: 2,
    });
    // The resident's scan got the person's new hashes in the person's own batch.
    expect(first.carried).toBeGreaterThanOrEqual(2);

    // Every token is on the SM4 key; every hash is HMAC-SM3.
    const rows = await db
      .selectFrom('persons')
      .select(['id', 'secret', 'document_hash', 'phone_hash'])
      .execute();
    for (const row of rows.filter((r) => people.some((p) => p.id === r.id))) {
      const who = people.find((p) => p.id === row.id)!;
      expect(row.secret).toMatch(/^v2\.sm4\.s1\./);
      expect(sm4.decryptRecord(row.secret)).toMatchObject({
        documentNumber: who.documentNumber,
        phone: who.phone,
      });
      expect(row.document_hash).toBe(sm4.lookupHash('id', who.documentNumber));
      expect(row.phone_hash).toBe(phoneHash(sm4, who.phone));
    }
    const scans = await db
      .selectFrom('place_scans')
      .select(['id', 'secret', 'document_hash', 'phone_hash'])
      .where('id', 'in', [scanOfResident, scanOfVisitor])
      .orderBy('id')
      .execute();
    expect(scans.map((s) => s.secret.slice(0, 10))).toEqual(['v2.sm4.s1.', 'v2.sm4.s1.']);
    expect(scans[0]).toMatchObject({
      document_hash: documentHash(sm4, 'resident_id', people[2]!.documentNumber),
      phone_hash: phoneHash(sm4, people[2]!.phone),
    });
    expect(scans[1]!.document_hash).toBe(documentHash(sm4, 'resident_id', visitor));
    const preferences = await db
      .selectFrom('notification_preferences')
      .select(['channel', 'address_secret'])
      .where('user_id', '=', user.id)
      .orderBy('channel')
      .execute();
    expect(preferences.map((p) => sm4.decrypt(p.address_secret!))).toEqual([
      '13900001111',
      'https://hooks.example.cn/x',
    ]);
    expect(preferences.every((p) => !sm4.needsReencryption(p.address_secret!))).toBe(true);

    // Lookups by ID number find people under the new suite, and old AES rows were never unreadable.
    const found = await findPersonByDocumentHash(db, documentHash(sm4, 'resident_id', target.documentNumber));
    expect(found?.id).toBe(target.id);

    // Audited, checkpoint gone.
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .where('action', '=', 'keys.rotate')
      .execute();
    expect(audit).toEqual([{ action: 'keys.rotate', entity_id: 's1' }]);
    expect(
      await db.selectFrom('app_meta').select('key').where('key', '=', 'key_rotation').executeTakeFirst(),
    ).toBe(undefined);

    // A second run changes nothing.
    const snapshot = await db
      .selectFrom('persons')
      .select(['id', 'secret', 'document_hash'])
      .orderBy('id')
      .execute();
    const second = await rotateKeys(db, actor, sm4, { batchSize: 3 });
    expect(second.tables.reduce((sum, t) => sum + t.reencrypted + t.rehashed, 0)).toBe(0);
    expect(second.carried).toBe(0);
    expect(
      await db.selectFrom('persons').select(['id', 'secret', 'document_hash']).orderBy('id').execute(),
    ).toEqual(snapshot);
  });

  it('finds people under both suites while a switch is rotated in, so nobody is registered twice', async () => {
    const { db } = database();
    const actor = systemActor(() => new Date());
    const aes = createFieldCipher(before);
    const sm4 = createFieldCipher(after);
    const tree = await createAreaTree(db);
    const person = await addPerson(db, actor, aes, { areaId: tree.cellA.id });

    // The app already runs with the SM4 key current; the rotation has not reached this row.
    const found = await findPersonByDocumentHash(
      db,
      documentHashes(sm4, 'resident_id', person.documentNumber),
    );
    expect(found?.id).toBe(person.id);
    const again = await addPerson(db, actor, sm4, {
      areaId: tree.cellA.id,
      documentNumber: person.documentNumber,
    });
    expect(again.id).toBe(person.id);
    const copies = await db
      .selectFrom('persons')
      .select(['id', 'secret', 'document_hash'])
      .where('document_hash', 'in', documentHashes(sm4, 'resident_id', person.documentNumber))
      .execute();
    expect(copies).toHaveLength(1);
    // Once all keys are of one suite, only that suite's hash is asked for.
    const sm4Only = createFieldCipher({
      currentKeyId: 's1',
      encryption: { s1: sm4Key },
      suites: { s1: 'sm4' },
      hmac,
    });
    expect(documentHashes(sm4Only, 'resident_id', person.documentNumber)).toHaveLength(1);
  });

  it('resumes a run interrupted between two tables', async () => {
    const { db } = database();
    const actor = systemActor(() => new Date());
    const tree = await createAreaTree(db);
    await addPerson(db, actor, createFieldCipher(before), { areaId: tree.cellA.id });
    const sm4 = createFieldCipher(after);
    // Batch 1 reads the persons, batch 2 finds no more: the checkpoint points at the next table's start.
    await rotateKeys(db, actor, sm4, { batchSize: 100_000, maxBatches: 2 });
    const resumed = await rotateKeys(db, actor, sm4, { batchSize: 100_000 });
    expect(resumed.resumed).toBe(true);
    const secrets = await db.selectFrom('persons').select('secret').execute();
    expect(secrets.every((row) => !sm4.needsReencryption(row.secret))).toBe(true);
  });

  it('matches a health record sent under the new suite before the rotation reached its person', async () => {
    // As the CLI assembles it: health listens to the persons the rotation finds again.
    buildCli();
    const { db } = database();
    const actor = systemActor(() => new Date());
    const sm4 = createFieldCipher(after);
    const tree = await createAreaTree(db);
    const person = await addPerson(db, actor, createFieldCipher(before), { areaId: tree.cellA.id });
    const record = await db
      .insertInto('health_records')
      .values({
        kind: 'test',
        source: 'lab-1',
        record_key: `id:${person.documentNumber}`,
        area_path: tree.village.path,
        occurred_at: new Date(),
        result: 'negative',
        unmatched_reason: 'unknown_number',
        inbox_status: 'open',
        id_hash: sm4.lookupHash('id', person.documentNumber),
        identity_secret: sm4.encryptRecord({ documentNumber: person.documentNumber, name: null }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await rotateKeys(db, actor, sm4);
    const stored = await db
      .selectFrom('health_records')
      .select(['person_id', 'inbox_status'])
      .where('id', '=', record.id)
      .executeTakeFirstOrThrow();
    expect(stored.person_id).toBe(person.id);
  });
});
