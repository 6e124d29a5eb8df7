import type { FieldCipher } from '../privacy/field-crypto.js';
import { maskIdNumber, maskPhone } from '../privacy/masking.js';
import type { DocumentType } from './identity/documents.js';

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

export interface PersonSecrets {
  documentNumber: string;
  phone: string | null;
}

/** Columns that hold a person's document number and phone: encrypted blob, lookup hashes, masked copies. */
export function protectPerson(cipher: FieldCipher, type: DocumentType, secrets: PersonSecrets) {
  return {
    secret: cipher.encryptRecord({ documentNumber: secrets.documentNumber, phone: secrets.phone }),
    document_hash: documentHash(cipher, type, secrets.documentNumber),
    document_masked: maskIdNumber(secrets.documentNumber),
    phone_hash: secrets.phone ? phoneHash(cipher, secrets.phone) : null,
    phone_masked: secrets.phone ? maskPhone(secrets.phone) : null,
  };
}

export function revealPerson(cipher: FieldCipher, secret: string): PersonSecrets {
  const fields = cipher.decryptRecord(secret);
  return { documentNumber: fields.documentNumber ?? '', phone: fields.phone ?? null };
}
