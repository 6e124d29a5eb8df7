// 复工承诺书 and certificates on a phone (390×844): a resident signs the commitment letter from the door
// page (a wrong name refused), staff see it at the desk and issue a certificate, and its QR page shows
// only validity, number, issuer and the masked name.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, expectText, RESULTS_DIR, SCENARIO, signIn, STAGE_START_TIMEOUT } from './browser.js';
import { apiAs, type DemoStage, DESK, PASSWORD, PHONE, startDemoStage } from './stage.js';

describe.skipIf(!chromiumPath)('return to work: commitment letters and certificates', SCENARIO, () => {
  let stage: DemoStage;

  beforeAll(async () => {
    stage = await startDemoStage('certificates');
  }, STAGE_START_TIMEOUT);
  afterAll(async () => {
    await stage?.close();
  });

  it('a resident signs at the door page, staff issue a certificate, and its check shows no more than it should', async () => {
    const { app, baseUrl, database } = stage;
    const asWorker = await apiAs(app, 'worker01');
    const me = (await asWorker('GET', '/api/auth/me')).json() as {
      assignments: Array<{ areaId: number; areaLevel: string }>;
    };
    const microId = me.assignments.find((a) => a.areaLevel === 'microgrid')!.areaId;
    const house = (
      (await asWorker('GET', `/api/houses?within=${microId}&pageSize=5`)).json() as {
        items: Array<{ id: number }>;
      }
    ).items[0]!;
    const issued = await asWorker('POST', `/api/houses/${house.id}/household-code`);
    expect(issued.statusCode, issued.body).toBe(201);
    const token = (issued.json() as { scanUrl: string }).scanUrl.split('/h/')[1]!;
    const first = await database.db
      .selectFrom('persons')
      .select(['id', 'name'])
      .where('house_id', '=', house.id)
      .where('status', '=', 'active')
      .orderBy('id')
      .executeTakeFirstOrThrow();

    await stage.withPage('commitment-door', PHONE, async (page) => {
      await page.goto(`${baseUrl}/h/${token}`);
      await page.getByTestId('door-commitment').click();
      const form = page.getByTestId('commitment-form');
      await expectText(form.getByTestId('commitment-letter'), '复工复产个人承诺书');
      // Members are numbered, never named.
      expect(await form.textContent()).not.toContain(first.name);
      await form.getByTestId('commitment-member-1').click();
      await form.getByTestId('commitment-name').fill(`${first.name}错`);
      await form.getByTestId('commitment-agree').check();
      await page.getByTestId('public-submit').click();
      await expectText(form, '姓名与该成员的登记信息不符');
      await page.screenshot({
        path: path.join(RESULTS_DIR, 'commitment-door-mismatch-phone.png'),
        fullPage: true,
      });
      await form.getByTestId('commitment-name').fill(first.name);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'commitment-door-phone.png'), fullPage: true });
      await page.getByTestId('public-submit').click();
      await expectText(page.getByTestId('commitment-done'), '承诺书已签署');
    });

    const asStaff = await apiAs(app, 'staff01');
    const certificate = await asStaff('POST', '/api/certificates', { personId: first.id, kind: 'residence' });
    expect(certificate.statusCode, certificate.body).toBe(200);
    const number = (certificate.json() as { number: string }).number;

    await stage.withPage('certificates-desk', DESK, async (page) => {
      await signIn(page, baseUrl, 'staff01', PASSWORD);
      await page.goto(`${baseUrl}/certificates`);
      await expectText(page.getByTestId('certificates-table'), number);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'certificates-desk.png'), fullPage: true });
      await page.getByRole('tab', { name: '承诺书' }).click();
      await expectText(page.getByTestId('commitments-table'), '门牌码');
    });

    const secret = await database.db
      .selectFrom('certificates')
      .select('token_secret')
      .where('number', '=', number)
      .executeTakeFirstOrThrow();
    const verify = app.cipher.decrypt(secret.token_secret);
    await stage.withPage('certificate-check', PHONE, async (page) => {
      await page.goto(`${baseUrl}/v/${verify}`);
      await expectText(page.getByTestId('certificate-state'), '证明有效');
      await expectText(page.getByTestId('certificate-number'), number);
      const text = (await page.getByTestId('certificate-check').textContent()) ?? '';
      expect(text).toContain(`${first.name.slice(0, 1)}*`);
      expect(text).not.toContain(first.name);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'certificate-check-phone.png'), fullPage: true });
    });
  });
});
