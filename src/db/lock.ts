import { closeSync, constants, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { tryLock, unlock } from 'fs-native-extensions';

/**
 * PGlite is single-process: two processes on one data directory would corrupt it. The first
 * process holds an OS lock (an fcntl open-file-description lock on Linux, flock on macOS) on
 * `gridguard.lock`; a second one stops with a message naming the holder. The kernel drops the
 * lock when its holder exits or is killed, so a crashed process never blocks the next start,
 * whatever its lock file says (empty, another host, a PID reused since).
 */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | null,
  ) {
    super(
      `The data directory ${dataDir} is in use by ${describeHolder(holder)}. Stop that process first, ` +
        `or point DATABASE_URL at a PostgreSQL server to run several processes.`,
    );
    this.name = 'DataDirLockedError';
  }
}

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
}

export const LOCK_FILE = 'gridguard.lock';

function describeHolder(holder: LockHolder | null): string {
  // The holder writes its name just after taking the lock; a start in between sees an empty file.
  if (!holder) return 'another process (it has not written its name into the lock file yet)';
  return `process ${holder.pid} on ${holder.host} ("${holder.command}", since ${holder.since})`;
}

function readHolder(file: string): LockHolder | null {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder> | null;
    if (typeof value?.pid !== 'number' || typeof value.host !== 'string') return null;
    return { pid: value.pid, host: value.host, command: String(value.command), since: String(value.since) };
  } catch {
    return null;
  }
}

/** Locks `dataDir` for this process until the returned release is called or the process ends. */
export function acquireDataDirLock(dataDir: string, command: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  // Opened without truncating: the current holder's name stays readable to whoever is refused.
  // The file is never deleted, so every process locks the same inode.
  const fd = openSync(file, constants.O_RDWR | constants.O_CREAT, 0o600);
  let locked: boolean;
  try {
    locked = tryLock(fd);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  if (!locked) {
    closeSync(fd);
    throw new DataDirLockedError(dataDir, readHolder(file));
  }
  const me: LockHolder = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  ftruncateSync(fd);
  writeSync(fd, JSON.stringify(me), 0);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    // Emptied first so nobody reads a name that no longer holds the lock.
    ftruncateSync(fd);
    unlock(fd);
    closeSync(fd);
  };
}
