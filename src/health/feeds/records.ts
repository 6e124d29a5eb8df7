import { hash } from 'node:crypto';
import type { FieldCipher } from '../../privacy/field-crypto.js';
import { documentHash } from '../../privacy/protect.js';
import { normaliseIdInput, parseResidentIdNumber } from '../../register/identity/identity-number.js';
import { isSpreadsheetRounded } from '../../imports/cells.js';
import { roundedCell, RowProblems } from '../../register-import/values.js';
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

/** A kind's values, or undefined once its problems are noted in `problems`. */
type KindValidator = (
  fields: Fields,
  ctx: ValidationContext,
  problems: RowProblems,
) => KindValues | undefined;

const KIND_VALIDATORS: Record<RecordFeedKind, KindValidator> = {
  tests(fields, ctx, problems) {
    const latest = new Date(ctx.now.getTime() + SKEW_MS);
    const sampledAt = problems.take(
      parseMoment('sampledAt', fields.sampledAt ?? '', { dateOnly: 'reject', latest }),
    );
    const word = problems.take(required(fields, 'result'));
    const result = word === undefined ? undefined : testResultOf(word);
    if (word !== undefined && !result) problems.add('result', 'testResult', { value: word.slice(0, 20) });
    const institution = problems.take(optionalText('institution', fields.institution, 200));
    let reportedAt: string | undefined;
    if (fields.reportedAt?.trim()) {
      const moment = problems.take(
        parseMoment('reportedAt', fields.reportedAt, { dateOnly: 'reject', latest }),
      );
      if (moment && sampledAt && moment < sampledAt) problems.add('reportedAt', 'reportedBeforeSampled');
      reportedAt = moment?.toISOString();
    }
    if (!problems.ok || !sampledAt || !result) return undefined;
    return { occurredAt: sampledAt, result, value: null, details: withoutEmpty({ institution, reportedAt }) };
  },

  vaccinations(fields, ctx, problems) {
    const latest = new Date(ctx.now.getTime() + SKEW_MS);
    // A vaccination date names the day; its start is stored (the ordering of doses is all that depends on it).
    const vaccinatedAt = problems.take(
      parseMoment('vaccinatedAt', fields.vaccinatedAt ?? '', { dateOnly: 'start-of-day', latest }),
    );
    const doseCell = problems.take(required(fields, 'dose'));
    const dose = doseCell === undefined ? undefined : problems.take(parseDose('dose', doseCell));
    const vaccine = problems.take(optionalText('vaccine', fields.vaccine, 100));
    const manufacturer = problems.take(optionalText('manufacturer', fields.manufacturer, 100));
    const site = problems.take(optionalText('site', fields.site, 200));
    if (!problems.ok || !vaccinatedAt || dose === undefined) return undefined;
    return {
      occurredAt: vaccinatedAt,
      result: null,
      value: dose,
      details: withoutEmpty({ vaccine, manufacturer, site }),
    };
  },

  temperatures(fields, ctx, problems) {
    const latest = new Date(ctx.now.getTime() + SKEW_MS);
    const measuredAt = problems.take(
      parseMoment('measuredAt', fields.measuredAt ?? '', { dateOnly: 'reject', latest }),
    );
    const cell = problems.take(required(fields, 'temperature'));
    const temperature = cell === undefined ? undefined : problems.take(parseTemperature('temperature', cell));
    const method = problems.take(optionalText('method', fields.method, 50));
    if (!problems.ok || !measuredAt || temperature === undefined) return undefined;
    return { occurredAt: measuredAt, result: null, value: temperature, details: withoutEmpty({ method }) };
  },

  healthcodes(fields, ctx, problems) {
    const latest = new Date(ctx.now.getTime() + SKEW_MS);
    const codeAt = problems.take(parseMoment('codeAt', fields.codeAt ?? '', { dateOnly: 'reject', latest }));
    const word = problems.take(required(fields, 'colour'));
    const colour = word === undefined ? undefined : mapHealthCode(ctx.source, word);
    if (word !== undefined && !colour)
      problems.add('colour', 'healthCode', { value: word.slice(0, 20), source: ctx.source });
    const issuer = problems.take(optionalText('issuer', fields.issuer, 100));
    if (!problems.ok || !codeAt || !colour || word === undefined) return undefined;
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
 * guessed; returns every problem of the record, or the candidate. An ID number that fails
 * GB 11643 is not a reject: the record is kept for the unmatched inbox with the reason
 * invalid_number. One keyed hash per record, no encryption here.
 */
export function validateRecord(
  kind: RecordFeedKind,
  ctx: ValidationContext,
  fields: Fields,
  row: number,
): RecordCandidate | CellProblem[] {
  const problems = new RowProblems();
  const normalised = normaliseIdInput(fields.idNumber ?? '');
  if (normalised === '') problems.add('idNumber', 'required');
  else if (isSpreadsheetRounded(normalised)) problems.take(roundedCell('idNumber', normalised));
  else if (normalised.length > 40) problems.add('idNumber', 'maxLength', { max: 40 });
  const name = problems.take(optionalText('name', fields.name, 100));
  const recordId = problems.take(optionalText('recordId', fields.recordId, 100));
  const values = KIND_VALIDATORS[kind](fields, ctx, problems);
  if (!problems.ok || !values) return problems.list;

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

/** Checks one risk-area row (a name, a level, a period; an optional administrative code): every problem, or the candidate. */
export function validateRiskArea(
  ctx: ValidationContext,
  fields: Fields,
  row: number,
): RiskAreaCandidate | CellProblem[] {
  const problems = new RowProblems();
  const name = problems.take(required(fields, 'name'));
  if (name !== undefined && name.length > 200) problems.add('name', 'maxLength', { max: 200 });
  let regionCode: string | null = null;
  const code = fields.regionCode?.normalize('NFKC').trim();
  if (code) {
    if (/^(\d{6}|\d{9}|\d{12})$/.test(code)) regionCode = code;
    else problems.take(roundedCell('regionCode', code) ?? new CellProblem('regionCode', 'regionCode'));
  }
  const word = problems.take(required(fields, 'level'));
  const level = word === undefined ? undefined : riskLevelOf(word);
  if (word !== undefined && !level) problems.add('level', 'riskLevel', { value: word.slice(0, 20) });
  // Lists are announced ahead of time; a year is far enough.
  const latest = new Date(ctx.now.getTime() + 366 * 86_400_000);
  const validFrom = problems.take(
    parseMoment('validFrom', fields.validFrom ?? '', { dateOnly: 'start-of-day', latest }),
  );
  let validTo: Date | null = null;
  if (fields.validTo?.trim()) {
    // "11月1日至11月5日" includes the 5th: a date alone ends at the end of that day.
    const to = problems.take(
      parseMoment('validTo', fields.validTo, {
        dateOnly: 'end-of-day',
        latest: new Date(latest.getTime() + 366 * 86_400_000),
      }),
    );
    if (to && validFrom && to <= validFrom) problems.add('validTo', 'periodInvalid');
    validTo = to ?? null;
  }
  if (!problems.ok || name === undefined || !level || !validFrom) return problems.list;
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
