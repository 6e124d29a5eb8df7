import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type Database, openPglite } from '../db/database.js';
import { acquireDataDirLock, LOCK_FILE } from '../db/lock.js';
import { tarEntries, withoutEntries, writeAtomically } from './archive.js';

/**
 * What of the data directory stays out of an embedded archive: the generated keys (kept apart so that
 * whoever holds the archive alone cannot read personal data), the lock, and uploads still in progress.
 */
export const NOT_ARCHIVED = ['keys.json', LOCK_FILE, 'staging'] as const;
export const KEYS_FILE = 'keys.json';

export type BackupStage = 'dumping' | 'compressing' | 'writing' | 'verifying' | 'loading' | 'checking';

export interface EmbeddedArchive {
  bytes: number;
  entries: number;
}

/** The data directory holds a database (not just keys or staged files). */
export function holdsDatabase(dataDir: string): boolean {
  return existsSync(path.join(dataDir, 'PG_VERSION'));
}

/** Checks an embedded archive as restore would read it: gzip, ustar, PostgreSQL files, no keys. */
export function readEmbeddedArchive(gzipped: Uint8Array): { tar: Uint8Array; entries: number } {
  let tar: Uint8Array;
  try {
    tar = gunzipSync(gzipped);
  } catch {
    throw new EmbeddedArchiveError('corrupt');
  }
  let names: string[];
  try {
    names = tarEntries(tar).map((entry) => entry.name);
  } catch {
    throw new EmbeddedArchiveError('corrupt');
  }
  if (!names.includes('PG_VERSION') || !names.some((name) => name.startsWith('base/')))
    throw new EmbeddedArchiveError('notDataDir');
  return { tar, entries: names.length };
}

export class EmbeddedArchiveError extends Error {
  constructor(readonly reason: 'corrupt' | 'notDataDir') {
    super(`embedded archive: ${reason}`);
    this.name = 'EmbeddedArchiveError';
  }
}

/**
 * Dumps the open embedded database's directory (PGlite's `dumpDataDir`: a tarball of PGDATA) without
 * our own files, gzips it and writes it atomically to `out`, then reads the written file back.
 */
export async function backupEmbedded(
  database: Database,
  out: string,
  onStage: (stage: BackupStage) => void,
): Promise<EmbeddedArchive> {
  if (database.raw.kind !== 'pglite') throw new Error('backupEmbedded needs the embedded database');
  onStage('dumping');
  const dump = await database.raw.pglite.dumpDataDir('none');
  const tar = withoutEntries(new Uint8Array(await dump.arrayBuffer()), NOT_ARCHIVED);
  onStage('compressing');
  const gzipped = gzipSync(tar, { level: 6 });
  let entries = 0;
  await writeAtomically(
    out,
    async (temporary) => {
      onStage('writing');
      await writeFile(temporary, gzipped, { mode: 0o600, flag: 'wx' });
    },
    async (temporary) => {
      onStage('verifying');
      const read = readEmbeddedArchive(readFileSync(temporary));
      if (Buffer.compare(Buffer.from(read.tar), Buffer.from(tar)) !== 0)
        throw new EmbeddedArchiveError('corrupt');
      entries = read.entries;
    },
  );
  return { bytes: gzipped.length, entries };
}

/** Files in the data directory other than the lock: a directory with any is not fresh. */
export function dataDirContents(dataDir: string): string[] {
  if (!existsSync(dataDir)) return [];
  return readdirSync(dataDir).filter((name) => name !== LOCK_FILE);
}

/**
 * Restores an embedded archive into `dataDir`, which must be empty; with `replace`, a directory in use
 * by nobody is first moved aside to `<dataDir>.before-restore-<time>` (kept, never deleted). The keys
 * file, when given, is written into the new directory (mode 0600) before anything reads keys.
 * Returns the opened database (the caller migrates, checks keys and closes it) and where the old one went.
 */
export async function restoreEmbedded(options: {
  gzipped: Uint8Array;
  dataDir: string;
  replace: boolean;
  keys: string | null;
  now: Date;
  onStage: (stage: BackupStage) => void;
}): Promise<{ database: Database; movedAside: string | null }> {
  const { tar } = readEmbeddedArchive(options.gzipped);
  let release = acquireDataDirLock(options.dataDir, 'gridguard restore');
  let movedAside: string | null = null;
  try {
    const found = dataDirContents(options.dataDir);
    if (found.length > 0) {
      if (!options.replace) throw new RestoreTargetNotEmptyError(options.dataDir, found.length);
      // Moved while we hold its lock (the lock follows the inode), so no server can start on it meanwhile.
      movedAside = `${options.dataDir}.before-restore-${options.now.toISOString().replace(/[:.]/g, '-')}`;
      renameSync(options.dataDir, movedAside);
      const previous = release;
      release = acquireDataDirLock(options.dataDir, 'gridguard restore');
      previous();
    }
    options.onStage('loading');
    const clean = withoutEntries(tar, NOT_ARCHIVED);
    if (options.keys !== null)
      await writeFile(path.join(options.dataDir, KEYS_FILE), options.keys, { mode: 0o600, flag: 'wx' });
    const database = await openPglite(options.dataDir, 'gridguard restore', {
      heldLock: release,
      loadDataDir: new Blob([clean], { type: 'application/x-tar' }),
    });
    return { database, movedAside };
  } catch (error) {
    release();
    throw error;
  }
}

export class RestoreTargetNotEmptyError extends Error {
  constructor(
    readonly target: string,
    readonly objects: number,
  ) {
    super(`${target} is not empty (${objects})`);
    this.name = 'RestoreTargetNotEmptyError';
  }
}
