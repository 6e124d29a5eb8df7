import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemo } from '../demo/seed.js';
import { revealPerson } from '../register/protect.js';
import { describeEachDatabase } from '../test-support/database.js';
import { createEventWorld, categoryId } from '../test-support/events-fixtures.js';
import { signIn, testApp, type Session } from '../test-support/factories.js';
import { nextIdNumber } from '../test-support/health-leads-fixtures.js';
import { countCandidates, emptyKnowledge, type Knowledge } from '../test-support/id-rebuild.js';
import { createHouse, issueDoorToken } from '../test-support/services-fixtures.js';
import { sealClearNames } from '../key-rotation/seal-names.js';

/*
 * Issue #9, item 1: nothing a viewer without person.reveal receives, and no set of clear columns
 * at rest, may determine an ID number. A doctor, a grid worker and a volunteer of the demo
 * village read everything their rights open (every GET route of the OpenAPI document, every
 * page, the items behind the lists, the XLSX exports); then, for every person, all they learnt
 * is put together and the numbers it leaves open are counted.
 *
 * Threshold: at least 1,000 numbers with a valid check character per person. Testing them
 * needs the register as an oracle (lookup or full-number search), which allows 20 a minute and
 * 300 a day per caller, each audited: 1,000 is more than three days of one account's budget,
 * in plain sight of the audit log. (The chosen mask leaves about 16,000.)
 */

const PASSWORD = 'Gridguard2026';
const MIN_CANDIDATES = 1000;
const ROLES = ['doctor', 'grid_worker', 'volunteer'] as const;

interface Truth {
  id: number;
  name: string;
  number: string;
  phone: string | null;
  sex: 'male' | 'female' | 'unknown';
  stored: string;
  documentHash: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Column titles of the register's and reports' XLSX files, as the fields of the JSON answers. */
const HEADER_FIELDS: Record<string, string> = {
  姓名: 'name',
  公民身份号码: 'documentMasked',
  证件号码: 'documentMasked',
  身份证号: 'documentMasked',
  出生日期: 'birthDate',
  出生年份: 'birthYear',
};

async function workbookRows(body: Buffer): Promise<Json[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  const rows: Json[] = [];
  workbook.eachSheet((sheet) => {
    const header = (sheet.getRow(1).values as unknown[]).map((v) => String(v ?? ''));
    sheet.eachRow((row, n) => {
      if (n === 1) return;
      const values = row.values as unknown[];
      const item: Record<string, Json> = {};
      header.forEach((title, i) => {
        if (title && values[i] !== undefined && values[i] !== null)
          item[HEADER_FIELDS[title] ?? title] = String(values[i]);
      });
      rows.push(item);
    });
  });
  return rows;
}

describeEachDatabase(
  'masking holds: no ID number rebuilt from what non-revealers read or from clear columns',
  (database) => {
    let app: FastifyInstance;
    let truths: Truth[];
    const byId = new Map<number, Truth>();
    const byStoredMask = new Map<string, Truth[]>();
    let logins: Array<{ role: string; username: string }>;

    beforeAll(async () => {
      app = await testApp(database());
      ({ logins } = await seedDemo(database().db, {
        password: PASSWORD,
        demoMode: true,
        cipher: app.cipher,
      }));
      const rows = await database()
        .db.selectFrom('persons')
        .select(['id', 'name', 'secret', 'sex', 'document_type', 'document_masked', 'document_hash'])
        .execute();
      truths = rows
        .filter((r) => r.document_type === 'resident_id')
        .map((r) => {
          const secrets = revealPerson(app.cipher, r.secret);
          return {
            id: r.id,
            name: r.name,
            number: secrets.documentNumber,
            phone: secrets.phone,
            sex: r.sex,
            stored: r.document_masked,
            documentHash: r.document_hash,
          };
        });
      for (const t of truths) {
        byId.set(t.id, t);
        byStoredMask.set(t.stored, [...(byStoredMask.get(t.stored) ?? []), t]);
      }
      expect(truths.length).toBeGreaterThan(1000);
    }, 600_000);

    afterAll(async () => {
      await app?.close();
    });

    /** Every object's person facts, added to the knowledge of the person it is about. */
    function learn(value: Json, knowledge: Map<number, Knowledge>): void {
      if (Array.isArray(value)) {
        for (const v of value) learn(v, knowledge);
        return;
      }
      if (value === null || typeof value !== 'object') return;
      for (const v of Object.values(value)) learn(v, knowledge);
      const mask = typeof value.documentMasked === 'string' ? value.documentMasked : null;
      const about = new Set<Truth>();
      if (typeof value.personId === 'number' && byId.has(value.personId))
        about.add(byId.get(value.personId)!);
      if (mask && 'residenceType' in value && typeof value.id === 'number' && byId.has(value.id))
        about.add(byId.get(value.id)!);
      // Otherwise by what an attacker links on: the mask, with the name when there is one.
      if (about.size === 0 && mask)
        for (const t of byStoredMask.get(mask) ?? [])
          if (typeof value.name !== 'string' || value.name === t.name) about.add(t);
      for (const t of about) {
        const k = knowledge.get(t.id) ?? emptyKnowledge();
        knowledge.set(t.id, k);
        if (mask) k.masks.add(mask);
        if (typeof value.birthDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value.birthDate))
          k.birthDates.add(value.birthDate);
        const year = Number(value.birthYear);
        if (value.birthYear !== undefined && value.birthYear !== null && Number.isInteger(year))
          k.birthYears.add(year);
      }
    }

    /** Reads what `session` may: every GET route, every page, the records behind the lists. */
    async function readEverything(session: Session, within: number) {
      const spec = app.swagger() as {
        paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }> }>>;
      };
      const answers: Json[] = [];
      const texts: string[] = [];
      const seenIds = new Map<string, Set<number>>();
      const get = async (url: string): Promise<Json | undefined> => {
        const response = await app.inject({ method: 'GET', url, headers: session.headers });
        if (response.statusCode !== 200) return undefined;
        const type = String(response.headers['content-type'] ?? '');
        if (type.includes('spreadsheetml')) {
          const rows = await workbookRows(response.rawPayload);
          texts.push(JSON.stringify(rows));
          return rows;
        }
        texts.push(response.body);
        if (!type.includes('json')) return undefined;
        return response.json<Json>();
      };
      const collect = (path: string, body: Json | undefined) => {
        if (body === undefined) return;
        answers.push(body);
        const items = body && typeof body === 'object' && !Array.isArray(body) ? body.items : undefined;
        if (Array.isArray(items)) {
          const ids = seenIds.get(path) ?? new Set<number>();
          for (const item of items)
            if (item && typeof item === 'object' && !Array.isArray(item) && typeof item.id === 'number')
              ids.add(item.id);
          seenIds.set(path, ids);
        }
      };
      const paths = Object.entries(spec.paths)
        // Live streams never end; everything else is read.
        .filter(([, ops]) => ops.get && !JSON.stringify(ops.get).includes('event-stream'))
        .map(([path, ops]) => ({
          path,
          query: new Set((ops.get!.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name)),
        }));
      // Lists and exports first, every page of them, in the caller's area and below.
      for (const { path, query } of paths.filter((p) => !p.path.includes('{'))) {
        const params = new URLSearchParams();
        if (query.has('within')) params.set('within', String(within));
        // The largest page each list allows.
        let size = 0;
        let body: Json | undefined;
        for (const tried of query.has('pageSize') ? [500, 200, 100, 50] : [0]) {
          if (tried) params.set('pageSize', String(tried));
          body = await get(`${path}?${params}`);
          size = tried;
          if (body !== undefined) break;
        }
        collect(path, body);
        const total = body && typeof body === 'object' && !Array.isArray(body) ? body.total : undefined;
        for (
          let page = 2;
          size > 0 && typeof total === 'number' && (page - 1) * size < total && page <= 40;
          page++
        ) {
          params.set('page', String(page));
          collect(path, await get(`${path}?${params}`));
        }
      }
      // Then the records behind them: /x/{id} and /x/{id}/y for ids the list /x gave (a sample).
      for (const { path } of paths.filter((p) => /^[^{]+\{id\}(\/[^{]*)?$/.test(p.path))) {
        const list = path.slice(0, path.indexOf('/{id}'));
        const ids = [...(seenIds.get(list) ?? [])].slice(0, 40);
        for (const id of ids) collect(path, await get(path.replace('{id}', String(id))));
      }
      return { answers, texts };
    }

    it('leaves every person at least 1,000 possible numbers, whatever a doctor, grid worker or volunteer reads', async () => {
      const knowledge = new Map<number, Knowledge>();
      const allTexts: string[] = [];
      for (const role of ROLES) {
        const login = logins.find((l) => l.role === role)!;
        const session = await signIn(app, login.username, PASSWORD);
        const assignment = await database()
          .db.selectFrom('role_assignments as r')
          .innerJoin('users as u', 'u.id', 'r.user_id')
          .select('r.area_id')
          .where('u.username', '=', login.username)
          .executeTakeFirstOrThrow();
        const { answers, texts } = await readEverything(session, assignment.area_id);
        expect(answers.length, `${role} read nothing`).toBeGreaterThan(10);
        for (const answer of answers) learn(answer, knowledge);
        allTexts.push(...texts);
      }
      // They did see people: otherwise the count below would prove nothing.
      expect(knowledge.size).toBeGreaterThan(100);

      // No whole number or phone anywhere in what they received.
      const numbers = new Set(truths.map((t) => t.number));
      const phones = new Set(truths.flatMap((t) => (t.phone ? [t.phone] : [])));
      for (const text of allTexts) {
        for (const match of text.matchAll(/\d{17}[\dX]/g)) expect(numbers.has(match[0])).toBe(false);
        for (const match of text.matchAll(/1[3-9]\d{9}/g)) expect(phones.has(match[0])).toBe(false);
      }

      let fewest = Infinity;
      const rebuilt: string[] = [];
      for (const [id, known] of knowledge) {
        const truth = byId.get(id)!;
        const count = countCandidates(truth, known);
        fewest = Math.min(fewest, count);
        if (count < MIN_CANDIDATES) rebuilt.push(`${truth.name}: ${count}`);
      }
      expect(
        rebuilt.slice(0, 5),
        `${rebuilt.length} of ${knowledge.size} people narrowed below ${MIN_CANDIDATES}`,
      ).toEqual([]);
      expect(fewest).toBeGreaterThanOrEqual(MIN_CANDIDATES);
    }, 900_000);

    it('leaves every person at least 1,000 possible numbers from the clear columns of every table at rest', async () => {
      const db = database().db;
      const columns = (
        await sql<{ table_name: string; column_name: string; data_type: string }>`
        select table_name, column_name, data_type from information_schema.columns
        where table_schema = current_schema()`.execute(db)
      ).rows;
      const columnsOf = new Map<string, Set<string>>();
      for (const c of columns)
        columnsOf.set(c.table_name, (columnsOf.get(c.table_name) ?? new Set()).add(c.column_name));
      const byHash = new Map(truths.map((t) => [t.documentHash, t]));
      const knowledge = new Map<number, Knowledge>();
      const add = (t: Truth | undefined, facts: Record<string, unknown>) => {
        if (!t) return;
        const k = knowledge.get(t.id) ?? emptyKnowledge();
        knowledge.set(t.id, k);
        for (const [name, value] of Object.entries(facts)) {
          if (value === null || value === undefined) continue;
          const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
          if (name.includes('masked') && name.startsWith('document')) k.masks.add(text);
          else if (name.includes('birth') && /^\d{4}-\d{2}-\d{2}/.test(text))
            k.birthDates.add(text.slice(0, 10));
          else if (name.includes('birth') && /^\d{4}$/.test(text)) k.birthYears.add(Number(text));
        }
      };
      // Every table with a masked document or a birth column, linked to its person as an attacker would.
      for (const [table, names] of columnsOf) {
        const facts = [...names].filter(
          (n) => (n.startsWith('document') && n.includes('masked')) || n.includes('birth'),
        );
        if (facts.length === 0) continue;
        const link =
          table === 'persons'
            ? 'id'
            : names.has('person_id')
              ? 'person_id'
              : names.has('document_hash')
                ? 'document_hash'
                : names.has('id_hash')
                  ? 'id_hash'
                  : null;
        expect(link, `${table} holds ${facts.join(', ')} but nothing links it`).not.toBeNull();
        const rows = (
          await sql<
            Record<string, unknown>
          >`select ${sql.join([...facts, link!].map((n) => sql.ref(n)))} from ${sql.table(table)}`.execute(db)
        ).rows;
        for (const row of rows) {
          const key = row[link!];
          add(typeof key === 'number' ? byId.get(key) : byHash.get(String(key)), row);
        }
      }
      // Masked copies and birth dates kept in the audit log and the register's history.
      const audit = (
        await sql<{ entity_id: string | null; after: Record<string, unknown> | null }>`
      select entity_id, after from audit_log where entity_type = 'person'`.execute(db)
      ).rows;
      for (const a of audit)
        add(byId.get(Number(a.entity_id)), {
          document_masked: a.after?.documentMasked,
          birth_date: a.after?.birthDate,
        });
      const history = (
        await sql<{ person_id: number; changes: Record<string, { to?: unknown }> | null }>`
      select person_id, changes from person_history where changes is not null`.execute(db)
      ).rows;
      for (const h of history)
        add(byId.get(h.person_id), {
          birth_date: h.changes?.birth_date?.to,
          birth_year: h.changes?.birth_year?.to,
        });

      expect(knowledge.size).toBeGreaterThan(1000);
      const rebuilt = [...knowledge].filter(([id, k]) => countCandidates(byId.get(id)!, k) < MIN_CANDIDATES);
      expect(
        rebuilt.length,
        `${rebuilt.length} of ${knowledge.size} people rebuildable from clear columns`,
      ).toBe(0);

      // And no whole number or phone in any clear text column of any table.
      const numbers = new Set(truths.map((t) => t.number));
      const phones = new Set(truths.flatMap((t) => (t.phone ? [t.phone] : [])));
      for (const c of columns.filter((c) => ['text', 'character varying', 'jsonb'].includes(c.data_type))) {
        const rows = (
          await sql<{
            v: string | null;
          }>`select ${sql.ref(c.column_name)}::text as v from ${sql.table(c.table_name)}`.execute(db)
        ).rows;
        for (const { v } of rows) {
          if (!v) continue;
          for (const match of v.matchAll(/\d{17}[\dX]/g))
            expect(numbers.has(match[0]), `${c.table_name}.${c.column_name}`).toBe(false);
          for (const match of v.matchAll(/1[3-9]\d{9}/g))
            expect(phones.has(match[0]), `${c.table_name}.${c.column_name}`).toBe(false);
        }
      }
    }, 600_000);
  },
);

/*
 * Issue #10, item 9: each kind of personal field is protected by privacy/protect.ts and shown by
 * what it stored. For every module that takes one, the row at rest holds ciphertext of the whole
 * value (it decrypts back to it) and never the value itself, and the API answers with the mask.
 */
describeEachDatabase('personal fields: ciphertext at rest, masks in every module’s answers', (database) => {
  let app: FastifyInstance;
  let admin: Session;
  const idNumber = nextIdNumber();
  const scanId = nextIdNumber();
  const arrivalId = nextIdNumber();
  const leadId = nextIdNumber();
  const ids: Record<string, number> = {};

  type Table =
    | 'persons'
    | 'place_scans'
    | 'pending_changes'
    | 'leads'
    | 'units'
    | 'events'
    | 'resident_requests'
    | 'service_resources';
  /** The columns these tests read, as they are at rest (each table has some of them). */
  interface StoredRow {
    secret: string;
    identity_secret: string;
    contact_secret: string;
    phone_secret: string;
    reporter_phone_secret: string;
    reporter_name_secret: string;
    requester_name_secret: string;
    reporter_name: string | null;
    requester_name: string | null;
    document_masked: string;
    name_masked: string;
    reporter_name_masked: string;
  }
  /** A stored row, its text columns as they are at rest. */
  const row = async (table: Table, id: number) =>
    (await sql<StoredRow>`select * from ${sql.table(table)} where id = ${id}`.execute(database().db))
      .rows[0]!;
  /** The row as text: no whole value may appear in it. */
  const rowText = async (table: Table, id: number) => JSON.stringify(await row(table, id));
  const get = async (url: string) => {
    const response = await app.inject({ url, headers: admin.headers });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const post = async (url: string, payload: object, headers: Record<string, string> = admin.headers) => {
    const response = await app.inject({ method: 'POST', url, headers, payload, remoteAddress: '10.99.0.1' });
    expect([201, 202], response.body).toContain(response.statusCode);
    return response.json();
  };

  beforeAll(async () => {
    const db = database().db;
    app = await testApp(database());
    const world = await createEventWorld(db);
    const { tree } = world;
    admin = await signIn(app, world.users.admin.username);
    const house = await createHouse(db, tree.cellA);
    const token = await issueDoorToken(db, house);

    ids.person = (
      await post('/api/persons', {
        documentNumber: idNumber,
        name: '钱多多',
        phone: '13811112222',
        houseId: house.id,
      })
    ).id;
    ids.unit = (
      await post('/api/units', {
        areaId: tree.microA.id,
        name: '星火超市',
        category: 'shop',
        contactPhone: '13822223333',
      })
    ).id;
    const place = await post('/api/places', {
      areaId: tree.microA.id,
      name: '星火药店',
      kind: 'shop',
      address: '星火路8号',
    });
    ids.place = place.place.id;
    await post(
      `/api/public/places/${place.code.scanUrl.split('/p/')[1]}/scans`,
      {
        documentNumber: scanId,
        phone: '13833334444',
        name: '孙小明',
      },
      {},
    );
    await post(
      `/api/public/households/${token}/arrivals`,
      {
        documentNumber: arrivalId,
        name: '李来福',
        phone: '13844445555',
        arrivedFrom: '安徽省阜阳市',
        arrivalDate: '2026-11-01',
        arrivalReason: '务工',
        relation: '租客',
        healthCodeColour: 'GREEN',
        vaccinationDoses: 3,
      },
      {},
    );
    await post(
      `/api/public/households/${token}/requests`,
      {
        kind: 'medicine',
        details: '降压药两盒',
        requesterName: '王阿婆',
        contactPhone: '13855556666',
      },
      {},
    );
    ids.event = (
      await post('/api/events', {
        source: 'hotline',
        categoryId: await categoryId(db, 'city_appearance.exposed_rubbish'),
        areaId: tree.microA.id,
        title: '路边垃圾',
        reporterName: '赵大海',
        reporterPhone: '13866667777',
      })
    ).id;
    await post('/api/leads', {
      areaId: tree.village.id,
      leads: [{ documentNumber: leadId, phone: '13877778888', name: '周小红', reason: '密接' }],
    });
    ids.resource = (
      await post('/api/service-resources', {
        areaId: tree.village.id,
        list: 'resource',
        kind: 'pharmacy',
        name: '星火大药房',
        phone: '13888889999',
      })
    ).id;
    const first = async (table: 'place_scans' | 'pending_changes' | 'leads' | 'resident_requests') =>
      (await db.selectFrom(table).select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
    ids.scan = await first('place_scans');
    ids.pending = await first('pending_changes');
    ids.lead = await first('leads');
    ids.request = await first('resident_requests');
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  const mask18 = (n: string) => `${n[0]}${'*'.repeat(16)}${n[17]}`;

  it('ID numbers: encrypted and hashed at rest, first and last character in every answer', async () => {
    const cipher = app.cipher;
    const person = await row('persons', ids.person!);
    expect(await rowText('persons', ids.person!)).not.toContain(idNumber);
    expect(revealPerson(cipher, person.secret).documentNumber).toBe(idNumber);
    expect(person.document_masked).toBe(mask18(idNumber));
    expect(await get(`/api/persons/${ids.person}`)).toMatchObject({ documentMasked: mask18(idNumber) });

    const scan = await row('place_scans', ids.scan!);
    expect(await rowText('place_scans', ids.scan!)).not.toContain(scanId);
    expect(cipher.decryptRecord(scan.secret).documentNumber).toBe(scanId);
    expect((await get(`/api/places/${ids.place}/scans`)).items).toEqual([
      expect.objectContaining({ documentMasked: mask18(scanId) }),
    ]);

    const pending = await row('pending_changes', ids.pending!);
    expect(await rowText('pending_changes', ids.pending!)).not.toContain(arrivalId);
    expect(cipher.decryptRecord(pending.secret).documentNumber).toBe(arrivalId);
    const pendingList = await get('/api/pending-changes?pageSize=100');
    expect(pendingList.items).toEqual([expect.objectContaining({ documentMasked: mask18(arrivalId) })]);

    const lead = await row('leads', ids.lead!);
    expect(await rowText('leads', ids.lead!)).not.toContain(leadId);
    expect(cipher.decryptRecord(lead.identity_secret).documentNumber).toBe(leadId);
    expect(await get(`/api/leads/${ids.lead}`)).toMatchObject({ documentMasked: mask18(leadId) });

    // No answer anywhere carries a whole number.
    for (const url of [
      `/api/persons/${ids.person}`,
      `/api/places/${ids.place}/scans`,
      '/api/pending-changes',
      `/api/leads/${ids.lead}`,
    ])
      for (const n of [idNumber, scanId, arrivalId, leadId])
        expect(JSON.stringify(await get(url))).not.toContain(n);
  });

  it('phones: encrypted and hashed at rest, 138****5678 in every answer', async () => {
    const cipher = app.cipher;
    const expectSealed = async (
      table: Table,
      id: number,
      phone: string,
      decrypted: (r: StoredRow) => string | null | undefined,
    ) => {
      expect(await rowText(table, id), table).not.toContain(phone);
      expect(decrypted(await row(table, id)), table).toBe(phone);
    };
    await expectSealed('persons', ids.person!, '13811112222', (r) => revealPerson(cipher, r.secret).phone);
    await expectSealed('units', ids.unit!, '13822223333', (r) => cipher.decryptRecord(r.secret).contactPhone);
    await expectSealed('place_scans', ids.scan!, '13833334444', (r) => cipher.decryptRecord(r.secret).phone);
    await expectSealed(
      'pending_changes',
      ids.pending!,
      '13844445555',
      (r) => cipher.decryptRecord(r.secret).phone,
    );
    await expectSealed('resident_requests', ids.request!, '13855556666', (r) =>
      cipher.decrypt(r.contact_secret),
    );
    await expectSealed('events', ids.event!, '13866667777', (r) => cipher.decrypt(r.reporter_phone_secret));
    await expectSealed(
      'leads',
      ids.lead!,
      '13877778888',
      (r) => cipher.decryptRecord(r.identity_secret).phone,
    );
    await expectSealed('service_resources', ids.resource!, '13888889999', (r) =>
      cipher.decrypt(r.phone_secret),
    );

    expect(await get(`/api/persons/${ids.person}`)).toMatchObject({ phoneMasked: '138****2222' });
    expect(await get(`/api/units/${ids.unit}`)).toMatchObject({ contactPhoneMasked: '138****3333' });
    expect((await get(`/api/places/${ids.place}/scans`)).items[0]).toMatchObject({
      phoneMasked: '138****4444',
    });
    expect((await get('/api/pending-changes')).items[0]).toMatchObject({ phoneMasked: '138****5555' });
    expect((await get('/api/service-requests')).items[0]).toMatchObject({ contactMasked: '138****6666' });
    expect(await get(`/api/events/${ids.event}`)).toMatchObject({ reporterPhone: '138****7777' });
    expect(await get(`/api/leads/${ids.lead}`)).toMatchObject({ phoneMasked: '138****8888' });
    expect(await get(`/api/service-resources/${ids.resource}`)).toMatchObject({ phoneMasked: '138****9999' });
  });

  it('names given outside the register: encrypted at rest with the mask beside, masked in every answer', async () => {
    const cipher = app.cipher;
    const event = await row('events', ids.event!);
    expect(await rowText('events', ids.event!)).not.toContain('赵大海');
    expect(cipher.decrypt(event.reporter_name_secret)).toBe('赵大海');
    expect(event.reporter_name_masked).toBe('赵**');
    expect(await get(`/api/events/${ids.event}`)).toMatchObject({ reporterName: '赵**' });

    const request = await row('resident_requests', ids.request!);
    expect(await rowText('resident_requests', ids.request!)).not.toContain('王阿婆');
    expect(cipher.decrypt(request.requester_name_secret)).toBe('王阿婆');
    expect((await get('/api/service-requests')).items[0]).toMatchObject({ requesterName: '王**' });

    const scan = await row('place_scans', ids.scan!);
    expect(await rowText('place_scans', ids.scan!)).not.toContain('孙小明');
    expect(cipher.decryptRecord(scan.secret).name).toBe('孙小明');
    expect((await get(`/api/places/${ids.place}/scans`)).items[0]).toMatchObject({ nameMasked: '孙**' });

    const lead = await row('leads', ids.lead!);
    expect(await rowText('leads', ids.lead!)).not.toContain('周小红');
    expect(cipher.decryptRecord(lead.identity_secret).name).toBe('周小红');
    expect(await get(`/api/leads/${ids.lead}`)).toMatchObject({ nameMasked: '周**' });

    // An arrival is stored the same way; the worker who confirms it into the register reads the
    // name whole, as the register shows its residents' names to the staff of their area.
    const pending = await row('pending_changes', ids.pending!);
    expect(await rowText('pending_changes', ids.pending!)).not.toContain('李来福');
    expect(pending.name_masked).toBe('李**');
    expect((await get('/api/pending-changes')).items[0]).toMatchObject({ name: '李来福' });
  });

  it('seals names an older version kept in clear, once, at start', async () => {
    const db = database().db;
    await db
      .updateTable('events')
      .set({ reporter_name: '钱塘江', reporter_name_secret: null, reporter_name_masked: null })
      .where('id', '=', ids.event!)
      .execute();
    await db
      .updateTable('resident_requests')
      .set({ requester_name: '吴老伯', requester_name_secret: null, requester_name_masked: null })
      .where('id', '=', ids.request!)
      .execute();
    expect(await sealClearNames(db, app.cipher)).toBe(2);
    expect(await sealClearNames(db, app.cipher)).toBe(0);
    const event = await row('events', ids.event!);
    expect(event.reporter_name).toBeNull();
    expect(app.cipher.decrypt(event.reporter_name_secret)).toBe('钱塘江');
    expect(await get(`/api/events/${ids.event}`)).toMatchObject({ reporterName: '钱**' });
    const request = await row('resident_requests', ids.request!);
    expect(request.requester_name).toBeNull();
    expect(app.cipher.decrypt(request.requester_name_secret)).toBe('吴老伯');
    expect((await get('/api/service-requests')).items[0]).toMatchObject({ requesterName: '吴**' });
  });
});
