// The epidemic screens in a real browser: the big screen of the demo village (map of its grids,
// headline figures, live feed, drill-down) at 1920×1080, and a grid worker's today page on a phone.
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefixUpperBound } from '../auth/scope.js';
import type { Database } from '../db/database.js';
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
import { type Api, apiAs as apiAsUser, type DemoStage, PASSWORD, PHONE, startDemoStage } from './stage.js';

const BIG_SCREEN: BrowserContextOptions = { viewport: { width: 1920, height: 1080 } };
const GRIDS = ['星火村东南网格', '星火村东北网格', '星火村西南网格', '星火村西北网格'];
/** Share of each grid's residents with a test in the round: the map's colours differ. */
const TESTED_PERCENT = [82, 57, 31, 66];

describe.skipIf(!chromiumPath)('epidemic screens in a browser', SCENARIO, () => {
  let stage: DemoStage;
  let database: Database;
  let app: FastifyInstance;
  let baseUrl: string;
  let village: { id: number; path: string };
  let grids: Array<{ id: number; name: string; path: string }>;
  let asStaff: Api;
  const openLeads: number[] = [];

  const apiAs = (username: string) => apiAsUser(app, username);

  /** Screening, key persons and leads in the demo village, as staff and the lab feed would leave them. */
  async function seedEpidemic(): Promise<void> {
    const db = database.db;
    village = await db
      .selectFrom('areas')
      .select(['id', 'path'])
      .where('name', '=', '星火村')
      .executeTakeFirstOrThrow();
    grids = await db
      .selectFrom('areas')
      .select(['id', 'name', 'path'])
      .where('parent_id', '=', village.id)
      .orderBy('code')
      .execute();
    expect(grids.map((grid) => grid.name)).toEqual(GRIDS);

    // Test results of the last three days, stored as the feed importer stores matched records.
    for (const [index, grid] of grids.entries()) {
      await sql`
        insert into health_records (kind, source, record_key, person_id, area_path, occurred_at, result)
        select 'test', 'e2e-lab', 'e2e-' || p.id, p.id, p.area_path,
          now() - make_interval(hours => (p.id % 60) + 1), 'negative'
        from persons p
        where p.status = 'active' and p.area_path >= ${grid.path} and p.area_path < ${prefixUpperBound(grid.path)}
          and p.id % 100 < ${TESTED_PERCENT[index]}`.execute(db);
    }

    asStaff = await apiAs('staff01');
    const now = Date.now();
    const round = await asStaff('POST', '/api/rounds', {
      areaId: village.id,
      name: '第三轮全员核酸',
      startsAt: new Date(now - 3 * 86_400_000).toISOString(),
      endsAt: new Date(now + 86_400_000).toISOString(),
    });
    expect(round.statusCode, round.body).toBe(201);

    // Persons with a house, by grid, and in worker01's micro-grid: key persons and leads land there.
    const residentsOf = (areaPath: string, limit: number) =>
      db
        .selectFrom('persons')
        .innerJoin('houses', 'houses.id', 'persons.house_id')
        .select(['persons.id', 'houses.address'])
        .where('persons.status', '=', 'active')
        .where('persons.area_path', '>=', areaPath)
        .where('persons.area_path', '<', prefixUpperBound(areaPath))
        .orderBy('persons.id')
        .limit(limit)
        .execute();
    const micro = await db
      .selectFrom('areas')
      .select('path')
      .where('name', '=', '东南第1微网格')
      .executeTakeFirstOrThrow();
    const mine = await residentsOf(micro.path, 10);
    const byGrid = await Promise.all(grids.map((grid) => residentsOf(grid.path, 30)));
    const keyPersons: Array<[number, string]> = [
      [mine[0]!.id, 'close_contact'],
      [mine[5]!.id, 'home_monitoring'],
      [byGrid[0]![25]!.id, 'returnee'],
      [byGrid[1]![0]!.id, 'secondary_contact'],
      [byGrid[1]![5]!.id, 'fever'],
      [byGrid[3]![0]!.id, 'home_quarantine'],
    ];
    for (const [personId, category] of keyPersons) {
      const created = await asStaff('POST', '/api/key-persons', { personId, category });
      expect(created.statusCode, created.body).toBe(201);
    }
    const lead = (address: string) => ({
      name: '协查对象',
      address,
      reason: '大数据推送：途经中风险地区',
      deadline: '48h',
    });
    const leads = await asStaff('POST', '/api/leads', {
      areaId: village.id,
      batchReference: 'e2e 协查批次',
      leads: [
        // The first three are verified at once.
        lead(byGrid[1]![10]!.address),
        lead(byGrid[2]![10]!.address),
        lead(byGrid[3]![10]!.address),
        lead(mine[2]!.address),
        lead(mine[8]!.address),
        lead(byGrid[1]![20]!.address),
        lead(byGrid[2]![20]!.address),
        lead(byGrid[2]![25]!.address),
        { name: '无名氏', address: '查无此址', reason: '大数据推送：同行程', deadline: '24h' },
      ],
    });
    expect(leads.statusCode, leads.body).toBe(201);
    const stored = (leads.json() as { leads: Array<{ id: number }> }).leads.map((item) => item.id);
    for (const id of stored.slice(0, 3)) {
      const verified = await asStaff('POST', `/api/leads/${id}/verify`, {
        outcome: 'found_here',
        measures: ['test_arranged'],
      });
      expect(verified.statusCode, verified.body).toBe(200);
    }
    openLeads.push(...stored.slice(3));
  }

  beforeAll(async () => {
    stage = await startDemoStage('health');
    ({ app, baseUrl, database } = stage);
    await seedEpidemic();
  }, STAGE_START_TIMEOUT);

  afterAll(async () => {
    await stage?.close();
  });

  const withPage = (name: string, options: BrowserContextOptions, run: (page: Page) => Promise<void>) =>
    stage.withPage(name, options, run);

  it('shows the demo village’s grids on the big screen’s map, with live figures, and drills into a grid', async () => {
    await withPage('dashboard', BIG_SCREEN, async (page) => {
      await signIn(page, baseUrl, 'village_commander', PASSWORD);
      // A commander signing in without a page to return to lands on the big screen.
      expect(new URL(page.url()).pathname).toMatch(/^\/dashboard(\/\d+)?$/);
      await page.goto(`${baseUrl}/dashboard/${village.id}`);
      await expectText(page.getByTestId('dashboard-title'), '星火村');

      // The map is drawn on a canvas from the grids' boundaries; the regions it drew are mirrored in the DOM.
      const map = page.getByTestId('dashboard-map');
      await map.locator('canvas').waitFor();
      await eventually(
        async () => JSON.parse((await map.getAttribute('data-regions')) ?? '[]') as string[],
      ).toEqual(GRIDS);
      const items = page.getByTestId('dashboard-area-item');
      await eventually(() => items.count()).toBe(4);
      const names = await page.locator('.bigscreen-area-name').allInnerTexts();
      expect(names).toEqual(GRIDS);
      // Coloured by the untested share: each grid shows its percentage.
      for (const text of await page.locator('.bigscreen-area-value').allInnerTexts())
        expect(text).toMatch(/^\d+\.\d%$/);

      // Headline figures.
      const residents = Number(
        (await page.getByTestId('figure-residents').locator('.bigscreen-tile-value').innerText()).replaceAll(
          ',',
          '',
        ),
      );
      expect(residents).toBeGreaterThan(3000);
      expect(await page.getByTestId('figure-tested').innerText()).toMatch(/\d+\.\d%/);
      expect(await page.getByTestId('figure-keyPersons').locator('.bigscreen-tile-value').innerText()).toBe(
        '6',
      );
      expect(await page.getByTestId('figure-leftToZero').locator('.bigscreen-tile-value').innerText()).toBe(
        String(openLeads.length),
      );

      // Events and requests (the commander holds event.read): the panel shows the API's open count,
      // overdue in red when there are any, the tiers drawn, and each grid its open events.
      const api = (await asStaff('GET', `/api/dashboard?node=${village.id}`)).json() as {
        figures: { events: { open: number } | null };
      };
      expect(api.figures.events).not.toBeNull();
      await page.getByTestId('dashboard-events-panel').waitFor();
      const eventValue = async (key: string) =>
        (await page.getByTestId(`events-${key}`).locator('.bigscreen-events-value').innerText()).replaceAll(
          ',',
          '',
        );
      expect(await eventValue('open')).toBe(String(api.figures.events!.open));
      expect(api.figures.events!.open).toBeGreaterThan(0);
      const overdueEvents = Number(await eventValue('overdue'));
      expect(await page.getByTestId('events-overdue').getAttribute('class')).toContain(
        overdueEvents > 0 ? 'events-alert' : 'events-ok',
      );
      expect(await eventValue('newToday')).toMatch(/^\d+$/);
      await page.getByTestId('events-by-tier').locator('canvas').waitFor();
      await eventually(() => page.getByTestId('dashboard-area-events').count()).toBe(4);

      // The live feed: recent events at once, then what happens while the screen is up.
      const feed = page.getByTestId('live-feed').locator('li');
      await feed.first().waitFor();
      await expectText(page.getByTestId('feed-state'), exactly('实时'));
      // More than three items on view at 1920×1080; the rest scroll by inside the panel, never the page.
      await eventually(() => feed.count()).toBeGreaterThan(3);
      const onView = async () => {
        const list = (await page.getByTestId('live-feed').boundingBox())!;
        const boxes = await Promise.all((await feed.all()).map((item) => item.boundingBox()));
        return boxes.filter(
          (box) => box && box.y >= list.y - 1 && box.y + box.height <= list.y + list.height + 1,
        ).length;
      };
      expect(await onView()).toBeGreaterThan(3);
      const root = await page.locator('html').evaluate((html) => {
        const { scrollHeight, clientHeight } = html as unknown as {
          scrollHeight: number;
          clientHeight: number;
        };
        return { scrollHeight, clientHeight };
      });
      expect(root.scrollHeight).toBeLessThanOrEqual(root.clientHeight);
      // The last open lead of grid 西南 (not worker01's).
      const verified = await asStaff('POST', `/api/leads/${openLeads.splice(4, 1)[0]}/verify`, {
        outcome: 'moved',
        measures: ['referred'],
      });
      expect(verified.statusCode, verified.body).toBe(200);
      await expectText(feed.first(), '线索核查完成：已离开');

      // The measure switch recolours the map by key persons.
      await page.getByTestId('measure-switch').getByText('重点人员').click();
      await eventually(() => page.locator('.bigscreen-area-value').allInnerTexts()).toSatisfy(
        (values: string[]) => values.every((value) => /^\d+$/.test(value)),
      );
      await page.getByTestId('measure-switch').getByText('未检率').click();
      await eventually(() => page.locator('.bigscreen-area-value').allInnerTexts()).toSatisfy(
        (values: string[]) => values.every((value) => /^\d+\.\d%$/.test(value)),
      );
      await page.screenshot({ path: path.join(RESULTS_DIR, 'dashboard.png') });

      // Drill into a grid by its entry beside the map; the way back up is the trail.
      await items.filter({ hasText: '星火村东南网格' }).click();
      await page.waitForURL(new RegExp(`/dashboard/${grids[0]!.id}$`));
      await expectText(page.getByTestId('dashboard-title'), '星火村东南网格');
      await eventually(() => page.locator('.bigscreen-area-name').allInnerTexts()).toContain('东南第1微网格');
      await page.getByTestId('dashboard-map').locator('canvas').waitFor();
      await page.screenshot({ path: path.join(RESULTS_DIR, 'dashboard-grid.png') });
      await page.getByTestId('dashboard-trail').getByRole('button', { name: '星火村' }).click();
      await page.waitForURL(new RegExp(`/dashboard/${village.id}$`));
    });
  });

  it('gives a grid worker their day on a phone: untested, leads, follow-ups, arrivals, tasks', async () => {
    await withPage('today', PHONE, async (page) => {
      await signIn(page, baseUrl, 'worker01', PASSWORD);
      // A grid worker's home is the today page.
      await page.waitForURL(/\/today$/);
      for (const section of ['untested', 'leads', 'follow-ups', 'arrivals', 'tasks'])
        await page.getByTestId(`today-${section}`).waitFor();
      await page.getByTestId('untested-item').first().waitFor();
      expect(Number(await page.getByTestId('today-untested-count').innerText())).toBeGreaterThan(10);
      // Phones show masked, never in full (some residents have none on record).
      const items = await page.getByTestId('untested-item').allInnerTexts();
      expect(items.some((text) => /\d{3}\*{4}\d{4}/.test(text))).toBe(true);
      expect(items.some((text) => /1[3-9]\d{9}/.test(text))).toBe(false);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'today.png') });
      await page.screenshot({ path: path.join(RESULTS_DIR, 'today-full.png'), fullPage: true });

      // One tap to mark why someone is not tested.
      await page.getByTestId('mark-button').first().click();
      const dialog = page.getByTestId('mark-dialog');
      await dialog.getByText('联系不上').click();
      await dialog.getByRole('button', { name: /保\s*存/ }).click();
      await expectText(page.getByTestId('untested-item').first(), '联系不上');
    });
  });
});
