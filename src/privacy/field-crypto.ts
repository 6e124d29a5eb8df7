import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  randomFillSync,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { type CipherSuite, isCipherSuite, type KeyMaterial, SUITE_KEY_BYTES } from './suites.js';

/**
 * Encryption at rest for personal data (ID numbers, phones, names) and keyed hashes for
 * equality search. Every token names its suite and key, so old keys and suites stay readable
 * and can be rotated out:
 *   aes  `v1.<keyId>.<base64url(iv12 | ciphertext | tag16)>`       AES-256-GCM, header as AAD
 *   sm4  `v2.sm4.<keyId>.<base64url(iv16 | ciphertext | mac32)>`   SM4-CTR, then HMAC-SM3 over
 *        header | 0x00 | iv | ciphertext (encrypt-then-MAC)
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
  /** The suite of the current key: what new tokens and lookup hashes use. */
  readonly suite: CipherSuite;
  encrypt(plaintext: string): string;
  decrypt(token: string): string;
  /** One cipher operation for all of a person's fields: far cheaper than one per field in bulk imports. */
  encryptRecord(fields: EncryptedRecordFields): string;
  decryptRecord(token: string): EncryptedRecordFields;
  /** True when the token was encrypted under a key (or suite) other than the current one. */
  needsReencryption(token: string): boolean;
  /**
   * Deterministic keyed hash (base64url) of `kind:value` under the current suite: HMAC-SHA256
   * (aes) or HMAC-SM3 (sm4). The caller normalises the value first.
   */
  lookupHash(kind: LookupKind, normalisedValue: string): string;
  /**
   * The hashes a stored row may carry for this value: the current suite's first, then the other
   * suite's while keys of both suites are configured (a suite switch whose `gridguard keys
   * rotate` may not have finished). Search with `in (...)` over these.
   */
  lookupHashes(kind: LookupKind, normalisedValue: string): string[];
  /** The hash under a given suite (the rotation job maps old hashes to new ones with it). */
  lookupHashIn(suite: CipherSuite, kind: LookupKind, normalisedValue: string): string;
}

const AES_VERSION = 'v1';
const SM4_VERSION = 'v2';
const AES_IV_BYTES = 12;
const AES_TAG_BYTES = 16;
const SM4_IV_BYTES = 16;
const SM4_MAC_BYTES = 32;
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,16}$/;
const KIND_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]+$/;
const HASH_OF: Readonly<Record<CipherSuite, string>> = { aes: 'sha256', sm4: 'sm3' };
const HEADER_END = Buffer.from([0]);

/*
 * Random 96-bit GCM IVs are safe for up to 2^32 encryptions per key (NIST SP 800-38D); rotate
 * keys well before that. SM4-CTR takes a random 128-bit initial counter block. Drawing IVs from
 * a pooled buffer avoids one randomBytes call per value.
 */
const IV_POOL_SIZE = 16 * 4096;
let ivPool = Buffer.alloc(0);
let ivOffset = 0;

function nextIv(bytes: number): Buffer {
  if (ivOffset + bytes > ivPool.length) {
    // A fresh buffer each time, so no IV handed out earlier can ever be overwritten.
    ivPool = randomFillSync(Buffer.allocUnsafe(IV_POOL_SIZE));
    ivOffset = 0;
  }
  const iv = ivPool.subarray(ivOffset, ivOffset + bytes);
  ivOffset += bytes;
  return iv;
}

/** The suite of each configured key id (keys configured without one are AES keys). */
export function suiteOfKey(keys: KeyMaterial, keyId: string): CipherSuite {
  return keys.suites?.[keyId] ?? 'aes';
}

function checkKeys(keys: KeyMaterial): void {
  const ids = Object.keys(keys.encryption);
  for (const id of ids) {
    if (!KEY_ID_PATTERN.test(id))
      throw new Error(`encryption key id "${id}" must match ${KEY_ID_PATTERN.source}`);
    const suite = suiteOfKey(keys, id);
    if (!isCipherSuite(suite)) throw new Error(`encryption key "${id}" has an unknown suite`);
    const bytes = SUITE_KEY_BYTES[suite];
    if (keys.encryption[id]?.length !== bytes)
      throw new Error(`encryption key "${id}" (${suite}) must be ${bytes} bytes`);
  }
  if (!ids.includes(keys.currentKeyId)) throw new Error(`current key id "${keys.currentKeyId}" has no key`);
  if (keys.hmac.length < 32) throw new Error('hmac key must be at least 32 bytes');
}

function malformed(detail: string): FieldDecryptionError {
  return new FieldDecryptionError('malformed', `encrypted value is malformed: ${detail}`);
}

interface ParsedToken {
  suite: CipherSuite;
  keyId: string;
  header: string;
  payload: string;
}

/** Splits a token into its suite, key id and payload, checking the shape only. */
function parseToken(token: string): ParsedToken {
  const parts = token.split('.');
  let suite: CipherSuite;
  let keyId: string;
  if (parts[0] === AES_VERSION && parts.length === 3) {
    suite = 'aes';
    keyId = parts[1]!;
  } else if (parts[0] === SM4_VERSION && parts.length === 4 && parts[1] === 'sm4') {
    suite = 'sm4';
    keyId = parts[2]!;
  } else if (parts.length < 3) {
    throw malformed('expected "v1.<keyId>.<data>" or "v2.<suite>.<keyId>.<data>"');
  } else {
    throw malformed(`unsupported version or suite "${token.slice(0, 10).split('.').slice(0, 2).join('.')}"`);
  }
  const payload = parts[parts.length - 1]!;
  if (!KEY_ID_PATTERN.test(keyId)) throw malformed('invalid key id');
  if (!BASE64URL_PATTERN.test(payload)) throw malformed('data is not base64url');
  return { suite, keyId, header: token.slice(0, token.length - payload.length - 1), payload };
}

function isRecordFields(value: unknown): value is EncryptedRecordFields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((field) => field === null || typeof field === 'string');
}

/** One configured key, ready to use: KeyObjects are made once, not per value. */
type PreparedKey =
  { suite: 'aes'; key: KeyObject } | { suite: 'sm4'; encryptionKey: KeyObject; macKey: KeyObject };

/** SM4 keys are split into an encryption key and a MAC key with HKDF-SM3, so neither is reused. */
function prepareKey(suite: CipherSuite, bytes: Buffer): PreparedKey {
  if (suite === 'aes') return { suite, key: createSecretKey(bytes) };
  const derive = (info: string, length: number) =>
    createSecretKey(Buffer.from(hkdfSync('sm3', bytes, Buffer.alloc(0), info, length)));
  return {
    suite,
    encryptionKey: derive('gridguard field sm4-ctr', 16),
    macKey: derive('gridguard field hmac-sm3', 32),
  };
}

function failedAuthentication(keyId: string): FieldDecryptionError {
  return new FieldDecryptionError(
    'tampered',
    `encrypted value failed authentication under key "${keyId}": it was altered or the key is wrong`,
  );
}

function sm4Mac(macKey: KeyObject, header: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  return createHmac('sm3', macKey).update(header).update(HEADER_END).update(iv).update(ciphertext).digest();
}

export function createFieldCipher(keys: KeyMaterial): FieldCipher {
  checkKeys(keys);
  const prepared = new Map<string, PreparedKey>(
    Object.entries(keys.encryption).map(([id, bytes]) => [id, prepareKey(suiteOfKey(keys, id), bytes)]),
  );
  const currentKeyId = keys.currentKeyId;
  const current = prepared.get(currentKeyId)!;
  const suite = current.suite;
  // The header is authenticated, so a token cannot be relabelled with another version or key id.
  const currentHeader =
    suite === 'aes' ? `${AES_VERSION}.${currentKeyId}` : `${SM4_VERSION}.sm4.${currentKeyId}`;
  const currentHeaderBytes = Buffer.from(currentHeader, 'utf8');
  const hmacKey = createSecretKey(keys.hmac);
  const configuredSuites = [...new Set([...prepared.values()].map((key) => key.suite))];
  const otherHashSuites = configuredSuites.filter((other) => other !== suite);

  function encrypt(plaintext: string): string {
    const data = Buffer.from(plaintext, 'utf8');
    let body: Buffer;
    if (current.suite === 'aes') {
      const iv = nextIv(AES_IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv, { authTagLength: AES_TAG_BYTES });
      cipher.setAAD(currentHeaderBytes);
      body = Buffer.concat([iv, cipher.update(data), cipher.final(), cipher.getAuthTag()]);
    } else {
      const iv = nextIv(SM4_IV_BYTES);
      const cipher = createCipheriv('sm4-ctr', current.encryptionKey, iv);
      const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
      body = Buffer.concat([iv, ciphertext, sm4Mac(current.macKey, currentHeaderBytes, iv, ciphertext)]);
    }
    return `${currentHeader}.${body.toString('base64url')}`;
  }

  function decrypt(token: string): string {
    const parsed = parseToken(token);
    const { keyId } = parsed;
    const key = prepared.get(keyId);
    if (!key)
      throw new FieldDecryptionError('unknown_key', `no encryption key with id "${keyId}" is configured`);
    // A key id names one key of one suite: a token claiming another suite for it was relabelled.
    if (key.suite !== parsed.suite) throw failedAuthentication(keyId);
    const body = Buffer.from(parsed.payload, 'base64url');
    const header = Buffer.from(parsed.header, 'utf8');
    if (key.suite === 'aes') {
      if (body.length < AES_IV_BYTES + AES_TAG_BYTES) throw malformed('data is too short');
      const decipher = createDecipheriv('aes-256-gcm', key.key, body.subarray(0, AES_IV_BYTES), {
        authTagLength: AES_TAG_BYTES,
      });
      decipher.setAAD(header);
      decipher.setAuthTag(body.subarray(body.length - AES_TAG_BYTES));
      try {
        return Buffer.concat([
          decipher.update(body.subarray(AES_IV_BYTES, body.length - AES_TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw failedAuthentication(keyId);
      }
    }
    if (body.length < SM4_IV_BYTES + SM4_MAC_BYTES) throw malformed('data is too short');
    const iv = body.subarray(0, SM4_IV_BYTES);
    const ciphertext = body.subarray(SM4_IV_BYTES, body.length - SM4_MAC_BYTES);
    const expected = sm4Mac(key.macKey, header, iv, ciphertext);
    // Verify before decrypting, in constant time.
    if (!timingSafeEqual(expected, body.subarray(body.length - SM4_MAC_BYTES)))
      throw failedAuthentication(keyId);
    const decipher = createDecipheriv('sm4-ctr', key.encryptionKey, iv);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
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

  function lookupHashIn(hashSuite: CipherSuite, kind: LookupKind, normalisedValue: string): string {
    // Kinds cannot contain ':', so "kind:value" never collides across kinds.
    if (!KIND_PATTERN.test(kind)) throw new Error(`lookup kind must match ${KIND_PATTERN.source}`);
    return createHmac(HASH_OF[hashSuite], hmacKey)
      .update(`${kind}:${normalisedValue}`, 'utf8')
      .digest('base64url');
  }

  return {
    currentKeyId,
    suite,
    encrypt,
    decrypt,
    encryptRecord: (fields) => encrypt(JSON.stringify(fields)),
    decryptRecord,
    needsReencryption: (token) => {
      const parsed = parseToken(token);
      return parsed.keyId !== currentKeyId || parsed.suite !== suite;
    },
    lookupHash: (kind, value) => lookupHashIn(suite, kind, value),
    lookupHashes: (kind, value) => [
      lookupHashIn(suite, kind, value),
      ...otherHashSuites.map((other) => lookupHashIn(other, kind, value)),
    ],
    lookupHashIn,
  };
}
