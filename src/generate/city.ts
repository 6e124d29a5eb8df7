import type { Db } from '../auth/context.js';
import { SeededRandom, chineseName } from '../core/random.js';
import { type AreaRow, insertAreas, type NewArea } from '../hierarchy/repository.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { residentIdCheckCharacter } from '../register/identity/identity-number.js';
import { protectPerson } from '../register/protect.js';
import { analyzePersonsAndAreas, type GeneratedPersonColumns, insertGeneratedPersons } from './repository.js';

export interface CityOptions {
  persons: number;
  grids: number;
  seed: number;
  /** Called as persons are stored: (done, total). */
  onProgress?: (done: number, total: number) => void;
}

export interface GeneratedCity {
  city: AreaRow;
  grids: AreaRow[];
  persons: number;
}

/** Source regions of the synthetic population (GB/T 2260 county codes across provinces). */
const REGIONS = [
  '420502',
  '420503',
  '420504',
  '420505',
  '420506',
  '420525',
  '420526',
  '420527',
  '420528',
  '420529',
  '420581',
  '420582',
  '420583',
  '110105',
  '310116',
  '440304',
  '510107',
  '330106',
  '320102',
  '350203',
];
const BATCH = 5000;

/**
 * A synthetic resident ID number for person `index`: valid (date and check character) and unique,
 * because index ↦ (region, birth day, sequence) is one-to-one; ages spread over 82 years.
 */
export function syntheticIdNumber(index: number): string {
  const region = REGIONS[index % REGIONS.length]!;
  const k = Math.floor(index / REGIONS.length);
  const half = Math.floor(k / 2);
  const day = half % 30000;
  const sequence = 2 * Math.floor(half / 30000) + 1 + (k % 2);
  if (sequence > 999) throw new Error('Too many synthetic persons for unique ID numbers');
  const birth = new Date(Date.UTC(1940, 0, 1) + day * 86_400_000);
  const date = birth.toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `${region}${date}${String(sequence).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}

/**
 * Builds a city-sized register for benchmarks: 宜昌市 › counties › townships › villages (10 each)
 * › `grids` unit grids, and `persons` residents spread evenly over the grids, with valid,
 * unique ID numbers, encrypted and hashed like real ones. Deterministic for a seed.
 */
export async function generateCity(
  db: Db,
  cipher: FieldCipher,
  options: CityOptions,
): Promise<GeneratedCity> {
  const random = new SeededRandom(options.seed);
  const now = new Date();
  const villagesNeeded = Math.max(1, Math.ceil(options.grids / 10));
  const townshipsNeeded = Math.max(1, Math.ceil(villagesNeeded / 10));
  const countiesNeeded = Math.max(1, Math.ceil(townshipsNeeded / 10));
  if (countiesNeeded > 99) throw new Error('At most 99 counties (99,000 grids) per generated city');
  const draft = (parent: AreaRow | null, code: string, name: string, level: NewArea['level']): NewArea => ({
    parentId: parent?.id ?? null,
    parentPath: parent?.path ?? null,
    code,
    name,
    level,
    kind: 'ordinary',
    boundary: null,
    centreLng: null,
    centreLat: null,
  });
  const insertAll = async (drafts: NewArea[]) => {
    const rows: AreaRow[] = [];
    for (let i = 0; i < drafts.length; i += BATCH)
      rows.push(...(await insertAreas(db, drafts.slice(i, i + BATCH), now)));
    return rows;
  };
  const cityCode = `42${String(random.int(10, 89))}00`;
  const [city] = await insertAll([draft(null, cityCode, '合成市', 'city')]);
  const counties = await insertAll(
    Array.from({ length: countiesNeeded }, (_, i) =>
      draft(city!, `${cityCode.slice(0, 4)}${String(i + 1).padStart(2, '0')}`, `第${i + 1}区`, 'county'),
    ),
  );
  const townships = await insertAll(
    Array.from({ length: townshipsNeeded }, (_, i) => {
      const county = counties[Math.floor(i / 10)]!;
      return draft(
        county,
        `${county.code}${String((i % 10) + 1).padStart(3, '0')}`,
        `${county.name}第${(i % 10) + 1}街道`,
        'township',
      );
    }),
  );
  const villages = await insertAll(
    Array.from({ length: villagesNeeded }, (_, i) => {
      const township = townships[Math.floor(i / 10)]!;
      return draft(
        township,
        `${township.code}${String((i % 10) + 1).padStart(3, '0')}`,
        `${township.name}第${(i % 10) + 1}社区`,
        'village',
      );
    }),
  );
  const grids = await insertAll(
    Array.from({ length: options.grids }, (_, i) => {
      const village = villages[Math.floor(i / 10)]!;
      return draft(
        village,
        `${village.code}${String((i % 10) + 1).padStart(3, '0')}`,
        `${village.name}第${(i % 10) + 1}网格`,
        'grid',
      );
    }),
  );

  for (let start = 0; start < options.persons; start += BATCH) {
    const count = Math.min(BATCH, options.persons - start);
    const columns: GeneratedPersonColumns = {
      area_id: [],
      area_path: [],
      secret: [],
      document_hash: [],
      document_masked: [],
      phone_hash: [],
      phone_masked: [],
      name: [],
      sex: [],
      birth_year: [],
      region_code: [],
    };
    for (let i = start; i < start + count; i++) {
      const grid = grids[i % grids.length]!;
      const id = syntheticIdNumber(i);
      const phone = random.chance(0.85)
        ? `1${random.pick(['3', '5', '7', '8', '9'])}${String(random.int(0, 999999999)).padStart(9, '0')}`
        : null;
      const protectedColumns = protectPerson(cipher, 'resident_id', { documentNumber: id, phone });
      columns.area_id.push(grid.id);
      columns.area_path.push(grid.path);
      columns.secret.push(protectedColumns.secret);
      columns.document_hash.push(protectedColumns.document_hash);
      columns.document_masked.push(protectedColumns.document_masked);
      columns.phone_hash.push(protectedColumns.phone_hash);
      columns.phone_masked.push(protectedColumns.phone_masked);
      columns.name.push(chineseName(random));
      columns.sex.push(Number(id[16]) % 2 === 1 ? 'male' : 'female');
      columns.birth_year.push(protectedColumns.birth_year);
      columns.region_code.push(id.slice(0, 6));
    }
    await insertGeneratedPersons(db, columns, now);
    options.onProgress?.(start + count, options.persons);
  }
  await analyzePersonsAndAreas(db);
  return { city: city!, grids, persons: options.persons };
}
