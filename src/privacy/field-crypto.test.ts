import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { KeyMaterial } from '../config.js';
import { createFieldCipher, FieldDecryptionError, type FieldDecryptionFailure } from './field-crypto.js';

const oldKey = randomBytes(32);
const newKey = randomBytes(32);
const hmac = randomBytes(32);

const keysV1: KeyMaterial = { currentKeyId: 'k1', encryption: { k1: oldKey }, hmac };
const rotated: KeyMaterial = { currentKeyId: 'k2', encryption: { k2: newKey, k1: oldKey }, hmac };

const idNumber = '11010519491231002X';

function failureOf(action: () => unknown): FieldDecryptionFailure {
  try {
    action();
  } catch (error) {
    if (error instanceof FieldDecryptionError) return error.reason;
    throw error;
  }
  throw new Error('expected a FieldDecryptionError');
}

/** Flips one bit of the decoded payload and re-encodes, so the token stays well-formed. */
function flipBit(token: string, byteIndex: number): string {
  const [version, keyId, payload] = token.split('.') as [string, string, string];
  const bytes = Buffer.from(payload, 'base64url');
  const at = byteIndex < 0 ? bytes.length + byteIndex : byteIndex;
  bytes[at] = bytes[at]! ^ 0x01;
  return `${version}.${keyId}.${bytes.toString('base64url')}`;
}

describe('createFieldCipher', () => {
  const cipher = createFieldCipher(keysV1);

  it('round-trips text, including empty and non-ASCII values', () => {
    for (const value of [idNumber, '', '张三丰', '浙江省杭州市西湖区文三路478号', '𠮷 emoji 🙂']) {
      expect(cipher.decrypt(cipher.encrypt(value))).toBe(value);
    }
  });

  it('produces a self-describing token that never contains the plaintext', () => {
    const token = cipher.encrypt(idNumber);
    expect(token).toMatch(/^v1\.k1\.[A-Za-z0-9_-]+$/);
    expect(token).not.toContain(idNumber);
    expect(token).not.toContain(Buffer.from(idNumber).toString('base64url'));
    expect(Buffer.from(token.split('.')[2]!, 'base64url').includes(Buffer.from(idNumber))).toBe(false);
  });

  it('uses a fresh IV each time, so equal values give different tokens', () => {
    const tokens = new Set(Array.from({ length: 5000 }, () => cipher.encrypt(idNumber)));
    expect(tokens.size).toBe(5000);
  });

  it('detects tampering with the IV, the ciphertext, the tag or the header', () => {
    const token = cipher.encrypt(idNumber);
    expect(failureOf(() => cipher.decrypt(flipBit(token, 0)))).toBe('tampered');
    expect(failureOf(() => cipher.decrypt(flipBit(token, 14)))).toBe('tampered');
    expect(failureOf(() => cipher.decrypt(flipBit(token, -1)))).toBe('tampered');
    // Relabelled with another configured key id.
    const both = createFieldCipher(rotated);
    expect(failureOf(() => both.decrypt(token.replace('v1.k1.', 'v1.k2.')))).toBe('tampered');
  });

  it('rejects malformed tokens and unknown key ids without echoing data', () => {
    expect(failureOf(() => cipher.decrypt(idNumber))).toBe('malformed');
    expect(failureOf(() => cipher.decrypt('v2.k1.AAAA'))).toBe('malformed');
    expect(failureOf(() => cipher.decrypt('v1.k1.AAAA'))).toBe('malformed');
    expect(failureOf(() => cipher.decrypt('v1.k1.not base64!'))).toBe('malformed');
    const token = createFieldCipher(rotated).encrypt(idNumber);
    expect(failureOf(() => cipher.decrypt(token))).toBe('unknown_key');
    expect(() => cipher.decrypt(flipBit(cipher.encrypt(idNumber), 20))).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(idNumber) }),
    );
  });

  it('decrypts old tokens after rotation and flags them for re-encryption', () => {
    const oldToken = cipher.encrypt(idNumber);
    const after = createFieldCipher(rotated);
    expect(after.decrypt(oldToken)).toBe(idNumber);
    expect(after.needsReencryption(oldToken)).toBe(true);
    const newToken = after.encrypt(after.decrypt(oldToken));
    expect(newToken.startsWith('v1.k2.')).toBe(true);
    expect(after.needsReencryption(newToken)).toBe(false);
    expect(cipher.needsReencryption(oldToken)).toBe(false);
  });

  it('encrypts a whole record in one token', () => {
    const record = { idNumber, phone: '13812345678', name: '张三丰', note: null };
    const token = cipher.encryptRecord(record);
    expect(token).not.toContain('13812345678');
    expect(cipher.decryptRecord(token)).toEqual(record);
    expect(createFieldCipher(rotated).decryptRecord(token)).toEqual(record);
    expect(failureOf(() => cipher.decryptRecord(cipher.encrypt(idNumber)))).toBe('not_a_record');
    expect(failureOf(() => cipher.decryptRecord(cipher.encrypt('[1,2]')))).toBe('not_a_record');
    expect(failureOf(() => cipher.decryptRecord(cipher.encrypt('{"a":1}')))).toBe('not_a_record');
  });

  it('computes deterministic, kind-separated lookup hashes', () => {
    const hash = cipher.lookupHash('id', idNumber);
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hash).not.toContain(idNumber);
    expect(cipher.lookupHash('id', idNumber)).toBe(hash);
    // Same key, new encryption key set: hashes must survive encryption-key rotation.
    expect(createFieldCipher(rotated).lookupHash('id', idNumber)).toBe(hash);
    expect(cipher.lookupHash('phone', idNumber)).not.toBe(hash);
    expect(cipher.lookupHash('id', '11010519491231002x')).not.toBe(hash);
    const otherHmac = createFieldCipher({ ...keysV1, hmac: randomBytes(32) });
    expect(otherHmac.lookupHash('id', idNumber)).not.toBe(hash);
    // A ':' in the kind could make "a:b" + ":c" equal "a" + ":b:c", so it is refused.
    expect(() => cipher.lookupHash('id:x', 'y')).toThrow();
    expect(() => cipher.lookupHash('', 'y')).toThrow();
  });

  it('refuses inconsistent key material', () => {
    expect(() => createFieldCipher({ ...keysV1, currentKeyId: 'k9' })).toThrow(/k9/);
    expect(() => createFieldCipher({ ...keysV1, encryption: { k1: randomBytes(16) } })).toThrow(/32 bytes/);
    expect(() =>
      createFieldCipher({ ...keysV1, encryption: { 'k.1': oldKey }, currentKeyId: 'k.1' }),
    ).toThrow();
    expect(() => createFieldCipher({ ...keysV1, hmac: randomBytes(8) })).toThrow(/hmac/);
  });

  it('prints throughput (informational, no assertion)', () => {
    const count = 50_000;
    const record = {
      idNumber,
      phone: '13812345678',
      name: '张三丰',
      address: '浙江省杭州市西湖区文三路478号',
    };
    const time = (action: () => void): number => {
      const start = process.hrtime.bigint();
      action();
      return Math.round(count / (Number(process.hrtime.bigint() - start) / 1e9));
    };
    const tokens: string[] = [];
    const encryptRate = time(() => {
      for (let i = 0; i < count; i++) tokens.push(cipher.encrypt(idNumber));
    });
    const decryptRate = time(() => {
      for (const token of tokens) cipher.decrypt(token);
    });
    const recordRate = time(() => {
      for (let i = 0; i < count; i++) cipher.encryptRecord(record);
    });
    const hashRate = time(() => {
      for (let i = 0; i < count; i++) cipher.lookupHash('id', idNumber);
    });
    console.log(
      `field-crypto throughput per second: encrypt ${encryptRate}, decrypt ${decryptRate}, ` +
        `encryptRecord (4 fields) ${recordRate}, lookupHash ${hashRate}`,
    );
  });
});
