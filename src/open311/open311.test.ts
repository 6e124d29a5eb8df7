import { XMLParser } from 'fast-xml-parser';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiToken } from '../auth/repository.js';
import type { Viewer } from '../auth/scope.js';
import type { Actor } from '../auth/context.js';
import { applyAction } from '../events/service.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  signInNewUser,
  TestClock,
  testApp,
} from '../test-support/factories.js';
import { describeEachDatabase } from '../test-support/database.js';
import { hasGpsPointer, jpegWithGps } from '../test-support/test-images.js';

// Every request here is built by hand, as an Open311 client sends it: query strings, form-encoded
// bodies and multipart bytes; answers are read with a plain XML parser or JSON.parse.
const xml = new XMLParser({
  parseTagValue: false,
  isArray: (name) => ['request', 'error', 'service'].includes(name),
});
const FORMATS = ['json', 'xml'] as const;
type Format = (typeof FORMATS)[number];
type Item = Record<string, unknown>;
const RUBBISH = 'city_appearance.exposed_rubbish';
const DAY = 86_400_000;

/** The items of a list answer (requests, services, errors), from either format. */
function items(response: LightMyRequestResponse | { body: string; format: Format }): Item[] {
  const format =
    'format' in response
      ? response.format
      : response.headers['content-type']?.toString().includes('xml')
        ? 'xml'
        : 'json';
  if (format === 'json') return JSON.parse(response.body) as Item[];
  const parsed = xml.parse(response.body) as Record<string, Record<string, Item[]> | ''>;
  const [root] = Object.values(parsed).filter((v) => typeof v === 'object');
  return root ? (Object.values(root)[0] ?? []) : [];
}

describeEachDatabase('Open311 GeoReport v2 as clients speak it', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let key: string;
  let otherKey: string;
  let cityKey: string;
  let deviceKey: string;
  let askingCode: string;
  const clock = new TestClock();

  const userActor = async (
    role: 'grid_worker' | 'community_staff',
    area: AreaTree['gridA'],
  ): Promise<Actor> => {
    const user = await createUser(database().db, [{ role, area }]);
    const viewer: Viewer = {
      kind: 'user',
      userId: user.id,
      username: user.username,
      displayName: user.username,
      assignments: [{ role, areaId: area.id, areaPath: area.path, categories: [] }],
    };
    return { viewer, ip: null, now: clock.now };
  };

  beforeAll(async () => {
    const db = database().db;
    tree = await createAreaTree(db);
    const token = async (areaId: number, capability: 'open311' | 'device.alerts') =>
      (await createApiToken(db, { name: `client ${capability}`, areaId, capability, createdBy: null })).token;
    key = await token(tree.gridA.id, 'open311');
    otherKey = await token(tree.gridB.id, 'open311');
    cityKey = await token(tree.city.id, 'open311');
    deviceKey = await token(tree.gridA.id, 'device.alerts');
    // A category that needs more information: what was dumped (required) and how much.
    const asking = await db
      .selectFrom('event_categories as c')
      .select(['c.id', 'c.code'])
      .where('c.public', '=', true)
      .where('c.code', '!=', RUBBISH)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('event_categories as k').select('k.id').whereRef('k.parent_id', '=', 'c.id'))),
      )
      .orderBy('c.id')
      .executeTakeFirstOrThrow();
    askingCode = asking.code;
    await db
      .updateTable('event_categories')
      .set({
        attributes: JSON.stringify([
          {
            code: 'kind',
            datatype: 'singlevaluelist',
            required: true,
            description_zh: '什么东西',
            description_en: 'What is it',
            values: [
              { key: 'furniture', name_zh: '家具', name_en: 'Furniture' },
              { key: 'debris', name_zh: '建筑垃圾', name_en: 'Building debris' },
            ],
          },
          {
            code: 'bags',
            datatype: 'number',
            required: false,
            description_zh: '几袋',
            description_en: 'How many bags',
          },
        ]),
      })
      .where('id', '=', asking.id)
      .execute();
    rubbish = { api_key: key, service_code: RUBBISH, address_string: '星火路 18 号门口' };
    app = await testApp(database(), clock);
  });
  afterAll(async () => {
    await app.close();
  });

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const post = (format: Format, body: string, remoteAddress = '127.0.0.1') =>
    app.inject({
      method: 'POST',
      url: `/open311/v2/requests.${format}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: body,
      remoteAddress,
    });
  const get = (url: string, remoteAddress = '127.0.0.1') =>
    app.inject({ method: 'GET', url: `/open311/v2/${url}`, remoteAddress });
  const filed = (response: LightMyRequestResponse) => {
    expect(response.statusCode, response.body).toBe(200);
    return String(items(response)[0]?.service_request_id);
  };
  const eventOf = (code: string) =>
    database().db.selectFrom('events').selectAll().where('code', '=', code).executeTakeFirstOrThrow();
  let rubbish: Record<string, string>;

  /** A multipart body as a phone app sends it: text fields, then one file part. */
  const multipartBody = (
    boundary: string,
    fields: Record<string, string>,
    file: { name: string; bytes: Buffer },
  ) =>
    Buffer.concat([
      ...Object.entries(fields).map(([name, value]) =>
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
      ),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="IMG_0001.JPG"\r\nContent-Type: image/jpeg\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);

  it('1: advertises the endpoint without a trailing slash and accepts the double slash', async () => {
    for (const format of FORMATS) {
      const discovery = await get(`discovery.${format}`);
      const endpoint =
        format === 'json'
          ? (JSON.parse(discovery.body) as { endpoints: Item[] }).endpoints[0]!
          : (xml.parse(discovery.body) as { discovery: { endpoints: { endpoint: Item } } }).discovery
              .endpoints.endpoint;
      expect(endpoint.url).toMatch(/\/open311\/v2$/);
      const services = await app.inject({
        method: 'GET',
        url: `${new URL(String(endpoint.url)).pathname}//services.${format}`,
      });
      expect(services.statusCode).toBe(200);
      expect(items(services).some((s) => s.service_code === RUBBISH)).toBe(true);
    }
  });

  it('2, 4: reads without a key (no reporter), files only with an Open311 key, and answers 403 otherwise', async () => {
    const code = filed(
      await post(
        'json',
        form({
          ...rubbish,
          description: '无人清理',
          first_name: '明',
          last_name: '王',
          phone: '13812345678',
        }),
      ),
    );
    for (const format of FORMATS) {
      const one = await get(`requests/${code}.${format}`);
      expect(one.statusCode).toBe(200);
      expect(items(one)[0]).toMatchObject({
        service_request_id: code,
        status: 'open',
        description: '无人清理',
      });
      expect(one.body).not.toContain('138');
      expect(one.body).not.toContain('王');
      const list = await get(`requests.${format}`);
      expect(items(list).map((r) => r.service_request_id)).toContain(code);

      for (const [apiKey, description] of [
        [undefined, 'api_key is required to file a request'],
        ['not-a-key', 'api_key is unknown or revoked'],
        [deviceKey, 'api_key is not an Open311 key'],
      ] as const) {
        const fields: Record<string, string> = { service_code: RUBBISH, address_string: 'x' };
        if (apiKey) fields.api_key = apiKey;
        const refused = await post(format, form(fields));
        expect(refused.statusCode).toBe(403);
        expect(items(refused)).toEqual([{ code: format === 'json' ? 403 : '403', description }]);
      }
      const badRead = await get(`requests.${format}?api_key=not-a-key`);
      expect(badRead.statusCode).toBe(403);
      // A keyed client reads only its own area: another grid's request is not found.
      expect((await get(`requests/${code}.${format}?api_key=${otherKey}`)).statusCode).toBe(404);
    }
  });

  it('2: throttles reads per client, in the Open311 error shape', async () => {
    for (const format of FORMATS) {
      const remoteAddress = format === 'json' ? '10.3.1.1' : '10.3.1.2';
      let last: LightMyRequestResponse | undefined;
      for (let i = 0; i < 61; i += 1) last = await get(`requests.${format}?status=closed`, remoteAddress);
      expect(last!.statusCode).toBe(429);
      expect(String(items(last!)[0]?.description)).toContain('Too many requests');
      // The other client is served.
      expect((await get(`requests.${format}?status=closed`, '10.3.1.3')).statusCode).toBe(200);
    }
  });

  it('3, 13: a key over the city files with an area given, and answers a spec error — never 500 — without one', async () => {
    for (const format of FORMATS) {
      const city = { api_key: cityKey, service_code: RUBBISH, address_string: '人民路 1 号' };
      const above = await post(format, form(city));
      expect(above.statusCode).toBe(400);
      expect(String(items(above)[0]?.description)).toContain('above every district');

      const inGrid = filed(await post(format, form({ ...city, jurisdiction_id: tree.gridA.code })));
      expect((await eventOf(inGrid)).area_id).toBe(tree.gridA.id);

      // address_id alone is a location: the code of an area of the key's subtree.
      const byId = filed(
        await post(format, form({ api_key: key, service_code: RUBBISH, address_id: tree.microA.code })),
      );
      expect((await eventOf(byId)).area_id).toBe(tree.microA.id);
      const outside = await post(
        format,
        form({ api_key: key, service_code: RUBBISH, address_id: tree.microB.code }),
      );
      expect(outside.statusCode).toBe(400);
      expect(String(items(outside)[0]?.description)).toBe(
        `address_id ${tree.microB.code} is not an area this key serves`,
      );
      const none = await post(format, form({ api_key: key, service_code: RUBBISH }));
      expect(String(items(none)[0]?.description)).toContain('A location is required');
    }
  });

  it('5: keeps a posted media_url as media_url', async () => {
    for (const format of FORMATS) {
      const url = 'https://photos.example.org/abc.jpg';
      const code = filed(await post(format, form({ ...rubbish, description: '垃圾', media_url: url })));
      const [request] = items(await get(`requests/${code}.${format}`));
      expect(request).toMatchObject({ media_url: url, description: '垃圾' });
    }
  });

  it('6: takes a multipart post with its photo as the request photo, re-encoded like a resident photo', async () => {
    const photo = await jpegWithGps();
    for (const format of FORMATS) {
      const boundary = `----client${format}`;
      const response = await app.inject({
        method: 'POST',
        url: `/open311/v2/requests.${format}`,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: multipartBody(
          boundary,
          { ...rubbish, description: '门口有垃圾' },
          { name: 'media', bytes: photo },
        ),
      });
      const code = filed(response);
      const [request] = items(await get(`requests/${code}.${format}`));
      const mediaUrl = String(request?.media_url);
      expect(mediaUrl).toMatch(new RegExp(`/open311/v2/requests/${code}/media/\\d+$`));
      const image = await app.inject({ method: 'GET', url: new URL(mediaUrl).pathname });
      expect(image.statusCode).toBe(200);
      expect(image.headers['content-type']).toBe('image/jpeg');
      const metadata = await sharp(image.rawPayload).metadata();
      expect(metadata.width).toBe(20);
      expect(hasGpsPointer(metadata.exif)).toBe(false);

      const notImage = await app.inject({
        method: 'POST',
        url: `/open311/v2/requests.${format}`,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: multipartBody(boundary, rubbish, { name: 'media', bytes: Buffer.from('not a picture') }),
      });
      expect(notImage.statusCode).toBe(400);
      expect(items(notImage)[0]?.description).toBeTruthy();
    }
  });

  it('7: answers 404 for an unknown jurisdiction_id on every method', async () => {
    for (const format of FORMATS) {
      for (const response of [
        await post(format, form({ ...rubbish, jurisdiction_id: 'nowhere.example' })),
        await get(`requests.${format}?jurisdiction_id=nowhere.example`),
        await get(`services.${format}?jurisdiction_id=nowhere.example`),
        // An area outside the key is no jurisdiction of it.
        await get(`requests.${format}?api_key=${key}&jurisdiction_id=${tree.gridB.code}`),
      ]) {
        expect(response.statusCode).toBe(404);
        expect(String(items(response)[0]?.code)).toBe('404');
      }
      expect((await get(`requests.${format}?jurisdiction_id=${tree.gridA.code}`)).statusCode).toBe(200);
    }
  });

  it('8, 9, 10: comma lists, the id over every filter, ids beyond 90 days, bounded windows, 404 for an unknown id', async () => {
    const open = filed(await post('json', form({ ...rubbish, description: '开着的' })));
    const other = filed(
      await post(
        'json',
        form({ api_key: key, service_code: askingCode, address_string: 'y', 'attribute[kind]': 'debris' }),
      ),
    );
    const old = filed(await post('json', form({ ...rubbish, description: '很早的' })));
    await database()
      .db.updateTable('events')
      .set({ created_at: new Date(clock.now().getTime() - 120 * DAY) })
      .where('code', '=', old)
      .execute();
    const ids = (response: LightMyRequestResponse) => items(response).map((r) => r.service_request_id);
    for (const format of FORMATS) {
      const both = await get(`requests.${format}?api_key=${key}&status=open,closed`);
      expect(both.statusCode).toBe(200);
      expect(ids(both)).toEqual(expect.arrayContaining([open, other]));
      expect(ids(both)).not.toContain(old);
      const codes = await get(`requests.${format}?api_key=${key}&service_code=${RUBBISH},${askingCode}`);
      expect(ids(codes)).toEqual(expect.arrayContaining([open, other]));
      expect((await get(`requests.${format}?status=pending`)).statusCode).toBe(400);

      const byId = await get(
        `requests.${format}?service_request_id=${open},${old}&status=closed&end_date=2020-01-01T00:00:00Z`,
      );
      expect(ids(byId).sort()).toEqual([open, old].sort());
      expect(ids(await get(`requests/${old}.${format}`))).toEqual([old]);
      const unknown = await get(`requests/EV20200101000001.${format}`);
      expect(unknown.statusCode).toBe(404);
      expect(String(items(unknown)[0]?.code)).toBe('404');

      // One date bounds both ends: 90 days from it, or up to it.
      const since = new Date(clock.now().getTime() - 150 * DAY).toISOString();
      const until = new Date(clock.now().getTime() - 100 * DAY).toISOString();
      for (const query of [`start_date=${since}`, `end_date=${until}`]) {
        const window = ids(await get(`requests.${format}?api_key=${key}&${query}`));
        expect(window).toContain(old);
        expect(window).not.toContain(open);
      }
    }
  });

  it('11, 12: a 1,900-character Chinese description, foreign phones and long names are filed as given', async () => {
    const description = '路口垃圾堆放无人清理'.repeat(190);
    for (const format of FORMATS) {
      for (const phone of ['111111111', '+1 (555) 555-5555']) {
        const code = filed(
          await post(
            format,
            form({
              ...rubbish,
              description,
              phone,
              first_name: 'Maximilian-Alexander Christopher',
              last_name: 'Doe',
            }),
          ),
        );
        const [request] = items(await get(`requests/${code}.${format}`));
        expect(request?.description).toBe(description);
        expect(JSON.stringify(request)).not.toContain('555');
        const event = await eventOf(code);
        expect(app.cipher.decrypt(event.reporter_phone_secret!)).toBe(phone);
        expect(event.reporter_phone_masked).not.toContain(phone);
        expect(app.cipher.decrypt(event.reporter_name_secret!)).toBe('Maximilian-Alexander Christopher Doe');
      }
      const notPhone = await post(format, form({ ...rubbish, phone: 'call me maybe' }));
      expect(notPhone.statusCode).toBe(400);
      expect(items(notPhone)[0]?.description).toBe('phone must be a telephone number');
      const tooLong = await post(format, form({ ...rubbish, description: '长'.repeat(4001) }));
      expect(items(tooLong)[0]?.description).toBe('description is longer than 4000 characters');
    }
  });

  it('14: publishes the attributes of a category that needs them and files their answers', async () => {
    for (const format of FORMATS) {
      const services = items(await get(`services.${format}`));
      const metadata = (code: string) => String(services.find((s) => s.service_code === code)?.metadata);
      expect(metadata(askingCode)).toBe('true');
      expect(metadata(RUBBISH)).toBe('false');
      const definition = await get(`services/${askingCode}.${format}?locale=en`);
      const attributes =
        format === 'json'
          ? (JSON.parse(definition.body) as { attributes: Item[] }).attributes
          : (xml.parse(definition.body) as { service_definition: { attributes: { attribute: Item[] } } })
              .service_definition.attributes.attribute;
      expect(attributes[0]).toMatchObject({
        code: 'kind',
        datatype: 'singlevaluelist',
        description: 'What is it',
      });
      expect(String(attributes[0]?.required)).toBe('true');
      expect(JSON.stringify(attributes[0]?.values)).toContain('Building debris');

      const base = { api_key: key, service_code: askingCode, address_string: 'y' };
      const missing = await post(format, form(base));
      expect(missing.statusCode).toBe(400);
      expect(items(missing)[0]?.description).toBe('attribute[kind] is required');
      const wrong = await post(format, form({ ...base, 'attribute[kind]': 'sofa' }));
      expect(items(wrong)[0]?.description).toBe('attribute[kind] must be one of the keys of its values');
      const code = filed(
        await post(format, form({ ...base, 'attribute[kind]': 'furniture', 'attribute[bags]': '3' })),
      );
      expect((await eventOf(code)).attributes).toEqual({ kind: 'furniture', bags: '3' });
    }
  });

  it('5, 14: shows staff the posted media_url and the answers, in their language', async () => {
    const code = filed(
      await post(
        'json',
        form({
          api_key: key,
          service_code: askingCode,
          address_string: 'y',
          'attribute[kind]': 'debris',
          media_url: 'https://photos.example.org/debris.jpg',
        }),
      ),
    );
    const staff = await signInNewUser(app, database().db, [{ role: 'community_staff', area: tree.village }]);
    const detail = await app.inject({
      method: 'GET',
      url: `/api/events/${(await eventOf(code)).id}`,
      headers: staff.headers,
    });
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json()).toMatchObject({
      description: null,
      mediaUrl: 'https://photos.example.org/debris.jpg',
      answers: [
        {
          questionZh: '什么东西',
          answerZh: '建筑垃圾',
          questionEn: 'What is it',
          answerEn: 'Building debris',
        },
      ],
    });
    // A signed-in user's cookie is no Open311 key: the user reads like the public.
    const read = await app.inject({
      method: 'GET',
      url: `/open311/v2/requests/${code}.json`,
      headers: staff.headers,
    });
    expect(read.statusCode).toBe(200);
  });

  it('round trip over HTTP: discover, services, post with a photo, follow it until a worker closes it', async () => {
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const discovery = (await (await fetch(`${base}/open311/v2/discovery.json`)).json()) as {
      endpoints: Item[];
    };
    // The endpoint's path, on the address this test listens at.
    const endpoint = `${base}${new URL(String(discovery.endpoints[0]?.url)).pathname}`;
    const services = await (await fetch(`${endpoint}/services.xml`)).text();
    expect(items({ body: services, format: 'xml' }).some((s) => s.service_code === RUBBISH)).toBe(true);

    const boundary = '----roundtrip';
    const posted = await fetch(`${endpoint}/requests.json`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: multipartBody(
        boundary,
        { ...rubbish, description: '楼道堆物', lat: '', long: '' },
        { name: 'media', bytes: await jpegWithGps() },
      ),
    });
    expect(posted.status).toBe(200);
    const code = String(((await posted.json()) as Item[])[0]?.service_request_id);
    const before = items({
      body: await (await fetch(`${endpoint}/requests/${code}.xml`)).text(),
      format: 'xml',
    })[0];
    expect(before).toMatchObject({ service_request_id: code, status: 'open' });
    const photo = await fetch(`${base}${new URL(String(before?.media_url)).pathname}`);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');

    const event = await eventOf(code);
    const staff = await userActor('community_staff', tree.village);
    const worker = await userActor('grid_worker', tree.gridA);
    const workerId = worker.viewer.kind === 'user' ? worker.viewer.userId : 0;
    await database()
      .db.transaction()
      .execute(async (trx) => {
        await applyAction(trx, staff, event.id, { action: 'register' });
        await applyAction(trx, staff, event.id, { action: 'dispatch', userId: workerId });
        await applyAction(trx, worker, event.id, { action: 'accept' });
        await applyAction(trx, worker, event.id, { action: 'report', note: '已清运' });
        await applyAction(trx, staff, event.id, { action: 'close', note: '核查已清理，结案' });
      });
    const after = (await (await fetch(`${endpoint}/requests/${code}.json`)).json()) as Item[];
    expect(after[0]).toMatchObject({
      service_request_id: code,
      status: 'closed',
      status_notes: '核查已清理，结案',
    });
  });
});
