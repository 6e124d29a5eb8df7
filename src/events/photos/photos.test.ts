import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../core/errors.js';
import type { DB } from '../../db/schema.js';
import { describeEachDatabase } from '../../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  type Session,
  signIn,
  testApp,
} from '../../test-support/factories.js';
import { multipart } from '../../test-support/multipart.js';
import type { Kysely } from 'kysely';
import { readFormWithPhotos } from './multipart.js';
import { MAX_PHOTO_SIDE, preparePhoto, sniffPhotoType } from './photos.js';
import { listPhotos, readPhoto, storePhotos } from './repository.js';
import { presentPhoto } from './schema.js';
import { feedbackTokenHash } from './service.js';
import { gif, hasGpsPointer, jpegWithGps, png, pngClaiming, webp } from '../../test-support/test-images.js';

const MB = 1024 * 1024;

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a rejection');
}

describe('preparePhoto', () => {
  it('turns a phone JPEG upright and strips its EXIF, GPS position included', async () => {
    const input = await jpegWithGps();
    const before = await sharp(input).metadata();
    expect(before.orientation).toBe(6);
    expect(hasGpsPointer(before.exif)).toBe(true);

    const photo = await preparePhoto(input, 'photos[0]', MB);
    expect(photo).toMatchObject({ mime: 'image/jpeg', width: 20, height: 40, bytes: photo.content.length });
    expect(photo.sha256).toBe(createHash('sha256').update(photo.content).digest('hex'));
    const after = await sharp(photo.content).metadata();
    expect(after.format).toBe('jpeg');
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.icc).toBeUndefined();
    expect(after.orientation).toBeUndefined();
    expect(photo.content.includes(Buffer.from('GridguardTestCam'))).toBe(false);
    expect(photo.content.includes(Buffer.from('Exif'))).toBe(false);
  });

  it('keeps PNG as PNG and WebP as WebP, and bounds the longest side', async () => {
    const fromPng = await preparePhoto(await png(3000, 1000), 'p', 10 * MB);
    expect(fromPng).toMatchObject({ mime: 'image/png', width: MAX_PHOTO_SIDE, height: 683 });
    expect((await sharp(fromPng.content).metadata()).format).toBe('png');
    const fromWebp = await preparePhoto(await webp(30, 50), 'w', MB);
    expect(fromWebp).toMatchObject({ mime: 'image/webp', width: 30, height: 50 });
    expect((await sharp(fromWebp.content).metadata()).format).toBe('webp');
  });

  it('rejects text renamed .jpg, a GIF, an empty file and a JPEG that is only a header', async () => {
    const text = Buffer.from('这不是图片 — just text pretending to be photo.jpg\n');
    expect(sniffPhotoType(text)).toBeNull();
    for (const bad of [
      text,
      await gif(),
      Buffer.alloc(0),
      Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(500)]),
    ]) {
      const error = await rejection(preparePhoto(bad, 'photos[1]', MB));
      expect(error).toMatchObject({ code: 'PHOTO_NOT_IMAGE', statusCode: 400 });
      expect(error.message).toContain('photos[1]');
    }
  });

  it('keeps only the first frame of an animated WebP', async () => {
    const frame = (red: number) =>
      sharp({ create: { width: 10, height: 10, channels: 3, background: { r: red, g: 0, b: 0 } } })
        .png()
        .toBuffer();
    const animated = await sharp([await frame(255), await frame(0)], { join: { animated: true } })
      .webp({ loop: 0, delay: [100, 100] })
      .toBuffer();
    expect((await sharp(animated).metadata()).pages).toBe(2);
    const photo = await preparePhoto(animated, 'photos[0]', MB);
    expect(photo).toMatchObject({ mime: 'image/webp', width: 10, height: 10 });
    expect((await sharp(photo.content).metadata()).pages).toBeUndefined();
  });

  it('rejects a file over the byte limit with 413', async () => {
    const input = await png(200, 200);
    const error = await rejection(preparePhoto(input, 'photos[0]', input.length - 1));
    expect(error).toMatchObject({ code: 'PHOTO_TOO_LARGE', statusCode: 413 });
  });

  it('refuses a decompression bomb from its header, before decoding', async () => {
    const bomb = await pngClaiming(100_000, 100_000);
    expect(bomb.length).toBeLessThan(1000);
    expect((await sharp(bomb, { limitInputPixels: false }).metadata()).width).toBe(100_000);
    const started = Date.now();
    const error = await rejection(preparePhoto(bomb, 'photos[0]', MB));
    expect(error).toMatchObject({ code: 'PHOTO_DIMENSIONS_TOO_LARGE', statusCode: 400 });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

async function insertEvent(db: Kysely<DB>, area: { id: number; path: string }, token: string | null) {
  const category =
    (await db
      .selectFrom('event_categories')
      .select('id')
      .where('code', '=', 'photo-test')
      .executeTakeFirst()) ??
    (await db
      .insertInto('event_categories')
      .values({ code: 'photo-test', name_zh: '乱堆乱放', name_en: 'Clutter', public: true })
      .returning('id')
      .executeTakeFirstOrThrow());
  const now = new Date('2026-11-02T08:00:00+08:00');
  return db
    .insertInto('events')
    .values({
      code: `T${randomBytes(5).toString('hex')}`,
      category_id: category.id,
      area_id: area.id,
      area_path: area.path,
      tier: 'grid',
      tier_area_id: area.id,
      source: 'citizen',
      status: 'collected',
      title: '楼道堆物',
      feedback_token_hash: token ? feedbackTokenHash(token) : null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

describeEachDatabase('event photos', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let workerA: Session;
  let eventA: number;
  let eventB: number;
  const tokenA = randomBytes(24).toString('base64url');
  const tokenB = randomBytes(24).toString('base64url');
  const MAX_BYTES = 256 * 1024;

  beforeAll(async () => {
    const db = database().db;
    app = await testApp(database());
    // A route standing in for the report form: it reads the form and stores the photos.
    app.post('/test/photo-form/:eventId', async (request) => {
      const form = await readFormWithPhotos(request, { maxPhotos: 4, maxPhotoBytes: MAX_BYTES });
      const eventId = Number((request.params as { eventId: string }).eventId);
      const ids = await storePhotos(db, { eventId, stepId: null, purpose: 'report', photos: form.photos });
      return { fields: form.fields, ids, mimes: form.photos.map((p) => p.mime) };
    });
    tree = await createAreaTree(db);
    const worker = await createUser(db, [{ role: 'grid_worker', area: tree.gridA }]);
    workerA = await signIn(app, worker.username);
    eventA = (await insertEvent(db, tree.cellA, tokenA)).id;
    eventB = (await insertEvent(db, tree.cellB, tokenB)).id;
  });
  afterAll(async () => {
    await app.close();
  });

  const post = async (eventId: number, files: Parameters<typeof multipart>[0], fields = {}) => {
    const body = await multipart(files, fields);
    return app.inject({ method: 'POST', url: `/test/photo-form/${eventId}`, ...body });
  };

  it('reads fields and photos, re-encodes them and stores them without metadata', async () => {
    const response = await post(
      eventA,
      [
        { field: 'photos', name: 'IMG_0001.jpg', content: await jpegWithGps(), type: 'image/jpeg' },
        { field: 'photos', name: 'screen.png', content: await png(), type: 'image/png' },
        // An empty file input sends a nameless, empty part: not a photo.
        { field: 'photos', name: '', content: Buffer.alloc(0) },
      ],
      { category: 'photo-test', description: '三楼楼道堆满纸箱' },
    );
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as { fields: Record<string, string>; ids: number[]; mimes: string[] };
    expect(body.fields).toEqual({ category: 'photo-test', description: '三楼楼道堆满纸箱' });
    expect(body.mimes).toEqual(['image/jpeg', 'image/png']);

    const listed = await listPhotos(database().db, [eventA, eventB]);
    expect(listed.map((p) => p.id)).toEqual(body.ids);
    expect(presentPhoto(listed[0]!)).toMatchObject({
      id: body.ids[0],
      purpose: 'report',
      mime: 'image/jpeg',
      url: `/api/events/${eventA}/photos/${body.ids[0]}`,
    });
    expect(presentPhoto(listed[1]!, tokenA).url).toBe(`/api/public/events/${tokenA}/photos/${body.ids[1]}`);
    expect(listed[0]).not.toHaveProperty('content');
    expect(listed[0]).toMatchObject({ event_id: eventA, purpose: 'report', width: 20, height: 40 });
    const stored = await readPhoto(database().db, eventA, body.ids[0]!);
    const metadata = await sharp(stored!.content).metadata();
    expect(metadata.exif).toBeUndefined();
    expect(hasGpsPointer(stored!.content)).toBe(false);
    expect(await readPhoto(database().db, eventB, body.ids[0]!)).toBeUndefined();
  });

  it('rejects a text file named .jpg, naming the field', async () => {
    const response = await post(eventA, [
      { field: 'photos', name: 'evil.jpg', content: '<script>alert(1)</script>', type: 'image/jpeg' },
    ]);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'PHOTO_NOT_IMAGE' });
    expect(response.json().error.message).toContain('photos[0]');
  });

  it('rejects a photo over the size limit with 413, stopped by the parser', async () => {
    const big = Buffer.concat([await png(), randomBytes(MAX_BYTES)]);
    const response = await post(eventA, [
      { field: 'photos', name: 'big.png', content: big, type: 'image/png' },
    ]);
    expect(response.statusCode).toBe(413);
    expect(response.json().error).toMatchObject({ code: 'PHOTO_TOO_LARGE' });
  });

  it('rejects a decompression bomb and five photos', async () => {
    const bomb = await post(eventA, [
      { field: 'photos', name: 'bomb.png', content: await pngClaiming(60_000, 60_000) },
    ]);
    expect(bomb.statusCode).toBe(400);
    expect(bomb.json().error.code).toBe('PHOTO_DIMENSIONS_TOO_LARGE');

    const small = await webp(10, 10);
    const five = await post(
      eventA,
      Array.from({ length: 5 }, (_, i) => ({ field: 'photos', name: `${i}.webp`, content: small })),
    );
    expect(five.statusCode).toBe(400);
    expect(five.json().error.code).toBe('PHOTO_TOO_MANY');
  });

  it('rejects a text field longer than 16 KiB, naming it', async () => {
    const response = await post(eventA, [], { description: '长'.repeat(6000) });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'FORM_FIELD_TOO_LONG',
      details: [expect.objectContaining({ field: 'description' })],
    });
  });

  it('answers a form cut off before its end with 400', async () => {
    const body = await multipart([{ field: 'photos', name: 'a.png', content: await png() }]);
    const response = await app.inject({
      method: 'POST',
      url: `/test/photo-form/${eventA}`,
      headers: body.headers,
      payload: body.payload.subarray(0, body.payload.length - 60),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('FORM_INVALID');
  });

  it('asks for multipart when the body is JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: `/test/photo-form/${eventA}`,
      payload: { photos: [] },
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('MULTIPART_REQUIRED');
  });

  describe('serving', () => {
    let photoA: number;
    let photoB: number;
    beforeAll(async () => {
      const db = database().db;
      const prepared = await preparePhoto(await jpegWithGps(), 'photo', MB);
      const store = async (eventId: number, purpose: 'report' | 'feedback') =>
        (await storePhotos(db, { eventId, stepId: null, purpose, photos: [prepared] }))[0]!;
      photoA = await store(eventA, 'report');
      photoB = await store(eventB, 'feedback');
    });

    it('serves a photo of the own grid as an inert image', async () => {
      const response = await app.inject({
        url: `/api/events/${eventA}/photos/${photoA}`,
        headers: workerA.headers,
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('image/jpeg');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-disposition']).toBe(`inline; filename="${photoA}.jpg"`);
      expect(response.headers['cache-control']).toMatch(/^private, max-age=\d+$/);
      expect(response.headers['content-security-policy']).toMatch(/^default-src 'none'/);
      expect((await sharp(response.rawPayload).metadata()).width).toBe(20);

      const again = await app.inject({
        url: `/api/events/${eventA}/photos/${photoA}`,
        headers: { ...workerA.headers, 'if-none-match': String(response.headers.etag) },
      });
      expect(again.statusCode).toBe(304);
    });

    it("answers 404 for another grid's photo, a photo of another event and without sign-in 401", async () => {
      const otherGrid = await app.inject({
        url: `/api/events/${eventB}/photos/${photoB}`,
        headers: workerA.headers,
      });
      expect(otherGrid.statusCode).toBe(404);
      expect(otherGrid.json().error.code).toBe('PHOTO_NOT_FOUND');
      const mismatched = await app.inject({
        url: `/api/events/${eventA}/photos/${photoB}`,
        headers: workerA.headers,
      });
      expect(mismatched.statusCode).toBe(404);
      const anonymous = await app.inject({ url: `/api/events/${eventA}/photos/${photoA}` });
      expect(anonymous.statusCode).toBe(401);
    });

    it("serves the reporter's photos through the follow link's token, and only those", async () => {
      const own = await app.inject({ url: `/api/public/events/${tokenB}/photos/${photoB}` });
      expect(own.statusCode).toBe(200);
      expect(own.headers['content-type']).toBe('image/jpeg');
      expect(own.headers['content-security-policy']).toMatch(/^default-src 'none'/);
      const otherEvent = await app.inject({ url: `/api/public/events/${tokenB}/photos/${photoA}` });
      expect(otherEvent.statusCode).toBe(404);
      const unknown = await app.inject({
        url: `/api/public/events/${randomBytes(24).toString('base64url')}/photos/${photoB}`,
      });
      expect(unknown.statusCode).toBe(404);
      const malformed = await app.inject({ url: `/api/public/events/..%2F..%2Fetc/photos/${photoB}` });
      expect(malformed.statusCode).toBe(400);
    });
  });
});
