import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { createFieldCipher } from './privacy/field-crypto.js';

const aesKey = Buffer.alloc(32, 1).toString('base64');
const sm4Key = Buffer.alloc(16, 2).toString('base64');
const hmac = Buffer.alloc(32, 3).toString('base64');

function variableOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error.variable;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('key material with cipher suites', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gg-keys-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reads "id:suite:base64" entries, with a bare "id:base64" meaning an AES key', () => {
    const { keys } = loadConfig({
      GRIDGUARD_ENCRYPTION_KEYS: `s1:sm4:${sm4Key},k1:${aesKey},k0:aes:${aesKey}`,
      GRIDGUARD_HMAC_KEY: hmac,
    });
    expect(keys.currentKeyId).toBe('s1');
    expect(keys.suites).toEqual({ s1: 'sm4', k1: 'aes', k0: 'aes' });
    expect(keys.encryption.s1).toHaveLength(16);
    expect(createFieldCipher(keys).encrypt('x')).toMatch(/^v2\.sm4\.s1\./);
  });

  it('makes the first listed key of GRIDGUARD_CIPHER current', () => {
    const env = { GRIDGUARD_ENCRYPTION_KEYS: `k1:${aesKey},s1:sm4:${sm4Key}`, GRIDGUARD_HMAC_KEY: hmac };
    expect(loadConfig(env).keys.currentKeyId).toBe('k1');
    expect(loadConfig({ ...env, GRIDGUARD_CIPHER: 'sm4' }).keys.currentKeyId).toBe('s1');
    expect(loadConfig({ ...env, GRIDGUARD_CIPHER: 'AES' }).keys.currentKeyId).toBe('k1');
  });

  it.each([
    [{ GRIDGUARD_CIPHER: 'sm2' }, 'GRIDGUARD_CIPHER'],
    [{ GRIDGUARD_CIPHER: 'sm4' }, 'GRIDGUARD_CIPHER'],
    [{ GRIDGUARD_ENCRYPTION_KEYS: `s1:sm4:${aesKey}` }, 'GRIDGUARD_ENCRYPTION_KEYS'],
    [{ GRIDGUARD_ENCRYPTION_KEYS: `s1:sm4:${sm4Key}:x` }, 'GRIDGUARD_ENCRYPTION_KEYS'],
    [{ GRIDGUARD_ENCRYPTION_KEYS: `s1:des:${sm4Key}` }, 'GRIDGUARD_ENCRYPTION_KEYS'],
    [{ GRIDGUARD_ENCRYPTION_KEYS: `k1:${sm4Key}` }, 'GRIDGUARD_ENCRYPTION_KEYS'],
    [{ GRIDGUARD_ENCRYPTION_KEYS: `k1:${aesKey},k1:sm4:${sm4Key}` }, 'GRIDGUARD_ENCRYPTION_KEYS'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(
      variableOf(() =>
        loadConfig({ GRIDGUARD_ENCRYPTION_KEYS: `k1:${aesKey}`, GRIDGUARD_HMAC_KEY: hmac, ...env }),
      ),
    ).toBe(variable);
  });

  it('gives the embedded key file a current SM4 key when GRIDGUARD_CIPHER=sm4, keeping the old key', () => {
    const dir = dataDir();
    const first = loadConfig({ GRIDGUARD_DATA_DIR: dir }).keys;
    expect(first.currentKeyId).toBe('k1');
    expect(first.suites).toEqual({ k1: 'aes' });
    const oldToken = createFieldCipher(first).encrypt('11010519491231002X');

    const switched = loadConfig({ GRIDGUARD_DATA_DIR: dir, GRIDGUARD_CIPHER: 'sm4' }).keys;
    expect(switched.currentKeyId).toBe('k2');
    expect(switched.suites).toEqual({ k1: 'aes', k2: 'sm4' });
    expect(switched.encryption.k2).toHaveLength(16);
    expect(switched.encryption.k1).toEqual(first.encryption.k1);
    expect(switched.hmac).toEqual(first.hmac);
    const cipher = createFieldCipher(switched);
    expect(cipher.decrypt(oldToken)).toBe('11010519491231002X');
    expect(cipher.encrypt('x')).toMatch(/^v2\.sm4\.k2\./);

    const file = path.join(dir, 'keys.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ currentKeyId: 'k2' });
    // Stable: the same key on the next start, with or without the variable.
    expect(loadConfig({ GRIDGUARD_DATA_DIR: dir, GRIDGUARD_CIPHER: 'sm4' }).keys.encryption.k2).toEqual(
      switched.encryption.k2,
    );
    expect(loadConfig({ GRIDGUARD_DATA_DIR: dir }).keys.currentKeyId).toBe('k2');
    // Back to aes reuses the existing aes key instead of making another.
    expect(loadConfig({ GRIDGUARD_DATA_DIR: dir, GRIDGUARD_CIPHER: 'aes' }).keys.currentKeyId).toBe('k1');
  });

  it('generates an SM4 key file from the start when GRIDGUARD_CIPHER=sm4', () => {
    const keys = loadConfig({ GRIDGUARD_DATA_DIR: dataDir(), GRIDGUARD_CIPHER: 'sm4' }).keys;
    expect(keys.suites).toEqual({ k1: 'sm4' });
    expect(keys.encryption.k1).toHaveLength(16);
  });
});
