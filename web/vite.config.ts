import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

export const webRoot = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(webRoot, '..');
export const outDir = path.join(repoRoot, 'dist/web');
const TEXT_FILE = /\.(js|mjs|css|html|svg|json|webmanifest|txt|map)$/;

/**
 * Writes a .br (quality 11) and a .gz twin beside every built text file (those `only` matches), which
 * the server sends as they are (@fastify/static preCompressed): the best compression once at build
 * time, none per request.
 */
export function precompress(only: RegExp = TEXT_FILE): Plugin {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? walk(full) : [full];
    });
  return {
    name: 'gridguard-precompress',
    apply: 'build',
    closeBundle() {
      for (const file of walk(outDir)) {
        if (!TEXT_FILE.test(file) || !only.test(file) || file.includes(`${path.sep}.vite${path.sep}`))
          continue;
        const content = readFileSync(file);
        if (content.length < 1024) continue;
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(content, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: 11,
              [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
            },
          }),
        );
        writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
      }
    },
  };
}

/** In `npm run dev`, a door code opens the light door page as the server does in production. */
function doorPageInDev(): Plugin {
  return {
    name: 'gridguard-door-dev',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((request, _response, next) => {
        if (request.url && /^\/h\/[^/?]+(\?.*)?$/.test(request.url)) request.url = '/door.html';
        next();
      });
    },
  };
}

// `npm run build` writes dist/web, which the server serves at / (API under /api on the same origin):
// the app (index.html) here, then the light door page (door.html) by web/vite.door.config.ts.
export default defineConfig({
  root: webRoot,
  plugins: [
    react(),
    precompress(),
    doorPageInDev(),
    // The installable worker app: manifest, icons, and a service worker that precaches the app shell
    // so it opens with no connection. It caches no API answer: the app keeps its own sealed copies
    // of the worker's lists (web/src/offline). Registered by the app after sign-in only.
    VitePWA({
      injectRegister: false,
      registerType: 'autoUpdate',
      includeAssets: ['favicon.svg', 'icons/apple-touch-icon.png'],
      manifest: {
        name: '网格卫士 Gridguard',
        short_name: '网格卫士',
        description: '网格化社会治理平台：网格员的今日工作、走访与巡查，离线也能记录',
        lang: 'zh-CN',
        start_url: '/today',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#0f3d7a',
        background_color: '#ffffff',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The QR decoder's .wasm too: a gate phone verifies passes with no connection.
        globPatterns: ['**/*.{js,css,html,svg,png,woff2,wasm}'],
        // Left out of the download a phone makes at sign-in: the big screen's charts, and MapLibre (a map
        // needs the online map API anyway; offline the picker says so and keeps its GPS button).
        globIgnores: [
          '**/echarts-*.js',
          '**/maplibre-*.js',
          '**/maplibre-*.css',
          '**/GeoMap-*.js',
          '**/GeoMap-*.css',
        ],
        maximumFileSizeToCacheInBytes: 3 * 1024 * 1024,
        // Every app route opens index.html from the cache; the API, Open311 and the door page (its own
        // document, /h/<token>) never go through it.
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/open311\//, /^\/h\//],
        runtimeCaching: [],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  build: {
    outDir,
    emptyOutDir: true,
    // Read by src/core/web-budget.test.ts, which keeps heavy libraries off the pages that do not use them.
    manifest: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: separate chunks stay cached across releases.
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/, priority: 30 },
            // Maps only with the pages that show one (src/core/web-budget.test.ts keeps them off Today).
            { name: 'maplibre', test: /node_modules[\\/](maplibre-gl|pmtiles)[\\/]/, priority: 30 },
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|react-router|react-router-dom|scheduler)[\\/]/,
              priority: 20,
            },
            {
              name: 'antd',
              test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[\w-]+|dayjs)[\\/]/,
              priority: 10,
            },
          ],
        },
      },
    },
  },
  server: {
    // `npm run dev` serves the API on 3000 by default; point elsewhere with GRIDGUARD_API.
    proxy: { '/api': { target: process.env.GRIDGUARD_API ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
});
