import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openPglite } from './database.js';
import { DataDirLockedError, LOCK_FILE, acquireDataDirLock } from './lock.js';

const root = mkdtempSync(path.join(tmpdir(), 'gg-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => path.join(root, `data-${++dirs}`);

/** A real second process (plain node, so its pid is the holder's) that opens the data directory. */
function startHolder(dataDir: string): {
  child: ChildProcessByStdio<null, Readable, null>;
  ready: Promise<number>;
} {
  const scriptFile = path.join(root, `holder-${dirs}.mts`);
  writeFileSync(
    scriptFile,
    `import { openPglite } from ${JSON.stringify(path.resolve('src/db/database.ts'))};
     const database = await openPglite(${JSON.stringify(dataDir)}, 'gridguard serve');
     await database.db.schema.createTable('kept').addColumn('n', 'integer').execute();
     await database.db.insertInto('kept').values({ n: 42 }).execute();
     console.log('READY ' + process.pid);
     setInterval(() => undefined, 1000);`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', scriptFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const ready = new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /READY (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`holder exited ${code} before it was ready`)));
  });
  return { child, ready };
}

describe('embedded data directory lock', () => {
  const children: ChildProcessByStdio<null, Readable, null>[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  it('refuses a second start while another process holds the directory, naming it, and recovers at once after kill -9', async () => {
    const dataDir = freshDir();
    const holder = startHolder(dataDir);
    children.push(holder.child);
    const pid = await holder.ready;

    const refused = await openPglite(dataDir, 'gridguard import').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DataDirLockedError);
    expect((refused as Error).message).toContain(
      `in use by process ${pid} on ${hostname()} ("gridguard serve", since `,
    );
    expect((refused as Error).message).toContain('Stop that process first');

    const exited = new Promise((resolve) => holder.child.once('exit', resolve));
    holder.child.kill('SIGKILL');
    await exited;
    // No stale period: the kernel dropped the dead holder's lock, and its file still names it.
    expect(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')).toContain(`"pid":${pid}`);
    const database = await openPglite(dataDir, 'gridguard serve');
    try {
      const rows = await sql<{ n: number }>`select n from kept`.execute(database.db);
      expect(rows.rows).toEqual([{ n: 42 }]);
    } finally {
      await database.close();
    }
  }, 120_000);

  it.each([
    ['an empty lock file', ''],
    ['a garbage lock file', '\u0000\u0000garbage{'],
    [
      'a lock file naming this very process (a reused PID)',
      JSON.stringify({ pid: process.pid, host: hostname() }),
    ],
    ['a lock file naming PID 1, which is always alive', JSON.stringify({ pid: 1, host: hostname() })],
    [
      'a lock file written on another host',
      JSON.stringify({
        pid: 2 ** 22 + 17,
        host: 'old-container-7f3a',
        command: 'gridguard serve',
        since: 'x',
      }),
    ],
  ])('starts over %s when nobody holds the lock', (_, content) => {
    const dataDir = freshDir();
    acquireDataDirLock(dataDir, 'setup')();
    writeFileSync(path.join(dataDir, LOCK_FILE), content);
    const release = acquireDataDirLock(dataDir, 'gridguard serve');
    const written = JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')) as { pid: number };
    expect(written.pid).toBe(process.pid);
    release();
  });

  it('opens the real database over a stale lock file left by a crash', async () => {
    const dataDir = freshDir();
    acquireDataDirLock(dataDir, 'setup')();
    writeFileSync(
      path.join(dataDir, LOCK_FILE),
      JSON.stringify({ pid: 1, host: 'gone', command: 'c', since: 's' }),
    );
    const database = await openPglite(dataDir, 'gridguard serve');
    await database.close();
  });

  it('refuses a second open inside the same process too, and frees the directory on release', () => {
    const dataDir = freshDir();
    const release = acquireDataDirLock(dataDir, 'gridguard serve');
    expect(() => acquireDataDirLock(dataDir, 'gridguard import')).toThrow(
      `in use by process ${process.pid} on ${hostname()} ("gridguard serve"`,
    );
    release();
    // Emptied on release, so a refused start never names a process that has let go.
    expect(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')).toBe('');
    acquireDataDirLock(dataDir, 'gridguard import')();
  });

  it('says so when the holder has not written its name yet', () => {
    const error = new DataDirLockedError('/d', null);
    expect(error.message).toContain('in use by another process');
    expect(new DataDirLockedError('/d', { pid: 1, host: 'h', command: 'c', since: 's' }).message).toMatch(
      /process 1 on h \("c", since s\)/,
    );
  });
});
