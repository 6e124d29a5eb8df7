import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from './database.js';
import { DataDirLockedError } from './lock.js';

describe('embedded data directory lock', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gg-lock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops a second process with a message naming the holder, and frees the directory on close', async () => {
    const first = await openPglite(dir, 'gridguard serve');
    const script = `import { openPglite } from ${JSON.stringify(path.resolve('src/db/database.ts'))};
      try { await openPglite(${JSON.stringify(dir)}, 'gridguard import'); console.log('OPENED'); }
      catch (e) { console.log(e.name + ': ' + e.message); }`;
    const scriptFile = path.join(dir, 'second.mts');
    writeFileSync(scriptFile, script);
    const output = execFileSync('npx', ['tsx', scriptFile], { encoding: 'utf8' });
    expect(output).toContain('DataDirLockedError');
    expect(output).toContain(`in use by process ${process.pid}`);
    expect(output).toContain('gridguard serve');
    await first.close();
    const again = await openPglite(dir, 'gridguard serve');
    await again.close();
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    writeFileSync(
      path.join(dir, 'gridguard.lock'),
      JSON.stringify({
        pid: 2 ** 22 + 17,
        host: (await import('node:os')).hostname(),
        command: 'crashed',
        since: 'x',
      }),
    );
    const database = await openPglite(dir, 'gridguard serve');
    await database.close();
  });

  it('exposes the holder on the error', () => {
    const error = new DataDirLockedError('/d', { pid: 1, host: 'h', command: 'c', since: 's' });
    expect(error.message).toMatch(/process 1 on h \("c", since s\)/);
  });
});
