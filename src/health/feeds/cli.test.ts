import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runGridguard } from '../../test-support/cli.js';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { createAreaTree } from '../../test-support/factories.js';

describe('gridguard import tests (CLI)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gg-feeds-cli-'));
  const dataDir = path.join(dir, 'data');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (...args: string[]) => runGridguard(args, { dataDir });

  // One run only (a CLI process costs seconds); re-runs are covered by import.test.ts.
  it('prints exactly one JSON report with --json', async () => {
    const database = await openPglite(dataDir);
    let villageCode: string;
    try {
      await migrateToLatest(database.db);
      villageCode = (await createAreaTree(database.db)).village.code;
    } finally {
      await database.close();
    }
    const file = path.join(dir, 'tests.csv');
    writeFileSync(
      file,
      [
        '姓名,证件号码,采样时间,检测结果,样本编号',
        '张一,11010519491231002X,2026-11-01 09:30,阴性,S1',
        '张二,440524188001010014,2026-11-01 09:30,阳?,S2',
      ].join('\n'),
    );

    const first = await cli('import', 'tests', file, '--json', '--source', 'lab-1', '--area', villageCode);
    const lines = first.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      inserted: 1,
      updated: 0,
      unchanged: 0,
      rejected: [
        {
          row: 3,
          field: '检测结果',
          code: 'testResult',
          params: expect.objectContaining({ value: expect.any(String) }),
          message: expect.any(String),
        },
      ],
      matched: 0,
      unmatched: 1,
    });
  }, 180_000);
});
