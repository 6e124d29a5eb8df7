// The web shell in a real browser against the real app (PGlite in memory, demo village seeded).
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumPath,
  eventually,
  exactly,
  expectText,
  RESULTS_DIR,
  SCENARIO,
  signIn,
  STAGE_START_TIMEOUT,
  treeTitles,
} from './browser.js';
import { DESK, type DemoStage, PASSWORD, PHONE, startDemoStage } from './stage.js';

describe.skipIf(!chromiumPath)('web shell in a browser', SCENARIO, () => {
  let stage: DemoStage;
  let app: FastifyInstance;
  let baseUrl: string;

  beforeAll(async () => {
    stage = await startDemoStage('shell');
    ({ app, baseUrl } = stage);
  }, STAGE_START_TIMEOUT);

  afterAll(async () => {
    await stage?.close();
  });

  const withPage = <T>(name: string, options: BrowserContextOptions, run: (page: Page) => Promise<T>) =>
    stage.withPage(name, options, run);

  /** Looks an area up through the API as the administrator, who sees everything. */
  async function areaIdAsAdmin(name: string): Promise<number> {
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const session = login.cookies.find((cookie) => cookie.name === 'gg_session');
    const found = await app.inject({
      method: 'GET',
      url: `/api/areas?q=${encodeURIComponent(name)}`,
      cookies: { gg_session: session!.value },
    });
    const area = (found.json() as { items: Array<{ id: number; name: string }> }).items.find(
      (item) => item.name === name,
    );
    if (!area) throw new Error(`No area named ${name}`);
    return area.id;
  }

  it('shows a grid leader only their own grid, and not-found for a neighbouring one', async () => {
    const neighbourId = await areaIdAsAdmin('星火村东北网格');
    await withPage('leader', DESK, async (page) => {
      await signIn(page, baseUrl, 'leader01', PASSWORD);
      await expectText(page.getByTestId('area-title'), exactly('星火村东南网格'));

      const childRows = page.locator('[data-testid=child-areas] tr.ant-table-row');
      await eventually(() => childRows.count()).toBe(5);
      expect(await childRows.first().innerText()).toContain('东南第1微网格');

      // The navigator starts at the grid: its micro-grids below it, nothing of the rest of the village.
      await eventually(() => treeTitles(page).then((titles) => titles.length)).toBe(6);
      const titles = await treeTitles(page);
      expect(titles[0]).toBe('星火村东南网格');
      expect(titles.slice(1).every((title) => title.startsWith('东南第'))).toBe(true);
      expect(titles.join()).not.toContain('东北');

      await expectText(page.getByTestId('area-stats'), '微网格');
      await page.locator('[data-testid=area-map] canvas').waitFor();
      await page.screenshot({ path: path.join(RESULTS_DIR, 'area-page-leader01.png'), fullPage: true });

      await page.goto(`${baseUrl}/areas/${neighbourId}`);
      const notFound = page.locator('[data-testid=area-not-found]');
      await notFound.waitFor();
      expect(await notFound.innerText()).toContain('区域不存在或不在您的管辖范围内');
    });
  });

  it('shows community staff their village and the users of the village only', async () => {
    await withPage('staff', DESK, async (page) => {
      await signIn(page, baseUrl, 'staff01', PASSWORD);
      await expectText(page.getByTestId('area-title'), exactly('星火村'));
      await eventually(() => treeTitles(page).then((titles) => titles.length)).toBe(5);
      expect(await treeTitles(page)).toEqual([
        '星火村',
        '星火村东南网格',
        '星火村东北网格',
        '星火村西南网格',
        '星火村西北网格',
      ]);
      await eventually(() => page.locator('[data-testid=child-areas] tr.ant-table-row').count()).toBe(4);

      await page.locator('.nav-menu').getByText('用户').click();
      await page.waitForURL(/\/users$/);
      const rows = page.locator('[data-testid=users-table] tr.ant-table-row');
      await eventually(() => rows.count()).toBe(20);
      const total = page.locator('[data-testid=users-table] .ant-pagination-total-text');
      await expectText(total, /共 \d+ 条/);
      expect(Number((await total.innerText()).match(/\d+/)?.[0])).toBeGreaterThan(250);

      // Only accounts with a role in the village: the township's commander and the city admin stay hidden.
      const usernames = () => page.locator('[data-testid=users-table] .user-username').allInnerTexts();
      const search = async (text: string) => {
        const box = page.getByPlaceholder('搜索用户名或姓名');
        await box.fill(text);
        await box.press('Enter');
      };
      await search('leader0');
      await eventually(usernames).toEqual(['leader01', 'leader02', 'leader03', 'leader04']);
      await search('commander');
      await eventually(usernames).toEqual(['village_commander']);
      await search('admin');
      await eventually(usernames).toEqual([]);
      expect(await page.locator('[data-testid=users-table] .ant-empty').count()).toBe(1);
    });
  });

  it('switches the interface to English and keeps the choice', async () => {
    await withPage('english', DESK, async (page) => {
      await signIn(page, baseUrl, 'staff01', PASSWORD);
      const menu = page.locator('.nav-menu');
      await expectText(menu, '区域');

      await page.locator('[data-testid=language-switch]').click();
      await expectText(menu, 'Areas');
      expect(await menu.innerText()).toContain('Audit log');
      expect(await page.locator('[data-testid=logout]').innerText()).toBe('Sign out');
      expect(await page.locator('[data-testid=area-stats]').innerText()).toContain('Micro-grid');
      expect(await page.locator('[data-testid=current-user]').innerText()).toContain('Community staff');

      await page.reload();
      await expectText(page.locator('.nav-menu'), 'Users');

      await page.locator('[data-testid=language-switch]').click();
      await expectText(page.locator('.nav-menu'), '用户');
    });
  });

  it('works on a phone: the navigator folds into a drawer', async () => {
    await withPage('phone', PHONE, async (page) => {
      await signIn(page, baseUrl, 'worker01', PASSWORD);
      // A grid worker starts on the today page; their area is a menu entry away.
      await page.waitForURL(/\/today$/);
      await page.goto(`${baseUrl}/areas`);
      await expectText(page.getByTestId('area-title'), exactly('东南第1微网格'));
      expect(await page.locator('.app-sider').count()).toBe(0);
      expect(await page.locator('[data-testid=navigator]').count()).toBe(0);
      const rows = page.locator('[data-testid=child-areas] tr.ant-table-row');
      await eventually(() => rows.count()).toBeGreaterThanOrEqual(5);
      await page.locator('[data-testid=area-map] canvas').waitFor();
      await page.screenshot({ path: path.join(RESULTS_DIR, 'area-page-phone.png'), fullPage: true });

      await page.locator('[data-testid=open-navigation]').click();
      const navigator = page.locator('[data-testid=navigator]');
      await navigator.waitFor();
      const titles = await treeTitles(page);
      expect(titles[0]).toBe('东南第1微网格');
      const cell = titles[1]!;
      await navigator.locator('.ant-tree-title', { hasText: cell }).click();
      await expectText(page.getByTestId('area-title'), exactly(cell));
      await navigator.waitFor({ state: 'hidden' });
    });
  });
});
