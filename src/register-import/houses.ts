import type { Db } from '../auth/context.js';
import { RESIDENT_LEVELS } from '../hierarchy/codes.js';
import type { HouseField } from './columns.js';
import { type BatchCounts, column, type ImportContext, type RejectSink } from './context.js';
import {
  type AreaRef,
  type ArrayColumn,
  housesByKeys,
  insertHouses,
  type StoredHouse,
  updateHouses,
} from './repository.js';
import {
  CellProblem,
  decimal,
  houseTenureOf,
  houseTypeOf,
  houseUseOf,
  integer,
  roundedCell,
  RowProblems,
  text,
} from './values.js';

const HOUSE_VALUE_COLUMNS = [
  'address',
  'address_code',
  'road',
  'door_number',
  'building',
  'unit_number',
  'room',
  'use',
  'tenure',
  'house_type',
  'rooms',
  'floor_area',
] as const;
type HouseColumn = (typeof HOUSE_VALUE_COLUMNS)[number];
const FIELD_OF: Record<HouseColumn, HouseField> = {
  address: 'address',
  address_code: 'addressCode',
  road: 'road',
  door_number: 'doorNumber',
  building: 'building',
  unit_number: 'unitNumber',
  room: 'room',
  use: 'use',
  tenure: 'tenure',
  house_type: 'houseType',
  rooms: 'rooms',
  floor_area: 'floorArea',
};

export interface HouseCandidate {
  row: number;
  gridCode: string;
  /** undefined: the file has no such column (keep what is stored). */
  values: { [K in HouseColumn]: K extends 'address' ? string : string | number | null | undefined };
}

type Row = Partial<Record<HouseField, string>>;

function optional<T>(
  row: Row,
  field: HouseField,
  parse: (value: string) => T | CellProblem,
): T | null | undefined | CellProblem {
  const value = row[field];
  if (value === undefined) return undefined;
  if (value.trim() === '') return null;
  return parse(value.trim());
}

function word<T>(field: HouseField, lookup: (value: string) => T | undefined, allowed: string) {
  return (value: string): T | CellProblem =>
    lookup(value) ?? new CellProblem(field, 'unknownWord', { value: value.slice(0, 20), allowed });
}

/** Validates one house row (no database). Use, tenure and type words must be known ones. */
export function validateHouseRow(row: Row, rowNumber: number): HouseCandidate | CellProblem[] {
  const problems = new RowProblems();
  const address = problems.take(text('address', row.address ?? '', 200));
  if (address === '') problems.add('address', 'required');
  const gridCode = (row.gridCode ?? '').normalize('NFKC').trim();
  if (gridCode === '') problems.add('gridCode', 'required');
  else problems.take(roundedCell('gridCode', gridCode));
  const parsed = {
    address,
    address_code: optional(row, 'addressCode', (v) =>
      /^[0-9A-Za-z]{6,40}$/.test(v)
        ? v.toUpperCase()
        : (roundedCell('addressCode', v) ?? new CellProblem('addressCode', 'addressCode')),
    ),
    road: optional(row, 'road', (v) => text('road', v, 100)),
    door_number: optional(row, 'doorNumber', (v) => text('doorNumber', v, 30)),
    building: optional(row, 'building', (v) => text('building', v, 30)),
    unit_number: optional(row, 'unitNumber', (v) => text('unitNumber', v, 30)),
    room: optional(row, 'room', (v) => text('room', v, 30)),
    use: optional(row, 'use', word('use', houseUseOf, '住宅, 商业, 商住, 工业, 公共, 其他')),
    tenure: optional(row, 'tenure', word('tenure', houseTenureOf, '自有, 出租, 公房, 集体, 其他')),
    house_type: optional(
      row,
      'houseType',
      word('houseType', houseTypeOf, '平房, 楼房, 别墅, 宿舍, 商铺, 其他'),
    ),
    rooms: optional(row, 'rooms', (v) => integer('rooms', v, 0, 500)),
    floor_area: optional(row, 'floorArea', (v) => decimal('floorArea', v, 0, 1_000_000)),
  };
  for (const value of Object.values(parsed)) problems.take(value);
  if (!problems.ok) return problems.list;
  return { row: rowNumber, gridCode, values: parsed as HouseCandidate['values'] };
}

/** Within one file a house is named once: by its address code, else by grid and address. */
export function houseKey(c: HouseCandidate): string {
  return c.values.address_code
    ? `code:${String(c.values.address_code)}`
    : `${c.gridCode}\u0000${c.values.address}`;
}

function same(a: unknown, b: unknown): boolean {
  if (typeof b === 'number' && a !== null && a !== undefined) return Number(a) === b;
  return (a ?? null) === (b ?? null);
}

/**
 * Stores one batch of houses: matched by address code (unique) or by (area, address);
 * a match whose fields differ is updated, equal ones are unchanged, the rest inserted.
 */
export async function writeHouseBatch(
  db: Db,
  ctx: ImportContext,
  batch: readonly HouseCandidate[],
  reject: RejectSink,
): Promise<BatchCounts> {
  const counts: BatchCounts = { inserted: 0, updated: 0, unchanged: 0 };
  await ctx.areas.load(
    db,
    batch.map((c) => c.gridCode),
  );
  const placed: Array<{ c: HouseCandidate; area: AreaRef }> = [];
  for (const c of batch) {
    const area = ctx.areas.check(c.gridCode, RESIDENT_LEVELS);
    if (area instanceof CellProblem) reject(c.row, area);
    else placed.push({ c, area });
  }
  const codes = placed.flatMap((p) => (p.c.values.address_code ? [String(p.c.values.address_code)] : []));
  const stored = await housesByKeys(
    db,
    codes,
    placed.map((p) => ({ areaId: p.area.id, address: p.c.values.address })),
  );
  const byCode = new Map(stored.filter((h) => h.address_code).map((h) => [h.address_code!, h]));
  const byPlace = new Map(
    stored.filter((h) => !h.retired_at).map((h) => [`${h.area_id}\u0000${h.address}`, h]),
  );

  const columns = HOUSE_VALUE_COLUMNS.filter((c) => ctx.present.has(FIELD_OF[c]));
  const inserts: typeof placed = [];
  const updates: Array<{ c: HouseCandidate; area: AreaRef; id: number }> = [];
  const newPlaces = new Map<string, number>();
  for (const p of placed) {
    const code = p.c.values.address_code ? String(p.c.values.address_code) : undefined;
    const atPlace = byPlace.get(`${p.area.id}\u0000${p.c.values.address}`);
    let house: StoredHouse | undefined = code ? byCode.get(code) : atPlace;
    if (code && !house && atPlace) {
      if (atPlace.address_code) {
        reject(
          p.c.row,
          new CellProblem('address', 'addressTaken', { code: atPlace.address_code, area: p.area.code }),
        );
        continue;
      }
      house = atPlace;
    }
    if (!house) {
      const placeKey = `${p.area.id}\u0000${p.c.values.address}`;
      if (newPlaces.has(placeKey)) {
        reject(
          p.c.row,
          new CellProblem('address', 'duplicateInFile', { row: newPlaces.get(placeKey) ?? null }),
        );
        continue;
      }
      newPlaces.set(placeKey, p.c.row);
      inserts.push(p);
      continue;
    }
    if (house.area_id !== p.area.id) {
      reject(p.c.row, new CellProblem('gridCode', 'houseAreaMismatch'));
      continue;
    }
    ctx.touched.add(p.area.path);
    const differs =
      house.retired_at !== null ||
      columns.some((c) => p.c.values[c] !== undefined && !same(house[c], p.c.values[c]));
    if (differs) updates.push({ ...p, id: house.id });
    else counts.unchanged++;
  }

  const typeOf = (c: HouseColumn): ArrayColumn['type'] =>
    c === 'rooms' ? 'int' : c === 'floor_area' ? 'numeric' : 'text';
  if (inserts.length > 0) {
    const arrays: ArrayColumn[] = [
      ...HOUSE_VALUE_COLUMNS.map((c) => ({
        name: c,
        type: typeOf(c),
        values: column(inserts, (p) => p.c.values[c]),
      })),
      { name: 'area_id', type: 'int', values: column(inserts, (p) => p.area.id) },
      { name: 'area_path', type: 'text', values: column(inserts, (p) => p.area.path) },
    ];
    counts.inserted += await insertHouses(db, arrays, ctx.at);
    for (const p of inserts) ctx.touched.add(p.area.path);
  }
  if (updates.length > 0) {
    const arrays: ArrayColumn[] = [
      { name: 'id', type: 'int', values: column(updates, (u) => u.id) },
      ...columns.map((c) => ({ name: c, type: typeOf(c), values: column(updates, (u) => u.c.values[c]) })),
    ];
    counts.updated += await updateHouses(db, arrays, ctx.at);
  }
  return counts;
}
