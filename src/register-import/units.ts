import type { Db } from '../auth/context.js';
import type { AreaLevel } from '../db/schema.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { phoneInClear } from '../privacy/protect.js';
import { parseCreditCode } from '../register/identity/credit-code.js';
import { normalisePhone } from '../register/protect.js';
import type { UnitField } from './columns.js';
import { type BatchCounts, column, type ImportContext, type RejectSink } from './context.js';
import {
  type AreaRef,
  type ArrayColumn,
  insertUnits,
  setContentHashes,
  type StoredUnit,
  unitsByKeys,
  updateUnits,
} from './repository.js';
import { CellProblem, integer, roundedCell, RowProblems, text, unitCategoryOf } from './values.js';

/** Units sit at a village/community or below, as when created through the API. */
const UNIT_LEVELS: readonly AreaLevel[] = ['village', 'grid', 'microgrid', 'cell'];

const UNIT_VALUE_COLUMNS = [
  'name',
  'category',
  'credit_code',
  'legal_person',
  'contact_name',
  'employees',
  'address',
] as const;
type UnitColumn = (typeof UNIT_VALUE_COLUMNS)[number];
const FIELD_OF: Record<UnitColumn, UnitField> = {
  name: 'name',
  category: 'category',
  credit_code: 'creditCode',
  legal_person: 'legalPerson',
  contact_name: 'contactName',
  employees: 'employees',
  address: 'address',
};

export interface UnitCandidate {
  row: number;
  gridCode: string;
  values: { [K in UnitColumn]: K extends 'name' | 'category' ? string : string | number | null | undefined };
  /** Normalised contact phone; null for an empty cell, undefined without the column. */
  phone: string | null | undefined;
  phoneHash: string | null | undefined;
  phoneMasked: string | null;
  contentHash: string;
}

type Row = Partial<Record<UnitField, string>>;

function optional<T>(
  row: Row,
  field: UnitField,
  parse: (value: string) => T | CellProblem,
): T | null | undefined | CellProblem {
  const value = row[field];
  if (value === undefined) return undefined;
  if (value.trim() === '') return null;
  return parse(value.trim());
}

/** Validates one unit row (no database): category word, credit code check character, phone. */
export function validateUnitRow(
  cipher: FieldCipher,
  row: Row,
  rowNumber: number,
): UnitCandidate | CellProblem[] {
  const problems = new RowProblems();
  const name = problems.take(text('name', row.name ?? '', 200));
  if (name === '') problems.add('name', 'required');
  const categoryCell = (row.category ?? '').trim();
  const category = categoryCell === '' ? undefined : unitCategoryOf(categoryCell);
  if (categoryCell === '') problems.add('category', 'required');
  else if (!category)
    problems.add('category', 'unknownWord', {
      value: categoryCell.slice(0, 20),
      allowed: '企业, 商铺, 学校, 工地, 酒店, 机关, 其他',
    });
  const gridCode = (row.gridCode ?? '').normalize('NFKC').trim();
  if (gridCode === '') problems.add('gridCode', 'required');
  else problems.take(roundedCell('gridCode', gridCode));
  const parsed = {
    name,
    category,
    credit_code: optional(row, 'creditCode', (v) => {
      const code = parseCreditCode(v);
      return code.ok
        ? code.value
        : (roundedCell('creditCode', v) ?? new CellProblem('creditCode', 'creditCode'));
    }),
    legal_person: optional(row, 'legalPerson', (v) => text('legalPerson', v, 100)),
    contact_name: optional(row, 'contactName', (v) => text('contactName', v, 100)),
    employees: optional(row, 'employees', (v) => integer('employees', v, 0, 10_000_000)),
    address: optional(row, 'address', (v) => text('address', v, 200)),
  };
  for (const value of Object.values(parsed)) problems.take(value);
  let phone: string | null | undefined;
  if (row.contactPhone !== undefined) {
    if (row.contactPhone.trim() === '') phone = null;
    else {
      const normalised = normalisePhone(row.contactPhone);
      if (normalised.ok) phone = normalised.value;
      else problems.add('contactPhone', 'phone');
    }
  }
  if (!problems.ok) return problems.list;
  const values = parsed as UnitCandidate['values'];
  const contact = phone ? phoneInClear(cipher, phone) : null;
  const hashed = [
    gridCode,
    phone === undefined ? '\u0001' : phone,
    ...UNIT_VALUE_COLUMNS.map((c) => values[c] ?? (values[c] === null ? null : '\u0001')),
  ];
  return {
    row: rowNumber,
    gridCode,
    values,
    phone,
    phoneHash: contact ? contact.hash : phone,
    phoneMasked: contact?.masked ?? null,
    contentHash: cipher.lookupHash('content', JSON.stringify(hashed)),
  };
}

/** Within one file a unit is named once: by its credit code, else by grid and name. */
export function unitKey(c: UnitCandidate): string {
  return c.values.credit_code
    ? `code:${String(c.values.credit_code)}`
    : `${c.gridCode}\u0000${c.values.name}`;
}

function same(a: unknown, b: unknown): boolean {
  return (a ?? null) === (b ?? null);
}

/** Stores one batch of units: matched by credit code, else by (area, name); compared, updated or inserted. */
export async function writeUnitBatch(
  db: Db,
  ctx: ImportContext,
  batch: readonly UnitCandidate[],
  reject: RejectSink,
): Promise<BatchCounts> {
  const counts: BatchCounts = { inserted: 0, updated: 0, unchanged: 0 };
  await ctx.areas.load(
    db,
    batch.map((c) => c.gridCode),
  );
  const placed: Array<{ c: UnitCandidate; area: AreaRef }> = [];
  for (const c of batch) {
    const area = ctx.areas.check(c.gridCode, UNIT_LEVELS);
    if (area instanceof CellProblem) reject(c.row, area);
    else placed.push({ c, area });
  }
  const codes = placed.flatMap((p) => (p.c.values.credit_code ? [String(p.c.values.credit_code)] : []));
  const named = placed
    .filter((p) => !p.c.values.credit_code)
    .map((p) => ({ areaId: p.area.id, name: p.c.values.name }));
  const stored = await unitsByKeys(db, codes, named);
  const byCode = new Map(stored.filter((u) => u.credit_code).map((u) => [u.credit_code!, u]));
  const byPlace = new Map(
    stored.filter((u) => !u.credit_code).map((u) => [`${u.area_id}\u0000${u.name}`, u]),
  );

  const columns = UNIT_VALUE_COLUMNS.filter((c) => ctx.present.has(FIELD_OF[c]));
  const withPhone = ctx.present.has('contactPhone');
  const inserts: typeof placed = [];
  const updates: Array<{ c: UnitCandidate; area: AreaRef; id: number; phoneChanged: boolean }> = [];
  const hashOnly: { ids: number[]; hashes: string[] } = { ids: [], hashes: [] };
  for (const p of placed) {
    const unit: StoredUnit | undefined = p.c.values.credit_code
      ? byCode.get(String(p.c.values.credit_code))
      : byPlace.get(`${p.area.id}\u0000${p.c.values.name}`);
    if (!unit) {
      inserts.push(p);
      continue;
    }
    if (unit.area_id !== p.area.id) {
      reject(p.c.row, new CellProblem('gridCode', 'unitAreaMismatch'));
      continue;
    }
    ctx.touched.add(p.area.path);
    const phoneChanged = withPhone && (p.c.phoneHash ?? null) !== unit.contact_phone_hash;
    const differs =
      unit.retired_at !== null ||
      phoneChanged ||
      columns.some((c) => p.c.values[c] !== undefined && !same(unit[c], p.c.values[c]));
    if (differs) updates.push({ ...p, id: unit.id, phoneChanged });
    else {
      counts.unchanged++;
      if (unit.content_hash !== p.c.contentHash) {
        hashOnly.ids.push(unit.id);
        hashOnly.hashes.push(p.c.contentHash);
      }
    }
  }

  const typeOf = (c: UnitColumn): ArrayColumn['type'] => (c === 'employees' ? 'int' : 'text');
  const phoneColumns = (rows: ReadonlyArray<{ c: UnitCandidate }>): ArrayColumn[] => [
    { name: 'contact_phone_hash', type: 'text', values: column(rows, (r) => r.c.phoneHash) },
    {
      name: 'contact_phone_masked',
      type: 'text',
      values: column(rows, (r) => r.c.phoneMasked),
    },
    {
      name: 'secret',
      type: 'text',
      values: column(rows, (r) => (r.c.phone ? ctx.cipher.encryptRecord({ contactPhone: r.c.phone }) : null)),
    },
  ];
  if (inserts.length > 0) {
    const arrays: ArrayColumn[] = [
      ...UNIT_VALUE_COLUMNS.map((c) => ({
        name: c,
        type: typeOf(c),
        values: column(inserts, (p) => p.c.values[c]),
      })),
      ...phoneColumns(inserts),
      { name: 'area_id', type: 'int', values: column(inserts, (p) => p.area.id) },
      { name: 'area_path', type: 'text', values: column(inserts, (p) => p.area.path) },
      { name: 'content_hash', type: 'text', values: column(inserts, (p) => p.c.contentHash) },
    ];
    counts.inserted += await insertUnits(db, arrays, ctx.at);
    for (const p of inserts) ctx.touched.add(p.area.path);
  }
  // Rows whose phone did not change are updated without the phone columns, which keep their values.
  const changedPhones = updates.filter((u) => u.phoneChanged);
  for (const group of [changedPhones, updates.filter((u) => !u.phoneChanged)]) {
    if (group.length === 0) continue;
    const arrays: ArrayColumn[] = [
      { name: 'id', type: 'int', values: column(group, (u) => u.id) },
      ...columns.map((c) => ({ name: c, type: typeOf(c), values: column(group, (u) => u.c.values[c]) })),
      ...(group === changedPhones ? phoneColumns(group) : []),
      { name: 'content_hash', type: 'text', values: column(group, (u) => u.c.contentHash) },
    ];
    counts.updated += await updateUnits(db, arrays, ctx.at);
  }
  await setContentHashes(db, 'units', hashOnly.ids, hashOnly.hashes);
  return counts;
}
