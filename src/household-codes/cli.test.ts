import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runGridguard } from '../test-support/cli.js';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createHouses } from '../test-support/services-fixtures.js';
import { createAreaTree } from '../test-support/factories.js';

describe('gridguard labels (CLI)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gg-labels-cli-'));
  const dataDir = path.join(dir, 'data');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // English output, whatever the machine's locale (zh-CN is the default).
  const cli = (...args: string[]) => runGridguard(args, { dataDir, lang: 'en_US.UTF-8' });

  async function activeCodes(areaPath: string) {
    const database = await openPglite(dataDir);
    try {
      return await database.db
        .selectFrom('access_codes')
        .select('house_id')
        .where('kind', '=', 'household')
        .where('status', '=', 'active')
        .where('area_path', 'like', `${areaPath}%`)
        .execute();
    } finally {
      await database.close();
    }
  }

  it('issues the missing codes as the operator and writes the sheet; a second run only reprints', async () => {
    let cell: { code: string; path: string };
    const database = await openPglite(dataDir);
    try {
      await migrateToLatest(database.db);
      const tree = await createAreaTree(database.db);
      cell = tree.cellA;
      await createHouses(database.db, tree.cellA, 3);
    } finally {
      await database.close();
    }
    const out = path.join(dir, 'labels.pdf');
    const first = await cli('labels', '--area', cell.code, '--out', out);
    expect(first.stdout).toMatch(/Wrote 3 door labels .* on 1 page\(s\) .*\(3 codes newly issued\)/);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    const issued = await activeCodes(cell.path);
    expect(issued).toHaveLength(3);

    const second = await cli('labels', '--area', cell.code, '--out', out);
    expect(second.stdout).toContain('(0 codes newly issued)');
    expect(await activeCodes(cell.path)).toEqual(issued);
  }, 180_000);
});
