import { hash } from 'node:crypto';
import type { FieldCipher } from '../../privacy/field-crypto.js';
import { documentHash } from '../../privacy/protect.js';
import { normaliseIdInput, parseResidentIdNumber } from '../../register/identity/identity-number.js';
import { roundedCell } from '../../register-import/values.js';
import { mapHealthCode } from './health-codes.js';
import type { RecordFeedKind } from './kinds.js';
import {
  CellProblem,
  optionalText,
  parseDose,
  parseMoment,
  parseTemperature,
  riskLevelOf,
  type RiskLevel,
  testResultOf,
} from './values.js';

/** One person-linked record, checked and normalised; nothing in it was guessed. */
export interface RecordCandidate {
  /** Spreadsheet row, or the record's 1-based position in a pushed batch. */
  row: number;
  /** `id:<source record id>`, or `sha256:<content hash>` when the source gives none. */
  recordKey: string;
  /** Hash of the normalised content (identity as its keyed hash): equal records hash equal. */
  contentHash: string;
  /** Keyed hash of the normalised number (persons.document_hash space for resident IDs). */
  idHash: string;
  /** False when the number fails GB 11643 (checksum, date, province, format): never matched automatically. */
  idValid: boolean;
  /** The normalised number as sent; kept (encrypted) only when the record stays unmatched. */
  documentNumber: string;
  name: string | null;
  occurredAt: Date;
  result: string | null;
  value: number | null;
  /** JSON of the kind's further fields, or null. */
  details: string | null;
}

export interface RiskAreaCandidate {
  row: number;
  name: string;
  regionCode: string | null;
  level: RiskLevel;
  validFrom: Date;
  validTo: Date | null;
}

export interface ValidationContext {
  cipher: FieldCipher;
  /** The feed's source: decides the health-code table and, with the kind, the record-key space. */
  source: string;
  /** The time of the import; records from the future are rejected. */
  now: Date;
}

type Fields = Partial<Record<string, string>>;

/** Up to a few minutes of clock skew between a lab's machine and ours. */
const SKEW_MS = 10 * 60_000;

interface KindValues {
  occurredAt: Date;
  result: string | null;
  value: number | null;
  details: Record<string, string> | null;
}

function withoutEmpty(details: Record<string, string | undefined>): Record<string, string> | null {
  const kept = Object.entries(details).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return kept.length ? Object.fromEntries(kept) : null;
}

function required(fields: Fields, field: string): string | CellProblem {
  const value = fields[field]?.trim() ?? '';
  return value === '' ? new CellProblem(field, 'required') : value;
}

const KIND_VALIDATORS: Record<
  RecordFeedKind,
  (fields: Fields, ctx: ValidationContext) => KindValues | CellProblem
> = {
  tests(fields, ctx) {
    const latest = new Date(ctx.now.getTime() + SKEW_MS);
    const sampledAt = parseMoment('sampledAt', fields.sampledAt ?? '', { dateOnly: 'reject', latest });
    if (sampledAt instanceof CellProblem) return sampledAt;
    const word = required(fields, 'result');
    if (word instanceof CellProblem) return word;
    const result = testResultOf(word);
    if (!result) return new CellProblem('result', 'testResult', { value: word.slice(0, 20) });
    const institution = optionalText('institution', fields.institution, 200);
    if (institution instanceof CellProblem) return institution;
    let reportedAt: string | undefined;
    if (fields.reportedAt?.trim()) {
      const moment = parseMoment('reportedAt', fields.reportedAt, { dateOnly: 'reject', latest });
      if (moment instanceof CellProblem) return moment;
      if (moment < sampledAt) return new CellProblem('reportedAt', 'reportedBeforeSampled');
      reportedAt = moment.toISOString();
    }
    return { occurredAt: sampledAt, result, value: null, details: withoutEmpty({ institution, reportedAt }) };
  },

  vaccinations(fields, ctx) {
    const latest = new Date(ctx.now.getTime() + SKEW_MS);
    // A vaccination date names the day; its start is stored (the ordering of doses is all that depends on it).
    const vaccinatedAt = parseMoment('vaccinatedAt', fields.vaccinatedAt ?? '', {
      dateOnly: 'start-of-day',
      latest,
    });
    if (vaccinatedAt instanceof CellProblem) return vaccinatedAt;
    const doseCell = required(fields, 'dose');
    if (doseCell instanceof CellProblem) return doseCell;
    const dose = parseDose('dose', doseCell);
    if (dose instanceof CellProblem) return dose;
    const vaccine = optionalText('vaccine', fields.vaccine, 100);
    if (vaccine instanceof CellProblem) return vaccine;
    const manufacturer = optionalText('manufacturer', fields.manufacturer, 100);
    if (manufacturer instanceof CellProblem) return manufacturer;
    const site = optionalText('site', fields.site, 200);
    if (site instanceof CellProblem) return site;
    return {
      occurredAt: vaccinatedAt,
      result: null,
      value: dose,
      details: withoutEmpty({ vaccine, manufacturer, site }),
    };
  },

  temperatures(fields, ctx) {
    const latest = new Date(ctx.now.getTime() + SKEW_MS);
    const measuredAt = parseMoment('measuredAt', fields.measuredAt ?? '', { dateOnly: 'reject', latest });
    if (measuredAt instanceof CellProblem) return measuredAt;
    const cell = required(fields, 'temperature');
    if (cell instanceof CellProblem) return cell;
    const temperature = parseTemperature('temperature', cell);
    if (temperature instanceof CellProblem) return temperature;
    const method = optionalText('method', fields.method, 50);
    if (method instanceof CellProblem) return method;
    return { occurredAt: measuredAt, result: null, value: temperature, details: withoutEmpty({ method }) };
  },

  healthcodes(fields, ctx) {
    const latest = new Date(ctx.now.getTime() + SKEW_MS);
    const codeAt = parseMoment('codeAt', fields.codeAt ?? '', { dateOnly: 'reject', latest });
    if (codeAt instanceof CellProblem) return codeAt;
    const word = required(fields, 'colour');
    if (word instanceof CellProblem) return word;
    const colour = mapHealthCode(ctx.source, word);
    if (!colour)
      return new CellProblem('colour', 'healthCode', { value: word.slice(0, 20), source: ctx.source });
    const issuer = optionalText('issuer', fields.issuer, 100);
    if (issuer instanceof CellProblem) return issuer;
    // The word as sent is kept beside the mapped colour, so a mapping can be audited.
    return {
      occurredAt: codeAt,
      result: colour,
      value: null,
      details: withoutEmpty({ issuer, sent: word.slice(0, 20) }),
    };
  },
};

/**
 * Checks one record of a person-linked feed (file row or pushed record): every field, nothing
 * guessed. An ID number that fails GB 11643 is not a reject: the record is kept for the
 * unmatched inbox with the reason invalid_number. One keyed hash per record, no encryption here.
 */
export function validateRecord(
  kind: RecordFeedKind,
  ctx: ValidationContext,
  fields: Fields,
  row: number,
): RecordCandidate | CellProblem {
  const normalised = normaliseIdInput(fields.idNumber ?? '');
  if (normalised === '') return new CellProblem('idNumber', 'required');
  const rounded = roundedCell('idNumber', normalised);
  if (rounded) return rounded;
  if (normalised.length > 40) return new CellProblem('idNumber', 'maxLength', { max: 40 });
  const name = optionalText('name', fields.name, 100);
  if (name instanceof CellProblem) return name;
  const recordId = optionalText('recordId', fields.recordId, 100);
  if (recordId instanceof CellProblem) return recordId;
  const values = KIND_VALIDATORS[kind](fields, ctx);
  if (values instanceof CellProblem) return values;

  const parsed = parseResidentIdNumber(normalised, { today: ctx.now });
  const documentNumber = parsed.ok ? parsed.value.number : normalised;
  const idHash = documentHash(ctx.cipher, 'resident_id', documentNumber);
  const details = values.details ? JSON.stringify(values.details) : null;
  const contentHash = hash(
    'sha256',
    `${idHash}|${values.occurredAt.toISOString()}|${values.result ?? ''}|${values.value ?? ''}|${details ?? ''}`,
    'base64url',
  );
  return {
    row,
    recordKey: recordId === undefined ? `sha256:${contentHash}` : `id:${recordId}`,
    contentHash,
    idHash,
    idValid: parsed.ok,
    documentNumber,
    name: name ?? null,
    occurredAt: values.occurredAt,
    result: values.result,
    value: values.value,
    details,
  };
}

/** Checks one risk-area row: a name, a level, a period; an optional administrative code. */
export function validateRiskArea(
  ctx: ValidationContext,
  fields: Fields,
  row: number,
): RiskAreaCandidate | CellProblem {
  const name = required(fields, 'name');
  if (name instanceof CellProblem) return name;
  if (name.length > 200) return new CellProblem('name', 'maxLength', { max: 200 });
  let regionCode: string | null = null;
  const code = fields.regionCode?.normalize('NFKC').trim();
  if (code) {
    if (!/^(\d{6}|\d{9}|\d{12})$/.test(code))
      return roundedCell('regionCode', code) ?? new CellProblem('regionCode', 'regionCode');
    regionCode = code;
  }
  const word = required(fields, 'level');
  if (word instanceof CellProblem) return word;
  const level = riskLevelOf(word);
  if (!level) return new CellProblem('level', 'riskLevel', { value: word.slice(0, 20) });
  // Lists are announced ahead of time; a year is far enough.
  const latest = new Date(ctx.now.getTime() + 366 * 86_400_000);
  const validFrom = parseMoment('validFrom', fields.validFrom ?? '', { dateOnly: 'start-of-day', latest });
  if (validFrom instanceof CellProblem) return validFrom;
  let validTo: Date | null = null;
  if (fields.validTo?.trim()) {
    // "11月1日至11月5日" includes the 5th: a date alone ends at the end of that day.
    const to = parseMoment('validTo', fields.validTo, {
      dateOnly: 'end-of-day',
      latest: new Date(latest.getTime() + 366 * 86_400_000),
    });
    if (to instanceof CellProblem) return to;
    if (to <= validFrom) return new CellProblem('validTo', 'periodInvalid');
    validTo = to;
  }
  return { row, name, regionCode, level, validFrom, validTo };
}

/** A pushed record's values as the text a file cell would hold (numbers as written). */
export function fieldsOfPushed(record: Readonly<Record<string, unknown>>): Fields {
  const fields: Fields = {};
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'string') fields[key] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) fields[key] = String(value);
  }
  return fields;
}
