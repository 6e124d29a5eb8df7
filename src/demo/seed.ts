import { seedDemoRosters } from './clearance-seed.js';
import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/repository.js';
import { hashPassword } from '../auth/password.js';
import type { Role } from '../auth/rights.js';
import { ROLES } from '../core/vocabulary.js';
import { DEMO_VIEWER } from '../auth/scope.js';
import type { DB, GeoJsonGeometry } from '../db/schema.js';
import { insertAreas, type AreaRow, type NewArea } from '../hierarchy/repository.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { chineseName, SeededRandom } from '../core/random.js';
import { seedDemoInspections } from '../enterprises/inspections/demo.js';
import { seedDemoFilings } from '../enterprises/filings/demo.js';
import { seedDemoEvents } from '../events/demo.js';
import { seedDemoCommunityServices } from '../services/demo.js';
import { seedDemoCheckpoints } from './checkpoints-seed.js';
import { seedDemoCertificates } from '../enterprises/certificates/demo.js';
import { seedDemoEpidemic } from './epidemic-seed.js';
import { boxOf } from './area-box.js';
import { seedDemoGeography } from './map-seed.js';
import * as repo from './repository.js';
import { seedDemoRegister } from './register-seed.js';
import { seedDemoVisits } from './visits-seed.js';
import { type CliTextKey, cliSay } from '../i18n/cli.js';
import type { Locale } from '../i18n/locale.js';

export interface DemoLogin {
  role: Role;
  username: string;
  displayName: string;
  area: string;
}

export interface DemoOptions {
  password: string;
  /** In demo mode the accounts keep the demo password; otherwise each must change it at first sign-in. */
  demoMode: boolean;
  seed?: number;
  /** Told what each step made; the caller words it in its language (`demoStepLine`). */
  onStep?: (step: DemoSeedStep) => void;
  /** Encrypts the demo residents' ID numbers and phones like real ones. */
  cipher: FieldCipher;
}

/** What one step of the demo seeding made. */
export type DemoSeedStep =
  | { step: 'areas'; grids: number; microGrids: number; cells: number }
  | { step: 'register'; houses: number; persons: number; units: number; cameras: number }
  | { step: 'epidemic'; tested: number }
  | { step: 'rosters'; rosters: number; employees: number }
  | { step: 'accounts'; accounts: number; volunteers: number }
  | { step: 'visits'; visits: number }
  | {
      step: 'services';
      teams: number;
      teamMembers: number;
      volunteersCovering: number;
      coveredHouses: number;
      resources: number;
      requests: number;
      announcements: number;
    }
  | { step: 'events'; events: number; open: number }
  | { step: 'filings'; filings: number }
  | { step: 'geography'; features: number; houses: number; events: number }
  | {
      step: 'checkpoints';
      checkpoints: number;
      shifts: number;
      records: number;
      flagged: number;
      fevers: number;
    }
  | { step: 'inspections'; inspections: number; rectifications: number };

const DEMO_STEP_TEXTS: Record<DemoSeedStep['step'], CliTextKey> = {
  areas: 'demoAreas',
  register: 'demoRegister',
  epidemic: 'demoEpidemic',
  rosters: 'demoRosters',
  accounts: 'demoAccounts',
  visits: 'demoVisits',
  services: 'demoServices',
  events: 'demoEvents',
  geography: 'demoGeography',
  checkpoints: 'demoCheckpoints',
  inspections: 'demoInspections',
  filings: 'demoFilings',
};

/** A seeding step as a line in a language. */
export function demoStepLine(locale: Locale, step: DemoSeedStep): string {
  return cliSay(locale)(DEMO_STEP_TEXTS[step.step], step);
}

export { isEmptyInstallation } from './repository.js';

/** 星火村 lies south-west of 金山卫镇; the demo draws it as a 3 × 2.7 km rectangle there. */
const VILLAGE_BOX = { west: 121.3, east: 121.33, south: 30.7, north: 30.724 };
export const DEMO_CODES = {
  city: '310000',
  county: '310116',
  township: '310116103',
  village: '310116103209',
} as const;

function rectangle(west: number, south: number, east: number, north: number): GeoJsonGeometry {
  const r = (n: number) => Math.round(n * 1e6) / 1e6;
  return {
    type: 'Polygon',
    coordinates: [
      [
        [r(west), r(south)],
        [r(east), r(south)],
        [r(east), r(north)],
        [r(west), r(north)],
        [r(west), r(south)],
      ],
    ],
  };
}

function area(
  parent: AreaRow | null,
  code: string,
  name: string,
  level: NewArea['level'],
  box?: { west: number; south: number; east: number; north: number },
): NewArea {
  return {
    parentId: parent?.id ?? null,
    parentPath: parent?.path ?? null,
    code,
    name,
    level,
    kind: 'ordinary',
    boundary: box ? JSON.stringify(rectangle(box.west, box.south, box.east, box.north)) : null,
    centreLng: box ? Math.round(((box.west + box.east) / 2) * 1e6) / 1e6 : null,
    centreLat: box ? Math.round(((box.south + box.north) / 2) * 1e6) / 1e6 : null,
  };
}

const GRID_NAMES = ['东南网格', '东北网格', '西南网格', '西北网格'];

/**
 * Builds the demo village modelled on 星火村 (seeds/000): 1 village, 4 grids, 20 micro-grids and
 * row cells (埭) under 上海市 › 金山区 › 金山卫镇, and 287 workers and volunteers with accounts.
 * Deterministic for a seed. Later modules add the register, health and event data to it.
 */
export async function seedDemo(db: Kysely<DB>, options: DemoOptions): Promise<{ logins: DemoLogin[] }> {
  const random = new SeededRandom(options.seed ?? 20220401);
  const log = options.onStep ?? (() => undefined);
  const now = new Date();
  const passwordHash = await hashPassword(options.password);

  return db.transaction().execute(async (trx) => {
    const [city] = await insertAreas(trx, [area(null, DEMO_CODES.city, '上海市', 'city')], now);
    const [county] = await insertAreas(trx, [area(city!, DEMO_CODES.county, '金山区', 'county')], now);
    const [township] = await insertAreas(
      trx,
      [
        area(county!, DEMO_CODES.township, '金山卫镇', 'township', {
          west: 121.28,
          south: 30.69,
          east: 121.36,
          north: 30.75,
        }),
      ],
      now,
    );
    const [village] = await insertAreas(
      trx,
      [area(township!, DEMO_CODES.village, '星火村', 'village', VILLAGE_BOX)],
      now,
    );

    const { west, east, south, north } = VILLAGE_BOX;
    const midLng = (west + east) / 2;
    const midLat = (south + north) / 2;
    const gridBoxes = [
      { west: midLng, south, east, north: midLat },
      { west: midLng, south: midLat, east, north },
      { west, south, east: midLng, north: midLat },
      { west, south: midLat, east: midLng, north },
    ];
    const grids = await insertAreas(
      trx,
      gridBoxes.map((box, i) =>
        area(
          village!,
          `${DEMO_CODES.village}${String(i + 1).padStart(3, '0')}`,
          `星火村${GRID_NAMES[i]}`,
          'grid',
          box,
        ),
      ),
      now,
    );

    // Each grid is cut into five north–south strips (micro-grids), each strip into row cells (埭).
    const microDrafts: NewArea[] = [];
    grids.forEach((grid, g) => {
      const box = gridBoxes[g]!;
      const width = (box.east - box.west) / 5;
      for (let m = 0; m < 5; m++) {
        const microBox = {
          west: box.west + m * width,
          east: box.west + (m + 1) * width,
          south: box.south,
          north: box.north,
        };
        microDrafts.push(
          area(
            grid,
            `${grid.code}${String(m + 1).padStart(2, '0')}`,
            `${GRID_NAMES[g]!.slice(0, 2)}第${m + 1}微网格`,
            'microgrid',
            microBox,
          ),
        );
      }
    });
    const micros = await insertAreas(trx, microDrafts, now);

    const cellDrafts: NewArea[] = [];
    for (const micro of micros) {
      const parentBox = boxOf(micro);
      const rows = random.int(5, 7);
      const height = (parentBox.north - parentBox.south) / rows;
      for (let r = 0; r < rows; r++) {
        const box = {
          west: parentBox.west,
          east: parentBox.east,
          south: parentBox.south + r * height,
          north: parentBox.south + (r + 1) * height,
        };
        cellDrafts.push(
          area(
            micro,
            `${micro.code}${String(r + 1).padStart(2, '0')}`,
            `${micro.name.slice(0, 2)}${r + 1 + (micros.indexOf(micro) % 5) * 10}埭`,
            'cell',
            box,
          ),
        );
      }
    }
    const cells = await insertAreas(trx, cellDrafts, now);
    log({ step: 'areas', grids: grids.length, microGrids: micros.length, cells: cells.length });
    const register = await seedDemoRegister(trx, options.cipher, random, cells, village!, now);
    log({ step: 'register', ...register });
    const epidemic = await seedDemoEpidemic(trx, village!, now);
    log({ step: 'epidemic', tested: epidemic.tested });
    const rosters = await seedDemoRosters(trx, options.cipher, village!, now);
    log({ step: 'rosters', ...rosters });

    // 287 people with accounts, as in 星火村: 45 workers across the roles and 242 volunteers.
    const accounts: Array<{
      username: string;
      displayName: string;
      role: Role;
      area: AreaRow;
      categories?: string[];
    }> = [];
    const add = (
      username: string,
      role: Role,
      at: AreaRow,
      displayName = chineseName(random),
      categories?: string[],
    ) => accounts.push({ username, displayName, role, area: at, ...(categories ? { categories } : {}) });
    add('admin', 'admin', city!, '系统管理员');
    add('commander', 'commander', township!, '镇指挥中心');
    add('village_commander', 'commander', village!, '奚明芳');
    add('health01', 'department', township!, '镇卫健办', ['health']);
    add('police_dept01', 'department', township!, '镇派出所', ['police']);
    for (let i = 1; i <= 8; i++)
      add(`staff${String(i).padStart(2, '0')}`, 'community_staff', village!, i === 1 ? '陈斌杰' : undefined);
    grids.forEach((grid, g) => {
      const n = String(g + 1).padStart(2, '0');
      add(`leader${n}`, 'grid_leader', grid, g === 0 ? '计元飞' : undefined);
      add(`doctor${n}`, 'doctor', grid);
      add(`police${n}`, 'police', grid);
    });
    micros.forEach((micro, m) => add(`worker${String(m + 1).padStart(2, '0')}`, 'grid_worker', micro));
    for (let v = 1; accounts.length < 287; v++)
      add(`volunteer${String(v).padStart(3, '0')}`, 'volunteer', micros[(v - 1) % micros.length]!);

    const users = await repo.insertUsers(
      trx,
      accounts.map((a) => ({
        username: a.username,
        display_name: a.displayName,
        password_hash: passwordHash,
        must_change_password: !options.demoMode,
        created_at: now,
        updated_at: now,
      })),
    );
    const idOf = new Map(users.map((u) => [u.username, u.id]));
    await repo.insertRoleAssignments(
      trx,
      accounts.map((a) => ({
        user_id: idOf.get(a.username)!,
        role: a.role,
        area_id: a.area.id,
        categories: a.categories ?? [],
        created_at: now,
      })),
    );
    log({
      step: 'accounts',
      accounts: accounts.length,
      volunteers: accounts.filter((a) => a.role === 'volunteer').length,
    });

    const visits = await seedDemoVisits(trx, village!, now);
    log({ step: 'visits', visits });
    const services = await seedDemoCommunityServices(trx, {
      village: village!,
      cipher: options.cipher,
      random,
      now,
    });
    log({ step: 'services', ...services });
    const events = await seedDemoEvents(trx, { village: village!, now, random });
    log({ step: 'events', events: events.events, open: events.open });
    const geography = await seedDemoGeography(trx, village!, grids, cells, options.seed ?? 20220401, now);
    log({ step: 'geography', ...geography });
    const checkpoints = await seedDemoCheckpoints(trx, {
      village: village!,
      cipher: options.cipher,
      seed: options.seed ?? 20220401,
      now,
    });
    log({ step: 'checkpoints', ...checkpoints });
    await seedDemoCertificates(trx, {
      village: village!,
      staff: { id: idOf.get('staff01')!, username: 'staff01', displayName: '陈斌杰' },
      cipher: options.cipher,
      now,
    });
    const filings = await seedDemoFilings(trx, village!, now);
    log({ step: 'filings', ...filings });
    const inspections = await seedDemoInspections(trx, { village: village!, now, random });
    log({ step: 'inspections', ...inspections });

    await repo.recordDemoSeed(trx, {
      seed: options.seed ?? 20220401,
      village: DEMO_CODES.village,
      createdAt: now.toISOString(),
    });
    await recordAudit(
      trx,
      { viewer: DEMO_VIEWER, ip: null, now: () => now },
      {
        action: 'demo.seed',
        entityType: 'installation',
        after: { areas: 4 + grids.length + micros.length + cells.length, accounts: accounts.length },
      },
    );

    const firstOf = (role: Role) => accounts.find((a) => a.role === role)!;
    const logins = ROLES.map((role) => {
      const account = firstOf(role);
      return { role, username: account.username, displayName: account.displayName, area: account.area.name };
    });
    return { logins };
  });
}
