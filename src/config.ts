import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Everything the process reads from its environment, validated once at boot and frozen. */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** A postgres:// URL, or null for the embedded PGlite database in `dataDir`. */
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  /** Demo mode: seeded accounts keep the demo password instead of being forced to change it. */
  readonly demo: boolean;
  readonly demoPassword: string;
  readonly cookieSecure: boolean;
  readonly bodyLimitBytes: number;
  readonly uploadLimitBytes: number;
  /** Digits of the sequence that unit grids add to their community's 12-digit code (2 or 3). */
  readonly gridCodeWidth: 2 | 3;
  /** Where printed QR codes point (GRIDGUARD_PUBLIC_URL); the web routes otherwise use the request's host. */
  readonly publicUrl: string | null;
  /** Days a place-code scan (whereabouts) is kept before automatic deletion. */
  readonly placeScanRetentionDays: number;
  /** Alerts of one kind from one device this many seconds apart merge into one event. */
  readonly alertMergeSeconds: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly keys: KeyMaterial;
}

/** Secret keys: `encryption` by key id (the first id is the current one), `hmac` for lookups. */
export interface KeyMaterial {
  readonly currentKeyId: string;
  readonly encryption: Readonly<Record<string, Buffer>>;
  readonly hmac: Buffer;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
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

function databaseUrl(env: Env): string | null {
  const raw = env.DATABASE_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL', 'is not a valid URL (expected postgres://user@host:port/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL', `must start with postgres://, got ${url.protocol}//`);
  }
  return raw;
}

function decodeKey(variable: string, label: string, base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new ConfigError(variable, `key "${label}" must be 32 bytes in base64`);
  return key;
}

/**
 * Keys come from GRIDGUARD_ENCRYPTION_KEYS ("id:base64,id:base64", current first) and
 * GRIDGUARD_HMAC_KEY. The embedded database may instead keep generated keys in its data
 * directory (mode 0600) so that a fresh install runs with one command.
 */
function loadKeys(env: Env, dataDir: string, embedded: boolean): KeyMaterial {
  const listed = env.GRIDGUARD_ENCRYPTION_KEYS?.trim();
  const hmacRaw = env.GRIDGUARD_HMAC_KEY?.trim();
  if (listed && hmacRaw) {
    const encryption: Record<string, Buffer> = {};
    let currentKeyId = '';
    for (const entry of listed.split(',')) {
      const [id, value] = entry.split(':');
      if (!id || !value || !/^[A-Za-z0-9_-]{1,16}$/.test(id)) {
        throw new ConfigError(
          'GRIDGUARD_ENCRYPTION_KEYS',
          'expected "id:base64key" entries separated by commas',
        );
      }
      encryption[id] = decodeKey('GRIDGUARD_ENCRYPTION_KEYS', id, value);
      currentKeyId ||= id;
    }
    return Object.freeze({
      currentKeyId,
      encryption: Object.freeze(encryption),
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
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const generated = {
      currentKeyId: 'k1',
      encryption: { k1: randomBytes(32).toString('base64') },
      hmac: randomBytes(32).toString('base64'),
    };
    writeFileSync(file, JSON.stringify(generated, null, 2), { mode: 0o600, flag: 'wx' });
  }
  const stored = JSON.parse(readFileSync(file, 'utf8')) as {
    currentKeyId: string;
    encryption: Record<string, string>;
    hmac: string;
  };
  const encryption: Record<string, Buffer> = {};
  for (const [id, value] of Object.entries(stored.encryption)) encryption[id] = decodeKey(file, id, value);
  return Object.freeze({
    currentKeyId: stored.currentKeyId,
    encryption: Object.freeze(encryption),
    hmac: decodeKey(file, 'hmac', stored.hmac),
  });
}

function publicUrl(env: Env): string | null {
  const raw = env.GRIDGUARD_PUBLIC_URL?.trim();
  if (!raw) return null;
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

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env): Config {
  const url = databaseUrl(env);
  const dataDir = path.resolve(env.GRIDGUARD_DATA_DIR?.trim() || './data');
  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel))
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const width = integer(env, 'GRIDGUARD_GRID_CODE_WIDTH', 3, 2, 3) as 2 | 3;
  const demoPassword = env.GRIDGUARD_DEMO_PASSWORD ?? 'Gridguard2026';
  if (demoPassword.length < 8)
    throw new ConfigError('GRIDGUARD_DEMO_PASSWORD', 'must be at least 8 characters');
  return Object.freeze({
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    databaseUrl: url,
    dataDir,
    demo: boolean(env, 'GRIDGUARD_DEMO', url === null),
    demoPassword,
    cookieSecure: boolean(env, 'GRIDGUARD_COOKIE_SECURE', false),
    bodyLimitBytes: integer(env, 'GRIDGUARD_BODY_LIMIT', 1024 * 1024, 1024, 64 * 1024 * 1024),
    uploadLimitBytes: integer(env, 'GRIDGUARD_UPLOAD_LIMIT', 200 * 1024 * 1024, 1024, 4 * 1024 * 1024 * 1024),
    gridCodeWidth: width,
    publicUrl: publicUrl(env),
    placeScanRetentionDays: integer(env, 'GRIDGUARD_PLACE_SCAN_RETENTION_DAYS', 21, 1, 3650),
    alertMergeSeconds: integer(env, 'GRIDGUARD_ALERT_MERGE_SECONDS', 600, 0, 86400),
    logLevel,
    keys: loadKeys(env, dataDir, url === null),
  });
}
