import type { FieldCipher } from '../privacy/field-crypto.js';
import { maskIdNumber, maskPhone } from '../privacy/masking.js';
import type { DocumentType } from './identity/documents.js';
import { parseResidentIdNumber } from './identity/identity-number.js';

/** Phone numbers as stored: digits only; mobiles without the +86 prefix, landlines as 0AAA-NNNNNNN. */
export function normalisePhone(input: string): { ok: true; value: string } | { ok: false; message: string } {
  const trimmed = input
    .trim()
    .replace(/[\s()（）]/g, '')
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  let digits = trimmed.replace(/^\+?86-?/, '');
  if (/^1[3-9]\d{9}$/.test(digits)) return { ok: true, value: digits };
  digits = digits.replace(/[-—]/g, '-');
  const landline = /^(0\d{2,3})-?(\d{7,8})$/.exec(digits);
  if (landline) return { ok: true, value: `${landline[1]}-${landline[2]}` };
  return {
    ok: false,
    message: 'must be an 11-digit mobile number (1xxxxxxxxxx) or a landline such as 0571-88123456',
  };
}

/** The keyed hash under which a document number is found; resident ID numbers share one space with health feeds. */
export function documentHash(cipher: FieldCipher, type: DocumentType, number: string): string {
  return type === 'resident_id'
    ? cipher.lookupHash('id', number)
    : cipher.lookupHash('doc', `${type}:${number}`);
}

export function phoneHash(cipher: FieldCipher, normalisedPhone: string): string {
  return cipher.lookupHash('phone', normalisedPhone);
}

/**
 * Every hash a stored row may hold for this number: the current suite's, and while keys of
 * another suite are configured (a switch `gridguard keys rotate` may not have finished) that one's.
 */
export function documentHashes(cipher: FieldCipher, type: DocumentType, number: string): string[] {
  return type === 'resident_id'
    ? cipher.lookupHashes('id', number)
    : cipher.lookupHashes('doc', `${type}:${number}`);
}

export interface PersonSecrets {
  documentNumber: string;
  phone: string | null;
  /**
   * YYYY-MM-DD, kept only inside the encrypted record: with a masked number it would rebuild the
   * whole ID, so the clear columns hold the birth year alone.
   */
  birthDate: string | null;
}

/** `1954-09-12` → 1954; what a viewer without person.reveal may know of a birth date. */
export function birthYearOf(birthDate: string | null | undefined): number | null {
  const year = birthDate ? Number(birthDate.slice(0, 4)) : NaN;
  return Number.isInteger(year) ? year : null;
}

/**
 * Columns derived from a person's secrets: the encrypted record {documentNumber, phone,
 * birthDate}, lookup hashes, masked copies and the birth year. Nothing here rebuilds a number.
 */
export function protectPerson(
  cipher: FieldCipher,
  type: DocumentType,
  input: Omit<PersonSecrets, 'birthDate'> & { birthDate?: string | null },
) {
  // A resident ID (or HMT residence permit) number carries its birth date.
  const secrets = { ...input, birthDate: input.birthDate ?? birthDateInNumber(input.documentNumber) };
  return {
    secret: cipher.encryptRecord({
      documentNumber: secrets.documentNumber,
      phone: secrets.phone,
      birthDate: secrets.birthDate,
    }),
    document_hash: documentHash(cipher, type, secrets.documentNumber),
    document_masked: maskIdNumber(secrets.documentNumber),
    phone_hash: secrets.phone ? phoneHash(cipher, secrets.phone) : null,
    phone_masked: secrets.phone ? maskPhone(secrets.phone) : null,
    birth_year: birthYearOf(secrets.birthDate),
  };
}

/**
 * Decrypts a person's record. Records written before birth dates moved inside it have none; a
 * resident ID number still tells it (other documents' dates are sealed in at start, see seal.ts).
 */
export function revealPerson(cipher: FieldCipher, secret: string): PersonSecrets {
  const fields = cipher.decryptRecord(secret);
  const documentNumber = fields.documentNumber ?? '';
  return {
    documentNumber,
    phone: fields.phone ?? null,
    birthDate: fields.birthDate ?? birthDateInNumber(documentNumber),
  };
}

/** The birth date a resident ID (or HMT residence permit) number carries, if it is one. */
function birthDateInNumber(number: string): string | null {
  const parsed = parseResidentIdNumber(number);
  return parsed.ok ? parsed.value.birthDate : null;
}
