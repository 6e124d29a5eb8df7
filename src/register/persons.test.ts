import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  type Session,
  signIn,
  testApp,
} from '../test-support/factories.js';
import { residentIdCheckCharacter } from './identity/identity-number.js';

/** A valid resident ID number for a birth date and sequence (odd = male). */
export function residentId(region = '330106', birth = '19850312', sequence = 123): string {
  const first17 = `${region}${birth}${String(sequence).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}

describeEachDatabase('register: persons', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let workerA: Session;
  let workerB: Session;
  let volunteerA: Session;
  let houseA: number;

  beforeAll(async () => {
    app = await testApp(database());
    tree = await createAreaTree(database().db);
    workerA = await signIn(
      app,
      (await createUser(database().db, [{ role: 'grid_worker', area: tree.gridA }])).username,
    );
    workerB = await signIn(
      app,
      (await createUser(database().db, [{ role: 'grid_worker', area: tree.gridB }])).username,
    );
    volunteerA = await signIn(
      app,
      (await createUser(database().db, [{ role: 'doctor', area: tree.gridA }])).username,
    );
    const house = await app.inject({
      method: 'POST',
      url: '/api/houses',
      headers: workerA.headers,
      payload: {
        areaId: tree.cellA.id,
        address: '星火路12号',
        doorNumber: '12',
        use: 'residential',
        rooms: 4,
      },
    });
    expect(house.statusCode, house.body).toBe(201);
    houseA = house.json().id;
  });

  const register = (session: Session, body: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/api/persons', headers: session.headers, payload: body });

  it('registers a person with sex and birth date taken from the ID, masked in every response, encrypted at rest', async () => {
    const id = residentId('330106', '19850312', 123);
    const response = await register(workerA, {
      documentNumber: ` ${id.toLowerCase()} `,
      name: '王小明',
      phone: '13812345678',
      houseId: houseA,
      residenceType: 'floating',
      arrivalDate: '2026-10-01',
      arrivedFrom: '湖北省武汉市',
      tags: ['chronic_disease'],
    });
    expect(response.statusCode, response.body).toBe(201);
    const person = response.json();
    expect(person).toMatchObject({
      name: '王小明',
      sex: 'male',
      birthYear: 1985,
      documentMasked: `3****************${id.slice(-1)}`,
      phoneMasked: '138****5678',
      house: { id: houseA, address: '星火路12号' },
      area: { id: tree.cellA.id },
    });
    for (const url of [
      `/api/persons/${person.id}`,
      `/api/persons?q=${encodeURIComponent('王小')}`,
      `/api/houses/${houseA}`,
    ]) {
      const body = (await app.inject({ url, headers: workerA.headers })).body;
      expect(body).not.toContain(id);
      expect(body).not.toContain('13812345678');
      expect(body).toContain('138****5678');
      // Mask and birth date together would be the number again: the year only.
      expect(body).not.toContain('1985-03-12');
      expect(body).not.toContain('19850312');
    }
    // The raw table never holds the plaintext: encrypted blob, keyed hashes and masked copies only.
    const raw = await sql<Record<string, unknown>>`select * from persons where id = ${person.id}`.execute(
      database().db,
    );
    const rowText = JSON.stringify(raw.rows[0]);
    expect(rowText).not.toContain(id);
    expect(rowText).not.toContain('13812345678');
    expect(rowText).not.toContain('12345678');
    expect(rowText).not.toContain('1985-03-12');
    expect(raw.rows[0]).toMatchObject({ birth_year: 1985, birth_date: null });
  });

  it('finds people by full ID number, masked ID, phone, last four digits, address and tag', async () => {
    const id = residentId('330106', '19600101', 222);
    const created = (
      await register(workerA, {
        documentNumber: id,
        name: '李秀英',
        phone: '13900001111',
        areaId: tree.microA.id,
        currentAddress: '星火村东埭3号',
        tags: ['elderly_alone'],
      })
    ).json();
    const find = async (query: string) =>
      (await app.inject({ url: `/api/persons?${query}`, headers: workerA.headers }))
        .json()
        .items.map((p: { id: number }) => p.id);
    expect(await find(`q=${id}`)).toEqual([created.id]);
    expect(await find(`q=${encodeURIComponent(`3****************${id.slice(-1)}`)}`)).toContain(created.id);
    expect(await find('q=13900001111')).toEqual([created.id]);
    expect(await find('q=1111')).toContain(created.id);
    expect(await find(`q=${encodeURIComponent('东埭3号')}`)).toEqual([created.id]);
    expect(await find('tag=elderly_alone')).toEqual([created.id]);
  });

  it('merges a second registration with the same ID into the same person and keeps the history', async () => {
    const id = residentId('330106', '19900505', 346);
    const first = (
      await register(workerA, {
        documentNumber: id,
        name: '赵丽',
        areaId: tree.microA.id,
        phone: '13700000001',
      })
    ).json();
    const second = await register(workerA, {
      documentNumber: id,
      name: '赵丽',
      houseId: houseA,
      phone: '13700000002',
      workplace: '金山卫镇卫生院',
    });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({
      id: first.id,
      phoneMasked: '137****0002',
      workplace: '金山卫镇卫生院',
      house: { id: houseA },
    });
    const count = await database()
      .db.selectFrom('persons')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('name', '=', '赵丽')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    const detail = (await app.inject({ url: `/api/persons/${first.id}`, headers: workerA.headers })).json();
    expect(detail.history.map((h: { kind: string }) => h.kind)).toEqual(['changed_area', 'registered']);
    expect(detail.history[0]).toMatchObject({
      toHouse: '星火路12号',
      changes: { workplace: { from: null, to: '金山卫镇卫生院' } },
    });
    expect(JSON.stringify(detail.history)).not.toContain('13700000001');
  });

  it('lets a worker of grid B neither read, reveal, change nor find a grid A person, and says only "elsewhere" on lookup', async () => {
    const id = residentId('330106', '19750101', 111);
    const person = (
      await register(workerA, {
        documentNumber: id,
        name: '钱多多',
        areaId: tree.cellA.id,
        phone: '13600000000',
      })
    ).json();
    expect(
      (await app.inject({ url: `/api/persons/${person.id}`, headers: workerB.headers })).statusCode,
    ).toBe(404);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/api/persons/${person.id}/reveal`,
          headers: workerB.headers,
          payload: { reason: '核查' },
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await app.inject({
          method: 'PATCH',
          url: `/api/persons/${person.id}`,
          headers: workerB.headers,
          payload: { name: '改名' },
        })
      ).statusCode,
    ).toBe(404);
    expect((await app.inject({ url: `/api/persons?q=${id}`, headers: workerB.headers })).json().total).toBe(
      0,
    );
    const lookup = (
      await app.inject({
        method: 'POST',
        url: '/api/persons/lookup',
        headers: workerB.headers,
        payload: { documentNumber: id },
      })
    ).json();
    expect(lookup).toMatchObject({
      sex: 'male',
      birthDate: '1975-01-01',
      existing: null,
      registeredElsewhere: true,
    });
    const takeover = await register(workerB, { documentNumber: id, name: '钱多多', areaId: tree.cellB.id });
    expect(takeover.statusCode).toBe(409);
    expect(takeover.json().error.code).toBe('PERSON_REGISTERED_ELSEWHERE');
  });

  it('reveals the ID number and phone only with the right, with an audit entry naming the reason', async () => {
    const id = residentId('330106', '19880808', 888);
    const person = (
      await register(workerA, {
        documentNumber: id,
        name: '孙悟',
        areaId: tree.cellA.id,
        phone: '13500000088',
      })
    ).json();
    const denied = await app.inject({
      method: 'POST',
      url: `/api/persons/${person.id}/reveal`,
      headers: volunteerA.headers,
      payload: { reason: '随访' },
    });
    expect(denied.statusCode).toBe(403);
    const revealed = await app.inject({
      method: 'POST',
      url: `/api/persons/${person.id}/reveal`,
      headers: workerA.headers,
      payload: { reason: '核酸上门采样' },
    });
    expect(revealed.json()).toEqual({ documentNumber: id, phone: '13500000088', birthDate: '1988-08-08' });
    expect(revealed.headers['cache-control']).toBe('no-store');
    const entries = await database()
      .db.selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'person.reveal')
      .where('entity_id', '=', String(person.id))
      .execute();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ reason: '核酸上门采样' });
    expect(JSON.stringify(entries[0])).not.toContain(id);
  });

  it('refuses what it would have to guess: bad checksum, contradicting sex, bad phone, wrong level', async () => {
    const before = await database().db.selectFrom('persons').select('id').execute();
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [
        { documentNumber: '36042619910102009X', name: '甲', areaId: tree.cellA.id },
        'DOC_CHECKSUM',
        'body.documentNumber',
      ],
      [
        {
          documentNumber: residentId('330106', '19850312', 124),
          name: '乙',
          sex: 'male',
          areaId: tree.cellA.id,
        },
        'PERSON_SEX_MISMATCH',
        'body.sex',
      ],
      [
        {
          documentNumber: residentId('330106', '19850312', 125),
          name: '丙',
          phone: '12345',
          areaId: tree.cellA.id,
        },
        'PHONE_INVALID',
        'body.phone',
      ],
      [
        { documentNumber: residentId('330106', '19850312', 127), name: '丁', areaId: tree.village.id },
        'AREA_NOT_FOUND',
        'body.areaId',
      ],
      [
        {
          documentNumber: residentId('330106', '19850312', 129),
          name: '戊',
          areaId: tree.gridA.id,
          residenceType: 'tourist',
        },
        'VALIDATION_FAILED',
        'body.residenceType',
      ],
    ];
    for (const [body, code, field] of cases) {
      const response = await register(workerA, body);
      expect(response.statusCode, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(response.json().error.code).toBe(code);
      // Every refusal names the field in its details, so the form marks it (an unknown area too).
      expect(response.json().error.details, JSON.stringify(body)).toEqual(
        expect.arrayContaining([expect.objectContaining({ field })]),
      );
    }
    expect((await database().db.selectFrom('persons').select('id').execute()).length).toBe(before.length);
  });

  it('names the area field when a move goes to an area the worker may not write, in the worker’s language', async () => {
    const person = (
      await register(workerA, {
        documentNumber: residentId('330106', '19850312', 131),
        name: '己',
        houseId: houseA,
      })
    ).json();
    const moved = await app.inject({
      method: 'POST',
      url: `/api/persons/${person.id}/move`,
      headers: workerA.headers,
      payload: { areaId: tree.village.id },
    });
    expect(moved.statusCode, moved.body).toBe(404);
    expect(moved.json().error).toMatchObject({
      code: 'AREA_NOT_FOUND',
      details: [
        { field: 'body.areaId', code: 'areaOutOfReach', message: '区域不存在，或不在您可修改的范围内' },
      ],
    });
  });

  it('records a departure without deleting the person, and keeps them out of the active list', async () => {
    const person = (
      await register(workerA, {
        documentNumber: residentId('330106', '19950101', 333),
        name: '周走',
        houseId: houseA,
      })
    ).json();
    const departed = await app.inject({
      method: 'POST',
      url: `/api/persons/${person.id}/depart`,
      headers: workerA.headers,
      payload: { departedOn: '2026-11-01', destination: '浙江省杭州市' },
    });
    expect(departed.json()).toMatchObject({ status: 'departed', departedOn: '2026-11-01', house: null });
    const active = (await app.inject({ url: `/api/persons?houseId=${houseA}`, headers: workerA.headers }))
      .json()
      .items.map((p: { id: number }) => p.id);
    expect(active).not.toContain(person.id);
    const all = (
      await app.inject({
        url: `/api/persons?status=all&q=${encodeURIComponent('周走')}`,
        headers: workerA.headers,
      })
    ).json();
    expect(all.items[0].status).toBe('departed');
  });

  it('moves persons and houses along when their grid moves to another village', async () => {
    const person = (
      await register(workerA, {
        documentNumber: residentId('330106', '19920202', 444),
        name: '吴移',
        houseId: houseA,
      })
    ).json();
    const staff = await signIn(
      app,
      (await createUser(database().db, [{ role: 'community_staff', area: tree.township }])).username,
    );
    const village2 = (
      await app.inject({
        method: 'POST',
        url: '/api/areas',
        headers: staff.headers,
        payload: { parentId: tree.township.id, name: '二村', code: `${tree.township.code}202` },
      })
    ).json();
    const moved = await app.inject({
      method: 'POST',
      url: `/api/areas/${tree.gridA.id}/move`,
      headers: staff.headers,
      payload: { parentId: village2.id },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const rows = await database()
      .db.selectFrom('persons as p')
      .innerJoin('areas as a', 'a.id', 'p.area_id')
      .select(['p.area_path', 'a.path'])
      .where('p.id', '=', person.id)
      .execute();
    expect(rows[0]!.area_path).toBe(rows[0]!.path);
    const house = await database()
      .db.selectFrom('houses as h')
      .innerJoin('areas as a', 'a.id', 'h.area_id')
      .select(['h.area_path', 'a.path'])
      .where('h.id', '=', houseA)
      .executeTakeFirstOrThrow();
    expect(house.area_path).toBe(house.path);
    expect(
      (await app.inject({ url: `/api/persons/${person.id}`, headers: workerA.headers })).statusCode,
    ).toBe(200);
  });
});
