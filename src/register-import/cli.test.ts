import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { residentIdCheckCharacter } from '../register/identity/identity-number.js';
import { createAreaTree } from '../test-support/factories.js';

const run = promisify(execFile);
const id = (first17: string) => first17 + residentIdCheckCharacter(first17);

describe('gridguard import persons (CLI)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gg-cli-fixtures-'));
  const dataDir = path.join(dir, 'data');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'src/dev-cli.ts', ...args], {
      env: { ...process.env, GRIDGUARD_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn' },
      timeout: 90_000,
    });

  it('prints exactly one JSON report with --json, and a re-run reports everything unchanged', async () => {
    const database = await openPglite(dataDir);
    let gridCode: string;
    try {
      await migrateToLatest(database.db);
      gridCode = (await createAreaTree(database.db)).gridA.code;
    } finally {
      await database.close();
    }
    const file = path.join(dir, 'persons.csv');
    writeFileSync(
      file,
      [
        '姓名,身份证号,联系电话,网格编码,人员类型',
        `何一,${id('33010619660606001')},13800000011,${gridCode},户籍`,
        `何二,${id('33010619660606002')},138,${gridCode},户籍`,
      ].join('\n'),
    );

    const first = await cli('import', 'persons', file, '--json');
    const lines = first.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      inserted: 1,
      updated: 0,
      unchanged: 0,
      rejected: [{ row: 3, field: '联系电话', code: 'PHONE_INVALID', message: expect.any(String) }],
    });
    const rejects = path.join(dir, 'rejects.xlsx');
    const second = await cli('import', 'persons', file, '--json', '--rejects', rejects);
    expect(JSON.parse(second.stdout)).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
    expect(existsSync(rejects)).toBe(true);

    const template = path.join(dir, 'template.xlsx');
    await cli('import', 'persons', '--template', template);
    expect(existsSync(template)).toBe(true);
  }, 180_000);
});
