import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, rm, stat, utimes } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

/**
 * Uploads hold ID numbers and phones: they are staged in a private folder under the data
 * directory (0700, files 0600), one sub-folder per app process, never in the system's temp
 * folder. Each process deletes its files when an upload is done; what a killed process left is
 * swept away when a process starts (and every few minutes), but only once its owner is gone.
 */

function safeHost(): string {
  return (
    hostname()
      .replace(/[^A-Za-z0-9.-]/g, '_')
      .slice(0, 64) || 'host'
  );
}

/** This process, as written on its staging folder and on the import rows it runs. */
export const PROCESS_OWNER = `${process.pid}-${randomBytes(6).toString('hex')}@${safeHost()}`;

/** A running import or staging folder untouched this long has lost its process (another host). */
export const OWNER_STALE_MS = 5 * 60_000;

/** Whether the process named by `owner` is certainly gone: only knowable on this host. */
export function ownerIsGone(owner: string): boolean {
  if (owner === PROCESS_OWNER) return false;
  const match = /^(\d+)-[0-9a-f]+@(.+)$/.exec(owner);
  if (!match || match[2] !== safeHost()) return false;
  const pid = Number(match[1]);
  // Our own pid under another name: an earlier life of this process id (a restarted container).
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  return isZombie(pid);
}

/** A killed process whose parent has not reaped it yet still answers kill(pid, 0), but runs nothing. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name, which is in parentheses and may itself hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

export function stagingRoot(dataDir: string): string {
  return path.join(dataDir, 'staging');
}

async function privateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // An existing folder (an older version, a restore) gets the mode too.
  await chmod(dir, 0o700);
}

const ownFolders = new Map<string, Promise<string>>();

/** This process's staging folder, made private on first use. */
export function processStagingDir(dataDir: string): Promise<string> {
  const root = stagingRoot(dataDir);
  let folder = ownFolders.get(root);
  if (!folder) {
    folder = (async () => {
      await privateDir(root);
      const dir = path.join(root, PROCESS_OWNER);
      await privateDir(dir);
      return dir;
    })();
    folder.catch(() => ownFolders.delete(root));
    ownFolders.set(root, folder);
  }
  return folder;
}

/** A fresh private folder for one upload; the caller removes it (finally). */
export async function stagingFolder(dataDir: string, prefix: string): Promise<string> {
  return mkdtemp(path.join(await processStagingDir(dataDir), prefix));
}

/** Deletes what processes that are gone left in the staging folder; returns the folders removed. */
export async function sweepStaging(dataDir: string, now = Date.now()): Promise<string[]> {
  const root = stagingRoot(dataDir);
  let names: string[];
  try {
    names = await readdir(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names) {
    if (name === PROCESS_OWNER) continue;
    const full = path.join(root, name);
    let gone = ownerIsGone(name);
    if (!gone) {
      // Another host's folder: its process touches it every minute while alive.
      const info = await stat(full).catch(() => undefined);
      gone = info !== undefined && now - info.mtimeMs > OWNER_STALE_MS;
    }
    if (gone) {
      await rm(full, { recursive: true, force: true });
      removed.push(name);
    }
  }
  return removed;
}

/** Marks this process's folder alive (its mtime), for nodes on other hosts sharing the folder. */
export async function touchStaging(dataDir: string): Promise<void> {
  if (!ownFolders.has(stagingRoot(dataDir))) return;
  const dir = await processStagingDir(dataDir);
  const now = new Date();
  await utimes(dir, now, now);
}

/** On shutdown: this process's folder goes (its uploads are finished or abandoned). */
export async function removeOwnStaging(dataDir: string): Promise<void> {
  const root = stagingRoot(dataDir);
  if (!ownFolders.has(root)) return;
  ownFolders.delete(root);
  await rm(path.join(root, PROCESS_OWNER), { recursive: true, force: true });
}
