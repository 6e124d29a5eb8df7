import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  type Session,
  signInNewUser,
  testApp,
} from '../test-support/factories.js';
import { multipart } from '../test-support/multipart.js';
import { inputDatabaseError } from './errors.js';
import { findBadText } from './input-guard.js';

describe('findBadText', () => {
  it('allows tab and line breaks, refuses NUL, other controls, DEL and lone surrogates, naming the field', () => {
    expect(findBadText({ note: 'line one\r\nline two\tend', name: '王小明' }, 'body')).toBeUndefined();
    expect(findBadText({ a: [{ b: 'x\u0000' }] }, 'body')).toEqual({
      field: 'body.a.0.b',
      code: 'controlChars',
      message: 'must not contain control characters',
    });
    expect(findBadText({ 'k\u0007': 1 }, 'query')?.field).toBe('query.k\u0007');
    expect(findBadText('\u007f', 'body')?.field).toBe('body');
    expect(findBadText({ name: 'a\ud800b' }, 'body')?.message).toBe('must be well-formed Unicode text');
    expect(findBadText({ name: '😀' }, 'body')).toBeUndefined();
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(findBadText(deep, 'body')?.message).toMatch(/nest/);
  });
});

describe('inputDatabaseError', () => {
  it('turns data exceptions and not-null/check violations into a 400, and nothing else', () => {
    for (const code of ['22P02', '22003', '22001', '22021', '22P05', '23502', '23514'])
      expect(inputDatabaseError({ code })?.statusCode, code).toBe(400);
    for (const code of ['23505', '40001', '57014', 'ECONNRESET', undefined])
      expect(inputDatabaseError({ code }), String(code)).toBeUndefined();
  });
});

describeEachDatabase('input guard and bounded schemas', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let admin: Session;

  beforeAll(async () => {
    app = await testApp(database());
    tree = await createAreaTree(database().db);
    admin = await signInNewUser(app, database().db, [{ role: 'admin', area: tree.city }]);
  });

  const rename = (name: string) =>
    app.inject({
      method: 'PATCH',
      url: `/api/areas/${tree.gridA.id}`,
      headers: admin.headers,
      payload: { name },
    });
  const storedName = async () =>
    (
      await database()
        .db.selectFrom('areas')
        .select('name')
        .where('id', '=', tree.gridA.id)
        .executeTakeFirstOrThrow()
    ).name;

  it('refuses a NUL or control character in a name with 400 naming the field, and stores nothing', async () => {
    for (const name of ['甲\u0000网格', '甲\u001b[2J网格']) {
      const response = await rename(name);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ field: 'body.name', code: 'controlChars', message: '不能包含控制字符或尖括号' }],
      });
    }
    expect(await storedName()).toBe('甲网格');
  });

  it('refuses a whitespace-only or multi-line name naming the field, and trims a padded one', async () => {
    for (const name of ['   ', '\u3000\t', '甲\n网格']) {
      const response = await rename(name);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error.details[0].field).toBe('body.name');
    }
    const padded = await rename('  甲网格东  ');
    expect(padded.statusCode, padded.body).toBe(200);
    expect(await storedName()).toBe('甲网格东');
  });

  it('refuses integers beyond int4 and infinite numbers in the query and the path', async () => {
    for (const [url, field] of [
      ['/api/persons?within=2147483648', 'querystring.within'],
      ['/api/areas?page=1e309', 'querystring.page'],
      ['/api/areas/1e309', 'params.id'],
      ['/api/persons?houseId=9007199254740993', 'querystring.houseId'],
    ] as const) {
      const response = await app.inject({ method: 'GET', url, headers: admin.headers });
      expect(response.statusCode, `${url} ${response.body}`).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
      expect(response.json().error.message).toContain(field);
    }
  });

  it('refuses a NUL in a header, a query or a multipart field before anything reads it', async () => {
    const header = await app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { ...admin.headers, 'user-agent': 'probe\u0000' },
    });
    expect(header.statusCode).toBe(400);
    expect(header.json().error.details[0].field).toBe('headers.user-agent');

    const query = await app.inject({ method: 'GET', url: '/api/users?q=a%00b', headers: admin.headers });
    expect(query.statusCode).toBe(400);
    expect(query.json().error.details[0].field).toBe('querystring.q');

    const form = await multipart([{ name: 'areas.csv', content: '编码,名称\n' }], { note: 'a\u0000b' });
    const upload = await app.inject({
      method: 'POST',
      url: '/api/areas/import',
      headers: { ...admin.headers, ...form.headers },
      payload: form.payload,
    });
    expect(upload.statusCode, upload.body).toBe(400);
    expect(upload.json().error.details[0].field).toBe('body.note');

    const broken = await app.inject({
      method: 'POST',
      url: '/api/areas/import',
      headers: { ...admin.headers, 'content-type': 'multipart/form-data; boundary=x' },
      payload: 'garbage',
    });
    expect(broken.statusCode, broken.body).toBe(400);
  });
});
