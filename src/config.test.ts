import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const keys = {
  GRIDGUARD_ENCRYPTION_KEYS: `k2:${Buffer.alloc(32, 2).toString('base64')},k1:${Buffer.alloc(32, 1).toString('base64')}`,
  GRIDGUARD_HMAC_KEY: Buffer.alloc(32, 3).toString('base64'),
};

describe('configuration', () => {
  it('has defaults and is frozen', () => {
    const config = loadConfig({ ...keys });
    expect(config).toMatchObject({ port: 3000, databaseUrl: null, demo: true, gridCodeWidth: 3 });
    expect(config.keys.currentKeyId).toBe('k2');
    expect(config).toMatchObject({ publicUrl: null, placeScanRetentionDays: 21 });
    expect(
      loadConfig({
        ...keys,
        GRIDGUARD_PUBLIC_URL: 'https://gg.example.cn/',
        GRIDGUARD_PLACE_SCAN_RETENTION_DAYS: '14',
      }),
    ).toMatchObject({ publicUrl: 'https://gg.example.cn', placeScanRetentionDays: 14 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ GRIDGUARD_GRID_CODE_WIDTH: '4' }, 'GRIDGUARD_GRID_CODE_WIDTH'],
    [{ GRIDGUARD_DEMO: 'maybe' }, 'GRIDGUARD_DEMO'],
    [{ GRIDGUARD_HMAC_KEY: 'c2hvcnQ=' }, 'GRIDGUARD_HMAC_KEY'],
    [{ GRIDGUARD_PUBLIC_URL: 'ftp://x' }, 'GRIDGUARD_PUBLIC_URL'],
    [{ GRIDGUARD_PLACE_SCAN_RETENTION_DAYS: 'two weeks' }, 'GRIDGUARD_PLACE_SCAN_RETENTION_DAYS'],
  ])('names the variable of a bad value %j', (env, variable) => {
    let error: unknown;
    try {
      loadConfig({ ...keys, ...env });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
  });

  it('requires keys with a PostgreSQL server and is off demo mode there', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@h/db' })).toThrow(/GRIDGUARD_ENCRYPTION_KEYS/);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db', ...keys }).demo).toBe(false);
  });
});
