import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { redactUrl } from '../core/log.js';
import type { AuditAction } from '../core/vocabulary.js';
import { maskIdNumber } from '../privacy/masking.js';
import { describeEachDatabase } from '../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  type Session,
  signIn,
  TestClock,
  testApp,
} from '../test-support/factories.js';
import { LOOKUP_LIMITS } from './lookup-budget.js';
import { residentIdCheckCharacter } from './identity/identity-number.js';
import { documentHash } from '../privacy/protect.js';

// Issue #9, item 4: POST /api/persons/lookup is audited, budgeted per caller, and tells a caller
// outside the person's area only what registering needs.

function residentId(region: string, birth: string, sequence: number): string {
  const first17 = `${region}${birth}${String(sequence).padStart(3, '0')}`;
  return `${first17}${residentIdCheckCharacter(first17)}`;
}

const PER_MINUTE = LOOKUP_LIMITS.find((l) => l.windowSeconds === 60)!.limit;
const PER_DAY = LOOKUP_LIMITS.find((l) => l.windowSeconds === 86_400)!.limit;

describeEachDatabase('register: lookups that do not leak', (database) => {
  let app: FastifyInstance;
  let otherNode: FastifyInstance;
  const clock = new TestClock();
  let tree: AreaTree;
  let workerA: Session;

  const newSession = async (role: 'grid_worker' | 'doctor', area: 'gridA' | 'gridB') => {
    const { username } = await createUser(database().db, [{ role, area: tree[area] }]);
    return Object.assign(await signIn(app, username), { username });
  };
  const lookup = (session: Session, documentNumber: string, on = app) =>
    on.inject({
      method: 'POST',
      url: '/api/persons/lookup',
      headers: session.headers,
      payload: { documentNumber },
    });
  const auditOf = async (action: AuditAction) =>
    database().db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

  beforeAll(async () => {
    app = await testApp(database(), clock);
    // A second app on the same database: the budget must hold across nodes.
    otherNode = await testApp(database(), clock);
    tree = await createAreaTree(database().db);
    workerA = await newSession('grid_worker', 'gridA');
  });

  afterAll(async () => {
    await app?.close();
    await otherNode?.close();
  });

  it('tells a worker elsewhere only that registering here would be refused, and audits it without the number', async () => {
    const number = residentId('330106', '19620315', 421);
    const registered = await app.inject({
      method: 'POST',
      url: '/api/persons',
      headers: workerA.headers,
      payload: { documentNumber: number, name: '韩梅梅', areaId: tree.cellA.id },
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const workerB = await newSession('grid_worker', 'gridB');
    const answer = await lookup(workerB, number);
    expect(answer.statusCode, answer.body).toBe(200);
    // What the typed number itself says, and one bit: no one, no where, no when.
    expect(answer.json()).toEqual({
      documentType: 'resident_id',
      documentMasked: maskIdNumber(number),
      sex: 'male',
      birthDate: '1962-03-15',
      regionCode: '330106',
      existing: null,
      registeredElsewhere: true,
    });
    for (const secret of ['韩梅梅', tree.gridA.name, tree.cellA.name, tree.gridA.code])
      expect(answer.body).not.toContain(secret);

    const entries = await auditOf('person.lookup');
    const last = entries.at(-1)!;
    expect(last).toMatchObject({
      actor_name: expect.stringContaining('grid_worker'),
      entity_id: null,
      area_path: tree.cellA.path,
      after: {
        documentType: 'resident_id',
        documentMasked: maskIdNumber(number),
        documentHash: documentHash(app.cipher, 'resident_id', number),
        answer: 'registered_elsewhere',
      },
    });
    expect(JSON.stringify(entries)).not.toContain(number);

    // In the worker's own area the person is shown, and that is audited too.
    const own = await lookup(workerA, number);
    expect(own.json()).toMatchObject({ existing: { name: '韩梅梅' }, registeredElsewhere: false });
    expect((await auditOf('person.lookup')).at(-1)).toMatchObject({
      entity_id: String(registered.json().id),
      after: { answer: 'in_scope' },
    });
  });

  it('tells someone who cannot register people nothing about people outside their area', async () => {
    const registeredNumber = residentId('330106', '19700101', 533);
    const unknownNumber = residentId('330106', '19700101', 535);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/persons',
          headers: workerA.headers,
          payload: { documentNumber: registeredNumber, name: '李雷', areaId: tree.cellA.id },
        })
      ).statusCode,
    ).toBe(201);
    const doctorB = await newSession('doctor', 'gridB');
    const registered = (await lookup(doctorB, registeredNumber)).json();
    const unknown = (await lookup(doctorB, unknownNumber)).json();
    // Registered elsewhere and never registered read the same.
    expect(registered).toMatchObject({ existing: null, registeredElsewhere: false });
    expect({ ...registered, documentMasked: null }).toEqual({ ...unknown, documentMasked: null });
  });

  it('does not warn about someone who has left elsewhere: registering them here is allowed', async () => {
    const number = residentId('330106', '19800808', 645);
    const person = (
      await app.inject({
        method: 'POST',
        url: '/api/persons',
        headers: workerA.headers,
        payload: { documentNumber: number, name: '林涛', areaId: tree.cellA.id },
      })
    ).json();
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/api/persons/${person.id}/depart`,
          headers: workerA.headers,
          payload: { departedOn: '2026-11-01' },
        })
      ).statusCode,
    ).toBe(200);
    const workerB = await newSession('grid_worker', 'gridB');
    expect((await lookup(workerB, number)).json()).toMatchObject({
      existing: null,
      registeredElsewhere: false,
    });
    const registered = await app.inject({
      method: 'POST',
      url: '/api/persons',
      headers: workerB.headers,
      payload: { documentNumber: number, name: '林涛', areaId: tree.cellB.id },
    });
    expect(registered.statusCode, registered.body).toBe(200);
  });

  it(`allows ${PER_MINUTE} lookups a minute per caller across app nodes, then 429 with Retry-After, audited once`, async () => {
    const worker = await newSession('grid_worker', 'gridB');
    // In parallel, half through each node: the count is atomic in the database.
    const answers = await Promise.all(
      Array.from({ length: PER_MINUTE + 5 }, (_, i) =>
        lookup(worker, residentId('110101', '19900101', 100 + i), i % 2 ? otherNode : app),
      ),
    );
    const codes = answers.map((a) => a.statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(PER_MINUTE);
    expect(codes.filter((c) => c === 429)).toHaveLength(5);
    const refused = answers.find((a) => a.statusCode === 429)!;
    expect(refused.json().error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // A whole number typed into the search is a lookup too.
    const search = await app.inject({
      url: `/api/persons?q=${residentId('110101', '19900101', 999)}`,
      headers: worker.headers,
    });
    expect(search.statusCode).toBe(429);
    // Refusals are noted once per window, not once per request.
    const refusals = (await auditOf('person.lookup_refused')).filter((e) => e.actor_name === worker.username);
    expect(refusals).toHaveLength(1);
    // Another caller is not affected.
    expect((await lookup(workerA, residentId('110101', '19900101', 131))).statusCode).toBe(200);

    clock.advance(retryAfter * 1000);
    expect((await lookup(worker, residentId('110101', '19900101', 133))).statusCode).toBe(200);
  });

  it(`allows ${PER_DAY} lookups a day per caller`, async () => {
    const worker = await newSession('grid_worker', 'gridB');
    let done = 0;
    let refusedAt: number | null = null;
    // Each minute up to the minute's budget, until the day's runs out.
    while (refusedAt === null && done < PER_DAY + 1) {
      for (let i = 0; i < PER_MINUTE; i++) {
        const answer = await lookup(worker, residentId('120101', '19850505', (done % 900) + 10));
        if (answer.statusCode === 429) {
          refusedAt = done;
          expect(Number(answer.headers['retry-after'])).toBeGreaterThan(3600);
          break;
        }
        expect(answer.statusCode).toBe(200);
        done++;
      }
      clock.advance(61_000);
    }
    expect(refusedAt).toBe(PER_DAY);
    // Every answered lookup is in the audit log.
    const audited = (await auditOf('person.lookup')).filter((e) => e.actor_name === worker.username);
    expect(audited).toHaveLength(PER_DAY);
  }, 300_000);

  it('keeps a whole number typed into the search out of the request log', () => {
    const number = residentId('310116', '19540912', 921);
    for (const q of [number, '13912340000', '138 1234 5678'])
      expect(redactUrl(`/api/persons?q=${encodeURIComponent(q)}&page=1`)).toBe(
        '/api/persons?q=[redacted]&page=1',
      );
    expect(redactUrl('/api/persons?q=%E7%8E%8B&within=12')).toBe('/api/persons?q=%E7%8E%8B&within=12');
  });

  it('audits a search by a whole phone number with its hash, never the number', async () => {
    const search = await app.inject({ url: '/api/persons?q=13912340000', headers: workerA.headers });
    expect(search.statusCode).toBe(200);
    const entry = (await auditOf('person.search_number')).at(-1)!;
    expect(entry.after).toMatchObject({ phoneMasked: '139****0000', matches: 0 });
    expect(JSON.stringify(entry)).not.toContain('13912340000');
  });
});
