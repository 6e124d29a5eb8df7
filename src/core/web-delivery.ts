// How the web app and the API travel: compressed when the browser asks, hashed assets cached for a
// year, pages never cached stale. A phone on a weak link in a village lane pays for every byte.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import compress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Vite names every file under /assets by its content hash: a changed file is a new URL. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Pages and the files that point at hashed ones: the browser asks again (304 when unchanged). */
export const REVALIDATE = 'no-cache';
/** The light entry the door code opens (built from web/door.html). */
export const DOOR_PAGE = 'door.html';

/** Door tokens as issued (base64url); anything else gets the page without a preload and the page says "invalid code". */
const DOOR_TOKEN = /^[A-Za-z0-9_-]{16,64}$/;
/** Already compressed (images, archives, fonts) or a live stream that must reach the browser as written. */
const NEVER_COMPRESSED = /^(text\/event-stream|image\/(?!svg)|video\/|audio\/|font\/woff2?)/;
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml|manifest\+json|problem\+json)|image\/svg\+xml)/;

/**
 * Brotli when the browser accepts it, else gzip, for every text response of at least 1 KB: the API's
 * JSON as much as the pages. Register before the routes (the plugin hooks the routes declared after it).
 */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(compress, {
    global: true,
    encodings: ['br', 'gzip'],
    threshold: 1024,
    customTypes: (type) => !NEVER_COMPRESSED.test(type) && COMPRESSIBLE.test(type),
  });
}

function cacheHeaders(reply: FastifyReply, filePath: string, webRoot: string): void {
  const relative = path.relative(webRoot, filePath).split(path.sep);
  reply.header('cache-control', relative[0] === 'assets' ? IMMUTABLE : REVALIDATE);
}

/**
 * Serves the built web app from `webRoot`: files as built, each with its precompressed .br / .gz
 * twin when the browser accepts one (written by the build, see web/vite.config.ts); /h/<token> the
 * light door page with its data requests preloaded; any other GET outside /api the app's index.
 */
export async function serveWebApp(app: FastifyInstance, webRoot: string | undefined): Promise<void> {
  if (webRoot) {
    await app.register(fastifyStatic, {
      root: webRoot,
      wildcard: false,
      index: false,
      preCompressed: true,
      cacheControl: false,
      // The twins are found through Accept-Encoding, never asked for by name.
      globIgnore: ['**/*.br', '**/*.gz'],
      setHeaders: (reply, filePath) => cacheHeaders(reply, filePath, webRoot),
    });
    const doorFile = path.join(webRoot, DOOR_PAGE);
    const doorTemplate = existsSync(doorFile) ? readFileSync(doorFile, 'utf8') : null;
    if (doorTemplate) {
      app.get('/h/:token', { schema: { hide: true } }, async (request, reply) => {
        const { token } = request.params as { token: string };
        return reply
          .type('text/html; charset=utf-8')
          .header('cache-control', REVALIDATE)
          .send(withDoorPreloads(doorTemplate, token));
      });
    }
  }
  // The single-page app answers every other GET with its index; the API answers 404 in its error shape.
  app.setNotFoundHandler((request, reply) => {
    if (webRoot && request.method === 'GET' && !request.url.startsWith('/api/'))
      return reply.type('text/html').header('cache-control', REVALIDATE).sendFile('index.html');
    return reply.status(404).send({
      error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}` },
    });
  });
}

/**
 * The door page's two data requests start with its scripts rather than after them: one round trip
 * less on a 400 ms link. The URLs are the ones web/src/door/api.ts fetches (same mode, so the browser
 * reuses the preloaded answer).
 */
export function withDoorPreloads(template: string, token: string): string {
  if (!DOOR_TOKEN.test(token)) return template;
  const base = `/api/public/households/${token}`;
  const links = [base, `${base}/announcements`]
    .map((href) => `<link rel="preload" href="${href}" as="fetch" crossorigin="anonymous" />`)
    .join('\n    ');
  return template.replace('</head>', `  ${links}\n  </head>`);
}
