import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
    expect(config).toMatchObject({ publicUrl: 'http://localhost:3000', placeScanRetentionDays: 21 });
    expect(
      loadConfig({
        ...keys,
        GRIDGUARD_PUBLIC_URL: 'https://gg.example.cn/',
        GRIDGUARD_PLACE_SCAN_RETENTION_DAYS: '14',
      }),
    ).toMatchObject({ publicUrl: 'https://gg.example.cn', placeScanRetentionDays: 14 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads a replica only beside a primary, with a staleness bound', () => {
    expect(loadConfig({ ...keys })).toMatchObject({ databaseReadUrl: null, readMaxLagSeconds: 30 });
    expect(
      loadConfig({
        ...keys,
        DATABASE_URL: 'postgres://primary/gg',
        DATABASE_READ_URL: 'postgres://replica/gg',
        GRIDGUARD_READ_MAX_LAG_SECONDS: '5',
        GRIDGUARD_PUBLIC_URL: 'https://gg.example.cn',
      }),
    ).toMatchObject({ databaseReadUrl: 'postgres://replica/gg', readMaxLagSeconds: 5 });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_READ_URL: 'postgres://replica/gg' }, 'DATABASE_READ_URL'],
    [{ DATABASE_URL: 'postgres://primary/gg', DATABASE_READ_URL: 'replica:5433' }, 'DATABASE_READ_URL'],
    [{ GRIDGUARD_READ_MAX_LAG_SECONDS: '0' }, 'GRIDGUARD_READ_MAX_LAG_SECONDS'],
    [{ GRIDGUARD_GRID_CODE_WIDTH: '4' }, 'GRIDGUARD_GRID_CODE_WIDTH'],
    [{ GRIDGUARD_DEMO: 'maybe' }, 'GRIDGUARD_DEMO'],
    [{ GRIDGUARD_HMAC_KEY: 'c2hvcnQ=' }, 'GRIDGUARD_HMAC_KEY'],
    [{ GRIDGUARD_PUBLIC_URL: 'ftp://x' }, 'GRIDGUARD_PUBLIC_URL'],
    [{ GRIDGUARD_DEMO: 'false' }, 'GRIDGUARD_PUBLIC_URL'],
    [{ GRIDGUARD_COOKIE_SECURE: 'sometimes' }, 'GRIDGUARD_COOKIE_SECURE'],
    [{ GRIDGUARD_API_DOCS: 'everyone' }, 'GRIDGUARD_API_DOCS'],
    [{ GRIDGUARD_PLACE_SCAN_RETENTION_DAYS: 'two weeks' }, 'GRIDGUARD_PLACE_SCAN_RETENTION_DAYS'],
    [{ GRIDGUARD_VEHICLE_CHECK_WINDOW_HOURS: '0' }, 'GRIDGUARD_VEHICLE_CHECK_WINDOW_HOURS'],
    [{ GRIDGUARD_BASEMAP: 'tiles.example.cn' }, 'GRIDGUARD_BASEMAP'],
    [{ GRIDGUARD_BASEMAP: 'https://tiles.example.cn/{z}/{x}.png' }, 'GRIDGUARD_BASEMAP'],
    [{ GRIDGUARD_BASEMAP: 'pmtiles:relative/map.pmtiles' }, 'GRIDGUARD_BASEMAP'],
    [{ GRIDGUARD_BASEMAP: 'pmtiles:/nowhere/map.pmtiles' }, 'GRIDGUARD_BASEMAP'],
    [{ GRIDGUARD_BASEMAP_CRS: 'bd09' }, 'GRIDGUARD_BASEMAP_CRS'],
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
    const server = { DATABASE_URL: 'postgres://u@h/db', GRIDGUARD_PUBLIC_URL: 'https://gg.example.cn' };
    expect(() => loadConfig(server)).toThrow(/GRIDGUARD_ENCRYPTION_KEYS/);
    expect(loadConfig({ ...server, ...keys }).demo).toBe(false);
  });

  it('requires GRIDGUARD_PUBLIC_URL outside demo mode; demo mode links to localhost, never to a request', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@h/db', ...keys })).toThrow(
      /^GRIDGUARD_PUBLIC_URL: is required outside demo mode/,
    );
    expect(() => loadConfig({ ...keys, GRIDGUARD_DEMO: 'false' })).toThrow(/GRIDGUARD_PUBLIC_URL/);
    expect(loadConfig({ ...keys, PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ ...keys, GRIDGUARD_PUBLIC_URL: 'http://10.1.2.3:3000/' }).publicUrl).toBe(
      'http://10.1.2.3:3000',
    );
  });

  it('turns Secure cookies (and HSTS) on for an https public address unless told otherwise', () => {
    const https = { ...keys, GRIDGUARD_DEMO: 'false', GRIDGUARD_PUBLIC_URL: 'https://gg.example.cn' };
    expect(loadConfig(https).cookieSecure).toBe(true);
    expect(loadConfig({ ...https, GRIDGUARD_COOKIE_SECURE: 'false' }).cookieSecure).toBe(false);
    expect(loadConfig({ ...keys, GRIDGUARD_PUBLIC_URL: 'http://10.1.2.3' }).cookieSecure).toBe(false);
    expect(
      loadConfig({ ...keys, GRIDGUARD_PUBLIC_URL: 'http://10.1.2.3', GRIDGUARD_COOKIE_SECURE: 'true' })
        .cookieSecure,
    ).toBe(true);
    expect(loadConfig({ ...keys }).cookieSecure).toBe(false);
  });

  it('keeps the API documentation behind sign-in outside demo mode unless configured', () => {
    const server = { ...keys, GRIDGUARD_DEMO: 'false', GRIDGUARD_PUBLIC_URL: 'https://gg.example.cn' };
    expect(loadConfig(server).apiDocs).toBe('signed-in');
    expect(loadConfig({ ...keys }).apiDocs).toBe('public');
    expect(loadConfig({ ...server, GRIDGUARD_API_DOCS: 'public' }).apiDocs).toBe('public');
    expect(loadConfig({ ...server, GRIDGUARD_API_DOCS: 'OFF' }).apiDocs).toBe('off');
  });

  it('reads the map base layer: none by default, a tile template, or a local PMTiles archive', () => {
    expect(loadConfig({ ...keys }).basemap).toEqual({
      source: { kind: 'none' },
      crs: 'wgs84',
      attribution: '',
    });
    const tianditu =
      'https://t{0-7}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&LAYER=vec&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=abc';
    expect(
      loadConfig({ ...keys, GRIDGUARD_BASEMAP: tianditu, GRIDGUARD_BASEMAP_ATTRIBUTION: '天地图' }).basemap,
    ).toEqual({ source: { kind: 'xyz', template: tianditu }, crs: 'wgs84', attribution: '天地图' });
    expect(loadConfig({ ...keys, GRIDGUARD_BASEMAP_CRS: 'GCJ02' }).basemap.crs).toBe('gcj02');
    const dir = mkdtempSync(path.join(tmpdir(), 'gg-basemap-'));
    const file = path.join(dir, 'village.pmtiles');
    writeFileSync(file, 'PMTiles');
    try {
      expect(loadConfig({ ...keys, GRIDGUARD_BASEMAP: `pmtiles:${file}` }).basemap.source).toEqual({
        kind: 'pmtiles',
        file,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
