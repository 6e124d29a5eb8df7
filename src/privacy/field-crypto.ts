import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  randomFillSync,
  type KeyObject,
} from 'node:crypto';
import type { KeyMaterial } from '../config.js';

/**
 * Encryption at rest for personal data (ID numbers, phones, names) and keyed hashes for
 * equality search. Tokens look like `v1.<keyId>.<base64url(iv | ciphertext | tag)>` so each
 * value names its key and old keys can be rotated out.
 */

export type FieldDecryptionFailure = 'malformed' | 'unknown_key' | 'tampered' | 'not_a_record';

/** Decryption failed. The message never contains plaintext or key bytes. */
export class FieldDecryptionError extends Error {
  constructor(
    readonly reason: FieldDecryptionFailure,
    message: string,
  ) {
    super(message);
    this.name = 'FieldDecryptionError';
  }
}

export type EncryptedRecordFields = Record<string, string | null>;

/** `'id'` and `'phone'` are the usual kinds; any identifier-like name keeps its own hash space. */
export type LookupKind = 'id' | 'phone' | (string & {});

export interface FieldCipher {
  readonly currentKeyId: string;
  encrypt(plaintext: string): string;
  decrypt(token: string): string;
  /** One AES-GCM operation for all of a person's fields: far cheaper than one per field in bulk imports. */
  encryptRecord(fields: EncryptedRecordFields): string;
  decryptRecord(token: string): EncryptedRecordFields;
  /** True when the token was encrypted under a key other than the current one. */
  needsReencryption(token: string): boolean;
  /** Deterministic HMAC-SHA256 (base64url) of `kind:value`; the caller normalises the value first. */
  lookupHash(kind: LookupKind, normalisedValue: string): string;
}

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,16}$/;
const KIND_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]+$/;

/*
 * Random 96-bit IVs are safe for up to 2^32 encryptions per key (NIST SP 800-38D); rotate keys
 * well before that. Drawing them from a pooled buffer avoids one randomBytes call per value.
 */
const IV_POOL_SIZE = IV_BYTES * 4096;
let ivPool = Buffer.alloc(0);
let ivOffset = 0;

function nextIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    // A fresh buffer each time, so no IV handed out earlier can ever be overwritten.
    ivPool = randomFillSync(Buffer.allocUnsafe(IV_POOL_SIZE));
    ivOffset = 0;
  }
  const iv = ivPool.subarray(ivOffset, ivOffset + IV_BYTES);
  ivOffset += IV_BYTES;
  return iv;
}

function checkKeys(keys: KeyMaterial): void {
  const ids = Object.keys(keys.encryption);
  for (const id of ids) {
    if (!KEY_ID_PATTERN.test(id))
      throw new Error(`encryption key id "${id}" must match ${KEY_ID_PATTERN.source}`);
    if (keys.encryption[id]?.length !== 32) throw new Error(`encryption key "${id}" must be 32 bytes`);
  }
  if (!ids.includes(keys.currentKeyId)) throw new Error(`current key id "${keys.currentKeyId}" has no key`);
  if (keys.hmac.length < 32) throw new Error('hmac key must be at least 32 bytes');
}

function malformed(detail: string): FieldDecryptionError {
  return new FieldDecryptionError('malformed', `encrypted value is malformed: ${detail}`);
}

/** Splits a token into its key id and payload, checking the shape only. */
function parseToken(token: string): { keyId: string; header: string; payload: string } {
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  if (firstDot < 0 || secondDot < 0) throw malformed(`expected "${VERSION}.<keyId>.<data>"`);
  const version = token.slice(0, firstDot);
  if (version !== VERSION) throw malformed(`unsupported version "${version.slice(0, 8)}"`);
  const keyId = token.slice(firstDot + 1, secondDot);
  const payload = token.slice(secondDot + 1);
  if (!KEY_ID_PATTERN.test(keyId)) throw malformed('invalid key id');
  if (!BASE64URL_PATTERN.test(payload)) throw malformed('data is not base64url');
  return { keyId, header: token.slice(0, secondDot), payload };
}

function isRecordFields(value: unknown): value is EncryptedRecordFields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((field) => field === null || typeof field === 'string');
}

export function createFieldCipher(keys: KeyMaterial): FieldCipher {
  checkKeys(keys);
  // KeyObjects are created once: importing raw key bytes on every call costs throughput.
  const keyObjects = new Map<string, KeyObject>(
    Object.entries(keys.encryption).map(([id, bytes]) => [id, createSecretKey(bytes)]),
  );
  const currentKeyId = keys.currentKeyId;
  const currentKey = keyObjects.get(currentKeyId)!;
  // The header is authenticated, so a token cannot be relabelled with another version or key id.
  const currentHeader = `${VERSION}.${currentKeyId}`;
  const currentHeaderBytes = Buffer.from(currentHeader, 'utf8');
  const hmacKey = createSecretKey(keys.hmac);

  function encrypt(plaintext: string): string {
    const iv = nextIv();
    const cipher = createCipheriv(ALGORITHM, currentKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(currentHeaderBytes);
    const body = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${currentHeader}.${body.toString('base64url')}`;
  }

  function decrypt(token: string): string {
    const { keyId, header, payload } = parseToken(token);
    const key = keyObjects.get(keyId);
    if (!key)
      throw new FieldDecryptionError('unknown_key', `no encryption key with id "${keyId}" is configured`);
    const body = Buffer.from(payload, 'base64url');
    if (body.length < IV_BYTES + TAG_BYTES) throw malformed('data is too short');
    const decipher = createDecipheriv(ALGORITHM, key, body.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(header, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      const plain = Buffer.concat([
        decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return plain.toString('utf8');
    } catch {
      throw new FieldDecryptionError(
        'tampered',
        `encrypted value failed authentication under key "${keyId}": it was altered or the key is wrong`,
      );
    }
  }

  function decryptRecord(token: string): EncryptedRecordFields {
    const json = decrypt(token);
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      parsed = undefined;
    }
    if (!isRecordFields(parsed)) {
      throw new FieldDecryptionError(
        'not_a_record',
        'decrypted value is not a record of string or null fields',
      );
    }
    return parsed;
  }

  function lookupHash(kind: LookupKind, normalisedValue: string): string {
    // Kinds cannot contain ':', so "kind:value" never collides across kinds.
    if (!KIND_PATTERN.test(kind)) throw new Error(`lookup kind must match ${KIND_PATTERN.source}`);
    return createHmac('sha256', hmacKey).update(`${kind}:${normalisedValue}`, 'utf8').digest('base64url');
  }

  return {
    currentKeyId,
    encrypt,
    decrypt,
    encryptRecord: (fields) => encrypt(JSON.stringify(fields)),
    decryptRecord,
    needsReencryption: (token) => parseToken(token).keyId !== currentKeyId,
    lookupHash,
  };
}
