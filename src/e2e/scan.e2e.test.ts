// A grid worker's phone (390×844) in the field: scanning a household door code opens the house with
// its three doorstep actions (photo of the code, and Chromium's fake camera for the live path);
// another grid's code and a stranger's QR get a clear message; a camera-sized photo of a patrol
// finding goes up made small on the phone.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_TIME_ZONE,
  chromiumPath,
  expectText,
  launchBrowser,
  RESULTS_DIR,
  SCENARIO,
  signIn,
  STAGE_START_TIMEOUT,
  UI_TIMEOUT,
} from './browser.js';
import { type Api, apiAs, type DemoStage, PASSWORD, PHONE, startDemoStage } from './stage.js';

interface House {
  id: number;
  address: string;
}

/** The QR code as printed on a door label, as a PNG on white. */
const qrPng = (text: string) => QRCode.toBuffer(text, { errorCorrectionLevel: 'M', width: 480, margin: 4 });

/**
 * A video file for Chromium's fake camera: the QR code on a white 640×480 picture, as Y4M (4:2:0,
 * grey: the chroma planes are neutral). Chromium plays it in a loop as the camera's stream.
 */
async function qrVideo(text: string): Promise<Buffer> {
  const [width, height] = [640, 480];
  const code = await QRCode.toBuffer(text, { errorCorrectionLevel: 'M', width: 360, margin: 4 });
  const luma = await sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite([{ input: code, gravity: 'centre' }])
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  expect(luma.info.channels).toBe(1);
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma.data, chroma]);
  return Buffer.concat([
    Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`),
    frame,
    frame,
  ]);
}

describe.skipIf(!chromiumPath)(
  'a worker scans door codes and photographs findings on a phone',
  SCENARIO,
  () => {
    let stage: DemoStage;
    let asStaff: Api;
    let inGrid: House;
    let inGridUrl = '';
    let elsewhere: House;
    let elsewhereUrl = '';
    const shots = path.join(RESULTS_DIR, 'scan');

    const issue = async (house: House) => {
      const issued = await asStaff('POST', `/api/houses/${house.id}/household-code`);
      expect(issued.statusCode, issued.body).toBe(201);
      return (issued.json() as { scanUrl: string }).scanUrl;
    };

    beforeAll(async () => {
      stage = await startDemoStage('scan');
      const asWorker = await apiAs(stage.app, 'worker01');
      asStaff = await apiAs(stage.app, 'staff01');
      const me = (await asWorker('GET', '/api/auth/me')).json() as { assignments: Array<{ areaId: number }> };
      // A house with residents who have phones, in worker01's own area.
      const mine = (
        (await asWorker('GET', `/api/houses?within=${me.assignments[0]!.areaId}&pageSize=50`)).json() as {
          items: Array<House & { occupants: number }>;
        }
      ).items.filter((house) => house.occupants > 0);
      inGrid = mine[0]!;
      // A house of the village that worker01 cannot open: another grid's.
      const village = (
        (await asStaff('GET', '/api/houses?pageSize=200')).json() as { items: House[] }
      ).items.filter((house) => !mine.some((own) => own.id === house.id));
      for (const house of village.reverse()) {
        if ((await asWorker('GET', `/api/houses/${house.id}`)).statusCode === 404) {
          elsewhere = house;
          break;
        }
      }
      expect(elsewhere, 'a house outside worker01’s area').toBeDefined();
      inGridUrl = await issue(inGrid);
      elsewhereUrl = await issue(elsewhere);
    }, STAGE_START_TIMEOUT);
    afterAll(async () => {
      await stage?.close();
    });

    /** Feeds the scanner a photo of a QR code, as the "take a photo of the code" button would. */
    const scanPhoto = async (page: Page, name: string, png: Buffer) => {
      await page.getByTestId('scan-photo-input').setInputFiles({ name, mimeType: 'image/png', buffer: png });
    };

    const expectHousePage = async (page: Page, house: House) => {
      await page.waitForURL((url) => url.pathname === `/houses/${house.id}`, { timeout: UI_TIMEOUT });
      await expectText(page.getByTestId('house-address'), house.address);
      const actions = page.getByTestId('house-quick-actions');
      await expectText(actions.getByTestId('house-quick-visit'), '开始走访');
      await expectText(actions.getByTestId('house-quick-residents'), '住户');
      await expectText(actions.getByTestId('house-quick-call'), '拨打电话');
    };

    it('opens the house from a photo of its code, with visit, residents and an audited call', async () => {
      await stage.withPage('scan-photo', PHONE, async (page) => {
        await signIn(page, stage.baseUrl, 'worker01', PASSWORD);
        await page.goto(`${stage.baseUrl}/today`);
        await page.getByTestId('today-scan').waitFor();
        await page.screenshot({ path: path.join(shots, 'today-phone.png') });
        await page.getByTestId('today-scan').click();
        await page.getByTestId('scan-page').waitFor();
        // No camera in this browser: the page says so and offers the photo.
        await page.getByTestId('scan-no-camera').waitFor();
        await page.screenshot({ path: path.join(shots, 'scanner-phone.png') });

        await scanPhoto(page, 'door.png', await qrPng(inGridUrl));
        await expectHousePage(page, inGrid);
        await page.screenshot({ path: path.join(shots, 'house-from-scan-phone.png') });
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

        // Call: the full number only through the reveal (reason proposed), then a tel: link.
        await page.getByTestId('house-quick-call').click();
        const drawer = page.getByTestId('house-call-drawer');
        await drawer.getByTestId('house-call-person').first().waitFor();
        const before = await auditCount(stage, 'person.call');
        await drawer.getByTestId('house-call-show').first().click();
        const dialog = page.getByTestId('call-dialog');
        expect(await dialog.getByTestId('call-reason').inputValue()).toBe('入户走访联系住户');
        await dialog.locator('.ant-btn-primary').click();
        const link = drawer.getByTestId('house-call-link').first();
        await link.waitFor();
        expect(await link.getAttribute('href')).toMatch(/^tel:1\d{10}$/);
        expect(await auditCount(stage, 'person.call')).toBe(before + 1);
        await page.screenshot({ path: path.join(shots, 'house-call-phone.png') });
        await page.keyboard.press('Escape');

        // Start the visit: the visit form for this house.
        await page.getByTestId('house-quick-visit').click();
        await page.waitForURL((url) => url.pathname === '/visits/new');
        expect(new URL(page.url()).searchParams.get('houseId')).toBe(String(inGrid.id));
      });
    });

    it('answers another grid’s code and a stranger’s QR with a message and no house', async () => {
      await stage.withPage('scan-refused', PHONE, async (page) => {
        await signIn(page, stage.baseUrl, 'worker01', PASSWORD);
        await page.goto(`${stage.baseUrl}/scan`);
        await page.getByTestId('scan-photo-button').waitFor();

        await scanPhoto(page, 'other-grid.png', await qrPng(elsewhereUrl));
        await expectText(page.getByTestId('scan-problem'), '这户不在您的管辖范围内');
        expect(new URL(page.url()).pathname).toBe('/scan');
        expect(await page.locator('body').innerText()).not.toContain(elsewhere.address);
        await page.screenshot({ path: path.join(shots, 'scan-out-of-scope-phone.png') });

        await scanPhoto(page, 'wifi.png', await qrPng('https://weixin.qq.com/g/AbCdEf123'));
        await expectText(page.getByTestId('scan-problem'), '这不是门牌码');
        await scanPhoto(page, 'plain.png', await qrPng('你好，世界'));
        await expectText(page.getByTestId('scan-problem'), '这不是门牌码');

        // A photo without any code.
        const blank = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#88aa66' } })
          .png()
          .toBuffer();
        await scanPhoto(page, 'wall.png', blank);
        await expectText(page.getByTestId('scan-problem'), '照片中没有找到二维码');
        expect(new URL(page.url()).pathname).toBe('/scan');
      });
    });

    it('opens the house from the live camera (Chromium’s fake camera playing the door code)', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'gridguard-camera-'));
      const video = path.join(dir, 'door.y4m');
      writeFileSync(video, await qrVideo(inGridUrl));
      let browser: Browser | null = null;
      try {
        browser = await launchBrowser([
          '--use-fake-ui-for-media-stream',
          '--use-fake-device-for-media-stream',
          `--use-file-for-fake-video-capture=${video}`,
        ]);
        const context = await browser.newContext({ locale: 'zh-CN', timezoneId: APP_TIME_ZONE, ...PHONE });
        const page = await context.newPage();
        page.setDefaultTimeout(UI_TIMEOUT);
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        await signIn(page, stage.baseUrl, 'worker01', PASSWORD);
        await page.goto(`${stage.baseUrl}/scan`);
        await expectHousePage(page, inGrid);
        expect(errors).toEqual([]);
      } finally {
        await browser?.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('sends a 3000×2000 camera photo of a patrol finding at most 1600 px, showing sizes before and after', async () => {
      const categories = (await asStaff('GET', '/api/events/categories')).json() as {
        items: Array<{ nameZh: string; children: Array<{ nameZh: string }> }>;
      };
      const subcategory = categories.items.find((item) => item.children.length > 0)!.children[0]!;
      // Noise, so the JPEG is as heavy as a real camera photo.
      const photo = await sharp(
        Buffer.from(Array.from({ length: 300 * 200 * 3 }, (_, i) => (i * 7919) % 256)),
        {
          raw: { width: 300, height: 200, channels: 3 },
        },
      )
        .resize(3000, 2000, { kernel: 'cubic' })
        .jpeg({ quality: 92 })
        .toBuffer();
      const title = `巡查发现：路灯倒伏 ${Date.now()}`;

      await stage.withPage('patrol-photo', PHONE, async (page) => {
        await signIn(page, stage.baseUrl, 'worker01', PASSWORD);
        await page.goto(`${stage.baseUrl}/events/new`);
        await page.getByTestId('event-new-page').waitFor();
        await page.locator('#categoryId').click();
        await page.locator('.ant-select-tree-title').filter({ hasText: subcategory.nameZh }).first().click();
        await page.locator('#areaId').click();
        await page.locator('.ant-select-item-option').first().click();
        await page.getByTestId('event-title-input').fill(title);
        await page
          .getByTestId('event-photo-input')
          .setInputFiles({ name: 'IMG_3001.jpg', mimeType: 'image/jpeg', buffer: photo });
        const caption = page.getByTestId('photo-size');
        await caption.first().waitFor();
        const text = await caption.first().innerText();
        expect(text).toMatch(/^\d+(\.\d)? MB → \d+ KB$/);
        await page.screenshot({ path: path.join(shots, 'patrol-photo-phone.png'), fullPage: true });
        await page.getByTestId('event-create-submit').click();
        await page.waitForURL((url) => /^\/events\/\d+$/.test(url.pathname));
      });

      const stored = await stage.database.db
        .selectFrom('event_photos as p')
        .innerJoin('events as e', 'e.id', 'p.event_id')
        .select(['p.width', 'p.height', 'p.bytes'])
        .where('e.title', '=', title)
        .execute();
      expect(stored).toHaveLength(1);
      expect(Math.max(stored[0]!.width, stored[0]!.height)).toBeLessThanOrEqual(1600);
      expect(stored[0]).toMatchObject({ width: 1600, height: 1067 });
      expect(stored[0]!.bytes).toBeLessThan(photo.length);
    });
  },
);

async function auditCount(stage: DemoStage, action: 'person.call'): Promise<number> {
  const row = await stage.database.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('action', '=', action)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
