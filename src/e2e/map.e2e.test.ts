// Real maps in a real browser (MapLibre on headless Chromium's WebGL): a resident taps a point on
// the report page's map at phone size, staff see the event at that point on its detail page, the
// big screen draws the demo village with its event pins, and a browser without WebGL is told so.
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CODES } from '../demo/seed.js';
import {
  chromiumPath,
  eventually,
  expectText,
  RESULTS_DIR,
  SCENARIO,
  signIn,
  STAGE_START_TIMEOUT,
} from './browser.js';
import { apiAs, DESK, type DemoStage, PASSWORD, PHONE, startDemoStage } from './stage.js';

const BIG_SCREEN = { viewport: { width: 1920, height: 1080 } };

/** Waits until MapLibre has drawn everything it was given (the container says so). */
async function mapReady(map: Locator): Promise<void> {
  await map.locator('canvas').waitFor();
  await eventually(() => map.getAttribute('data-ready')).toBe('true');
}

/**
 * How many distinct colours the drawn map shows, and the share of its most common one: a blank or
 * single-colour canvas (no WebGL output) has one colour covering everything.
 */
async function canvasColours(page: Page, map: Locator) {
  const shot = await map.screenshot();
  const { data, info } = await sharp(shot).raw().toBuffer({ resolveWithObject: true });
  const counts = new Map<number, number>();
  for (let i = 0; i < data.length; i += info.channels) {
    // Quantised a little: anti-aliasing should not count as colours.
    const key = ((data[i]! >> 3) << 10) | ((data[i + 1]! >> 3) << 5) | (data[i + 2]! >> 3);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const pixels = data.length / info.channels;
  void page;
  return { colours: counts.size, topShare: Math.max(...counts.values()) / pixels };
}

/**
 * Waits until the map shows more than its background: SwiftShader draws on the CPU, so on a loaded
 * machine the first frames after 'idle' can still be the bare background.
 */
async function expectDrawn(page: Page, map: Locator): Promise<void> {
  await eventually(async () => {
    const drawn = await canvasColours(page, map);
    return drawn.colours > 4 && drawn.topShare < 0.95;
  }).toBe(true);
}

describe.skipIf(!chromiumPath)('maps in a browser', SCENARIO, () => {
  let stage: DemoStage;
  let app: FastifyInstance;
  let baseUrl: string;

  beforeAll(async () => {
    stage = await startDemoStage('map');
    ({ app, baseUrl } = stage);
  }, STAGE_START_TIMEOUT);

  afterAll(async () => {
    await stage?.close();
  });

  it('places a resident’s pin by a tap on the report map, and shows it on the event’s map', async () => {
    const categories = (await app.inject({ method: 'GET', url: '/api/public/event-categories' })).json() as {
      items: Array<{ code: string; nameZh: string; children: Array<{ code: string; nameZh: string }> }>;
    };
    const category = categories.items.find((item) => item.children.length > 0)!.children[0]!;

    const { code, pin } = await stage.withPage('map-report', PHONE, async (page) => {
      await page.goto(`${baseUrl}/report/${DEMO_CODES.village}`);
      const map = page.getByTestId('report-map');
      await mapReady(map);
      // Our own geography only (no base layer): the village and its four grids drawn, not a blank box.
      expect(JSON.parse((await map.getAttribute('data-regions')) ?? '[]')).toEqual(
        expect.arrayContaining(['星火村东南网格', '星火村东北网格', '星火村西南网格', '星火村西北网格']),
      );
      await expectDrawn(page, map);
      expect(await map.getAttribute('data-pin')).toBeNull();

      // A tap a little south-west of the centre: inside the south-western grid.
      const box = (await map.boundingBox())!;
      await page.mouse.click(box.x + box.width * 0.35, box.y + box.height * 0.65);
      await eventually(() => map.getAttribute('data-pin')).toMatch(/^\d+\.\d+,\d+\.\d+$/);
      const [lng, lat] = (await map.getAttribute('data-pin'))!.split(',').map(Number) as [number, number];
      // 星火村 spans 121.30–121.33 E, 30.700–30.724 N; the tap lands in its south-western quarter.
      expect(lng).toBeGreaterThan(121.3);
      expect(lng).toBeLessThan(121.315);
      expect(lat).toBeGreaterThan(30.7);
      expect(lat).toBeLessThan(30.712);
      await expectText(page.getByTestId('report-map-status'), '已标注位置');
      await page.screenshot({ path: path.join(RESULTS_DIR, 'map-report-phone.png') });

      await page.locator('#category').click();
      await page.locator('.ant-select-item-option').filter({ hasText: category.nameZh }).first().click();
      await page.locator('#description').fill('河边路灯不亮了，晚上看不清路');
      await page.getByTestId('public-submit').click();
      const receipt = await expectText(page.getByTestId('report-code'), /[A-Z]+\d+/);
      return { code: /[A-Z]+\d+/.exec(receipt)![0], pin: { lng, lat } };
    });

    const staff = await apiAs(app, 'staff01');
    const board = (await staff('GET', `/api/events?q=${code}`)).json() as {
      items: Array<{ id: number; code: string }>;
    };
    const event = board.items.find((item) => item.code === code)!;
    const detail = (await staff('GET', `/api/events/${event.id}`)).json() as { lng: number; lat: number };
    expect(detail).toMatchObject(pin);

    await stage.withPage('map-event-detail', DESK, async (page) => {
      await signIn(page, baseUrl, 'staff01', PASSWORD);
      await page.goto(`${baseUrl}/events/${event.id}`);
      const map = page.getByTestId('event-map');
      await mapReady(map);
      expect(await map.getAttribute('data-pin')).toBe(`${pin.lng},${pin.lat}`);
      await expectDrawn(page, map);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'map-event-detail.png') });

      // The board's map, on demand: the open events of the staff member's village as pins.
      await page.goto(`${baseUrl}/events`);
      await page.getByTestId('events-board-map-toggle').click();
      const boardMap = page.getByTestId('events-board-map');
      await mapReady(boardMap);
      expect(Number(await boardMap.getAttribute('data-events'))).toBeGreaterThan(10);
      await eventually(async () =>
        Number(await boardMap.getAttribute('data-rendered-events')),
      ).toBeGreaterThan(0);
    });
  });

  it('draws the big screen’s map with the village’s event pins, clustered', async () => {
    await stage.withPage('map-dashboard', BIG_SCREEN, async (page) => {
      await signIn(page, baseUrl, 'village_commander', PASSWORD);
      const village = (await (await apiAs(app, 'village_commander'))('GET', '/api/areas/roots')).json() as {
        items: Array<{ id: number }>;
      };
      await page.goto(`${baseUrl}/dashboard/${village.items[0]!.id}`);
      const map = page.getByTestId('dashboard-map');
      await mapReady(map);
      // Every demo event has a point; the pins drawn in view (clusters counted by size) are events.
      // The layers arrive after the map itself is ready: wait for them as for the pins.
      await eventually(async () => Number(await map.getAttribute('data-events'))).toBeGreaterThan(50);
      const given = Number(await map.getAttribute('data-events'));
      await eventually(async () => Number(await map.getAttribute('data-rendered-events'))).toBeGreaterThan(0);
      expect(Number(await map.getAttribute('data-rendered-events'))).toBeLessThanOrEqual(given);
      await expectText(page.getByTestId('dashboard-map-legend'), `事件点位 ${given} 个`);
      const drawn = await canvasColours(page, map);
      expect(drawn.colours).toBeGreaterThan(8);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'map-dashboard.png') });
    });
  });

  it('tells a browser without WebGL that it cannot show the map, and still takes a report', async () => {
    await stage.withPage('map-no-webgl', PHONE, async (page) => {
      // As on an old phone whose browser has no WebGL: every WebGL context request fails.
      await page.addInitScript({
        content: `{
          const original = HTMLCanvasElement.prototype.getContext;
          HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
            return String(kind).startsWith('webgl') ? null : original.call(this, kind, ...rest);
          };
        }`,
      });
      await page.goto(`${baseUrl}/report/${DEMO_CODES.village}`);
      await expectText(page.getByTestId('report-map-unavailable'), '此浏览器无法显示地图');
      await expect(page.getByTestId('report-map-locate').isVisible()).resolves.toBe(true);
    });
  });
});
