import type { FastifyInstance } from 'fastify';
import { maskIdNumber } from '../../privacy/masking.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiToken } from '../../auth/repository.js';
import type { Db } from '../../auth/context.js';
import type { AreaRow } from '../../hierarchy/repository.js';
import { problemMessage } from '../../i18n/messages.js';
import type { ProblemCode } from '../../i18n/problem-codes.js';
import type { RowReject } from '../../imports/report.js';
import { createFieldCipher } from '../../privacy/field-crypto.js';
import { residentIdCheckCharacter } from '../../register/identity/identity-number.js';
import { protectPerson } from '../../register/protect.js';
import { describeEachDatabase } from '../../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  type Session,
  signIn,
  testApp,
  testConfig,
} from '../../test-support/factories.js';
import { multipart } from '../../test-support/multipart.js';

const cipher = createFieldCipher(testConfig().keys);
const id = (first17: string) => first17 + residentIdCheckCharacter(first17);
const [A1, B1, STRANGER] = [id('33010619900101001'), id('33010619900101003'), id('33010619900101005')];

async function addPerson(db: Db, area: AreaRow, number: string): Promise<number> {
  const secrets = protectPerson(cipher, 'resident_id', { documentNumber: number, phone: null });
  const row = await db
    .insertInto('persons')
    .values({
      area_id: area.id,
      area_path: area.path,
      document_type: 'resident_id',
      document_hash: secrets.document_hash,
      document_masked: secrets.document_masked,
      secret: secrets.secret,
      name: '测试',
      residence_type: 'permanent',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

describeEachDatabase(
  'health feeds API: push batches, uploads, the unmatched inbox, risk areas',
  (database) => {
    let app: FastifyInstance;
    let tree: AreaTree;
    let villageToken: string;
    let gridAToken: string;
    let open311Token: string;
    let leaderA: Session;
    let leaderB: Session;
    let personA: number;

    beforeAll(async () => {
      app = await testApp(database());
      await app.ready();
      const db = database().db;
      tree = await createAreaTree(db);
      personA = await addPerson(db, tree.cellA, A1);
      await addPerson(db, tree.cellB, B1);
      const token = async (areaId: number, capability: 'feed.health' | 'open311') =>
        (await createApiToken(db, { name: `feed ${capability}`, areaId, capability, createdBy: null })).token;
      villageToken = await token(tree.village.id, 'feed.health');
      gridAToken = await token(tree.gridA.id, 'feed.health');
      open311Token = await token(tree.village.id, 'open311');
      leaderA = await signIn(
        app,
        (await createUser(db, [{ role: 'grid_leader', area: tree.gridA }])).username,
      );
      leaderB = await signIn(
        app,
        (await createUser(db, [{ role: 'grid_leader', area: tree.gridB }])).username,
      );
    });
    afterAll(async () => app.close());

    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const push = (kind: string, token: string | null, payload: unknown) =>
      app.inject({
        method: 'POST',
        url: `/api/feeds/${kind}/batches`,
        headers: token ? bearer(token) : {},
        payload: payload as object,
      });
    const poll = async (batchId: number, headers: Record<string, string>) => {
      let batch = (await app.inject({ url: `/api/feeds/batches/${batchId}`, headers })).json();
      for (let i = 0; i < 200 && (batch.status === 'received' || batch.status === 'processing'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        batch = (await app.inject({ url: `/api/feeds/batches/${batchId}`, headers })).json();
      }
      return batch;
    };
    const tests = [
      {
        recordId: 'P1',
        name: '王一',
        idNumber: A1,
        sampledAt: '2026-11-01T09:00:00+08:00',
        result: 'negative',
      },
      {
        recordId: 'P2',
        idNumber: B1,
        sampledAt: '2026-11-01 09:10',
        result: '阴性',
        institution: '第一医院',
      },
      {
        recordId: 'P3',
        name: '错号',
        idNumber: '36042619910102009X',
        sampledAt: '2026-11-01 09:20',
        result: '阴性',
      },
      { recordId: 'P4', idNumber: A1, sampledAt: '2026-11-01 09:30', result: '弱阳' },
    ];

    it('accepts a batch with 202, processes it in the background, and a resent batch changes nothing', async () => {
      const accepted = await push('tests', villageToken, { source: 'lab-1', records: tests });
      expect(accepted.statusCode, accepted.body).toBe(202);
      expect(accepted.json()).toEqual({ batchId: expect.any(Number), status: 'received' });
      const batch = await poll(accepted.json().batchId, bearer(villageToken));
      expect(batch).toMatchObject({
        status: 'done',
        kind: 'tests',
        channel: 'push',
        areaId: tree.village.id,
        received: 4,
        report: {
          inserted: 3,
          updated: 0,
          unchanged: 0,
          matched: 2,
          unmatched: 1,
          rejected: [
            {
              row: 4,
              field: 'result',
              code: 'testResult',
              params: expect.objectContaining({ value: expect.any(String) }),
              message: expect.any(String),
            },
          ],
        },
      });
      const payloads = await database().db.selectFrom('feed_batch_payloads').select('batch_id').execute();
      expect(payloads).toEqual([]);

      const again = await push('tests', villageToken, { source: 'lab-1', records: tests.slice(0, 3) });
      expect((await poll(again.json().batchId, bearer(villageToken))).report).toMatchObject({
        inserted: 0,
        unchanged: 3,
        matched: 0,
      });
    });

    it('rejects a pushed record with every one of its problems, worded in the caller’s language', async () => {
      const accepted = await push('tests', villageToken, {
        source: 'lab-2',
        records: [
          // A spreadsheet rounded the number, the time has no hour, the result word is unknown, the report time is no time.
          {
            recordId: 'Q1',
            idNumber: '3.30106199001010E+17',
            sampledAt: '2026-11-01',
            result: '弱阳',
            reportedAt: '昨天',
          },
          { recordId: 'Q2', idNumber: A1, sampledAt: '2026-11-01 10:00', result: '阴性' },
        ],
      });
      expect(accepted.statusCode, accepted.body).toBe(202);
      const batchId = accepted.json<{ batchId: number }>().batchId;
      const expected = [
        [1, 'idNumber', 'excelRounded'],
        [1, 'sampledAt', 'timeMissing'],
        [1, 'result', 'testResult'],
        [1, 'reportedAt', 'time'],
      ];
      for (const [language, locale] of [
        [undefined, 'zh-CN'],
        ['en-US,en;q=0.9', 'en'],
      ] as const) {
        const batch = await poll(batchId, {
          ...bearer(villageToken),
          ...(language ? { 'accept-language': language } : {}),
        });
        expect(batch).toMatchObject({ status: 'done', rejectedTotal: 4, report: { inserted: 1 } });
        const rejected = batch.report.rejected as RowReject[];
        expect(rejected.map((r) => [r.row, r.field, r.code])).toEqual(expected);
        for (const r of rejected) {
          expect(r.message).toBe(problemMessage(locale, r.code as ProblemCode, r.params));
          const other = locale === 'en' ? 'zh-CN' : 'en';
          expect(r.message).not.toBe(problemMessage(other, r.code as ProblemCode, r.params));
        }
      }
    });

    it('answers 401 without a token, 403 to a token of another capability or a user, and refuses oversized batches', async () => {
      const body = { source: 'lab-1', records: tests.slice(0, 1) };
      expect((await push('tests', null, body)).statusCode).toBe(401);
      const wrong = await push('tests', open311Token, body);
      expect(wrong.statusCode).toBe(403);
      expect(wrong.json().error.code).toBe('FORBIDDEN');
      const asUser = await app.inject({
        method: 'POST',
        url: '/api/feeds/tests/batches',
        headers: leaderA.headers,
        payload: body,
      });
      expect(asUser.statusCode).toBe(403);

      const many = Array.from({ length: 10_001 }, (_, i) => ({ ...tests[0]!, recordId: `M${i}` }));
      const tooMany = await push('tests', villageToken, { source: 'lab-1', records: many });
      expect(tooMany.statusCode).toBe(400);
      expect(tooMany.json().error.message).toMatch(/10000/);
      const huge = await push('tests', villageToken, {
        source: 'lab-1',
        records: [{ ...tests[0]!, name: 'x'.repeat(9 * 1024 * 1024) }],
      });
      expect(huge.statusCode).toBe(413);
      const unknownField = await push('tests', villageToken, {
        source: 'lab-1',
        records: [{ ...tests[0]!, idnumber: A1 }],
      });
      expect(unknownField.statusCode).toBe(400);
    });

    it('scopes batches and the unmatched inbox: grid B staff see nothing of grid A; grid A staff match, dismiss and turn into leads', async () => {
      // A feed bound to grid A: a person living in grid B is not matched through it.
      const records = [
        {
          recordId: 'G1',
          idNumber: STRANGER,
          sampledAt: '2026-11-01 10:00',
          result: 'positive',
          name: '陌生',
        },
        { recordId: 'G2', idNumber: B1, sampledAt: '2026-11-01 10:00', result: 'negative' },
        { recordId: 'G3', idNumber: '11010519491231002', sampledAt: '2026-11-01 10:00', result: 'negative' },
      ];
      const accepted = (await push('tests', gridAToken, { source: 'clinic-a', records })).json();
      const batch = await poll(accepted.batchId, bearer(gridAToken));
      expect(batch.report).toMatchObject({ inserted: 3, matched: 0, unmatched: 3 });

      expect(
        (await app.inject({ url: `/api/feeds/batches/${accepted.batchId}`, headers: bearer(villageToken) }))
          .statusCode,
      ).toBe(404);
      expect(
        (await app.inject({ url: `/api/feeds/batches/${accepted.batchId}`, headers: leaderB.headers }))
          .statusCode,
      ).toBe(404);
      expect(
        (await app.inject({ url: `/api/feeds/batches/${accepted.batchId}`, headers: leaderA.headers }))
          .statusCode,
      ).toBe(200);

      const seenByB = (await app.inject({ url: '/api/health/unmatched', headers: leaderB.headers })).json();
      expect(seenByB.total).toBe(0);
      const seenByA = (
        await app.inject({
          url: `/api/health/unmatched?within=${tree.gridA.id}&kind=tests`,
          headers: leaderA.headers,
        })
      ).json();
      expect(seenByA.total).toBe(3);
      const byNumber = new Map<string, { id: number; reason: string; documentMasked: string }>(
        seenByA.items.map((item: { documentMasked: string }) => [item.documentMasked, item]),
      );
      const stranger = byNumber.get(maskIdNumber(STRANGER))!;
      expect(stranger).toMatchObject({ reason: 'unknown_number', nameMasked: '陌*', status: 'open' });
      const invalidOnly = (
        await app.inject({ url: '/api/health/unmatched?reason=invalid_number', headers: leaderA.headers })
      ).json();
      expect(invalidOnly.items.map((i: { reason: string }) => i.reason)).toEqual(['invalid_number']);

      const dismissByB = await app.inject({
        method: 'POST',
        url: `/api/health/unmatched/${stranger.id}/dismiss`,
        headers: leaderB.headers,
        payload: { reason: '不是本网格' },
      });
      expect(dismissByB.statusCode).toBe(404);

      const b1Record = byNumber.get(maskIdNumber(B1))!;
      const matchOutside = await app.inject({
        method: 'POST',
        url: `/api/health/unmatched/${b1Record.id}/match`,
        headers: leaderA.headers,
        payload: { personId: personA + 1 },
      });
      expect(matchOutside.json().error.code).toBe('PERSON_NOT_FOUND');
      const invalidRecord = invalidOnly.items[0];
      const matched = await app.inject({
        method: 'POST',
        url: `/api/health/unmatched/${invalidRecord.id}/match`,
        headers: leaderA.headers,
        payload: { personId: personA },
      });
      expect(matched.statusCode, matched.body).toBe(200);
      expect(matched.json()).toMatchObject({ status: 'matched', personId: personA, areaId: tree.cellA.id });
      const again = await app.inject({
        method: 'POST',
        url: `/api/health/unmatched/${invalidRecord.id}/match`,
        headers: leaderA.headers,
        payload: { personId: personA },
      });
      expect(again.json().error.code).toBe('INBOX_NOT_OPEN');

      const dismissed = await app.inject({
        method: 'POST',
        url: `/api/health/unmatched/${b1Record.id}/dismiss`,
        headers: leaderA.headers,
        payload: { reason: '在乙网格居住，已电话告知' },
      });
      expect(dismissed.json()).toMatchObject({ status: 'dismissed', note: '在乙网格居住，已电话告知' });

      const lead = await app.inject({
        method: 'POST',
        url: `/api/health/unmatched/${stranger.id}/lead`,
        headers: leaderA.headers,
        payload: {},
      });
      expect(lead.statusCode, lead.body).toBe(200);
      expect(lead.json()).toMatchObject({ record: { status: 'lead' }, leadId: expect.any(Number) });
      // The reason and the inbox note are written in the language of the one who made the lead.
      expect(lead.json().record.note).toBe(`已转为线索 ${lead.json().leadId}`);
      const made = await database()
        .db.selectFrom('leads')
        .select('reason')
        .where('id', '=', lead.json().leadId)
        .executeTakeFirstOrThrow();
      expect(made.reason).toMatch(/^未匹配的.+记录（来源：.+，(证件号码无效|本地未登记)）$/);
    });

    it('imports an uploaded file in the background and serves current risk areas', async () => {
      const csv = [
        '姓名,身份证号,测量时间,体温',
        `王一,${A1},2026-11-01 08:00,36.8`,
        `王一,${A1},2026-11-01 09:00,48`,
      ].join('\n');
      const body = await multipart([{ name: '体温.csv', content: csv }], {
        source: 'gate-1',
        areaId: String(tree.gridA.id),
      });
      const started = await app.inject({
        method: 'POST',
        url: '/api/health/imports/temperatures',
        headers: { ...leaderA.headers, ...body.headers },
        payload: body.payload,
      });
      expect(started.statusCode, started.body).toBe(202);
      const batch = await poll(started.json().batchId, leaderA.headers);
      expect(batch).toMatchObject({
        status: 'done',
        fileName: '体温.csv',
        channel: 'file',
        report: { inserted: 1, matched: 1, rejected: [{ row: 3, code: 'temperature' }] },
      });
      const elsewhere = await multipart([{ name: 't.csv', content: csv }], { areaId: String(tree.gridB.id) });
      const refused = await app.inject({
        method: 'POST',
        url: '/api/health/imports/temperatures',
        headers: { ...leaderA.headers, ...elsewhere.headers },
        payload: elsewhere.payload,
      });
      expect(refused.statusCode).toBe(404);

      const risk = await push('riskareas', villageToken, {
        source: 'nhc',
        records: [
          { name: '某区某街道', level: '高', validFrom: '2026-10-30' },
          { name: '某区', level: '中', validFrom: '2026-10-01', validTo: '2026-10-10' },
        ],
      });
      expect((await poll(risk.json().batchId, bearer(villageToken))).report).toMatchObject({ inserted: 2 });
      const current = (
        await app.inject({ url: '/api/health/risk-areas?current=true', headers: leaderB.headers })
      ).json();
      expect(current.items).toMatchObject([{ name: '某区某街道', level: 'high', validTo: null }]);
    });
  },
);
