import { createCipheriv, createHash, randomBytes } from 'node:crypto';
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

  it('round-trips 50,000 values with fresh nonces and unchanged hashes, printing the throughput', () => {
    // See the sm4 suite's throughput test below for the comparison figures.
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
    const decrypted: string[] = [];
    const decryptRate = time(() => {
      for (const token of tokens) decrypted.push(cipher.decrypt(token));
    });
    // What was timed was real work: every token opens to its value, and no two tokens share a nonce.
    expect(decrypted.every((value) => value === idNumber)).toBe(true);
    expect(new Set(tokens).size).toBe(count);
    const recordRate = time(() => {
      for (let i = 0; i < count; i++) cipher.encryptRecord(record);
    });
    const hashes = new Set<string>();
    const hashRate = time(() => {
      for (let i = 0; i < count; i++) hashes.add(cipher.lookupHash('id', idNumber));
    });
    expect(hashes.size).toBe(1);
    console.log(
      `field-crypto throughput per second: encrypt ${encryptRate}, decrypt ${decryptRate}, ` +
        `encryptRecord (4 fields) ${recordRate}, lookupHash ${hashRate}`,
    );
  });
});

describe('the sm4 suite (SM4-CTR + HMAC-SM3)', () => {
  const sm4Key = randomBytes(16);
  const sm4: KeyMaterial = {
    currentKeyId: 's1',
    encryption: { s1: sm4Key, k1: oldKey },
    suites: { s1: 'sm4', k1: 'aes' },
    hmac,
  };
  const cipher = createFieldCipher(sm4);

  it('uses primitives that match the GB/T 32907 and GB/T 32905 test vectors', () => {
    // GB/T 32907-2016 Appendix A.1: one block, key = plaintext.
    const key = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    const expected = '681edf34d206965e86b3e94f536e4246';
    // CTR's first keystream block is E_K(initial counter), so encrypting zeros with IV = the test
    // plaintext must give the published ciphertext: the mode this suite uses, checked directly.
    const ctr = createCipheriv('sm4-ctr', key, key);
    expect(ctr.update(Buffer.alloc(16)).toString('hex')).toBe(expected);
    // GB/T 32905-2016 Appendix A.1: SM3("abc").
    expect(createHash('sm3').update('abc').digest('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
  });

  it('round-trips text and records in v2.sm4 tokens that never contain the plaintext', () => {
    for (const value of [idNumber, '', '张三丰', '𠮷 emoji 🙂', 'x'.repeat(1000)]) {
      const token = cipher.encrypt(value);
      expect(token).toMatch(/^v2\.sm4\.s1\.[A-Za-z0-9_-]+$/);
      expect(cipher.decrypt(token)).toBe(value);
    }
    const token = cipher.encrypt(idNumber);
    expect(Buffer.from(token.split('.')[3]!, 'base64url').includes(Buffer.from(idNumber))).toBe(false);
    const record = { idNumber, phone: '13812345678', name: '张三丰', note: null };
    expect(cipher.decryptRecord(cipher.encryptRecord(record))).toEqual(record);
    expect(new Set(Array.from({ length: 2000 }, () => cipher.encrypt(idNumber))).size).toBe(2000);
  });

  it('detects tampering with the IV, the ciphertext, the MAC, the key id or the suite', () => {
    const token = cipher.encrypt(idNumber);
    const [version, suite, keyId, payload] = token.split('.') as [string, string, string, string];
    const flip = (at: number) => {
      const bytes = Buffer.from(payload, 'base64url');
      const index = at < 0 ? bytes.length + at : at;
      bytes[index] = bytes[index]! ^ 0x01;
      return `${version}.${suite}.${keyId}.${bytes.toString('base64url')}`;
    };
    expect(failureOf(() => cipher.decrypt(flip(0)))).toBe('tampered');
    expect(failureOf(() => cipher.decrypt(flip(16)))).toBe('tampered');
    expect(failureOf(() => cipher.decrypt(flip(-1)))).toBe('tampered');
    // Truncated ciphertext (CTR has no padding to catch it): the MAC does.
    const bytes = Buffer.from(payload, 'base64url');
    const shorter = Buffer.concat([bytes.subarray(0, 17), bytes.subarray(18)]).toString('base64url');
    expect(failureOf(() => cipher.decrypt(`v2.sm4.s1.${shorter}`))).toBe('tampered');
    // Relabelled with another sm4 key id, or claimed for the aes key.
    const twoSm4 = createFieldCipher({
      ...sm4,
      encryption: { ...sm4.encryption, s2: randomBytes(16) },
      suites: { ...sm4.suites, s2: 'sm4' },
    });
    expect(failureOf(() => twoSm4.decrypt(token.replace('.s1.', '.s2.')))).toBe('tampered');
    expect(failureOf(() => cipher.decrypt(token.replace('v2.sm4.s1.', 'v2.sm4.k1.')))).toBe('tampered');
    expect(failureOf(() => cipher.decrypt(token.replace('v2.sm4.s1.', 'v1.s1.')))).toBe('tampered');
    expect(failureOf(() => cipher.decrypt(token.replace('v2.sm4.', 'v2.sm9.')))).toBe('malformed');
    expect(failureOf(() => cipher.decrypt('v2.sm4.s1.AAAA'))).toBe('malformed');
    expect(failureOf(() => createFieldCipher(keysV1).decrypt(token))).toBe('unknown_key');
  });

  it('reads AES tokens written before a switch to sm4 and flags them for re-encryption', () => {
    const aes = createFieldCipher(keysV1);
    const before = aes.encryptRecord({ idNumber, phone: null });
    expect(cipher.suite).toBe('sm4');
    expect(cipher.decryptRecord(before)).toEqual({ idNumber, phone: null });
    expect(cipher.needsReencryption(before)).toBe(true);
    const after = cipher.encrypt(cipher.decrypt(before));
    expect(after.startsWith('v2.sm4.s1.')).toBe(true);
    expect(cipher.needsReencryption(after)).toBe(false);
    // And back: an aes-current cipher that still holds the sm4 key reads sm4 tokens.
    const back = createFieldCipher({ ...sm4, currentKeyId: 'k1' });
    expect(back.suite).toBe('aes');
    expect(back.decrypt(after)).toBe(JSON.stringify({ idNumber, phone: null }));
    expect(back.needsReencryption(after)).toBe(true);
  });

  it('hashes lookups with HMAC-SM3, and offers both suites while keys of both are configured', () => {
    const aes = createFieldCipher(keysV1);
    const sm3Hash = cipher.lookupHash('id', idNumber);
    const shaHash = aes.lookupHash('id', idNumber);
    expect(sm3Hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sm3Hash).not.toBe(shaHash);
    expect(cipher.lookupHashIn('aes', 'id', idNumber)).toBe(shaHash);
    expect(cipher.lookupHashes('id', idNumber)).toEqual([sm3Hash, shaHash]);
    expect(aes.lookupHashes('id', idNumber)).toEqual([shaHash]);
    const sm4Only = createFieldCipher({
      currentKeyId: 's1',
      encryption: { s1: sm4Key },
      suites: { s1: 'sm4' },
      hmac,
    });
    expect(sm4Only.lookupHashes('id', idNumber)).toEqual([sm3Hash]);
  });

  it('refuses an SM4 key that is not 16 bytes', () => {
    expect(() =>
      createFieldCipher({ ...sm4, encryption: { ...sm4.encryption, s1: randomBytes(32) } }),
    ).toThrow(/16 bytes/);
  });

  it('opens SM4 and AES-256-GCM records alike, printing their throughput side by side', () => {
    const count = 10_000;
    const record = {
      idNumber,
      phone: '13812345678',
      name: '张三丰',
      address: '浙江省杭州市西湖区文三路478号',
    };
    const rate = (action: () => void): number => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < count; i++) action();
      return Math.round(count / (Number(process.hrtime.bigint() - start) / 1e9));
    };
    const aes = createFieldCipher(keysV1);
    const aesToken = aes.encryptRecord(record);
    const sm4Token = cipher.encryptRecord(record);
    expect(aes.decryptRecord(aesToken)).toEqual(record);
    expect(cipher.decryptRecord(sm4Token)).toEqual(record);
    expect(cipher.lookupHash('id', idNumber)).not.toBe(aes.lookupHash('id', idNumber));
    console.log(
      `encryptRecord per second: aes-256-gcm ${rate(() => aes.encryptRecord(record))}, ` +
        `sm4-ctr+hmac-sm3 ${rate(() => cipher.encryptRecord(record))}; decryptRecord: aes ` +
        `${rate(() => aes.decryptRecord(aesToken))}, sm4 ${rate(() => cipher.decryptRecord(sm4Token))}; ` +
        `lookupHash: hmac-sha256 ${rate(() => aes.lookupHash('id', idNumber))}, ` +
        `hmac-sm3 ${rate(() => cipher.lookupHash('id', idNumber))}`,
    );
  });
});
