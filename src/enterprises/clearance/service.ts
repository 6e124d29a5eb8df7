import type { Actor, Db } from '../../auth/context.js';
import { can } from '../../auth/scope.js';
import { recordAudit } from '../../audit/repository.js';
import { invalid, notFound } from '../../core/errors.js';
import { healthStatuses } from '../../health/status/service.js';
import type { HealthReason, HealthReasonCode, PersonHealthStatus } from '../../health/status/schema.js';
import type { Locale } from '../../i18n/locale.js';
import { assertMappingComplete, defineColumns, mapHeaders, mapRow } from '../../imports/columns.js';
import type { EncodingOption } from '../../imports/encoding.js';
import { localizeRejects, RejectCollector, type RowReject, writeRejectsXlsx } from '../../imports/report.js';
import { openTable } from '../../imports/table-reader.js';
import type { TableSource } from '../../imports/table-types.js';
import type { FieldCipher } from '../../privacy/field-crypto.js';
import { maskIdNumber, maskName, maskPhone } from '../../privacy/masking.js';
import { documentHash } from '../../privacy/protect.js';
import { normaliseIdInput, parseResidentIdNumber } from '../../register/identity/identity-number.js';
import { normalisePhone } from '../../register/protect.js';
import { findUnitInScope, type UnitRow } from '../../register/repository.js';
import { CellProblem, RowProblems } from '../../register-import/values.js';
import * as repo from './repository.js';
import type {
  ClearanceAction,
  ClearanceAreaCounts,
  ClearanceCounts,
  ClearanceStatus,
  EmployeeApplicationBody,
  EmployeeApplicationResult,
  Roster,
  RosterUploadView,
  StaffRoster,
} from './schema.js';

/** A clearance asks for a negative test this recent (the "recent test"). */
export const CLEARANCE_TEST_WITHIN_HOURS = 72;
/** The most data rows one roster file may hold, and its largest size. */
export const MAX_ROSTER_ROWS = 10_000;
export const MAX_ROSTER_BYTES = 5 * 1024 * 1024;
/** Rejects kept per upload (the report and rejects.xlsx); rejectedTotal counts them all. */
const MAX_REJECTS = 1_000;

/**
 * What each health reason asks the employee to do. The reasons stay with health staff; the
 * enterprise and the employee see only these. `null`: the reason asks nothing (shown to staff only).
 */
export const REASON_ACTIONS: Readonly<Record<HealthReasonCode, ClearanceAction | null>> = {
  HEALTH_CODE_RED: 'contactCommunity',
  TEST_POSITIVE: 'contactCommunity',
  KEY_PERSON_QUARANTINE: 'contactCommunity',
  HEALTH_CODE_YELLOW: 'contactCommunity',
  HEALTH_CODE_UNKNOWN: 'updateHealthCode',
  HEALTH_CODE_STALE: 'updateHealthCode',
  TEST_MISSING_IN_WINDOW: 'getTested',
  RISK_AREA_ARRIVAL: 'waitMonitoringEnd',
  KEY_PERSON: 'waitMonitoringEnd',
  FEVER_RECENT: 'seeDoctor',
  NO_VACCINATION: null,
};

const STATUS_OF_VERDICT = { green: 'cleared', amber: 'pending', red: 'refused' } as const;

export interface Clearance {
  status: ClearanceStatus;
  actions: ClearanceAction[];
  /** The health reasons behind it: for staff with health.read only. */
  reasons: HealthReason[];
}

/**
 * An employee's clearance from the shared health verdict (one definition of red and amber):
 * green → cleared, amber → pending, red → refused; someone not in the register is pending until
 * registered at the community.
 */
export function clearanceOf(status: PersonHealthStatus | undefined): Clearance {
  if (!status) return { status: 'pending', actions: ['registerAtCommunity'], reasons: [] };
  const actions = new Set<ClearanceAction>();
  for (const r of status.reasons) {
    const action = REASON_ACTIONS[r.code];
    if (action && r.severity !== 'info') actions.add(action);
  }
  return { status: STATUS_OF_VERDICT[status.verdict], actions: [...actions].sort(), reasons: status.reasons };
}

/** The clearance of many register persons at once: the health-status service's two statements. */
export async function clearances(db: Db, personIds: readonly number[], now: Date) {
  const statuses = await healthStatuses(db, personIds, now, { testWithinHours: CLEARANCE_TEST_WITHIN_HOURS });
  return (personId: number | null) => clearanceOf(personId === null ? undefined : statuses.get(personId));
}

function countsOf(statuses: readonly ClearanceStatus[]): ClearanceCounts {
  const counts: ClearanceCounts = { total: statuses.length, cleared: 0, pending: 0, refused: 0 };
  for (const s of statuses) counts[s]++;
  return counts;
}

// ---- the roster file ----

export const ROSTER_COLUMNS = defineColumns({
  name: { labels: ['姓名', '员工姓名', '名字', 'name', 'full name'], required: true },
  idNumber: {
    labels: ['身份证号', '身份证号码', '证件号码', '公民身份号码', '身份证', 'idNumber', 'id number'],
    required: true,
  },
  phone: { labels: ['手机号', '手机号码', '联系电话', '电话', 'phone', 'mobile'] },
});

interface RosterCandidate {
  row: number;
  name: string;
  documentNumber: string;
  phone: string | null;
  hash: string;
}

// eslint-disable-next-line no-control-regex -- a name from a spreadsheet cell may hold them
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Names compare without spaces, in one width (全角/半角) and one middle dot. */
const nameKey = (name: string) =>
  name
    .normalize('NFKC')
    .replace(/[\s\u3000]/g, '')
    .replace(/[·•‧・]/g, '·');

/** One employee's name, ID number and phone checked; every problem of the row listed. */
export function validateEmployee(
  cipher: FieldCipher,
  fields: Partial<Record<'name' | 'idNumber' | 'phone', string>>,
  row: number,
  now: Date,
): RosterCandidate | CellProblem[] {
  const problems = new RowProblems();
  const name = (fields.name ?? '').trim();
  if (name === '') problems.add('name', 'required');
  else if (name.length > 50) problems.add('name', 'maxLength', { max: 50 });
  else if (CONTROL.test(name)) problems.add('name', 'controlChars');
  let documentNumber = '';
  const parsed = parseResidentIdNumber(normaliseIdInput(fields.idNumber ?? ''), { today: now });
  if (parsed.ok) documentNumber = parsed.value.number;
  else problems.add('idNumber', parsed.problem, parsed.params);
  let phone: string | null = null;
  const phoneText = fields.phone?.trim() ?? '';
  if (phoneText !== '') {
    const normalised = normalisePhone(phoneText);
    if (normalised.ok) phone = normalised.value;
    else problems.add('phone', 'phone');
  }
  if (!problems.ok) return problems.list;
  return { row, name, documentNumber, phone, hash: documentHash(cipher, 'resident_id', documentNumber) };
}

function employeeRow(
  cipher: FieldCipher,
  unit: UnitRow,
  c: RosterCandidate,
  source: 'roster' | 'application',
  uploadId: number | null,
  now: Date,
) {
  return {
    unit_id: unit.id,
    area_path: unit.area_path,
    document_hash: c.hash,
    document_masked: maskIdNumber(c.documentNumber),
    name_masked: maskName(c.name),
    phone_masked: c.phone === null ? null : maskPhone(c.phone),
    secret: cipher.encryptRecord({
      name: c.name,
      documentNumber: c.documentNumber,
      ...(c.phone !== null ? { phone: c.phone } : {}),
    }),
    source,
    upload_id: uploadId,
    created_at: now,
    updated_at: now,
  };
}

/**
 * What an upload changes on the unit's roster. `changed`: the uploaded employees whose row is new
 * or differs: not yet listed, an application the roster now lists, or a name, ID number or phone
 * that differs (or a row encrypted under an older key). `dropped`: the ID-number hashes of roster
 * rows (not applications) the file no longer lists. Rows that stay as they are keep their row
 * (and the upload that last wrote it), so the same file again writes nothing: one read of the
 * unit's rows and a decryption instead of a new encrypted row per employee.
 */
function rosterChanges(
  cipher: FieldCipher,
  storedRows: repo.StoredEmployee[],
  kept: readonly RosterCandidate[],
): { changed: RosterCandidate[]; dropped: string[] } {
  const stored = new Map(storedRows.map((r) => [r.document_hash, r]));
  const listed = new Set(kept.map((c) => c.hash));
  const dropped = [...stored.values()]
    .filter((r) => r.source === 'roster' && !listed.has(r.document_hash))
    .map((r) => r.document_hash);
  const changed = kept.filter((c) => {
    const row = stored.get(c.hash);
    if (
      !row ||
      row.source !== 'roster' ||
      row.name_masked !== maskName(c.name) ||
      row.document_masked !== maskIdNumber(c.documentNumber) ||
      row.phone_masked !== (c.phone === null ? null : maskPhone(c.phone)) ||
      cipher.needsReencryption(row.secret)
    )
      return true;
    const before = cipher.decryptRecord(row.secret);
    return (
      before.name !== c.name ||
      before.documentNumber !== c.documentNumber ||
      (before.phone ?? null) !== c.phone
    );
  });
  return { changed, dropped };
}

export interface RosterUploadInput {
  file: TableSource;
  fileName: string;
  encoding?: EncodingOption | undefined;
  sheet?: string | undefined;
}

/**
 * Replaces the enterprise's roster by an uploaded XLSX/CSV (UTF-8 or GBK): every row checked
 * (name, GB 11643 ID number, phone), matched to the register by the keyed hash of the ID number,
 * a name that differs from the register's rejected. The rows kept replace the earlier uploads'
 * (employees no longer listed are taken off; own applications stay); the same file again changes
 * nothing. One transaction of set-based statements; employees not in the register stay on the
 * roster as pending (the register is never written from a roster).
 */
export async function uploadRoster(
  db: Db,
  cipher: FieldCipher,
  unit: UnitRow,
  input: RosterUploadInput,
  now: Date,
  locale: Locale,
): Promise<RosterUploadView> {
  // The unit's stored rows are read while the file is (the database works meanwhile).
  const storedRows = repo.storedEmployees(db, unit.id);
  storedRows.catch(() => undefined);
  const table = await openTable(input.file, {
    limits: { maxRows: MAX_ROSTER_ROWS },
    ...(input.encoding !== undefined ? { encoding: input.encoding } : {}),
    ...(input.sheet !== undefined ? { sheet: input.sheet } : {}),
  });
  const rejects = new RejectCollector({ maxRejects: MAX_REJECTS, maxOriginalRows: MAX_REJECTS });
  const candidates: RosterCandidate[] = [];
  let received = 0;
  try {
    const mapped = mapHeaders(table.headers, ROSTER_COLUMNS);
    assertMappingComplete(mapped, ROSTER_COLUMNS);
    const headerOf = (field: string) =>
      mapped.mapping[field as 'name'] ?? ROSTER_COLUMNS.label(field as 'name');
    const firstRowOf = new Map<string, number>();
    for await (const { rowNumber, values } of table) {
      received++;
      const candidate = validateEmployee(cipher, mapRow(values, mapped.mapping), rowNumber, now);
      if (Array.isArray(candidate)) {
        for (const p of candidate) rejects.reject(rowNumber, headerOf(p.field), p);
        continue;
      }
      const first = firstRowOf.get(candidate.hash);
      if (first !== undefined) {
        rejects.reject(
          rowNumber,
          headerOf('idNumber'),
          new CellProblem('idNumber', 'duplicateInFile', { row: first }),
        );
        continue;
      }
      firstRowOf.set(candidate.hash, rowNumber);
      candidates.push(candidate);
    }
  } finally {
    await table.close();
  }
  // The register is asked while the stored rows are compared (decrypted) here.
  const registered = repo.personsByHash(
    db,
    candidates.map((c) => c.hash),
  );
  registered.catch(() => undefined);
  const { changed, dropped } = rosterChanges(cipher, await storedRows, candidates);
  const persons = await registered;
  const kept = candidates.filter((c) => {
    const person = persons.get(c.hash);
    if (!person || nameKey(person.name) === nameKey(c.name)) return true;
    rejects.reject(c.row, ROSTER_COLUMNS.label('name'), new CellProblem('name', 'nameMismatch'));
    return false;
  });
  rejects.rejects.sort((a, b) => a.row - b.row);
  const keptHashes = new Set(kept.map((c) => c.hash));
  // A listed employee whose name the register now refuses is not on this roster any more either.
  const removed = await repo.removeRosterRows(db, unit.id, [
    ...dropped,
    ...candidates.filter((c) => !keptHashes.has(c.hash)).map((c) => c.hash),
  ]);
  const upload = await repo.insertUpload(db, {
    unit_id: unit.id,
    area_path: unit.area_path,
    file_name: input.fileName.slice(0, 200),
    received,
    accepted: kept.length,
    removed,
    rejected: JSON.stringify(rejects.rejects),
    rejected_total: rejects.total,
    created_at: now,
  });
  await repo.upsertEmployees(
    db,
    { unitId: unit.id, areaPath: unit.area_path, uploadId: upload.id, now },
    changed
      .filter((c) => keptHashes.has(c.hash))
      .map((c) => employeeRow(cipher, unit, c, 'roster', upload.id, now)),
  );
  return presentUpload(upload, locale);
}

function presentUpload(row: repo.RosterUploadRow, locale: Locale): RosterUploadView {
  return {
    id: row.id,
    fileName: row.file_name,
    createdAt: row.created_at.toISOString(),
    received: row.received,
    accepted: row.accepted,
    removed: row.removed,
    rejectedTotal: row.rejected_total,
    rejected: localizeRejects(locale, row.rejected as RowReject[]),
  };
}

/** Rejects of one of the unit's uploads as XLSX, for the enterprise to fix and upload again. */
export async function uploadRejects(db: Db, unit: UnitRow, uploadId: number, locale: Locale) {
  const upload = await repo.findUpload(db, unit.id, uploadId);
  if (!upload) throw notFound('IMPORT_NOT_FOUND', `Upload ${uploadId} does not exist`);
  const rejects = localizeRejects(locale, upload.rejected as RowReject[]);
  return {
    uploadId: upload.id,
    write: (output: NodeJS.WritableStream) =>
      writeRejectsXlsx(rejects, undefined, undefined, output as never, locale),
  };
}

// ---- reading the roster ----

async function clearedRoster(db: Db, unitId: number, now: Date) {
  const rows = await repo.rosterOf(db, unitId);
  const clearanceOfPerson = await clearances(
    db,
    rows.flatMap((r) => (r.person_id === null ? [] : [r.person_id])),
    now,
  );
  return rows.map((row) => ({ row, clearance: clearanceOfPerson(row.person_id) }));
}

/** The enterprise's roster: masked identity, status and what to do; never health facts. */
export async function enterpriseRoster(db: Db, unit: UnitRow, now: Date, locale: Locale): Promise<Roster> {
  const [items, last] = await Promise.all([clearedRoster(db, unit.id, now), repo.lastUpload(db, unit.id)]);
  return {
    counts: countsOf(items.map((i) => i.clearance.status)),
    items: items.map(({ row, clearance }) => ({
      id: row.id,
      nameMasked: row.name_masked,
      idNumberMasked: row.document_masked,
      phoneMasked: row.phone_masked,
      source: row.source,
      status: clearance.status,
      actions: clearance.actions,
    })),
    lastUpload: last ? presentUpload(last, locale) : null,
    computedAt: now.toISOString(),
  };
}

/**
 * Staff's view of an enterprise's roster (enterprise.read in the unit's subtree). With
 * `withReasons` and health.read there, the health reasons and persons are shown, and the opening
 * is audited; without health.read they are simply left out.
 */
export async function staffRoster(
  db: Db,
  actor: Actor,
  unitId: number,
  withReasons: boolean,
  locale: Locale,
): Promise<StaffRoster> {
  const unit = await findUnitInScope(db, actor.viewer, 'enterprise.read', unitId);
  if (!unit) throw notFound('UNIT_NOT_FOUND', `Unit ${unitId} does not exist or is outside your area`);
  const now = actor.now();
  const reasonsShown = withReasons && can(actor.viewer, 'health.read', unit.area_path);
  const [items, last] = await Promise.all([clearedRoster(db, unit.id, now), repo.lastUpload(db, unit.id)]);
  if (reasonsShown)
    await recordAudit(db, actor, {
      action: 'enterprise.roster.reasons',
      entityType: 'unit',
      entityId: unit.id,
      areaPath: unit.area_path,
      after: { employees: items.length },
    });
  return {
    counts: countsOf(items.map((i) => i.clearance.status)),
    items: items.map(({ row, clearance }) => ({
      id: row.id,
      nameMasked: row.name_masked,
      idNumberMasked: row.document_masked,
      phoneMasked: row.phone_masked,
      source: row.source,
      status: clearance.status,
      actions: clearance.actions,
      personId: reasonsShown ? row.person_id : null,
      reasons: reasonsShown ? clearance.reasons : null,
    })),
    lastUpload: last ? presentUpload(last, locale) : null,
    computedAt: now.toISOString(),
    reasonsShown,
  };
}

// ---- an employee applies ----

/**
 * An employee applies from the enterprise's employee code: checked, matched and cleared at once,
 * and put on the roster (once per ID number). The answer is the status and what to do only.
 */
export async function applyAsEmployee(
  db: Db,
  cipher: FieldCipher,
  unit: UnitRow,
  body: EmployeeApplicationBody,
  now: Date,
): Promise<EmployeeApplicationResult> {
  const candidate = validateEmployee(cipher, body, 0, now);
  if (Array.isArray(candidate))
    throw invalid(
      'VALIDATION_FAILED',
      'The application has problems',
      candidate.map((p) => ({
        field: `body.${p.field}`,
        code: p.code,
        ...(p.params ? { params: p.params } : {}),
        message: p.message,
      })),
    );
  const person = (await repo.personsByHash(db, [candidate.hash])).get(candidate.hash);
  if (person && nameKey(person.name) !== nameKey(candidate.name))
    throw invalid('VALIDATION_FAILED', 'The name does not match the register', [
      { field: 'body.name', code: 'nameMismatch', message: 'does not match the register' },
    ]);
  await repo.insertApplication(db, employeeRow(cipher, unit, candidate, 'application', null, now));
  const clearance = (await clearances(db, person ? [person.id] : [], now))(person?.id ?? null);
  return { enterprise: unit.name, status: clearance.status, actions: clearance.actions };
}

// ---- figures ----

/**
 * Employees on rosters and their clearance per enterprise area, in the viewer's enterprise.read
 * subtrees (within `withinPath` when given): the dashboard's figures, computed now from the
 * current health facts in one pass.
 */
export async function clearanceCountsByArea(
  db: Db,
  actor: Actor,
  withinPath?: string,
): Promise<ClearanceAreaCounts[]> {
  const rows = await repo.rosteredInScope(db, actor.viewer, withinPath);
  const clearanceOfPerson = await clearances(
    db,
    rows.flatMap((r) => (r.person_id === null ? [] : [r.person_id])),
    actor.now(),
  );
  const byArea = new Map<string, ClearanceStatus[]>();
  for (const row of rows) {
    const list = byArea.get(row.area_path) ?? [];
    list.push(clearanceOfPerson(row.person_id).status);
    byArea.set(row.area_path, list);
  }
  return [...byArea.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([areaPath, statuses]) => ({ areaPath, ...countsOf(statuses) }));
}
