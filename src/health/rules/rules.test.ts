import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiToken } from '../../auth/repository.js';
import { describeEachDatabase } from '../../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  TestClock,
  testApp,
} from '../../test-support/factories.js';
import { addPerson, nextIdNumber } from '../../test-support/health-rounds-fixtures.js';
import { applyHealthRules } from './service.js';
import { DEFAULT_HEALTH_RULES, useHealthRules } from './settings.js';

const HOUR = 3_600_000;

describeEachDatabase(
  'health rules: a fever, a yellow/red code, a positive test each act once',
  (database) => {
    let app: FastifyInstance;
    let tree: AreaTree;
    let token: string;
    let workerA: number;
    const clock = new TestClock();
    const at = (hoursAgo: number) => new Date(clock.now().getTime() - hoursAgo * HOUR).toISOString();

    beforeAll(async () => {
      app = await testApp(database(), clock);
      await app.ready();
      tree = await createAreaTree(database().db);
      workerA = (await createUser(database().db, [{ role: 'grid_worker', area: tree.gridA }])).id;
      token = (
        await createApiToken(database().db, {
          name: 'health feed',
          areaId: tree.village.id,
          capability: 'feed.health',
          createdBy: null,
        })
      ).token;
    });
    afterAll(async () => {
      useHealthRules(DEFAULT_HEALTH_RULES);
      await app.close();
    });

    /** Pushes a batch and waits until it is processed. */
    async function push(kind: string, source: string, records: object[]) {
      const headers = { authorization: `Bearer ${token}` };
      const accepted = await app.inject({
        method: 'POST',
        url: `/api/feeds/${kind}/batches`,
        headers,
        payload: { source, records },
      });
      expect(accepted.statusCode, accepted.body).toBe(202);
      let batch = (
        await app.inject({ url: `/api/feeds/batches/${accepted.json().batchId}`, headers })
      ).json();
      for (let i = 0; i < 300 && (batch.status === 'received' || batch.status === 'processing'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        batch = (await app.inject({ url: `/api/feeds/batches/${accepted.json().batchId}`, headers })).json();
      }
      expect(batch.status, JSON.stringify(batch)).toBe('done');
      return batch;
    }
    const keyPersonsOf = (personId: number) =>
      database()
        .db.selectFrom('key_persons')
        .select(['id', 'category', 'status', 'responsible_user_id', 'source'])
        .where('person_id', '=', personId)
        .orderBy('id')
        .execute();
    const flags = (keyPersonIds: number[]) =>
      database()
        .db.selectFrom('audit_log')
        .select(['actor_name', 'entity_id', 'after'])
        .where('action', '=', 'key_person.flag')
        .where('entity_id', 'in', keyPersonIds.map(String))
        .execute();

    it('a pushed 38.1 °C opens one fever key person for the grid worker, with today’s follow-ups, audited; more readings and a re-import add nothing', async () => {
      const person = await addPerson(database().db, tree.cellA.id, { name: '王发热' });
      const reading = {
        recordId: 'T1',
        idNumber: person.documentNumber,
        measuredAt: at(1),
        temperature: 38.1,
      };
      await push('temperatures', 'gate-1', [
        { ...reading, recordId: 'T0', measuredAt: at(3), temperature: 36.5 },
      ]);
      expect(await keyPersonsOf(person.id)).toEqual([]);

      await push('temperatures', 'gate-1', [reading]);
      const opened = await keyPersonsOf(person.id);
      expect(opened).toEqual([
        {
          id: expect.any(Number),
          category: 'fever',
          status: 'active',
          responsible_user_id: workerA,
          source: 'health_rule',
        },
      ]);
      const followUps = await database()
        .db.selectFrom('follow_ups')
        .select('kind')
        .where('key_person_id', '=', opened[0]!.id)
        .where('due_on', '=', '2026-11-02')
        .execute();
      expect(followUps.map((f) => f.kind).sort()).toEqual(['call', 'temperature', 'temperature', 'test']);
      expect(await flags([opened[0]!.id])).toEqual([
        {
          actor_name: 'system:health-rules',
          entity_id: String(opened[0]!.id),
          after: { personId: person.id, category: 'fever', rule: 'fever' },
        },
      ]);
      const why = await database()
        .db.selectFrom('key_persons')
        .select(['reason_code', 'reason_params'])
        .where('id', '=', opened[0]!.id)
        .executeTakeFirstOrThrow();
      expect(why).toEqual({
        reason_code: 'fever',
        reason_params: { temperature: '38.1', threshold: '37.3' },
      });

      // A second reading, a second batch, the same batch again: still the one entry.
      await push('temperatures', 'gate-1', [
        { ...reading, recordId: 'T2', measuredAt: at(0.5), temperature: 38.4 },
      ]);
      await push('temperatures', 'gate-1', [reading]);
      await push('temperatures', 'gate-2', [{ ...reading, recordId: 'X1' }]);
      expect(await keyPersonsOf(person.id)).toHaveLength(1);

      // Ended by the worker: the same reading imported again does not reopen it.
      await database()
        .db.updateTable('key_persons')
        .set({ status: 'ended', ended_at: clock.now() })
        .where('id', '=', opened[0]!.id)
        .execute();
      await push('temperatures', 'gate-3', [reading]);
      expect(await keyPersonsOf(person.id)).toHaveLength(1);
      expect((await applyHealthRules(database().db, [person.id], clock.now())).opened).toEqual([]);
    });

    it('a yellow code opens home monitoring and a red one home quarantine, each once', async () => {
      const yellow = await addPerson(database().db, tree.cellA.id, { name: '李黄码' });
      const red = await addPerson(database().db, tree.cellB.id, { name: '赵红码' });
      const codes = [
        { recordId: 'C1', idNumber: yellow.documentNumber, colour: '黄码', codeAt: at(2) },
        { recordId: 'C2', idNumber: red.documentNumber, colour: '红码', codeAt: at(2) },
      ];
      await push('healthcodes', 'default', codes);
      await push('healthcodes', 'default', codes);
      await push('healthcodes', 'default', [{ ...codes[0]!, recordId: 'C3', codeAt: at(1) }]);
      expect((await keyPersonsOf(yellow.id)).map((k) => k.category)).toEqual(['home_monitoring']);
      expect((await keyPersonsOf(red.id)).map((k) => k.category)).toEqual(['home_quarantine']);
      // Why, as a code and its figures: each reader's page words it in their language.
      const why = await database()
        .db.selectFrom('key_persons')
        .select(['person_id', 'reason_code', 'reason_params'])
        .where('person_id', 'in', [yellow.id, red.id])
        .orderBy('person_id')
        .execute();
      expect(why).toEqual([
        { person_id: yellow.id, reason_code: 'health_code', reason_params: { colour: 'YELLOW' } },
        { person_id: red.id, reason_code: 'health_code', reason_params: { colour: 'RED' } },
      ]);
      // A code from days ago is history: it opens nothing.
      const old = await addPerson(database().db, tree.cellA.id, { name: '钱旧码' });
      await push('healthcodes', 'default', [
        { recordId: 'C4', idNumber: old.documentNumber, colour: '红码', codeAt: at(30) },
      ]);
      expect(await keyPersonsOf(old.id)).toEqual([]);
    });

    it('a positive test opens one positive key person, and records matched at registration act too', async () => {
      const positive = await addPerson(database().db, tree.cellA.id, { name: '孙阳性' });
      const test = { recordId: 'L1', idNumber: positive.documentNumber, sampledAt: at(5), result: '阳性' };
      await push('tests', 'lab-1', [test]);
      await push('tests', 'lab-1', [{ ...test, recordId: 'L2', sampledAt: at(4) }]);
      const opened = await keyPersonsOf(positive.id);
      expect(opened.map((k) => k.category)).toEqual(['positive']);
      expect(await flags([opened[0]!.id])).toHaveLength(1);

      // A reading for someone not yet registered waits in the inbox; registering them acts on it.
      const later = nextIdNumber();
      await push('temperatures', 'gate-1', [
        { recordId: 'W1', idNumber: later, measuredAt: at(2), temperature: 39 },
      ]);
      const registered = await addPerson(database().db, tree.cellB.id, {
        name: '周后登',
        documentNumber: later,
      });
      expect((await keyPersonsOf(registered.id)).map((k) => k.category)).toEqual(['fever']);
    });

    it('a rule switched off for the deployment does nothing; the threshold is the deployment’s', async () => {
      const off = await testApp(database(), clock, {
        GRIDGUARD_RULE_FEVER: 'off',
        GRIDGUARD_RULE_POSITIVE: 'no',
      });
      try {
        const person = await addPerson(database().db, tree.cellA.id, { name: '吴关闭' });
        await push('temperatures', 'gate-1', [
          { recordId: 'O1', idNumber: person.documentNumber, measuredAt: at(1), temperature: 39.2 },
        ]);
        await push('tests', 'lab-1', [
          { recordId: 'O2', idNumber: person.documentNumber, sampledAt: at(1), result: '阳性' },
        ]);
        expect(await keyPersonsOf(person.id)).toEqual([]);
      } finally {
        await off.close();
      }
      const strict = await testApp(database(), clock, { GRIDGUARD_FEVER_THRESHOLD: '38.5' });
      try {
        const person = await addPerson(database().db, tree.cellA.id, { name: '郑阈值' });
        await push('temperatures', 'gate-1', [
          { recordId: 'S1', idNumber: person.documentNumber, measuredAt: at(1), temperature: 38.1 },
        ]);
        expect(await keyPersonsOf(person.id)).toEqual([]);
      } finally {
        await strict.close();
        useHealthRules(DEFAULT_HEALTH_RULES);
      }
    });
  },
);
