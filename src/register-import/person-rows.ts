import { hash } from 'node:crypto';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { isSpreadsheetRounded } from '../imports/cells.js';
import {
  type DocumentType,
  documentTypeFromLabel,
  type IdentityDocument,
  parseDocument,
} from '../register/identity/documents.js';
import { birthYearOf } from '../privacy/protect.js';
import { normalisePhone, protectPerson } from '../register/protect.js';
import type { PersonField } from './columns.js';
import {
  CellProblem,
  parseDate,
  parseTags,
  residenceTypeOf,
  roundedCell,
  RowProblems,
  sexOf,
  text,
} from './values.js';

/** Stored person columns an import sets; `undefined` means the file has no such column (keep what is stored). */
export interface PersonValues {
  name: string;
  sex: 'male' | 'female' | 'unknown' | undefined;
  /** From the birth date; the date itself is only in the encrypted record (`secrets`). */
  birth_year: number | null | undefined;
  region_code: string | null | undefined;
  hukou_address: string | null | undefined;
  current_address: string | null | undefined;
  residence_type: 'registered' | 'permanent' | 'floating' | 'temporary';
  relation: string | null | undefined;
  arrival_date: string | null | undefined;
  arrival_reason: string | null | undefined;
  arrived_from: string | null | undefined;
  expected_departure: string | null | undefined;
  workplace: string | null | undefined;
  tags: string[] | undefined;
}

/** The columns compared against a stored person, in a fixed order (also the content-hash order). */
export const PERSON_VALUE_COLUMNS = [
  'name',
  'sex',
  'birth_year',
  'region_code',
  'hukou_address',
  'current_address',
  'residence_type',
  'relation',
  'arrival_date',
  'arrival_reason',
  'arrived_from',
  'expected_departure',
  'workplace',
  'tags',
] as const satisfies ReadonlyArray<keyof PersonValues>;

export interface PersonCandidate {
  row: number;
  documentType: DocumentType;
  /** Normalised; never stored in the clear, never logged. */
  documentNumber: string;
  documentHash: string;
  /** YYYY-MM-DD from the number or the cell; null when the cell is empty, undefined when there is no column. */
  birthDate: string | null | undefined;
  /** Normalised phone; null when the cell is empty, undefined when the file has no phone column. */
  phone: string | null | undefined;
  /** Encrypted secret, lookup hashes and masked copies: computed once per person (protectPerson). */
  secrets: PersonSecretColumns;
  values: PersonValues;
  gridCode: string;
  /** A house to link in the person's area; null to unlink, undefined when the file has no such column. */
  houseAddress: string | null | undefined;
  /** Hash of the normalised imported fields (secrets only as their keyed hashes): equal rows hash equal. */
  contentHash: string;
}

export type PersonSecretColumns = ReturnType<typeof protectPerson>;

type Row = Partial<Record<PersonField, string>>;

const ABSENT = '\u0001';

/** Codes typed with a Chinese IME may hold full-width digits. */
function asciiDigits(value: string): string {
  const trimmed = value.trim();
  return /^[\x20-\x7e]*$/.test(trimmed) ? trimmed : trimmed.normalize('NFKC').trim();
}

function optionalText(row: Row, field: PersonField, max: number): string | null | undefined | CellProblem {
  const value = row[field];
  if (value === undefined) return undefined;
  const result = text(field, value, max);
  return result === '' ? null : result;
}

function optionalDate(row: Row, field: PersonField): string | null | undefined | CellProblem {
  const value = row[field];
  if (value === undefined) return undefined;
  if (value.trim() === '') return null;
  return parseDate(value) ?? new CellProblem(field, 'date');
}

/**
 * Validates one person row: everything that needs no database. Returns every problem of the
 * row (each with its field, stable code and params) or the candidate with its lookup and
 * content hashes. Nothing is guessed: a sex or birth date that contradicts the ID number, an
 * unknown residence type or tag word, an unreadable date, an ID number a spreadsheet rounded all
 * reject the row.
 */
export function validatePersonRow(
  cipher: FieldCipher,
  row: Row,
  rowNumber: number,
  today: Date,
): PersonCandidate | CellProblem[] {
  const problems = new RowProblems();
  const name = problems.take(text('name', row.name ?? '', 100));
  if (name === '') problems.add('name', 'required');

  let documentType: DocumentType | undefined = 'resident_id';
  const typeCell = row.documentType?.trim();
  if (typeCell) {
    documentType = documentTypeFromLabel(typeCell) ?? undefined;
    if (!documentType) problems.add('documentType', 'documentType', { value: typeCell.slice(0, 20) });
  }
  // A rounded number is refused as such: its check character or birth date would mislead the clerk.
  const rounded = roundedCell('documentNumber', row.documentNumber);
  let document: IdentityDocument | undefined;
  if (rounded) problems.take(rounded);
  else if (documentType) {
    const parsed = parseDocument(documentType, row.documentNumber ?? '', { today });
    if (parsed.ok) document = parsed.value;
    else problems.add('documentNumber', parsed.problem, parsed.params);
  }

  let sex: PersonValues['sex'];
  if (row.sex !== undefined && row.sex.trim() !== '') {
    sex = sexOf(row.sex);
    if (!sex) problems.add('sex', 'sex', { value: row.sex.slice(0, 10) });
  } else if (row.sex !== undefined) sex = 'unknown';
  let birthDate = problems.take(optionalDate(row, 'birthDate'));
  if (document?.sex) {
    if (sex && sex !== 'unknown' && sex !== document.sex) problems.add('sex', 'sexMismatch');
    if (birthDate && birthDate !== document.birthDate) problems.add('birthDate', 'birthDateMismatch');
    sex = document.sex;
    birthDate = document.birthDate ?? null;
  }

  let phone: string | null | undefined;
  if (row.phone !== undefined) {
    if (row.phone.trim() === '') phone = null;
    else {
      const normalised = normalisePhone(row.phone);
      if (normalised.ok) phone = normalised.value;
      else problems.add('phone', 'phone');
    }
  }

  const residenceCell = (row.residenceType ?? '').trim();
  const residenceType = residenceCell === '' ? undefined : residenceTypeOf(residenceCell);
  if (residenceCell === '') problems.add('residenceType', 'required');
  else if (!residenceType)
    problems.add('residenceType', 'residenceType', { value: residenceCell.slice(0, 20) });

  const gridCode = asciiDigits(row.gridCode ?? '');
  if (gridCode === '') problems.add('gridCode', 'required');
  else if (isSpreadsheetRounded(gridCode)) problems.take(roundedCell('gridCode', gridCode));
  else if (!/^\d{6,40}$/.test(gridCode))
    problems.add('gridCode', 'unknownArea', { code: gridCode.slice(0, 40) });

  const hukouAddress = problems.take(optionalText(row, 'hukouAddress', 200));
  const currentAddress = problems.take(optionalText(row, 'currentAddress', 200));
  const houseAddress = problems.take(optionalText(row, 'houseAddress', 200));
  const relation = problems.take(optionalText(row, 'relation', 20));
  const arrivalDate = problems.take(optionalDate(row, 'arrivalDate'));
  const arrivalReason = problems.take(optionalText(row, 'arrivalReason', 200));
  const arrivedFrom = problems.take(optionalText(row, 'arrivedFrom', 200));
  const expectedDeparture = problems.take(optionalDate(row, 'expectedDeparture'));
  const workplace = problems.take(optionalText(row, 'workplace', 200));
  const tags = row.tags === undefined ? undefined : problems.take(parseTags('tags', row.tags));

  if (!problems.ok || name === undefined || !documentType || !document || !residenceType)
    return problems.list;

  const values: PersonValues = {
    name,
    sex,
    birth_year: birthDate === undefined ? undefined : birthYearOf(birthDate),
    region_code: document.regionCode ?? null,
    hukou_address: hukouAddress,
    current_address: currentAddress,
    residence_type: residenceType,
    relation,
    arrival_date: arrivalDate,
    arrival_reason: arrivalReason,
    arrived_from: arrivedFrom,
    expected_departure: expectedDeparture,
    workplace,
    tags,
  };
  const secrets = protectPerson(cipher, documentType, {
    documentNumber: document.number,
    phone: phone ?? null,
    birthDate: birthDate ?? null,
  });
  // The plaintext number and phone enter the content hash only as their keyed hashes.
  const hashed: unknown[] = [
    secrets.document_hash,
    gridCode,
    houseAddress ?? ABSENT,
    phone === undefined ? ABSENT : secrets.phone_hash,
    // A changed day is a change; keyed, so the stored hash cannot be searched for the date.
    birthDate ? cipher.lookupHash('birth_date', birthDate) : (birthDate ?? ABSENT),
  ];
  for (const column of PERSON_VALUE_COLUMNS)
    hashed.push(values[column] ?? (values[column] === null ? null : ABSENT));
  return {
    row: rowNumber,
    documentType,
    documentNumber: document.number,
    documentHash: secrets.document_hash,
    birthDate,
    phone,
    secrets,
    values,
    gridCode,
    houseAddress,
    contentHash: hash('sha256', JSON.stringify(hashed), 'base64url'),
  };
}
