import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresDriver,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
  sql,
} from 'kysely';
import pg from 'pg';
import type { DB } from './schema.js';

/** What the node last measured of its replica (the `replica-lag` job, every few seconds). */
export interface ReplicaState {
  /** `up`: answering and replaying; `down`: unreachable or no longer a standby; `unknown`: not measured yet. */
  readonly status: 'up' | 'down' | 'unknown';
  /** The replica's replay position (`pg_last_wal_replay_lsn()`), as a number of WAL bytes. */
  readonly replayLsn: bigint | null;
  /** How many seconds of the primary's changes the replica may lack (0 when it has replayed everything). */
  readonly lagSeconds: number;
  /** WAL bytes the replica has not replayed yet. */
  readonly lagBytes: number;
  readonly measuredAt: Date | null;
}

/** A streaming replica the heavy reads go to, with its measured lag. */
export interface ReadReplica {
  /** Reads on the replica; a query that cannot reach it runs on the primary instead. */
  readonly db: Kysely<DB>;
  readonly state: ReplicaState;
  /** Measures the replica's replay position and lag against the primary (the `replica-lag` job). */
  measure(): Promise<ReplicaState>;
  close(): Promise<void>;
}

/** "16/B374D848" → WAL bytes. */
export function parseLsn(text: string): bigint {
  const [high, low] = text.split('/');
  if (!high || !low) throw new Error(`not a WAL position: ${text}`);
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** The primary's current WAL insert position: every transaction committed so far lies before it. */
export async function primaryLsn(db: Kysely<DB>): Promise<bigint> {
  const { rows } = await sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(db);
  return parseLsn(rows[0]!.lsn);
}

/**
 * Errors that say the replica itself is gone (refused, reset, shut down, starting up), as opposed to a
 * query's own fault: those move reads to the primary.
 */
export function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') {
    const message = error instanceof Error ? error.message : '';
    return /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(
      message,
    );
  }
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE'].includes(code) ||
    code.startsWith('08') || // connection exception
    code === '57P01' || // admin_shutdown
    code === '57P02' || // crash_shutdown
    code === '57P03' // cannot_connect_now (starting up, recovering)
  );
}

interface Routed extends DatabaseConnection {
  readonly inner: DatabaseConnection;
  readonly onReplica: boolean;
  inTransaction: boolean;
}

/**
 * Hands out replica connections, or primary ones while the replica is down. A single query that
 * loses its replica connection runs again on the primary (reads only: repeating one is harmless);
 * inside a transaction it fails, since half of it already ran on the replica.
 */
class FailoverDriver implements Driver {
  constructor(
    private readonly replica: Driver,
    private readonly primary: Driver,
    private readonly isDown: () => boolean,
    private readonly markDown: (error: unknown) => void,
  ) {}

  async init(): Promise<void> {
    await this.replica.init();
    await this.primary.init();
  }

  private wrap(inner: DatabaseConnection, onReplica: boolean): Routed {
    const primary = this.primary;
    const markDown = this.markDown;
    const routed: Routed = {
      inner,
      onReplica,
      inTransaction: false,
      async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
        try {
          return await inner.executeQuery<R>(query);
        } catch (error) {
          if (!onReplica || routed.inTransaction) throw error;
          // A read path that writes after all (25006: read-only transaction) is answered by the primary.
          const readOnly = (error as { code?: unknown }).code === '25006';
          if (!readOnly && !isUnreachable(error)) throw error;
          if (!readOnly) markDown(error);
          const fallback = await primary.acquireConnection();
          try {
            return await fallback.executeQuery<R>(query);
          } finally {
            await primary.releaseConnection(fallback);
          }
        }
      },
      streamQuery<R>(query: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
        return inner.streamQuery<R>(query, chunkSize);
      },
    };
    return routed;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (!this.isDown()) {
      try {
        return this.wrap(await this.replica.acquireConnection(), true);
      } catch (error) {
        if (!isUnreachable(error)) throw error;
        this.markDown(error);
      }
    }
    return this.wrap(await this.primary.acquireConnection(), false);
  }

  private driverOf(connection: DatabaseConnection): { driver: Driver; inner: DatabaseConnection } {
    const routed = connection as Routed;
    return { driver: routed.onReplica ? this.replica : this.primary, inner: routed.inner };
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const { driver, inner } = this.driverOf(connection);
    await driver.beginTransaction(inner, settings);
    (connection as Routed).inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const { driver, inner } = this.driverOf(connection);
    (connection as Routed).inTransaction = false;
    await driver.commitTransaction(inner);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const { driver, inner } = this.driverOf(connection);
    (connection as Routed).inTransaction = false;
    await driver.rollbackTransaction(inner);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const { driver, inner } = this.driverOf(connection);
    await driver.releaseConnection(inner);
  }

  /** The primary's pool belongs to the primary's handle: only the replica's is ended here. */
  async destroy(): Promise<void> {
    await this.replica.destroy();
  }
}

const UNKNOWN: ReplicaState = Object.freeze({
  status: 'unknown',
  replayLsn: null,
  lagSeconds: 0,
  lagBytes: 0,
  measuredAt: null,
});

/**
 * Opens a pool on the replica without connecting: a replica that is down at boot only sends reads to
 * the primary until it answers.
 */
export function openReplica(url: string, primaryPool: pg.Pool, primaryDb: Kysely<DB>): ReadReplica {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 3000 });
  pool.on('error', (error) => console.warn(`Read replica connection lost: ${error.message}`));
  let state: ReplicaState = UNKNOWN;
  const markDown = () => {
    state = Object.freeze({ ...state, status: 'down', measuredAt: new Date() });
  };
  const db = new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () =>
        new FailoverDriver(
          new PostgresDriver({ pool }),
          new PostgresDriver({ pool: primaryPool }),
          () => state.status === 'down',
          markDown,
        ),
      createIntrospector: (kysely) => new PostgresIntrospector(kysely),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  // When the primary was last seen with nothing the replica lacked: the replica's data is at least that fresh.
  let caughtUpAt: number | null = null;

  return {
    db,
    get state() {
      return state;
    },
    async measure() {
      // The primary first: whatever it had then, a replica that replayed as far has too.
      const primaryAt = Date.now();
      const primary = await primaryLsn(primaryDb);
      let replica: { replay: string | null; recovering: boolean; sinceReplay: number | null };
      try {
        const result = await pool.query<{ replay: string | null; recovering: boolean; since: string | null }>(
          `select pg_last_wal_replay_lsn()::text as replay, pg_is_in_recovery() as recovering,
                  extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp())::text as since`,
        );
        const row = result.rows[0]!;
        replica = {
          replay: row.replay,
          recovering: row.recovering,
          sinceReplay: row.since === null ? null : Number(row.since),
        };
      } catch (error) {
        // Refused or gone: reads use the primary meanwhile. Anything else (no such database, a wrong
        // password) is a setting to fix, said with the variable's name.
        if (!isUnreachable(error)) {
          markDown();
          throw new Error(`DATABASE_READ_URL: ${error instanceof Error ? error.message : String(error)}`, {
            cause: error,
          });
        }
        markDown();
        return state;
      }
      // A promoted (or never standby) server no longer follows the primary: its data would drift apart.
      if (!replica.recovering || replica.replay === null) {
        markDown();
        return state;
      }
      const replay = parseLsn(replica.replay);
      const lagBytes = primary > replay ? Number(primary - replay) : 0;
      if (lagBytes === 0) caughtUpAt = primaryAt;
      const bounds = [
        replica.sinceReplay,
        caughtUpAt === null ? null : (Date.now() - caughtUpAt) / 1000,
      ].filter((value): value is number => value !== null);
      const lagSeconds = lagBytes === 0 ? 0 : bounds.length > 0 ? Math.max(0, Math.min(...bounds)) : 0;
      state = Object.freeze({
        status: 'up',
        replayLsn: replay,
        lagSeconds: Math.round(lagSeconds),
        lagBytes,
        measuredAt: new Date(),
      });
      return state;
    },
    close: () => db.destroy(),
  };
}
