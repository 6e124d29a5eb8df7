import type { EncryptedRecordFields, FieldCipher } from './field-crypto.js';
import { maskIdNumber, maskName, maskPhone } from './masking.js';

/**
 * The one way each kind of personal field is stored. The whole value goes only into ciphertext;
 * beside it, in clear, sit what a kind allows: for ID and document numbers a keyed lookup hash
 * and the mask (first and last character), for phones a keyed hash and the mask (138****5678),
 * for names the mask alone (names are never searched by hash), for birth dates the year alone.
 * Callers pick the columns; they never combine cipher, hash and mask themselves.
 *
 * Names follow one rule: a name given by someone outside the register (a reporter, a requester,
 * a visitor scanning a place code, a door-code submission, a health record or lead) is stored
 * whole only encrypted, with its mask beside it, and shown masked. The register's own residents
 * keep their name in clear (the register is searched and listed by it for staff of the area),
 * and any page outside the register shows it through `presentPersonName`, masked.
 */

/** The clear side of a document number: keyed hash to find it, mask to show it. */
export interface ClearIdNumber {
  hash: string;
  masked: string;
}

/** The clear side of a phone number (stored normalised: see register's normalisePhone). */
export interface ClearPhone {
  hash: string;
  masked: string;
}

/**
 * The keyed hash under which a document number is found. Resident ID numbers share one space
 * (`id`) with health feeds and leads; other documents hash as `doc:<type>:<number>`.
 */
export function documentHash(cipher: FieldCipher, type: string, number: string): string {
  return type === 'resident_id'
    ? cipher.lookupHash('id', number)
    : cipher.lookupHash('doc', `${type}:${number}`);
}

/**
 * Every hash a stored row may hold for this number: the current suite's, and while keys of
 * another suite are configured (a switch `gridguard keys rotate` may not have finished) that one's.
 */
export function documentHashes(cipher: FieldCipher, type: string, number: string): string[] {
  return type === 'resident_id'
    ? cipher.lookupHashes('id', number)
    : cipher.lookupHashes('doc', `${type}:${number}`);
}

export function phoneHash(cipher: FieldCipher, normalisedPhone: string): string {
  return cipher.lookupHash('phone', normalisedPhone);
}

/** What may sit in clear beside an encrypted document number. */
export function idNumberInClear(cipher: FieldCipher, type: string, number: string): ClearIdNumber {
  return { hash: documentHash(cipher, type, number), masked: maskIdNumber(number) };
}

/** What may sit in clear beside an encrypted phone. */
export function phoneInClear(cipher: FieldCipher, normalisedPhone: string): ClearPhone {
  return { hash: phoneHash(cipher, normalisedPhone), masked: maskPhone(normalisedPhone) };
}

/** What may sit in clear beside an encrypted name: its mask (张**). */
export function nameInClear(name: string): { masked: string } {
  return { masked: maskName(name) };
}

/** A document number kept on its own: ciphertext, lookup hash, mask. */
export function protectIdNumber(cipher: FieldCipher, type: string, number: string) {
  return { encrypted: cipher.encrypt(number), ...idNumberInClear(cipher, type, number) };
}

/** A phone kept on its own (a reporter's, a requester's, a resource's): ciphertext, lookup hash, mask. */
export function protectPhone(cipher: FieldCipher, normalisedPhone: string) {
  return { encrypted: cipher.encrypt(normalisedPhone), ...phoneInClear(cipher, normalisedPhone) };
}

/** A name kept on its own (a reporter's, a requester's): ciphertext and mask, no hash. */
export function protectName(cipher: FieldCipher, name: string) {
  return { encrypted: cipher.encrypt(name), ...nameInClear(name) };
}

/** `1954-09-12` → 1954; what may sit in clear of a birth date. */
export function birthYearOf(birthDate: string | null | undefined): number | null {
  const year = birthDate ? Number(birthDate.slice(0, 4)) : NaN;
  return Number.isInteger(year) ? year : null;
}

/** Someone's identifying fields; an absent (undefined) field is left out of the record. */
export interface IdentityInput {
  /** The hash space of `documentNumber`; `resident_id` when not given. Not stored by itself. */
  documentType?: string;
  documentNumber?: string | null;
  phone?: string | null;
  name?: string | null;
}

export interface ProtectedIdentity {
  /** One encrypted record of every given field and `extra`: one cipher operation per person. */
  secret: string;
  documentHash: string | null;
  documentMasked: string | null;
  phoneHash: string | null;
  phoneMasked: string | null;
  nameMasked: string | null;
}

/**
 * Several fields of one person kept together (a place scan, a door-code submission, a health
 * record, a lead): one encrypted record, and each field's clear side from its kind above.
 * `extra` fields (answers, a document type) go into the record only.
 */
export function protectIdentity(
  cipher: FieldCipher,
  identity: IdentityInput,
  extra: EncryptedRecordFields = {},
): ProtectedIdentity {
  const { documentType = 'resident_id', documentNumber, phone, name } = identity;
  const fields: EncryptedRecordFields = {};
  if (documentNumber !== undefined) fields.documentNumber = documentNumber;
  if (phone !== undefined) fields.phone = phone;
  if (name !== undefined) fields.name = name;
  const document = documentNumber ? idNumberInClear(cipher, documentType, documentNumber) : null;
  const clearPhone = phone ? phoneInClear(cipher, phone) : null;
  return {
    secret: cipher.encryptRecord({ ...extra, ...fields }),
    documentHash: document?.hash ?? null,
    documentMasked: document?.masked ?? null,
    phoneHash: clearPhone?.hash ?? null,
    phoneMasked: clearPhone?.masked ?? null,
    nameMasked: name ? nameInClear(name).masked : null,
  };
}
