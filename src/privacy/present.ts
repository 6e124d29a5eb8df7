import type { EncryptedRecordFields, FieldCipher } from './field-crypto.js';
import { maskIdNumber, maskName, maskPhone } from './masking.js';

/**
 * How personal fields reach a response. Responses show masks only: the masks `protect.ts` stored
 * beside the ciphertext (documents, phones, names given outside the register), the birth year,
 * and register residents' names masked wherever they appear outside the register. The whole
 * values come back only through `revealRecord`, which every caller runs after writing its audit
 * entry (person.reveal, report.daily.export with reveal, an export): nothing else decrypts for display.
 */

/** Stored mask columns of a row, whichever of them it has. */
export interface StoredMasks {
  document_masked?: string | null;
  phone_masked?: string | null;
  name_masked?: string | null;
}

/** The masked identity fields of a stored row, as every API object names them. */
export function presentMasks(row: StoredMasks): {
  documentMasked: string | null;
  phoneMasked: string | null;
  nameMasked: string | null;
} {
  return {
    documentMasked: row.document_masked ?? null,
    phoneMasked: row.phone_masked ?? null,
    nameMasked: row.name_masked ?? null,
  };
}

/**
 * A register resident's name where it is shown outside the register (contact lists, case labels,
 * reports without reveal): masked like every other name there.
 */
export function presentPersonName(name: string): string {
  return maskName(name);
}

/** The kinds of personal field a typed or uploaded value can be. */
export type PersonalFieldKind = 'idNumber' | 'phone' | 'name';

const MASK_OF: Readonly<Record<PersonalFieldKind, (value: string) => string>> = {
  idNumber: maskIdNumber,
  phone: maskPhone,
  name: maskName,
};

/**
 * A whole value someone typed or uploaded, shown back before it is stored (an import preview)
 * or written to a log: masked by its kind, like the stored masks.
 */
export function presentTyped(kind: PersonalFieldKind, value: string): string {
  return MASK_OF[kind](value);
}

/** The whole fields of an encrypted record: only on a reveal path that has written its audit entry. */
export function revealRecord(cipher: FieldCipher, secret: string): EncryptedRecordFields {
  return cipher.decryptRecord(secret);
}

/** The whole value of a field kept on its own (a requester's phone): only on an audited reveal path. */
export function revealValue(cipher: FieldCipher, encrypted: string): string {
  return cipher.decrypt(encrypted);
}
