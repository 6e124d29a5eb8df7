// A return-to-work filing (复工备案) in a real browser at phone size (390×844): the enterprise files through
// its code page (no sign-in), uploads a document, signs and submits, uploads its roster; the grid worker
// inspects (all items pass, with a photo) from the enterprise's page and approves; the roster shows clearance.
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { residentIdCheckCharacter } from '../register/identity/identity-number.js';
import { chromiumPath, expectText, RESULTS_DIR, SCENARIO, signIn, STAGE_START_TIMEOUT } from './browser.js';
import { apiAs, type DemoStage, PASSWORD, PHONE, startDemoStage } from './stage.js';

const PLAN = '每日两次测温登记，食堂分餐，车间每日消杀两次，发现发热员工立即隔离并报告社区';

/** A minimal one-page PDF, as an enterprise's business licence scan would be sent. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

async function jpegPhoto(): Promise<Buffer> {
  const svg = Buffer.from('<svg width="320" height="240"><rect width="320" height="240" fill="#37a"/></svg>');
  return sharp(svg).jpeg({ quality: 80 }).toBuffer();
}

describe.skipIf(!chromiumPath)('return-to-work filings in a browser', SCENARIO, () => {
  let stage: DemoStage;
  beforeAll(async () => {
    stage = await startDemoStage('enterprises');
  }, STAGE_START_TIMEOUT);
  afterAll(async () => {
    await stage?.close();
  });

  it('an enterprise files, signs and submits on its code page; the grid worker inspects and approves', async () => {
    // An enterprise of worker01's grid that has not filed yet, and its codes (as the staff page issues them).
    const worker = await apiAs(stage.app, 'worker01');
    const list = await worker('GET', '/api/enterprises?state=none&pageSize=5');
    expect(list.statusCode, list.body).toBe(200);
    const enterprise = (list.json() as { items: Array<{ unitId: number; name: string }> }).items[0]!;
    const codes = await worker('POST', `/api/units/${enterprise.unitId}/enterprise-codes`);
    expect(codes.statusCode, codes.body).toBeLessThan(300);
    // The commitment is signed in the legal person's name as the register holds it.
    const detail = await worker('GET', `/api/enterprises/${enterprise.unitId}`);
    const legalPerson =
      (detail.json() as { enterprise: { legalPerson: string | null } }).enterprise.legalPerson ?? '张建国';
    const token = (codes.json() as { enterprise: { scanUrl: string } }).enterprise.scanUrl.split('/').pop()!;

    await stage.withPage('enterprise-portal', PHONE, async (page) => {
      await page.goto(`${stage.baseUrl}/c/${token}`);
      const portal = page.getByTestId('enterprise-portal');
      await expectText(portal.getByTestId('enterprise-name'), enterprise.name);
      await expectText(portal, '未备案');
      // Nothing to submit before there is a filing.
      expect(await page.getByTestId('filing-submit').count()).toBe(0);

      await page.getByTestId('filing-planned-on').click();
      await page.getByTestId('filing-planned-on').fill('2026-12-20');
      await page.keyboard.press('Enter');
      await page.getByTestId('filing-headcount').fill('42');
      for (const [kind, stock, days] of [
        ['masks', '2000', '20'],
        ['thermometers', '6', '30'],
        ['disinfectant', '50', '25'],
      ] as const) {
        await page.getByTestId(`filing-${kind}-stock`).fill(stock);
        await page.getByTestId(`filing-${kind}-days`).fill(days);
      }
      await page.getByTestId('filing-plan').fill(PLAN);
      await page.getByTestId('filing-save').click();
      await expectText(portal, '草稿');

      await page.getByTestId('filing-document-title').fill('营业执照');
      await page
        .getByTestId('filing-section')
        .locator('input[type=file]')
        .setInputFiles({ name: 'licence.pdf', mimeType: 'application/pdf', buffer: PDF });
      await expectText(page.getByTestId('filing-documents'), '营业执照');

      // Another name than the registered legal person's is refused, and the page says why.
      await page.getByTestId('filing-signer').fill('冒名者');
      await page.getByTestId('filing-sign').click();
      await expectText(page.locator('.ant-message'), '签名须与登记的法定代表人姓名一致');
      await page.getByTestId('filing-signer').fill(legalPerson);
      await page.getByTestId('filing-sign').click();
      await expectText(page.getByTestId('filing-signed'), legalPerson);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'enterprise-portal-filing.png'), fullPage: true });

      await page.getByTestId('filing-submit').click();
      await page.getByRole('button', { name: /确\s*定/ }).click();
      await expectText(portal, '已提交，等待社区检查');
      await portal.getByTestId('filing-state-submitted').waitFor();
      // A submitted filing is no longer editable: no save, no sign, no submit.
      expect(await page.getByTestId('filing-save').count()).toBe(0);
      expect(await page.getByTestId('filing-submit').count()).toBe(0);

      // The roster: one employee the register does not know yet — pending until registered.
      await page.getByRole('tab', { name: '员工名单' }).click();
      const first17 = '11010519900307123';
      const csv = `姓名,身份证号,手机号\r\n陈新员,${first17}${residentIdCheckCharacter(first17)},13900000042\r\n`;
      await page
        .getByTestId('roster-section')
        .locator('input[type=file]')
        .setInputFiles({ name: '花名册.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
      await page.getByTestId('roster-section').getByTestId('clearance-pending').first().waitFor();
      await page.screenshot({ path: path.join(RESULTS_DIR, 'enterprise-portal-roster.png'), fullPage: true });
    });

    const photo = await jpegPhoto();
    await stage.withPage('enterprise-staff', PHONE, async (page) => {
      await signIn(page, stage.baseUrl, 'worker01', PASSWORD);
      await page.goto(`${stage.baseUrl}/enterprises`);
      await page.getByTestId('enterprises-search').locator('input').fill(enterprise.name);
      await page.keyboard.press('Enter');
      await page.getByTestId('enterprise-link').filter({ hasText: enterprise.name }).first().click();
      const detail = page.getByTestId('enterprise-page');
      await expectText(detail.getByTestId('enterprise-name'), enterprise.name);
      await detail.getByTestId('filing-state-submitted').first().waitFor();
      await expectText(detail, PLAN);
      await expectText(detail, '营业执照');
      // Submitted but not inspected: approval is not offered yet.
      expect(await page.getByTestId('filing-approve').count()).toBe(0);

      await page.getByTestId('filing-inspect').click();
      const form = page.getByTestId('inspection-form');
      const items = form.getByTestId('inspection-item');
      await items.first().waitFor();
      const count = await items.count();
      expect(count).toBeGreaterThan(0);
      for (let i = 0; i < count; i++) await items.nth(i).getByText('合格', { exact: true }).click();
      await form
        .locator('input[type=file]')
        .setInputFiles({ name: 'gate.jpg', mimeType: 'image/jpeg', buffer: photo });
      await form.getByTestId('inspection-submit').click();
      await expectText(page.getByTestId('inspection-recorded'), enterprise.name);

      await page.goto(`${stage.baseUrl}/enterprises/${enterprise.unitId}`);
      await detail.getByTestId('filing-state-inspected').first().waitFor();
      await expectText(detail.getByTestId('filing-inspection'), '检查通过');
      await page.getByTestId('filing-approve').click();
      await detail.getByTestId('filing-state-approved').first().waitFor();
      await expectText(detail.getByTestId('filing-steps'), '批准复工');
      // Approved: only a suspension is offered now.
      await page.getByTestId('filing-suspend').waitFor();
      expect(await page.getByTestId('filing-approve').count()).toBe(0);
      await detail.getByTestId('clearance-pending').first().waitFor();
      // Staff issue the enterprise's codes: both links with their QR codes.
      await page.getByTestId('codes-issue').click();
      await page.getByTestId('qr-enterprise').waitFor();
      await page.getByTestId('qr-employee').waitFor();
      await expectText(page.getByTestId('code-enterprise'), '/c/');
      await expectText(page.getByTestId('code-employee'), '/j/');
      await page.screenshot({ path: path.join(RESULTS_DIR, 'enterprise-staff-detail.png'), fullPage: true });
    });
  });
});
