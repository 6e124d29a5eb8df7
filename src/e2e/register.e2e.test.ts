// The household-code flow in a real browser at phone size: scan → arrival → the worker confirms →
// the person is in the register (masked until revealed); and the register's scope on a desk.
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { residentIdCheckCharacter } from '../register/identity/identity-number.js';
import {
  chromiumPath,
  eventually,
  exactly,
  expectText,
  RESULTS_DIR,
  SCENARIO,
  signIn,
  STAGE_START_TIMEOUT,
} from './browser.js';
import { DESK, type DemoStage, PASSWORD, PHONE, startDemoStage, apiAs as apiAsUser } from './stage.js';

/** A valid resident ID number: Beijing Dongcheng, born 1990-03-07, an odd (male) sequence. */
const FIRST_17 = '11010119900307135';
const ID_NUMBER = `${FIRST_17}${residentIdCheckCharacter(FIRST_17)}`;
const WRONG_CHECK = `${FIRST_17}${residentIdCheckCharacter(FIRST_17) === '0' ? '1' : '0'}`;
const MASKED = `1****************${ID_NUMBER.slice(-1)}`;
const NAME = '柳青扬';

describe.skipIf(!chromiumPath)('register and household codes in a browser', SCENARIO, () => {
  let stage: DemoStage;
  let app: FastifyInstance;
  let baseUrl: string;

  beforeAll(async () => {
    stage = await startDemoStage('register');
    ({ app, baseUrl } = stage);
  }, STAGE_START_TIMEOUT);

  afterAll(async () => {
    await stage?.close();
  });

  const withPage = <T>(name: string, options: BrowserContextOptions, run: (page: Page) => Promise<T>) =>
    stage.withPage(name, options, run);

  const apiAs = (username: string) => apiAsUser(app, username);

  it('takes an arrival scanned at the door to the register, confirmed by the grid worker', async () => {
    // (a) The grid worker issues the door code of a house in their micro-grid.
    const asWorker = await apiAs('worker01');
    const houses = (await asWorker('GET', '/api/houses?pageSize=1')).json() as {
      items: Array<{ id: number; address: string }>;
    };
    const house = houses.items[0]!;
    const issued = await asWorker('POST', `/api/houses/${house.id}/household-code`);
    expect(issued.statusCode).toBe(201);
    const scanUrl = (issued.json() as { scanUrl: string }).scanUrl;
    const token = scanUrl.split('/h/')[1]!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);

    // Someone moving in scans it: a phone with no session at all.
    await withPage('door-arrival', PHONE, async (page) => {
      await page.goto(`${baseUrl}/h/${token}`);
      await expectText(page.getByTestId('door-address'), exactly(house.address));
      expect(await page.locator('body').innerText()).not.toContain('worker01');
      await page.screenshot({ path: path.join(RESULTS_DIR, 'door-page-phone.png'), fullPage: true });

      await page.getByTestId('door-arrival').click();
      const form = page.getByTestId('arrival-form');
      await form.waitFor();
      await form.locator('#documentNumber').fill(WRONG_CHECK);
      await form.locator('#name').fill(NAME);
      await form.locator('#phone').fill('139 1234 5678');
      await form.locator('#arrivedFrom').fill('安徽省阜阳市');
      await form.getByText('务工', { exact: true }).click();
      await form.getByText('绿码', { exact: true }).click();
      await form.getByText('3', { exact: true }).click();
      await page.getByTestId('public-submit').click();
      // A wrong check character is caught under the field, before anything is sent.
      await eventually(() => form.getByTestId('field-error').allInnerTexts()).toContain(
        '身份证号码不正确：请核对位数、出生日期和最后一位校验码',
      );

      await form.locator('#documentNumber').fill(ID_NUMBER);
      await page.getByTestId('public-submit').click();
      await expectText(page.getByTestId('public-submitted'), exactly('已提交，等待网格员确认'));
      await page.screenshot({
        path: path.join(RESULTS_DIR, 'door-arrival-submitted-phone.png'),
        fullPage: true,
      });
      expect(await page.context().cookies()).toEqual([]);
    });

    // (b) The worker confirms it from the task list on their phone, then (c) finds the person in
    // the register: ID masked until revealed for a reason.
    const personId = await withPage('tasks-register', PHONE, async (page) => {
      await signIn(page, baseUrl, 'worker01', PASSWORD);
      await page.goto(`${baseUrl}/tasks`);
      const task = page.getByTestId('task-item').filter({ hasText: NAME });
      await task.waitFor();
      expect(await task.innerText()).toContain(MASKED);
      expect(await task.innerText()).toContain(house.address);
      expect(await task.innerText()).not.toContain(ID_NUMBER);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'tasks-phone.png'), fullPage: true });

      await task.getByTestId('task-confirm').click();
      await page.locator('.ant-modal').getByText('流动', { exact: true }).click();
      await page.locator('.ant-modal .ant-btn-primary').click();
      const link = task.getByTestId('task-person-link');
      await link.waitFor();
      expect(await task.innerText()).toContain('已确认');
      const confirmedId = Number((await link.getAttribute('href'))!.split('/').pop());

      await page.goto(`${baseUrl}/register`);
      const search = page.getByTestId('person-search').locator('input');
      await search.fill(NAME);
      await search.press('Enter');
      const result = page.getByTestId('person-table').getByRole('link', { name: NAME });
      await result.waitFor();
      await page.screenshot({ path: path.join(RESULTS_DIR, 'register-search-phone.png'), fullPage: true });
      await result.click();

      await page.waitForURL(`**/persons/${confirmedId}`);
      await expectText(page.getByTestId('person-name'), exactly(NAME));
      expect(await page.getByTestId('person-document').innerText()).toBe(MASKED);
      // Masked number and full birth date together would be the number: the year only until revealed.
      expect(await page.getByTestId('person-birth').innerText()).toBe('1990 年生');
      expect(await page.getByTestId('person-details').innerText()).toContain(house.address);
      expect(await page.getByTestId('person-history').innerText()).toContain('一户一码');

      await page.getByTestId('person-reveal').click();
      await page.getByTestId('reveal-reason').fill('核实来人身份');
      await page.locator('.ant-modal .ant-btn-primary').click();
      await expectText(page.getByTestId('person-document'), exactly(ID_NUMBER));
      expect(await page.getByTestId('person-phone').innerText()).toBe('13912345678');
      expect(await page.getByTestId('person-birth').innerText()).toContain('1990-03-07');
      await page.screenshot({ path: path.join(RESULTS_DIR, 'person-revealed-phone.png'), fullPage: true });
      return confirmedId;
    });

    // The reveal is in the audit log, with its reason.
    const asAdmin = await apiAs('admin');
    const audit = (await asAdmin('GET', `/api/audit?action=person.reveal&entityId=${personId}`)).json() as {
      items: Array<{ actor: string; reason: string | null }>;
    };
    expect(audit.items[0]).toMatchObject({ actor: 'worker01', reason: '核实来人身份' });
  });

  it('shows only masked numbers on a desk, and nothing of a grid the worker does not serve', async () => {
    const asWorker = await apiAs('worker01');
    const someone = (
      (await asWorker('GET', '/api/persons?pageSize=1')).json() as { items: Array<{ id: number }> }
    ).items[0]!;

    await withPage('register-desk', DESK, async (page) => {
      await signIn(page, baseUrl, 'worker01', PASSWORD);
      await page.locator('.nav-menu').getByText('登记', { exact: true }).click();
      await page.waitForURL(/\/register$/);
      const documents = page.getByTestId('person-table').getByTestId('masked-document');
      await eventually(() => documents.count()).toBe(20);
      for (const text of await documents.allInnerTexts()) expect(text).toMatch(/^\d\*{16}[\dX]$/);
      await expectText(page.getByTestId('person-total'), /共 \d+ 条/);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'register-desk.png'), fullPage: true });
    });

    // worker06 serves 东北第1微网格, another grid of the village.
    await withPage('other-grid', DESK, async (page) => {
      await signIn(page, baseUrl, 'worker06', PASSWORD);
      await page.goto(`${baseUrl}/persons/${someone.id}`);
      await expectText(page.getByTestId('person-not-found'), '人员不存在或不在您的管辖范围内');
    });
  });
});
