import type { FieldCipher } from '../privacy/field-crypto.js';
import { revealRecord } from '../privacy/present.js';
import { birthYearOf, idNumberInClear, phoneInClear } from '../privacy/protect.js';
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

export interface PersonSecrets {
  documentNumber: string;
  phone: string | null;
  /**
   * YYYY-MM-DD, kept only inside the encrypted record: with a masked number it would rebuild the
   * whole ID, so the clear columns hold the birth year alone.
   */
  birthDate: string | null;
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
  const document = idNumberInClear(cipher, type, secrets.documentNumber);
  const phone = secrets.phone ? phoneInClear(cipher, secrets.phone) : null;
  return {
    secret: cipher.encryptRecord({
      documentNumber: secrets.documentNumber,
      phone: secrets.phone,
      birthDate: secrets.birthDate,
    }),
    document_hash: document.hash,
    document_masked: document.masked,
    phone_hash: phone?.hash ?? null,
    phone_masked: phone?.masked ?? null,
    birth_year: birthYearOf(secrets.birthDate),
  };
}

/**
 * Decrypts a person's record. Records written before birth dates moved inside it have none; a
 * resident ID number still tells it (other documents' dates are sealed in at start, see seal.ts).
 */
export function revealPerson(cipher: FieldCipher, secret: string): PersonSecrets {
  const fields = revealRecord(cipher, secret);
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
