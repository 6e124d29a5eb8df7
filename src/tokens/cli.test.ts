import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runGridguard } from '../test-support/cli.js';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createAreaTree, TestClock, testApp } from '../test-support/factories.js';

describe('gridguard token create (CLI)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gg-token-cli-'));
  const dataDir = path.join(dir, 'data');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // English output, whatever the machine's locale (zh-CN is the default).
  const cli = (...args: string[]) => runGridguard(args, { dataDir, lang: 'en_US.UTF-8' });

  it('prints an Open311 key and a device key bound to its camera, and each works for what it is', async () => {
    let gridCode: string;
    const database = await openPglite(dataDir);
    try {
      await migrateToLatest(database.db);
      const tree = await createAreaTree(database.db);
      gridCode = tree.gridA.code;
      for (const [code, area] of [
        ['CLI-CAM-1', tree.gridA],
        ['CLI-CAM-2', tree.gridA],
      ] as const)
        await database.db
          .insertInto('cameras')
          .values({ area_id: area.id, area_path: area.path, code, name: code, kind: 'gate' })
          .execute();
    } finally {
      await database.close();
    }

    const open311 = (
      await cli('token', 'create', '--name', '随手拍App', '--area', gridCode, '--capability', 'open311')
    ).stdout.trim();
    expect(open311).toMatch(/^gg_[A-Za-z0-9_-]+$/);
    const device = (
      await cli(
        'token',
        'create',
        '--name',
        '卡口1',
        '--area',
        gridCode,
        '--capability',
        'device.alerts',
        '--camera',
        'CLI-CAM-1',
      )
    ).stdout.trim();
    expect(device).toMatch(/^gg_/);
    await expect(
      cli(
        'token',
        'create',
        '--name',
        'x',
        '--area',
        gridCode,
        '--capability',
        'open311',
        '--camera',
        'CLI-CAM-1',
      ),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('--camera goes with --capability device.alerts only'),
    });

    const reopened = await openPglite(dataDir);
    const clock = new TestClock();
    const app = await testApp(reopened, clock);
    try {
      const requests = await app.inject({
        method: 'GET',
        url: `/open311/v2/requests.json?api_key=${open311}`,
      });
      expect(requests.statusCode, requests.body).toBe(200);
      expect(requests.json()).toEqual([]);
      const alert = (camera: string) =>
        app.inject({
          method: 'POST',
          url: '/api/devices/alerts',
          headers: { authorization: `Bearer ${device}` },
          payload: { camera, kind: 'gathering', occurredAt: clock.now().toISOString() },
        });
      expect((await alert('CLI-CAM-1')).statusCode).toBe(200);
      // The device key speaks for its own camera only.
      expect((await alert('CLI-CAM-2')).statusCode).toBe(403);
      const audit = await reopened.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', '=', 'token.create')
        .execute();
      expect(audit).toHaveLength(2);
    } finally {
      await app.close();
      await reopened.close();
    }
  }, 120_000);
});
