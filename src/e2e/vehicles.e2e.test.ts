// The vehicle check on a phone (390×844) and the device registry on a desk: a plate typed any way
// is normalised, a bad one named at once; a vehicle checked at the other village entrance shows as
// "already checked there"; a vehicle with a trail through a risk area shows red and is recorded.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, expectText, RESULTS_DIR, SCENARIO, signIn, STAGE_START_TIMEOUT } from './browser.js';
import { type Api, apiAs, type DemoStage, DESK, PASSWORD, PHONE, startDemoStage } from './stage.js';

describe.skipIf(!chromiumPath)('vehicle checks at a checkpoint and the device registry', SCENARIO, () => {
  let stage: DemoStage;
  let asWorker: Api;
  const checkpoints: number[] = [];
  const shots = path.join(RESULTS_DIR, 'vehicles');

  beforeAll(async () => {
    stage = await startDemoStage('vehicles');
    const db = stage.database.db;
    asWorker = await apiAs(stage.app, 'worker01');
    const me = (await asWorker('GET', '/api/auth/me')).json() as { assignments: Array<{ areaId: number }> };
    const area = await db
      .selectFrom('areas')
      .select(['id', 'path'])
      .where('id', '=', me.assignments[0]!.areaId)
      .executeTakeFirstOrThrow();
    for (const [code, name] of [
      ['E2E-EAST', '星火村东入口'],
      ['E2E-WEST', '星火村西入口'],
    ] as const) {
      const row = await db
        .insertInto('checkpoints')
        .values({ area_id: area.id, area_path: area.path, code, name, kind: 'village_entrance' })
        .returning('id')
        .executeTakeFirstOrThrow();
      checkpoints.push(row.id);
    }
    await db
      .insertInto('risk_areas')
      .values({
        source: 'e2e',
        region_code: '420106',
        name: '武昌区',
        level: 'high',
        valid_from: new Date(Date.now() - 86_400_000),
      })
      .execute();
    await db
      .insertInto('vehicle_trails')
      .values({
        plate: '鄂A66666',
        at: new Date(Date.now() - 3_600_000),
        region_code: '420106',
        source: '交警',
      })
      .execute();
    const checked = await asWorker('POST', `/api/checkpoints/${checkpoints[1]}/vehicles/checks`, {
      plate: '浙A88888',
      direction: 'in',
      decision: 'allowed',
      origin: '杭州市西湖区',
    });
    expect(checked.statusCode, checked.body).toBe(201);
  }, STAGE_START_TIMEOUT);
  afterAll(async () => {
    await stage?.close();
  });

  it('on a phone: normalises the plate, shows where it was checked, flags a risk vehicle and records the check', async () => {
    await stage.withPage('vehicle-check', PHONE, async (page) => {
      await signIn(page, stage.baseUrl, 'worker01', PASSWORD);
      await page.goto(`${stage.baseUrl}/gate/vehicles?checkpoint=${checkpoints[0]}`);
      await expectText(page.getByTestId('vehicle-check-page'), '星火村东入口');
      const input = page.getByTestId('plate-input');
      await input.fill('A1');
      await expectText(page.getByTestId('plate-problem'), '车牌号的省份简称不正确');
      await page.screenshot({ path: path.join(shots, 'plate-problem.png') });

      await input.fill('浙ａ８８８８８');
      expect(await input.inputValue()).toBe('浙A88888');
      await input.press('Enter');
      await expectText(page.getByTestId('last-check'), /在星火村西入口查验：放行/);
      await expectText(page.getByTestId('vehicle-flag'), '未发现涉及风险地区的行程');
      await page.screenshot({ path: path.join(shots, 'checked-elsewhere.png'), fullPage: true });

      await input.fill('鄂a66666');
      await input.press('Enter');
      await expectText(page.getByTestId('vehicle-flag'), /风险车辆[\s\S]*武昌区/);
      await page.screenshot({ path: path.join(shots, 'flagged.png'), fullPage: true });
      await page.getByTestId('vehicle-check-form').getByLabel('来源地').fill('420106');
      await page.getByTestId('refuse').click();
      await expectText(page.locator('.ant-message'), '已登记：鄂A66666 劝返');
      await expectText(page.getByTestId('last-check'), /在本卡口查验：劝返/);
      await page.screenshot({ path: path.join(shots, 'recorded.png'), fullPage: true });
    });
  });

  it('on a desk: registers a plate camera at a checkpoint and issues its token once', async () => {
    await stage.withPage('devices', DESK, async (page) => {
      await signIn(page, stage.baseUrl, 'staff01', PASSWORD);
      await page.goto(`${stage.baseUrl}/devices`);
      await expectText(page.getByTestId('devices-page'), '摄像头与门禁设备');
      await page.getByRole('button', { name: '登记设备' }).click();
      const form = page.getByTestId('device-form');
      await form.getByLabel('设备编号').fill('E2E-PLATE-1');
      await form.getByLabel('名称').fill('东入口车牌机');
      await form.getByLabel('所属区域').fill('星火');
      await page.locator('.ant-select-item-option').first().click();
      // The area's list closes with an animation; a click before it is gone lands on its options.
      await page
        .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)')
        .waitFor({ state: 'hidden' });
      await form.getByLabel('所在卡口').click();
      await page.locator('.ant-select-item-option', { hasText: '星火村东入口' }).click();
      await form.getByRole('button', { name: /保\s*存/ }).click();
      // The village has 80-odd devices over pages: show the plate cameras only.
      await page.getByTestId('devices-page').locator('.ant-select').first().click();
      await page.locator('.ant-select-item-option', { hasText: '车牌识别' }).click();
      const row = page.locator('tr', { hasText: 'E2E-PLATE-1' });
      await expectText(row, '星火村东入口');
      await expectText(row, '未签发');
      await row.getByRole('button', { name: /签发令牌/ }).click();
      await expectText(page.getByTestId('device-token'), /^gg_/);
      await page.screenshot({ path: path.join(shots, 'device-token.png') });
      await page.getByRole('button', { name: '知道了' }).click();
      await page.mouse.wheel(0, -100_000);
      await page.screenshot({ path: path.join(shots, 'devices.png') });
    });
  });
});
