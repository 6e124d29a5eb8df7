import type { FastifyInstance } from 'fastify';

/**
 * Files that name the others and must be asked for again on every visit: the service worker (a
 * cached one would keep an old app alive), its manifest, and the page. The hashed assets they list
 * may be cached for good; these never are.
 */
const ALWAYS_REVALIDATE = new Set(['/sw.js', '/manifest.webmanifest', '/index.html']);

/** Marks the app shell's entry files `no-cache` (the web root's other caching is set where it is served). */
export function appShellHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return payload;
    const path = request.url.split('?')[0] ?? '';
    const page = String(reply.getHeader('content-type') ?? '').startsWith('text/html');
    if (ALWAYS_REVALIDATE.has(path) || (page && !path.startsWith('/api/'))) {
      reply.header('cache-control', 'no-cache');
      // The service worker may control the whole origin, and only what this server says it is.
      if (path === '/sw.js') reply.header('service-worker-allowed', '/');
    }
    return payload;
  });
}
