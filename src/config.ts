import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CIPHER_SUITES,
  type CipherSuite,
  isCipherSuite,
  type KeyMaterial,
  SUITE_KEY_BYTES,
} from './privacy/suites.js';

/** Everything the process reads from its environment, validated once at boot and frozen. */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** A postgres:// URL, or null for the embedded PGlite database in `dataDir`. */
  readonly databaseUrl: string | null;
  /**
   * A streaming replica (DATABASE_READ_URL) for the heavy reads: dashboards, boards, lists, reports.
   * Only with DATABASE_URL; null reads everything from the primary.
   */
  readonly databaseReadUrl: string | null;
  /** Beyond this many seconds of replica lag, replica-served pages say how old their data is. */
  readonly readMaxLagSeconds: number;
  readonly dataDir: string;
  /** Demo mode: seeded accounts keep the demo password instead of being forced to change it. */
  readonly demo: boolean;
  readonly demoPassword: string;
  readonly cookieSecure: boolean;
  readonly bodyLimitBytes: number;
  readonly uploadLimitBytes: number;
  /** Digits of the sequence that unit grids add to their community's 12-digit code (2 or 3). */
  readonly gridCodeWidth: 2 | 3;
  /**
   * The address residents and staff reach the server at (GRIDGUARD_PUBLIC_URL, no trailing slash):
   * every QR code and link is built from it, never from a request's Host header.
   */
  readonly publicUrl: string;
  /** Who may read /api/docs and /api/openapi.json (GRIDGUARD_API_DOCS). */
  readonly apiDocs: ApiDocsAccess;
  /** Days a place-code scan (whereabouts) is kept before automatic deletion. */
  readonly placeScanRetentionDays: number;
  /** Days a checkpoint crossing (person or vehicle) is kept before automatic deletion. */
  readonly checkpointRecordRetentionDays: number;
  /** Alerts of one kind from one device this many seconds apart merge into one event. */
  readonly alertMergeSeconds: number;
  /** Hours a vehicle check stays "known everywhere": shown at every other checkpoint and to grid leaders. */
  readonly vehicleCheckWindowHours: number;
  /** Days of a vehicle's trail (plate reads, imported trails) compared with the current risk areas. */
  readonly vehicleTrailDays: number;
  /** Reads of one plate at one gate this many seconds apart merge into one record. */
  readonly plateReadMergeSeconds: number;
  /** The longest validity a pass (通行证) may have, in days (GRIDGUARD_PASS_MAX_DAYS). */
  readonly passMaxDays: number;
  /** Days staff have to inspect and decide a submitted return-to-work filing (GRIDGUARD_FILING_DECIDE_DAYS). */
  readonly filingDecideDays: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Staff second factor (GRIDGUARD_MFA): required for privileged accounts, optional for all, or off. */
  readonly mfa: 'required' | 'optional' | 'off';
  /** Sign-in attempts allowed per client address, and in total, per 10-minute window (shared by all nodes). */
  readonly loginClientBudget: number;
  readonly loginGlobalBudget: number;
  readonly keys: KeyMaterial;
  /** The map's base layer under our own geography (GRIDGUARD_BASEMAP*). */
  readonly basemap: Basemap;
  /** What a new health reading sets in motion (GRIDGUARD_FEVER_THRESHOLD, GRIDGUARD_RULE_*). */
  readonly healthRules: HealthRulesConfig;
}

/** The health rules of this deployment: a fever, a yellow/red code, a positive test each open a key person. */
export interface HealthRulesConfig {
  /** A reading at or above this many °C is a fever (GRIDGUARD_FEVER_THRESHOLD, default 37.3). */
  readonly feverThreshold: number;
  /** A fever reading opens a fever key person (GRIDGUARD_RULE_FEVER). */
  readonly fever: boolean;
  /** A yellow code opens home monitoring, a red one home quarantine (GRIDGUARD_RULE_HEALTH_CODE). */
  readonly healthCode: boolean;
  /** A positive test opens a positive key person (GRIDGUARD_RULE_POSITIVE). */
  readonly positive: boolean;
}

/**
 * None: only our own geography; xyz: a raster tile URL template with {z}/{x}/{y} (WMTS KVP
 * GetTile URLs too, e.g. 天地图), subdomains as {0-7} or {a-c}; pmtiles: a local archive served by us.
 */
export type BasemapSource =
  { kind: 'none' } | { kind: 'xyz'; template: string } | { kind: 'pmtiles'; file: string };

export interface Basemap {
  readonly source: BasemapSource;
  /** The datum the tiles are drawn in: 高德/腾讯 use GCJ-02; 天地图 uses CGCS2000 (≈ WGS-84). */
  readonly crs: 'wgs84' | 'gcj02';
  readonly attribution: string;
}

export type ApiDocsAccess = 'public' | 'signed-in' | 'off';

// The key shape lives with the cipher suites, so field encryption never imports the configuration.
export type { KeyMaterial } from './privacy/suites.js';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly detail: string,
  ) {
    super(`${variable}: ${detail}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${env[name]}"`);
}

function databaseUrl(env: Env, variable = 'DATABASE_URL'): string | null {
  const raw = env[variable]?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(variable, 'is not a valid URL (expected postgres://user@host:port/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(variable, `must start with postgres://, got ${url.protocol}//`);
  }
  return raw;
}

/** The replica is a copy of the primary: without DATABASE_URL there is no primary for it to follow. */
function databaseReadUrl(env: Env, primary: string | null): string | null {
  const raw = databaseUrl(env, 'DATABASE_READ_URL');
  if (raw && !primary)
    throw new ConfigError(
      'DATABASE_READ_URL',
      'needs DATABASE_URL: a read replica follows a PostgreSQL primary',
    );
  return raw;
}

function decodeKey(variable: string, label: string, base64: string, bytes = 32): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== bytes)
    throw new ConfigError(variable, `key "${label}" must be ${bytes} bytes in base64`);
  return key;
}

/** GRIDGUARD_CIPHER: the suite new values are encrypted and hashed with; unset keeps the current key's. */
function cipherSuite(env: Env): CipherSuite | null {
  const raw = env.GRIDGUARD_CIPHER?.trim().toLowerCase();
  if (!raw) return null;
  if (!isCipherSuite(raw))
    throw new ConfigError('GRIDGUARD_CIPHER', `must be one of ${CIPHER_SUITES.join(', ')}, got "${raw}"`);
  return raw;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,16}$/;

/** "id:base64" (an AES-256 key, as before suites existed) or "id:suite:base64". */
function parseKeyList(listed: string) {
  const encryption: Record<string, Buffer> = {};
  const suites: Record<string, CipherSuite> = {};
  for (const entry of listed.split(',')) {
    const parts = entry.trim().split(':');
    const [id, suite, value] = parts.length === 2 ? [parts[0], 'aes', parts[1]] : parts;
    if (parts.length > 3 || !id || !value || !suite || !KEY_ID.test(id) || !isCipherSuite(suite)) {
      throw new ConfigError(
        'GRIDGUARD_ENCRYPTION_KEYS',
        `expected "id:base64key" or "id:suite:base64key" entries (suite: ${CIPHER_SUITES.join(' or ')}) separated by commas`,
      );
    }
    if (encryption[id]) throw new ConfigError('GRIDGUARD_ENCRYPTION_KEYS', `key id "${id}" is listed twice`);
    encryption[id] = decodeKey('GRIDGUARD_ENCRYPTION_KEYS', id, value, SUITE_KEY_BYTES[suite]);
    suites[id] = suite;
  }
  return { encryption, suites, order: Object.keys(encryption) };
}

interface StoredKeys {
  currentKeyId: string;
  encryption: Record<string, string>;
  suites?: Record<string, CipherSuite>;
  hmac: string;
}

/**
 * The embedded database's generated key file. With GRIDGUARD_CIPHER set, its current key is the
 * newest key of that suite, generated (and written back, mode 0600) if the file has none: old
 * keys stay so that older values remain readable until `gridguard keys rotate`.
 */
function generatedKeys(dataDir: string, wanted: CipherSuite | null): StoredKeys {
  const file = path.join(dataDir, 'keys.json');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const suite = wanted ?? 'aes';
    const generated: StoredKeys = {
      currentKeyId: 'k1',
      encryption: { k1: randomBytes(SUITE_KEY_BYTES[suite]).toString('base64') },
      suites: { k1: suite },
      hmac: randomBytes(32).toString('base64'),
    };
    writeFileSync(file, JSON.stringify(generated, null, 2), { mode: 0o600, flag: 'wx' });
  }
  const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredKeys;
  const suiteOf = (id: string): CipherSuite => stored.suites?.[id] ?? 'aes';
  if (!wanted || suiteOf(stored.currentKeyId) === wanted) return stored;
  const ids = Object.keys(stored.encryption);
  let id = ids.filter((candidate) => suiteOf(candidate) === wanted).at(-1);
  if (!id) {
    let n = ids.length + 1;
    while (stored.encryption[`k${n}`]) n++;
    id = `k${n}`;
    stored.encryption[id] = randomBytes(SUITE_KEY_BYTES[wanted]).toString('base64');
  }
  const updated: StoredKeys = {
    ...stored,
    currentKeyId: id,
    suites: Object.fromEntries(ids.concat(id).map((key) => [key, suiteOf(key)])),
  };
  updated.suites![id] = wanted;
  // Written aside and renamed, so a crash never leaves a half-written key file.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(updated, null, 2), { mode: 0o600, flag: 'wx' });
  renameSync(temporary, file);
  return updated;
}

/**
 * Keys come from GRIDGUARD_ENCRYPTION_KEYS ("id:suite:base64,…"; a bare "id:base64" is an AES
 * key) and GRIDGUARD_HMAC_KEY. The current key is the first listed one, or with GRIDGUARD_CIPHER
 * the first listed one of that suite. The embedded database may instead keep generated keys in
 * its data directory (mode 0600) so that a fresh install runs with one command.
 */
function loadKeys(env: Env, dataDir: string, embedded: boolean): KeyMaterial {
  const listed = env.GRIDGUARD_ENCRYPTION_KEYS?.trim();
  const hmacRaw = env.GRIDGUARD_HMAC_KEY?.trim();
  const wanted = cipherSuite(env);
  if (listed && hmacRaw) {
    const { encryption, suites, order } = parseKeyList(listed);
    const currentKeyId = wanted ? order.find((id) => suites[id] === wanted) : order[0];
    if (!currentKeyId) {
      throw new ConfigError(
        'GRIDGUARD_CIPHER',
        `is ${wanted} but GRIDGUARD_ENCRYPTION_KEYS has no ${wanted} key (generate one with: gridguard keys generate --cipher ${wanted})`,
      );
    }
    return Object.freeze({
      currentKeyId,
      encryption: Object.freeze(encryption),
      suites: Object.freeze(suites),
      hmac: decodeKey('GRIDGUARD_HMAC_KEY', 'hmac', hmacRaw),
    });
  }
  if (listed || hmacRaw) {
    throw new ConfigError(
      listed ? 'GRIDGUARD_HMAC_KEY' : 'GRIDGUARD_ENCRYPTION_KEYS',
      'GRIDGUARD_ENCRYPTION_KEYS and GRIDGUARD_HMAC_KEY must be set together',
    );
  }
  if (!embedded) {
    throw new ConfigError(
      'GRIDGUARD_ENCRYPTION_KEYS',
      'is required with DATABASE_URL (generate with: gridguard keys generate)',
    );
  }
  const file = path.join(dataDir, 'keys.json');
  const stored = generatedKeys(dataDir, wanted);
  const encryption: Record<string, Buffer> = {};
  const suites: Record<string, CipherSuite> = {};
  for (const [id, value] of Object.entries(stored.encryption)) {
    const suite = stored.suites?.[id] ?? 'aes';
    if (!isCipherSuite(suite)) throw new ConfigError(file, `key "${id}" has an unknown suite "${suite}"`);
    encryption[id] = decodeKey(file, id, value, SUITE_KEY_BYTES[suite]);
    suites[id] = suite;
  }
  return Object.freeze({
    currentKeyId: stored.currentKeyId,
    encryption: Object.freeze(encryption),
    suites: Object.freeze(suites),
    hmac: decodeKey(file, 'hmac', stored.hmac),
  });
}

function decimal(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+(\.\d+)?$/.test(raw)) throw new ConfigError(name, `expected a number such as 37.3, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** The health rules, read on their own too: the command line imports feeds without the rest of the config. */
export function healthRulesConfig(env: Env = process.env): HealthRulesConfig {
  return Object.freeze({
    feverThreshold: decimal(env, 'GRIDGUARD_FEVER_THRESHOLD', 37.3, 35, 42),
    fever: boolean(env, 'GRIDGUARD_RULE_FEVER', true),
    healthCode: boolean(env, 'GRIDGUARD_RULE_HEALTH_CODE', true),
    positive: boolean(env, 'GRIDGUARD_RULE_POSITIVE', true),
  });
}

/** Required outside demo mode: a guessed address would put wrong (or attacker-chosen) links on printed codes. */
function publicUrl(env: Env, demo: boolean, port: number): string {
  const raw = env.GRIDGUARD_PUBLIC_URL?.trim();
  if (!raw) {
    if (demo) return `http://localhost:${port}`;
    throw new ConfigError(
      'GRIDGUARD_PUBLIC_URL',
      'is required outside demo mode: the address residents and staff reach the server at (https://…), used in QR codes and links',
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('GRIDGUARD_PUBLIC_URL', `is not a URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError('GRIDGUARD_PUBLIC_URL', 'must start with http:// or https://');
  return raw.replace(/\/+$/, '');
}

const API_DOCS: readonly ApiDocsAccess[] = ['public', 'signed-in', 'off'];

function apiDocs(env: Env, demo: boolean): ApiDocsAccess {
  const raw = env.GRIDGUARD_API_DOCS?.trim().toLowerCase();
  if (!raw) return demo ? 'public' : 'signed-in';
  if (!API_DOCS.includes(raw as ApiDocsAccess))
    throw new ConfigError('GRIDGUARD_API_DOCS', `must be one of ${API_DOCS.join(', ')}, got "${raw}"`);
  return raw as ApiDocsAccess;
}

const MFA_MODES = ['required', 'optional', 'off'] as const;

function mfaMode(env: Env): Config['mfa'] {
  const raw = (env.GRIDGUARD_MFA?.trim().toLowerCase() || 'optional') as Config['mfa'];
  if (!MFA_MODES.includes(raw))
    throw new ConfigError('GRIDGUARD_MFA', `must be one of ${MFA_MODES.join(', ')}`);
  return raw;
}

function basemapSource(env: Env): BasemapSource {
  const raw = env.GRIDGUARD_BASEMAP?.trim();
  if (!raw) return { kind: 'none' };
  if (raw.startsWith('pmtiles:')) {
    const file = raw.slice('pmtiles:'.length);
    if (!path.isAbsolute(file))
      throw new ConfigError('GRIDGUARD_BASEMAP', `pmtiles: needs an absolute path, got "${file}"`);
    if (!existsSync(file) || !file.endsWith('.pmtiles'))
      throw new ConfigError('GRIDGUARD_BASEMAP', `no .pmtiles file at ${file}`);
    return { kind: 'pmtiles', file };
  }
  let url: URL;
  try {
    url = new URL(raw.replace(/\{[^}]*\}/g, '0'));
  } catch {
    throw new ConfigError(
      'GRIDGUARD_BASEMAP',
      'expected a tile URL template (https://…{z}/{x}/{y}…) or pmtiles:/path',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigError('GRIDGUARD_BASEMAP', 'a tile URL must start with http:// or https://');
  for (const placeholder of ['{z}', '{x}', '{y}'])
    if (!raw.includes(placeholder))
      throw new ConfigError('GRIDGUARD_BASEMAP', `the tile URL template lacks ${placeholder}`);
  return { kind: 'xyz', template: raw };
}

const BASEMAP_CRS = ['wgs84', 'gcj02'] as const;

function basemap(env: Env): Basemap {
  const crs = (env.GRIDGUARD_BASEMAP_CRS?.trim().toLowerCase() || 'wgs84') as Basemap['crs'];
  if (!BASEMAP_CRS.includes(crs))
    throw new ConfigError('GRIDGUARD_BASEMAP_CRS', `must be one of ${BASEMAP_CRS.join(', ')}`);
  const attribution = env.GRIDGUARD_BASEMAP_ATTRIBUTION?.trim() ?? '';
  if (attribution.length > 200)
    throw new ConfigError('GRIDGUARD_BASEMAP_ATTRIBUTION', 'must be at most 200 characters');
  return Object.freeze({ source: Object.freeze(basemapSource(env)), crs, attribution });
}

/** Published in the README: nobody may choose it as their own password. */
export const DEFAULT_DEMO_PASSWORD = 'Gridguard2026';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Where the data lives, read without touching it: `loadConfig` may generate keys into an embedded
 * data directory, which a restore must find empty.
 */
export function storageTarget(env: Env = process.env): { databaseUrl: string | null; dataDir: string } {
  return { databaseUrl: databaseUrl(env), dataDir: path.resolve(env.GRIDGUARD_DATA_DIR?.trim() || './data') };
}

export function loadConfig(env: Env = process.env): Config {
  const { databaseUrl: url, dataDir } = storageTarget(env);
  const readUrl = databaseReadUrl(env, url);
  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel))
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const width = integer(env, 'GRIDGUARD_GRID_CODE_WIDTH', 3, 2, 3) as 2 | 3;
  const demoPassword = env.GRIDGUARD_DEMO_PASSWORD ?? DEFAULT_DEMO_PASSWORD;
  if (demoPassword.length < 8)
    throw new ConfigError('GRIDGUARD_DEMO_PASSWORD', 'must be at least 8 characters');
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const demo = boolean(env, 'GRIDGUARD_DEMO', url === null);
  const publicBase = publicUrl(env, demo, port);
  return Object.freeze({
    port,
    host: env.HOST?.trim() || '127.0.0.1',
    databaseUrl: url,
    databaseReadUrl: readUrl,
    readMaxLagSeconds: integer(env, 'GRIDGUARD_READ_MAX_LAG_SECONDS', 30, 1, 86400),
    dataDir,
    demo,
    demoPassword,
    // Served over https: Secure cookies and HSTS unless explicitly turned off.
    cookieSecure: boolean(env, 'GRIDGUARD_COOKIE_SECURE', publicBase.startsWith('https:')),
    bodyLimitBytes: integer(env, 'GRIDGUARD_BODY_LIMIT', 1024 * 1024, 1024, 64 * 1024 * 1024),
    uploadLimitBytes: integer(env, 'GRIDGUARD_UPLOAD_LIMIT', 200 * 1024 * 1024, 1024, 4 * 1024 * 1024 * 1024),
    gridCodeWidth: width,
    publicUrl: publicBase,
    apiDocs: apiDocs(env, demo),
    placeScanRetentionDays: integer(env, 'GRIDGUARD_PLACE_SCAN_RETENTION_DAYS', 21, 1, 3650),
    checkpointRecordRetentionDays: integer(env, 'GRIDGUARD_CHECKPOINT_RECORD_RETENTION_DAYS', 28, 1, 3650),
    alertMergeSeconds: integer(env, 'GRIDGUARD_ALERT_MERGE_SECONDS', 600, 0, 86400),
    passMaxDays: integer(env, 'GRIDGUARD_PASS_MAX_DAYS', 30, 1, 366),
    filingDecideDays: integer(env, 'GRIDGUARD_FILING_DECIDE_DAYS', 3, 1, 60),
    plateReadMergeSeconds: integer(env, 'GRIDGUARD_PLATE_READ_MERGE_SECONDS', 60, 0, 3600),
    vehicleCheckWindowHours: integer(env, 'GRIDGUARD_VEHICLE_CHECK_WINDOW_HOURS', 24, 1, 720),
    vehicleTrailDays: integer(env, 'GRIDGUARD_VEHICLE_TRAIL_DAYS', 14, 1, 60),
    logLevel,
    mfa: mfaMode(env),
    loginClientBudget: integer(env, 'GRIDGUARD_LOGIN_CLIENT_BUDGET', 30, 1, 1_000_000),
    loginGlobalBudget: integer(env, 'GRIDGUARD_LOGIN_GLOBAL_BUDGET', 1000, 1, 100_000_000),
    keys: loadKeys(env, dataDir, url === null),
    basemap: basemap(env),
    healthRules: healthRulesConfig(env),
  });
}
