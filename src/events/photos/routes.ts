import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { errors } from '../../core/schemas.js';
import { publicLimits } from '../../household-codes/public-limits.js';
import { PHOTO_EXTENSIONS } from './photos.js';
import type { PhotoRow } from './repository.js';
import { photoForFeedbackToken, photoForViewer } from './service.js';

const PhotoParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  photoId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
});
const PublicPhotoParams = Type.Object({
  token: Type.String({ minLength: 16, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }),
  photoId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
});
const PhotoBytes = Type.Unsafe<Buffer>({
  type: 'string',
  format: 'binary',
  description: 'The re-encoded image (JPEG, PNG or WebP) with no metadata',
});

/** A photo is immutable under its id; an hour keeps scrolling cheap while revoked access ages out soon. */
const PHOTO_CACHE_SECONDS = 3600;

/**
 * Sends stored bytes as an image and nothing else: the stored type (checked at upload), nosniff, a
 * CSP that runs nothing, inline under a name made from the id (never the client's file name).
 */
export function sendPhoto(
  request: FastifyRequest,
  reply: FastifyReply,
  photo: Pick<PhotoRow, 'id' | 'mime' | 'sha256' | 'content'>,
) {
  const etag = `"${photo.sha256}"`;
  reply
    .header('content-type', photo.mime)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('content-disposition', `inline; filename="${photo.id}.${PHOTO_EXTENSIONS[photo.mime]}"`)
    .header('cache-control', `private, max-age=${PHOTO_CACHE_SECONDS}`)
    .header('etag', etag);
  if (request.headers['if-none-match'] === etag) return reply.status(304).send();
  return reply.send(photo.content);
}

/**
 * Event photos: for signed-in users within their event.read subtrees, and for a reporter through
 * the follow-and-rate link of their own report.
 */
export const eventPhotoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/events/:id/photos/:photoId',
    {
      schema: {
        operationId: 'getEventPhoto',
        tags: ['events'],
        summary: 'One photo of an event (report or feedback), as an image',
        params: PhotoParams,
        response: { 200: PhotoBytes, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('event.read'),
    },
    async (request, reply) => {
      const photo = await photoForViewer(
        app.db,
        request.actor().viewer,
        request.params.id,
        request.params.photoId,
      );
      return sendPhoto(request, reply, photo);
    },
  );

  // A report page shows a few photos; 120 a minute per client leaves room for reloads.
  const publicPhotoLimit = publicLimits(app, 'public-event-photo', [{ max: 120, key: (r) => r.ip }]);
  app.get(
    '/api/public/events/:token/photos/:photoId',
    {
      schema: {
        operationId: 'getPublicEventPhoto',
        tags: ['public forms'],
        security: [],
        summary: "One photo of the event a reporter's follow-and-rate link points to",
        params: PublicPhotoParams,
        response: { 200: PhotoBytes, ...errors(400, 404, 429) },
      },
      onRequest: publicPhotoLimit,
    },
    async (request, reply) => {
      const photo = await photoForFeedbackToken(app.db, request.params.token, request.params.photoId);
      return sendPhoto(request, reply, photo);
    },
  );
};
