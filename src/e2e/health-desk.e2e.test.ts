// The health department at its desk (1920×1080): health01 uploads a real XLSX of test results
// through the web, watches the batch finish with its rejected row, and downloads the reject file.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { BrowserContextOptions } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revealPerson } from '../register/protect.js';
import { chromiumPath, expectText, RESULTS_DIR, SCENARIO, signIn, STAGE_START_TIMEOUT } from './browser.js';
import { type DemoStage, PASSWORD, startDemoStage } from './stage.js';

const DESK_1080: BrowserContextOptions = { viewport: { width: 1920, height: 1080 } };

describe.skipIf(!chromiumPath)('the health department’s desk in a browser', SCENARIO, () => {
  let stage: DemoStage;

  beforeAll(async () => {
    stage = await startDemoStage('health-desk');
  }, STAGE_START_TIMEOUT);

  afterAll(async () => {
    await stage?.close();
  });

  /** A lab's result sheet: three residents of the demo village, and one row with a result nobody can read. */
  async function labWorkbook(): Promise<Buffer> {
    const residents = await stage.database.db
      .selectFrom('persons')
      .select(['name', 'secret'])
      .where('status', '=', 'active')
      .where('document_type', '=', 'resident_id')
      .orderBy('id')
      .limit(4)
      .execute();
    const sampled = new Date(Date.now() - 3 * 3600_000 + 8 * 3600_000)
      .toISOString()
      .slice(0, 16)
      .replace('T', ' ');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('核酸结果');
    sheet.addRow(['姓名', '身份证号', '采样时间', '检测结果']);
    residents.forEach((person, i) =>
      sheet.addRow([
        person.name,
        revealPerson(stage.app.cipher, person.secret).documentNumber,
        sampled,
        i === 3 ? '待定吧' : '阴性',
      ]),
    );
    // Text cells: an 18-digit number must not become a float.
    sheet.getColumn(2).numFmt = '@';
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }

  it('uploads test results, sees the batch finish with its rejects, and downloads the reject file', async () => {
    const file = await labWorkbook();
    await stage.withPage('health-desk', { ...DESK_1080, acceptDownloads: true }, async (page) => {
      await signIn(page, stage.baseUrl, 'health01', PASSWORD);
      await page.locator('.nav-menu').getByText('上传健康数据', { exact: true }).click();
      const desk = page.getByTestId('health-import-page');
      await desk.waitFor();
      // The department's one area is chosen for it; tests are the default kind.
      await expectText(desk.locator('.ant-form-item').filter({ hasText: '所属区域' }), '金山卫镇');
      await desk.locator('input[type=file]').setInputFiles({
        name: '核酸结果.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer: file,
      });

      const result = page.getByTestId('health-import-result');
      await expectText(result.locator('.ant-alert-title'), '核酸结果.xlsx 导入完成');
      await expectText(
        page.getByTestId('health-import-import.inserted').locator('.ant-statistic-content'),
        '3',
      );
      await expectText(
        page.getByTestId('health-import-import.rejected').locator('.ant-statistic-content'),
        '1',
      );
      const reject = page.getByTestId('health-rejects-table').locator('tr.ant-table-row');
      await expectText(reject, /5.*检测结果.*待定吧/);
      // The batch heads the area's list, done, with who uploaded it.
      const first = page.getByTestId('health-batches-table').locator('tr.ant-table-row').first();
      await expectText(first, /核酸结果\.xlsx.*已完成.*3 \/ 0 \/ 0/);
      await expectText(first, '镇卫健办');

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('health-rejects-download').click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^rejects-batch-\d+\.xlsx$/);
      const saved = new ExcelJS.Workbook();
      await saved.xlsx.load((await readFile((await download.path())!)) as unknown as ArrayBuffer);
      const rows = saved.worksheets[0]!;
      expect(rows.getRow(1).values).toEqual([undefined, '行号', '字段', '错误代码', '错误说明']);
      expect(rows.getRow(2).getCell(1).value).toBe(5);
      expect(rows.getRow(2).getCell(2).value).toBe('检测结果');
      await page.screenshot({ path: path.join(RESULTS_DIR, 'health-desk.png'), fullPage: true });
    });
  });
});
