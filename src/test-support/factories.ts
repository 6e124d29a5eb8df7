import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import { buildApp } from '../app.js';
import { hashPassword } from '../auth/password.js';
import type { Role } from '../auth/rights.js';
import { loadConfig } from '../config.js';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { type AreaRow, insertAreas, type NewArea } from '../hierarchy/repository.js';

export const TEST_PASSWORD = 'Test-pass-2026';
// A cheaper scrypt cost for test accounts; verification reads the cost from the stored hash.
let testHash: Promise<string> | undefined;
const passwordHash = () => (testHash ??= hashPassword(TEST_PASSWORD, { N: 2 ** 12 }));

/** A controllable clock for tests: starts at a fixed instant; `advance` moves it. */
export class TestClock {
  constructor(private current = new Date('2026-11-02T08:00:00+08:00')) {}
  now = (): Date => new Date(this.current);
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

const unique = () => randomBytes(3).toString('hex');
let sequence = 0;
/** Six-digit codes unique within one test database (province prefix 33 = 浙江). */
const nextAdminCode = () => `33${String(1000 + (sequence++ % 9000)).padStart(4, '0')}`;

export interface AreaTree {
  city: AreaRow;
  county: AreaRow;
  township: AreaRow;
  village: AreaRow;
  gridA: AreaRow;
  gridB: AreaRow;
  microA: AreaRow;
  microB: AreaRow;
  cellA: AreaRow;
  cellB: AreaRow;
}

function draft(parent: AreaRow | null, code: string, name: string, level: NewArea['level']): NewArea {
  return {
    parentId: parent?.id ?? null,
    parentPath: parent?.path ?? null,
    code,
    name,
    level,
    kind: 'ordinary',
    boundary: null,
    centreLng: null,
    centreLat: null,
  };
}

/** city › county › township › village › grids A and B › one micro-grid and one cell each; codes unique per call. */
export async function createAreaTree(db: Kysely<DB>, now = new Date()): Promise<AreaTree> {
  const city6 = nextAdminCode();
  const county6 = nextAdminCode();
  const one = async (parent: AreaRow | null, code: string, name: string, level: NewArea['level']) =>
    (await insertAreas(db, [draft(parent, code, name, level)], now))[0]!;
  const city = await one(null, city6, `测试市${unique()}`, 'city');
  const county = await one(city, county6, '测试区', 'county');
  const township = await one(county, `${county6}001`, '测试街道', 'township');
  const village = await one(township, `${county6}001001`, '测试社区', 'village');
  const gridA = await one(village, `${village.code}001`, '甲网格', 'grid');
  const gridB = await one(village, `${village.code}002`, '乙网格', 'grid');
  const microA = await one(gridA, `${gridA.code}01`, '甲一微网格', 'microgrid');
  const microB = await one(gridB, `${gridB.code}01`, '乙一微网格', 'microgrid');
  const cellA = await one(microA, `${microA.code}01`, '甲一埭', 'cell');
  const cellB = await one(microB, `${microB.code}01`, '乙一埭', 'cell');
  return { city, county, township, village, gridA, gridB, microA, microB, cellA, cellB };
}

export async function createUser(
  db: Kysely<DB>,
  roles: Array<{ role: Role; area: AreaRow; categories?: string[] }>,
  options: { mustChangePassword?: boolean } = {},
) {
  const username = `${roles[0]?.role ?? 'user'}_${unique()}`;
  const user = await db
    .insertInto('users')
    .values({
      username,
      display_name: `测试${username}`,
      password_hash: await passwordHash(),
      must_change_password: options.mustChangePassword ?? false,
    })
    .returning(['id', 'username'])
    .executeTakeFirstOrThrow();
  if (roles.length) {
    await db
      .insertInto('role_assignments')
      .values(
        roles.map((r) => ({
          user_id: user.id,
          role: r.role,
          area_id: r.area.id,
          categories: r.categories ?? [],
        })),
      )
      .execute();
  }
  return user;
}

export interface Session {
  cookie: string;
  csrf: string;
  /** Headers for a cookie-authenticated request (with the CSRF token for writes). */
  headers: Record<string, string>;
}

export async function signIn(
  app: FastifyInstance,
  username: string,
  password = TEST_PASSWORD,
): Promise<Session> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password },
  });
  expect(response.statusCode, response.body).toBe(200);
  const cookie = response.cookies.find((c) => c.name === 'gg_session');
  if (!cookie) throw new Error('no session cookie');
  const csrf = (response.json() as { csrfToken: string }).csrfToken;
  return {
    cookie: `gg_session=${cookie.value}`,
    csrf,
    headers: { cookie: `gg_session=${cookie.value}`, 'x-csrf-token': csrf },
  };
}

/** A new user with these roles, signed in: the first lines of most API tests. */
export async function signInNewUser(
  app: FastifyInstance,
  db: Kysely<DB>,
  roles: Parameters<typeof createUser>[1],
): Promise<Session> {
  return signIn(app, (await createUser(db, roles)).username);
}

export function testConfig(overrides: Record<string, string> = {}) {
  return loadConfig({
    GRIDGUARD_ENCRYPTION_KEYS: `t1:${Buffer.alloc(32, 7).toString('base64')}`,
    GRIDGUARD_HMAC_KEY: Buffer.alloc(32, 9).toString('base64'),
    GRIDGUARD_DATA_DIR: '/nonexistent-gridguard-test',
    LOG_LEVEL: 'warn',
    ...overrides,
  });
}

export async function testApp(
  database: Database,
  clock = new TestClock(),
  overrides: Record<string, string> = {},
): Promise<FastifyInstance> {
  return buildApp({ database, config: testConfig(overrides), clock: clock.now, logger: false });
}
