import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import { acquireDataDirLock } from './lock.js';
import { openReplica, type ReadReplica } from './replica.js';
import type { DB } from './schema.js';

export type Backend = 'pglite' | 'postgres';

/** The open database: the Kysely handle plus the raw driver for bulk COPY paths. */
export interface Database {
  readonly db: Kysely<DB>;
  readonly backend: Backend;
  readonly raw: { kind: 'pglite'; pglite: PGlite } | { kind: 'postgres'; pool: pg.Pool };
  /** The streaming replica of DATABASE_READ_URL, or null: then every read goes to `db`. */
  readonly replica: ReadReplica | null;
  close(): Promise<void>;
}

const INT8_OID = 20;
const DATE_OID = 1082;
// Counts and bigserial ids come back as numbers on both backends (ids stay far below 2^53);
// calendar dates stay "YYYY-MM-DD" strings, free of any time zone.
pg.types.setTypeParser(INT8_OID, (value) => Number(value));
pg.types.setTypeParser(DATE_OID, (value) => value);
const PGLITE_PARSERS = { [INT8_OID]: (value: string) => Number(value), [DATE_OID]: (value: string) => value };

export async function openPostgres(
  url: string,
  options: { max?: number; readUrl?: string | null } = {},
): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle connection dropped by the server (restart, admin action) must not crash the process;
  // the pool replaces it on the next query.
  const lost = (error: Error) => console.warn(`PostgreSQL connection lost: ${error.message}`);
  pool.on('error', lost);
  // The pool listens on idle connections only: one checked out (a transaction between two
  // statements) that the server drops would emit an unhandled 'error' and end the process. Its
  // next statement fails instead, and the pool discards it on release.
  pool.on('connect', (client) => client.on('error', lost));
  // Fail fast with the server's own message if it is unreachable.
  const client = await pool.connect();
  client.release();
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const replica = options.readUrl ? openReplica(options.readUrl, pool, db) : null;
  return {
    db,
    backend: 'postgres',
    raw: { kind: 'postgres', pool },
    replica,
    close: async () => {
      await replica?.close();
      await db.destroy();
    },
  };
}

/**
 * `dataDir` null opens a throw-away in-memory database (tests). A restore hands over the lock it
 * already holds (`heldLock`) and the data directory's tarball to start from (`loadDataDir`).
 */
export async function openPglite(
  dataDir: string | null,
  command = 'gridguard',
  options: { heldLock?: () => void; loadDataDir?: Blob } = {},
): Promise<Database> {
  const release = options.heldLock ?? (dataDir ? acquireDataDirLock(dataDir, command) : () => undefined);
  try {
    const pglite = await PGlite.create(dataDir ?? undefined, {
      parsers: PGLITE_PARSERS,
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
    const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
    return {
      db,
      backend: 'pglite',
      raw: { kind: 'pglite', pglite },
      replica: null,
      close: async () => {
        await db.destroy();
        if (!pglite.closed) await pglite.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

export function openDatabase(config: Config, command = 'gridguard'): Promise<Database> {
  return config.databaseUrl
    ? openPostgres(config.databaseUrl, { readUrl: config.databaseReadUrl })
    : openPglite(config.dataDir, command);
}

export async function ping(db: Kysely<DB>): Promise<void> {
  await sql`select 1`.execute(db);
}

/** One statement on a connection of its own, opened and closed around it (admin and tool checks, not requests). */
export async function queryOnce<T>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}
