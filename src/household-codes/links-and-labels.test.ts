import { inflateSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHouses } from '../test-support/services-fixtures.js';
import { describeEachDatabase } from '../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  type Session,
  signInNewUser,
  TestClock,
  testApp,
  testConfig,
} from '../test-support/factories.js';
import { renderDoorLabels } from './labels.js';

const PUBLIC_URL = 'https://gg.example.cn';
/** What an attacker (or a misconfigured proxy) puts in the request: it must reach no link. */
const EVIL = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' };

/** The decompressed page content streams of a pdfkit PDF (drawing operators: the QR modules, the text). */
function pageStreams(pdf: Buffer): string[] {
  const text = pdf.toString('latin1');
  const streams: string[] = [];
  for (const match of text.matchAll(/\/Length (\d+)[^>]*>>\nstream\n/g)) {
    const start = match.index + match[0].length;
    const body = pdf.subarray(start, start + Number(match[1]));
    let inflated: string;
    try {
      inflated = inflateSync(body).toString('latin1');
    } catch {
      continue;
    }
    if (inflated.includes(' re\n')) streams.push(inflated);
  }
  return streams;
}

describe('GRIDGUARD_PUBLIC_URL in the app config', () => {
  it('is what links use in demo mode too, and defaults to localhost, never to a request', () => {
    expect(testConfig({ GRIDGUARD_DEMO: 'true', PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
  });
});

describeEachDatabase('links from configuration and labels that only reprint', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let worker: Session;
  const clock = new TestClock();

  beforeAll(async () => {
    // Outside demo mode, as in production: the configured address is the only one there is.
    app = await testApp(database(), clock, {
      GRIDGUARD_DEMO: 'false',
      GRIDGUARD_PUBLIC_URL: `${PUBLIC_URL}/`,
    });
    tree = await createAreaTree(database().db);
    worker = await signInNewUser(app, database().db, [{ role: 'grid_worker', area: tree.gridA }]);
  });
  afterAll(async () => {
    await app.close();
  });

  const asWorker = (method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, headers: { ...worker.headers, ...EVIL }, ...(payload ? { payload } : {}) });

  async function codesOf(areaPath: string) {
    return database()
      .db.selectFrom('access_codes')
      .select(['id', 'house_id', 'status', 'token_hash', 'token_secret', 'revoked_at'])
      .where('area_path', 'like', `${areaPath}%`)
      .where('kind', '=', 'household')
      .orderBy('id')
      .execute();
  }

  it('builds scan URLs and Open311 discovery from GRIDGUARD_PUBLIC_URL whatever the Host header says', async () => {
    const [house] = await createHouses(database().db, tree.cellA, 1);
    const household = await asWorker('POST', `/api/houses/${house!.id}/household-code`);
    expect(household.statusCode, household.body).toBe(201);
    expect(household.json().scanUrl).toMatch(new RegExp(`^${PUBLIC_URL}/h/[A-Za-z0-9_-]{22}$`));

    // The community's self-report code is issued by its staff.
    const staff = await signInNewUser(app, database().db, [{ role: 'community_staff', area: tree.village }]);
    const community = await app.inject({
      method: 'POST',
      url: `/api/areas/${tree.village.id}/self-report-code`,
      headers: { ...staff.headers, ...EVIL },
    });
    expect(community.statusCode, community.body).toBe(201);
    expect(community.json().scanUrl).toMatch(new RegExp(`^${PUBLIC_URL}/r/`));

    const place = await asWorker('POST', '/api/places', {
      areaId: tree.microA.id,
      name: '星火便利店',
      kind: 'shop',
      address: '星火路8号',
    });
    expect(place.statusCode, place.body).toBe(201);
    expect(place.json().code.scanUrl).toMatch(new RegExp(`^${PUBLIC_URL}/p/`));
    const reissued = await asWorker('POST', `/api/places/${place.json().place.id}/code`);
    expect(reissued.statusCode, reissued.body).toBe(201);
    expect(reissued.json().scanUrl).toMatch(new RegExp(`^${PUBLIC_URL}/p/`));

    for (const format of ['json', 'xml']) {
      const discovery = await app.inject({ url: `/open311/v2/discovery.${format}`, headers: EVIL });
      expect(discovery.statusCode).toBe(200);
      expect(discovery.body).toMatch(new RegExp(`${PUBLIC_URL}/open311/v2["<]`));
      expect(discovery.body).not.toContain('evil.example');
    }
  });

  it('prints the label QR code for the configured address, not the Host header', async () => {
    const [house] = await createHouses(database().db, tree.cellB, 1);
    const staff = await signInNewUser(app, database().db, [{ role: 'grid_worker', area: tree.gridB }]);
    const issued = await app.inject({
      method: 'POST',
      url: `/api/houses/${house!.id}/household-code`,
      headers: { ...staff.headers, ...EVIL },
    });
    const token = (issued.json().scanUrl as string).split('/h/')[1]!;
    const printed = await app.inject({
      url: `/api/houses/${house!.id}/door-label.pdf`,
      headers: { ...staff.headers, ...EVIL },
    });
    expect(printed.statusCode, printed.body.slice(0, 200)).toBe(200);
    expect(printed.rawPayload.toString('latin1')).not.toContain('evil.example');

    // The same label drawn for the configured URL has the very same QR modules; for evil.example it differs.
    const label = { houseId: house!.id, address: house!.address, community: '测试社区' };
    const expected = await renderDoorLabels([{ ...label, url: `${PUBLIC_URL}/h/${token}` }], house!.address);
    const hostile = await renderDoorLabels(
      [{ ...label, url: `http://evil.example/h/${token}` }],
      house!.address,
    );
    const actual = pageStreams(printed.rawPayload);
    expect(actual).toHaveLength(1);
    expect(actual).toEqual(pageStreams(expected));
    expect(actual).not.toEqual(pageStreams(hostile));
  });

  it('GET door labels issues nothing; issuing is a POST that needs the CSRF token', async () => {
    const area = tree.microA;
    const houses = await createHouses(database().db, tree.cellA, 5);
    const withCode = await asWorker('POST', `/api/houses/${houses[0]!.id}/household-code`);
    expect(withCode.statusCode).toBe(201);
    const cellHouses = await database()
      .db.selectFrom('houses')
      .select('id')
      .where('area_path', 'like', `${area.path}%`)
      .execute();
    const coded = new Set(
      (await codesOf(area.path)).filter((c) => c.status === 'active').map((c) => c.house_id),
    );
    expect(coded.size).toBeLessThan(cellHouses.length);

    // Printing reprints the codes that exist and leaves the rest off the sheet, counted in a header.
    const before = await codesOf(area.path);
    for (let i = 0; i < 2; i++) {
      const sheet = await asWorker('GET', `/api/areas/${area.id}/door-labels.pdf`);
      expect(sheet.statusCode, sheet.body.slice(0, 200)).toBe(200);
      expect(sheet.headers['x-door-codes-not-issued']).toBe(String(cellHouses.length - coded.size));
      expect(sheet.rawPayload.toString('latin1').match(/\/Type \/Page\b(?!s)/g)?.length).toBe(
        Math.ceil(coded.size / 8),
      );
    }
    expect(await codesOf(area.path)).toEqual(before);

    // A house without a code has no label to reprint.
    const single = await asWorker('GET', `/api/houses/${houses[1]!.id}/door-label.pdf`);
    expect(single.statusCode).toBe(409);
    expect(single.json().error.code).toBe('DOOR_CODES_NOT_ISSUED');
    expect(await codesOf(area.path)).toEqual(before);

    // A cookie-authenticated POST without the CSRF token is refused and changes nothing.
    const { 'x-csrf-token': _csrf, ...cookieOnly } = worker.headers;
    const forged = await app.inject({
      method: 'POST',
      url: `/api/areas/${area.id}/household-codes`,
      headers: cookieOnly,
      payload: {},
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe('CSRF_TOKEN_INVALID');
    expect(await codesOf(area.path)).toEqual(before);

    const issue = await asWorker('POST', `/api/areas/${area.id}/household-codes`, {});
    expect(issue.statusCode, issue.body).toBe(200);
    expect(issue.json()).toMatchObject({
      houses: cellHouses.length,
      issued: cellHouses.length - coded.size,
      alreadyHad: coded.size,
    });
    // The codes already on doors keep working; every house now has one, and the sheet holds them all.
    const after = await codesOf(area.path);
    for (const code of before) expect(after).toContainEqual(code);
    expect(new Set(after.filter((c) => c.status === 'active').map((c) => c.house_id)).size).toBe(
      cellHouses.length,
    );
    const full = await asWorker('GET', `/api/areas/${area.id}/door-labels.pdf`);
    expect(full.headers['x-door-codes-not-issued']).toBe('0');
  });

  it('answers 409 for an area none of whose houses has a code yet, issuing none', async () => {
    const fresh = await createAreaTree(database().db);
    await createHouses(database().db, fresh.cellA, 2);
    const owner = await signInNewUser(app, database().db, [{ role: 'grid_worker', area: fresh.gridA }]);
    const sheet = await app.inject({
      url: `/api/areas/${fresh.cellA.id}/door-labels.pdf`,
      headers: owner.headers,
    });
    expect(sheet.statusCode).toBe(409);
    expect(sheet.json().error.code).toBe('DOOR_CODES_NOT_ISSUED');
    expect(await codesOf(fresh.cellA.path)).toEqual([]);
  });
});
