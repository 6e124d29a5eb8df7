// How the web app and the API travel: compressed when the browser asks, hashed assets cached for a
// year, pages never cached stale. A phone on a weak link in a village lane pays for every byte.
import { createHash } from 'node:crypto';
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
const COMPRESSIBLE =
  /^(text\/|application\/(json|javascript|xml|manifest\+json|problem\+json)|image\/svg\+xml)/;

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
 * light door page (one file, its script inline) with its data requests preloaded; any other GET
 * outside /api the app's index.
 */
export async function serveWebApp(app: FastifyInstance, webRoot: string | undefined): Promise<void> {
  if (webRoot) {
    await app.register(fastifyStatic, {
      root: webRoot,
      wildcard: false,
      index: false,
      preCompressed: true,
      cacheControl: false,
      // The twins are found through Accept-Encoding, never asked for by name; the door page only
      // through a door code (/h/<token>), which sends the policy that lets its inline script run.
      globIgnore: ['**/*.br', '**/*.gz', DOOR_PAGE],
      setHeaders: (reply, filePath) => cacheHeaders(reply, filePath, webRoot),
    });
    const doorFile = path.join(webRoot, DOOR_PAGE);
    const scriptHashes = existsSync(doorFile) ? inlineScriptHashes(readFileSync(doorFile, 'utf8')) : null;
    if (scriptHashes) {
      app.get('/h/:token', { schema: { hide: true } }, (request, reply) => {
        const { token } = request.params as { token: string };
        const links = doorPreloads(token);
        if (links) reply.header('link', links);
        const policy = reply.getHeader('content-security-policy');
        if (typeof policy === 'string')
          reply.header('content-security-policy', allowScripts(policy, scriptHashes));
        // As built, precompressed; REVALIDATE (set by setHeaders) lets a new release reach the phone.
        return reply.type('text/html; charset=utf-8').sendFile(DOOR_PAGE);
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
 * The door page's two data requests, as a Link header: they start when the page's first bytes arrive,
 * not after its script has run — one round trip less on a 400 ms link. The URLs are the ones
 * web/src/door fetches (same mode, so the browser reuses the preloaded answers).
 */
export function doorPreloads(token: string): string | null {
  if (!DOOR_TOKEN.test(token)) return null;
  const base = `/api/public/households/${token}`;
  return [base, `${base}/announcements`]
    .map((href) => `<${href}>; rel=preload; as=fetch; crossorigin=anonymous`)
    .join(', ');
}

/** The CSP hashes of the page's inline scripts (the door page carries its script inside: web/vite.door.config.ts). */
export function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)]
    .map((match) => match[1]!)
    .filter((code) => code.trim() !== '')
    .map((code) => `'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`);
}

/** The security policy with these inline scripts allowed, and no other. */
export function allowScripts(policy: string, hashes: string[]): string {
  return policy.replace(
    /script-src ([^;]*)/,
    (_all, sources: string) => `script-src ${sources} ${hashes.join(' ')}`,
  );
}
