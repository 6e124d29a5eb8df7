import { hash } from 'node:crypto';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { type DocumentType, documentTypeFromLabel, parseDocument } from '../register/identity/documents.js';
import { birthYearOf, normalisePhone, protectPerson } from '../register/protect.js';
import type { PersonField } from './columns.js';
import { CellProblem, parseDate, parseTags, residenceTypeOf, rowInvalid, sexOf, text } from './values.js';

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
  return parseDate(value) ?? rowInvalid(field, `${field} is not a date (write 2020-03-01)`);
}

/**
 * Validates one person row: everything that needs no database. Returns the first problem
 * (with its field and stable code) or the candidate with its lookup and content hashes.
 * Nothing is guessed: a sex or birth date that contradicts the ID number, an unknown
 * residence type or tag word, an unreadable date all reject the row.
 */
export function validatePersonRow(
  cipher: FieldCipher,
  row: Row,
  rowNumber: number,
  today: Date,
): PersonCandidate | CellProblem {
  const name = text('name', row.name ?? '', 100);
  if (name instanceof CellProblem) return name;
  if (name === '') return rowInvalid('name', 'name is empty');

  let documentType: DocumentType = 'resident_id';
  const typeCell = row.documentType?.trim();
  if (typeCell) {
    const type = documentTypeFromLabel(typeCell);
    if (!type) return rowInvalid('documentType', `unknown document type "${typeCell.slice(0, 20)}"`);
    documentType = type;
  }
  const parsed = parseDocument(documentType, row.documentNumber ?? '', { today });
  if (!parsed.ok) return new CellProblem('documentNumber', parsed.code, parsed.message);
  const document = parsed.value;

  let sex: PersonValues['sex'];
  if (row.sex !== undefined && row.sex.trim() !== '') {
    sex = sexOf(row.sex);
    if (!sex) return rowInvalid('sex', `unknown sex "${row.sex.slice(0, 10)}" (write 男 or 女)`);
  } else if (row.sex !== undefined) sex = 'unknown';
  let birthDate = optionalDate(row, 'birthDate');
  if (birthDate instanceof CellProblem) return birthDate;
  if (document.sex) {
    if (sex && sex !== 'unknown' && sex !== document.sex) {
      return new CellProblem(
        'sex',
        'PERSON_SEX_MISMATCH',
        `sex is ${sex} but the ID number says ${document.sex}`,
      );
    }
    if (birthDate && birthDate !== document.birthDate) {
      return new CellProblem(
        'birthDate',
        'PERSON_BIRTH_DATE_MISMATCH',
        'birth date contradicts the ID number',
      );
    }
    sex = document.sex;
    birthDate = document.birthDate ?? null;
  }

  let phone: string | null | undefined;
  if (row.phone !== undefined) {
    if (row.phone.trim() === '') phone = null;
    else {
      const normalised = normalisePhone(row.phone);
      if (!normalised.ok) return new CellProblem('phone', 'PHONE_INVALID', `phone ${normalised.message}`);
      phone = normalised.value;
    }
  }

  const residenceCell = (row.residenceType ?? '').trim();
  if (residenceCell === '')
    return rowInvalid('residenceType', 'residence type is empty (户籍, 常住, 流动 or 暂住)');
  const residenceType = residenceTypeOf(residenceCell);
  if (!residenceType)
    return rowInvalid(
      'residenceType',
      `unknown residence type "${residenceCell.slice(0, 20)}" (户籍, 常住, 流动 or 暂住)`,
    );

  const gridCode = asciiDigits(row.gridCode ?? '');
  if (gridCode === '') return rowInvalid('gridCode', 'grid code is empty');
  if (!/^\d{6,40}$/.test(gridCode))
    return new CellProblem(
      'gridCode',
      'AREA_NOT_FOUND',
      `grid code "${gridCode.slice(0, 40)}" is not a code of digits`,
    );

  const hukouAddress = optionalText(row, 'hukouAddress', 200);
  if (hukouAddress instanceof CellProblem) return hukouAddress;
  const currentAddress = optionalText(row, 'currentAddress', 200);
  if (currentAddress instanceof CellProblem) return currentAddress;
  const houseAddress = optionalText(row, 'houseAddress', 200);
  if (houseAddress instanceof CellProblem) return houseAddress;
  const relation = optionalText(row, 'relation', 20);
  if (relation instanceof CellProblem) return relation;
  const arrivalDate = optionalDate(row, 'arrivalDate');
  if (arrivalDate instanceof CellProblem) return arrivalDate;
  const arrivalReason = optionalText(row, 'arrivalReason', 200);
  if (arrivalReason instanceof CellProblem) return arrivalReason;
  const arrivedFrom = optionalText(row, 'arrivedFrom', 200);
  if (arrivedFrom instanceof CellProblem) return arrivedFrom;
  const expectedDeparture = optionalDate(row, 'expectedDeparture');
  if (expectedDeparture instanceof CellProblem) return expectedDeparture;
  const workplace = optionalText(row, 'workplace', 200);
  if (workplace instanceof CellProblem) return workplace;
  let tags: string[] | undefined;
  if (row.tags !== undefined) {
    const parsedTags = parseTags('tags', row.tags);
    if (parsedTags instanceof CellProblem) return parsedTags;
    tags = parsedTags;
  }

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
