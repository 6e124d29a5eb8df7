// Photos with an event entered by staff: a patrol finding or a hotline report, sent as multipart.
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/database.js';
import { type Session, signIn, testApp } from '../test-support/factories.js';
import { categoryId, createEventWorld, type EventWorld } from '../test-support/events-fixtures.js';
import { multipart } from '../test-support/multipart.js';
import { jpegWithGps, png } from '../test-support/test-images.js';
import { MAX_PHOTO_SIDE } from './photos/photos.js';

describeEachDatabase('events: photos with a patrol finding or a hotline entry', (database) => {
  let app: FastifyInstance;
  let world: EventWorld;
  let worker: Session;
  let staff: Session;
  let otherWorker: Session;
  let category = 0;

  beforeAll(async () => {
    app = await testApp(database());
    world = await createEventWorld(database().db);
    worker = await signIn(app, world.users.workerA.username);
    staff = await signIn(app, world.users.staff.username);
    otherWorker = await signIn(app, world.users.workerB.username);
    category = await categoryId(database().db, 'city_appearance.exposed_rubbish');
  });
  afterAll(async () => {
    await app.close();
  });

  /** A phone-camera sized photo: 3000 × 2000 of noise, so it does not compress to nothing. */
  const cameraPhoto = () =>
    sharp(Buffer.from(Array.from({ length: 300 * 200 * 3 }, (_, i) => (i * 7919) % 256)), {
      raw: { width: 300, height: 200, channels: 3 },
    })
      .resize(3000, 2000, { kernel: 'nearest' })
      .jpeg({ quality: 95 })
      .toBuffer();

  const enter = async (
    who: Session,
    fields: Record<string, string>,
    files: Array<{ name: string; content: Buffer; type?: string }>,
  ) => {
    const body = await multipart(
      files.map((file) => ({ field: 'photos', ...file })),
      fields,
    );
    return app.inject({
      method: 'POST',
      url: '/api/events',
      payload: body.payload,
      headers: { ...who.headers, ...body.headers },
    });
  };
  const eventCount = async () =>
    Number(
      (
        await database()
          .db.selectFrom('events')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('stores a patrol finding with its photos, re-encoded, numbers read from the form text', async () => {
    const response = await enter(
      worker,
      {
        source: 'patrol',
        categoryId: String(category),
        areaId: String(world.tree.cellA.id),
        title: '路口垃圾堆放',
        description: '',
        lng: '120.1',
        lat: '30.5',
      },
      [
        { name: 'IMG_2001.jpg', content: await cameraPhoto(), type: 'image/jpeg' },
        { name: 'IMG_2002.jpg', content: await jpegWithGps(), type: 'image/jpeg' },
      ],
    );
    expect(response.statusCode, response.body).toBe(201);
    const created = response.json() as { id: number; status: string; feedbackToken: string | null };
    expect(created).toMatchObject({ status: 'registered', feedbackToken: null });

    const detail = (
      await app.inject({ method: 'GET', url: `/api/events/${created.id}`, headers: worker.headers })
    ).json() as {
      lng: number | null;
      description: string | null;
      photos: Array<{ id: number; purpose: string; width: number; height: number }>;
    };
    expect(detail).toMatchObject({ lng: 120.1, description: null });
    expect(detail.photos.map((p) => [p.purpose, p.width, p.height])).toEqual([
      ['report', MAX_PHOTO_SIDE, Math.round((MAX_PHOTO_SIDE * 2000) / 3000)],
      ['report', 20, 40],
    ]);
    const photoUrl = `/api/events/${created.id}/photos/${detail.photos[0]!.id}`;
    const image = await app.inject({ method: 'GET', url: photoUrl, headers: worker.headers });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/jpeg');
    expect((await sharp(image.rawPayload).metadata()).width).toBe(MAX_PHOTO_SIDE);
    // A worker of another grid sees neither the event nor its photo.
    const outside = await app.inject({ method: 'GET', url: photoUrl, headers: otherWorker.headers });
    expect(outside.statusCode).toBe(404);
  });

  it('stores a hotline entry with the caller’s photo, and still takes JSON without photos', async () => {
    const response = await enter(
      staff,
      {
        source: 'hotline',
        categoryId: String(category),
        areaId: String(world.tree.village.id),
        title: '热线：河边垃圾',
        reporterName: '李女士',
        reporterPhone: '13912345678',
      },
      [{ name: 'wechat.png', content: await png(40, 30), type: 'image/png' }],
    );
    expect(response.statusCode, response.body).toBe(201);
    const created = response.json() as { id: number; status: string; feedbackToken: string | null };
    expect(created.status).toBe('collected');
    expect(created.feedbackToken).toEqual(expect.any(String));
    const detail = (
      await app.inject({ method: 'GET', url: `/api/events/${created.id}`, headers: staff.headers })
    ).json() as { reporterPhone: string; photos: Array<{ mime: string }> };
    expect(detail.reporterPhone).toBe('139****5678');
    expect(detail.photos.map((p) => p.mime)).toEqual(['image/png']);

    const json = await app.inject({
      method: 'POST',
      url: '/api/events',
      headers: worker.headers,
      payload: { source: 'patrol', categoryId: category, areaId: world.tree.cellA.id, title: '无照片' },
    });
    expect(json.statusCode, json.body).toBe(201);
  });

  it('refuses a bad field, a file that is not a photo, too many photos and another grid, storing nothing', async () => {
    const before = await eventCount();
    const fields = {
      source: 'patrol',
      categoryId: String(category),
      areaId: String(world.tree.cellA.id),
      title: '测试',
    };
    const photo = { name: 'a.png', content: await png(), type: 'image/png' };

    const badNumber = await enter(worker, { ...fields, categoryId: 'abc' }, [photo]);
    expect(badNumber.statusCode).toBe(400);
    expect(badNumber.json().error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(badNumber.json().error.details[0].field).toBe('body.categoryId');

    const unknownField = await enter(worker, { ...fields, colour: 'red' }, [photo]);
    expect(unknownField.statusCode).toBe(400);

    const text = await enter(worker, fields, [
      { name: 'note.jpg', content: Buffer.from('不是图片'), type: 'image/jpeg' },
    ]);
    expect(text.statusCode).toBe(400);
    expect(text.json().error).toMatchObject({ code: 'PHOTO_NOT_IMAGE' });
    expect(text.json().error.details[0].field).toBe('photos[0]');

    const five = await enter(worker, fields, [photo, photo, photo, photo, photo]);
    expect(five.statusCode).toBe(400);
    expect(five.json().error.code).toBe('PHOTO_TOO_MANY');

    const elsewhere = await enter(otherWorker, fields, [photo]);
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json().error.code).toBe('AREA_NOT_FOUND');

    expect(await eventCount()).toBe(before);
    const orphanPhotos = await database()
      .db.selectFrom('event_photos as p')
      .leftJoin('events as e', 'e.id', 'p.event_id')
      .select('p.id')
      .where('e.id', 'is', null)
      .execute();
    expect(orphanPhotos).toEqual([]);
  });
});
