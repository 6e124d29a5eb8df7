import { can } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import { personsRegistered } from '../register/person-hooks.js';
import { RESIDENT_LEVELS } from '../hierarchy/codes.js';
import {
  type AreaRef,
  type ArrayColumn,
  housesAt,
  insertPersons,
  personsByDocumentHash,
  setContentHashes,
  type StoredPerson,
  updatePersons,
} from './repository.js';
import { type BatchCounts, column, type ImportContext, type RejectSink } from './context.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { numberCarriesBirthDate } from '../register/identity/documents.js';
import { protectPerson, revealPerson } from '../register/protect.js';
import { PERSON_VALUE_COLUMNS, type PersonCandidate, type PersonValues } from './person-rows.js';
import { CellProblem } from './values.js';

/** A valid row placed in its area (and house). */
interface Placed {
  c: PersonCandidate;
  area: AreaRef;
  houseId: number | null | undefined;
  values: PersonValues;
}

interface Change {
  p: Placed;
  stored: StoredPerson;
  /** The encrypted record to store when the phone or birth date changed, with its hashes and masks. */
  secrets: ReturnType<typeof protectPerson> | null;
  houseId: number | null;
  kind: 'updated' | 'changed_area' | 'returned';
  changes: Record<string, { from: unknown; to: unknown }>;
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return (a ?? null) === (b ?? null);
}

/** Places the batch's rows: area by code (in scope, at a resident level), house by address in that area. */
async function place(
  db: Db,
  ctx: ImportContext,
  batch: readonly PersonCandidate[],
  reject: RejectSink,
): Promise<Placed[]> {
  await ctx.areas.load(
    db,
    batch.map((c) => c.gridCode),
  );
  const placed: Placed[] = [];
  const wanted: Array<{ areaId: number; address: string }> = [];
  for (const c of batch) {
    const area = ctx.areas.check(c.gridCode, RESIDENT_LEVELS);
    if (area instanceof CellProblem) {
      reject(c.row, area);
      continue;
    }
    placed.push({ c, area, houseId: c.houseAddress === undefined ? undefined : null, values: c.values });
    if (c.houseAddress) wanted.push({ areaId: area.id, address: c.houseAddress });
  }
  if (wanted.length === 0) return placed;
  const houses = new Map((await housesAt(db, wanted)).map((h) => [`${h.area_id}\u0000${h.address}`, h.id]));
  return placed.filter((p) => {
    if (!p.c.houseAddress) return true;
    const id = houses.get(`${p.area.id}\u0000${p.c.houseAddress}`);
    if (id === undefined) {
      reject(p.c.row, new CellProblem('houseAddress', 'houseNotFound', { area: p.area.code }));
      return false;
    }
    p.houseId = id;
    // As when registering through the API: living in a house means living at its address.
    if (!p.values.current_address) p.values = { ...p.values, current_address: p.c.houseAddress };
    return true;
  });
}

/** What differs between the stored person and the row; secrets are named, never shown. */
function compare(
  cipher: FieldCipher,
  p: Placed,
  stored: StoredPerson,
  columns: ReturnType<typeof updatableColumns>,
): Change | null {
  const changes: Change['changes'] = {};
  for (const name of columns.set) {
    const next = p.values[name];
    // An import never clears a sex or birth date (passport rows without those columns).
    if (next === undefined || (next === null && columns.keep.includes(name))) continue;
    if (!same(stored[name], next)) changes[name] = { from: stored[name], to: next };
  }
  const phoneChanged = p.c.phone !== undefined && p.c.secrets.phone_hash !== stored.phone_hash;
  if (phoneChanged)
    changes.phone = { from: stored.phone_hash ? 'previous' : null, to: p.c.phone ? 'new' : null };
  // The birth date is only in the encrypted record: read it when the row gives one that a
  // document number does not fix (passports, permits). An empty cell keeps the stored date.
  let secrets: Change['secrets'] = null;
  const storedSecrets =
    phoneChanged || (p.c.birthDate && !numberCarriesBirthDate(p.c.documentType))
      ? revealPerson(cipher, stored.secret)
      : null;
  const birthDate = p.c.birthDate ?? storedSecrets?.birthDate ?? null;
  if (storedSecrets && birthDate !== storedSecrets.birthDate)
    changes.birthDate = { from: storedSecrets.birthDate ? 'previous' : null, to: 'new' };
  if (storedSecrets && (phoneChanged || changes.birthDate)) {
    secrets = protectPerson(cipher, p.c.documentType, {
      documentNumber: p.c.documentNumber,
      phone: phoneChanged ? (p.c.phone ?? null) : storedSecrets.phone,
      birthDate,
    });
  }
  const moved = stored.area_id !== p.area.id;
  const houseId = p.houseId !== undefined ? p.houseId : moved ? null : stored.house_id;
  if (moved) changes.area_id = { from: stored.area_id, to: p.area.id };
  if (houseId !== stored.house_id) changes.house_id = { from: stored.house_id, to: houseId };
  if (stored.status !== 'active') changes.status = { from: stored.status, to: 'active' };
  if (Object.keys(changes).length === 0) return null;
  const kind =
    stored.status !== 'active'
      ? 'returned'
      : moved || houseId !== stored.house_id
        ? 'changed_area'
        : 'updated';
  return { p, stored, secrets, houseId, kind, changes };
}

const FIELD_OF: Record<(typeof PERSON_VALUE_COLUMNS)[number], string> = {
  name: 'name',
  sex: 'sex',
  birth_year: 'birthDate',
  region_code: 'documentNumber',
  hukou_address: 'hukouAddress',
  current_address: 'currentAddress',
  residence_type: 'residenceType',
  relation: 'relation',
  arrival_date: 'arrivalDate',
  arrival_reason: 'arrivalReason',
  arrived_from: 'arrivedFrom',
  expected_departure: 'expectedDeparture',
  workplace: 'workplace',
  tags: 'tags',
};

/**
 * Columns an update of this file sets: those it has a column for, plus sex and birth date
 * (from the ID number) and the current address when a house is linked. `keep` lists those
 * whose null means "keep the stored value": the same rule `compare` applies.
 */
export function updatableColumns(present: ReadonlySet<string>) {
  const set = PERSON_VALUE_COLUMNS.filter(
    (name) =>
      present.has(FIELD_OF[name]) ||
      name === 'sex' ||
      name === 'birth_year' ||
      (name === 'current_address' && present.has('houseAddress')),
  );
  const keep = ['sex', 'birth_year', ...(present.has('currentAddress') ? [] : ['current_address'])];
  return { set, keep };
}

function valueColumns(
  rows: readonly { values: PersonValues }[],
  names: readonly (typeof PERSON_VALUE_COLUMNS)[number][],
  insert: boolean,
): ArrayColumn[] {
  return names.map((name) => ({
    name,
    type:
      name === 'birth_year'
        ? 'int'
        : name === 'arrival_date' || name === 'expected_departure'
          ? 'date'
          : 'text',
    values: column(rows, (r): string | null | undefined => {
      const v = r.values[name];
      if (Array.isArray(v)) return v.join(',');
      if (typeof v === 'number') return String(v);
      return name === 'sex' && insert ? (v ?? 'unknown') : v;
    }),
  }));
}

/**
 * Stores one batch of valid person rows in the caller's transaction: new documents are
 * inserted (history 'registered'), known ones compared field by field and updated only when
 * something differs (history 'updated', 'changed_area' or 'returned' naming the changed
 * fields), the rest counted unchanged. Encrypts only what is written.
 */
export async function writePersonBatch(
  db: Db,
  ctx: ImportContext,
  batch: readonly PersonCandidate[],
  reject: RejectSink,
): Promise<BatchCounts> {
  const counts: BatchCounts = { inserted: 0, updated: 0, unchanged: 0 };
  const placed = await ctx.phases.time('place', () => place(db, ctx, batch, reject));
  if (placed.length === 0) return counts;
  const meta = { at: ctx.at, actorName: ctx.actorName, source: ctx.source };

  // Insert first: rows whose document is already registered come back and are compared below.
  const secrets = placed.map((p) => p.c.secrets);
  const insertStarted = performance.now();
  const known = await insertPersons(
    db,
    [
      { name: 'document_type', type: 'text', values: column(placed, (p) => p.c.documentType) },
      { name: 'document_hash', type: 'text', values: column(secrets, (r) => r.document_hash) },
      { name: 'document_masked', type: 'text', values: column(secrets, (r) => r.document_masked) },
      { name: 'phone_hash', type: 'text', values: column(secrets, (r) => r.phone_hash) },
      { name: 'phone_masked', type: 'text', values: column(secrets, (r) => r.phone_masked) },
      { name: 'secret', type: 'text', values: column(secrets, (r) => r.secret) },
      ...valueColumns(placed, PERSON_VALUE_COLUMNS, true),
      { name: 'area_id', type: 'int', values: column(placed, (p) => p.area.id) },
      { name: 'area_path', type: 'text', values: column(placed, (p) => p.area.path) },
      { name: 'house_id', type: 'int', values: column(placed, (p) => p.houseId) },
      { name: 'content_hash', type: 'text', values: column(placed, (p) => p.c.contentHash) },
    ],
    meta,
  );
  ctx.phases.add('insert', insertStarted);
  counts.inserted = placed.length - known.length;
  // Health records that arrived before these persons were registered (or moved here) find them now.
  await ctx.phases.time('hooks', () =>
    personsRegistered(db, { documentHashes: placed.map((p) => p.c.documentHash) }, ctx.at),
  );
  const existingRows = known.map((i) => placed[i]!);
  for (const p of placed) ctx.touched.add(p.area.path);
  if (existingRows.length === 0) return counts;

  const stored = new Map(
    (
      await personsByDocumentHash(
        db,
        existingRows.map((p) => p.c.documentHash),
      )
    ).map((s) => [s.document_hash, s]),
  );
  const updatable = updatableColumns(ctx.present);
  const changes: Change[] = [];
  const hashOnly: { ids: number[]; hashes: string[] } = { ids: [], hashes: [] };
  for (const p of existingRows) {
    const existing = stored.get(p.c.documentHash);
    // Conflicted on insert but gone now: deleted at the same moment.
    if (!existing) throw new ConcurrentChangeError();
    // Taking over someone who lives in an area the importer may not change is for that area's worker.
    if (
      existing.status === 'active' &&
      existing.area_path &&
      existing.area_id !== p.area.id &&
      !can(ctx.actor.viewer, 'person.write', existing.area_path)
    ) {
      reject(p.c.row, new CellProblem('documentNumber', 'registeredElsewhere'));
      continue;
    }
    const change = compare(ctx.cipher, p, existing, updatable);
    if (change) changes.push(change);
    else {
      counts.unchanged++;
      if (existing.content_hash !== p.c.contentHash) {
        hashOnly.ids.push(existing.id);
        hashOnly.hashes.push(p.c.contentHash);
      }
    }
  }

  if (changes.length > 0) {
    const rows = changes.map((ch) => ({ ...ch, values: ch.p.values }));
    const phones = changes.map((ch) => ch.secrets);
    const columns: ArrayColumn[] = [
      { name: 'id', type: 'int', values: column(changes, (ch) => ch.stored.id) },
      ...valueColumns(rows, updatable.set, false),
      { name: 'area_id', type: 'int', values: column(changes, (ch) => ch.p.area.id) },
      { name: 'area_path', type: 'text', values: column(changes, (ch) => ch.p.area.path) },
      { name: 'house_id', type: 'int', values: column(changes, (ch) => ch.houseId) },
      { name: 'content_hash', type: 'text', values: column(changes, (ch) => ch.p.c.contentHash) },
      { name: 'secret_changed', type: 'bool', values: column(changes, (ch) => ch.secrets !== null) },
      { name: 'phone_hash', type: 'text', values: column(phones, (r) => r?.phone_hash) },
      { name: 'phone_masked', type: 'text', values: column(phones, (r) => r?.phone_masked) },
      { name: 'secret', type: 'text', values: column(phones, (r) => r?.secret) },
    ];
    const history: ArrayColumn[] = [
      { name: 'person_id', type: 'int', values: column(changes, (ch) => ch.stored.id) },
      { name: 'kind', type: 'text', values: column(changes, (ch) => ch.kind) },
      { name: 'from_area_id', type: 'int', values: column(changes, (ch) => ch.stored.area_id) },
      { name: 'to_area_id', type: 'int', values: column(changes, (ch) => ch.p.area.id) },
      { name: 'from_house_id', type: 'int', values: column(changes, (ch) => ch.stored.house_id) },
      { name: 'to_house_id', type: 'int', values: column(changes, (ch) => ch.houseId) },
      { name: 'changes', type: 'jsonb', values: column(changes, (ch) => JSON.stringify(ch.changes)) },
    ];
    counts.updated += await updatePersons(db, columns, history, meta, updatable.keep);
  }
  await setContentHashes(db, 'persons', hashOnly.ids, hashOnly.hashes);
  return counts;
}

/** Another registration of the same person committed between this batch's read and write. */
export class ConcurrentChangeError extends Error {
  constructor() {
    super('persons in this batch were registered by someone else at the same moment');
    this.name = 'ConcurrentChangeError';
  }
}
