import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const webRoot = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(webRoot, '..');

// `npm run build` writes dist/web, which the server serves at / (API under /api on the same origin).
export default defineConfig({
  root: webRoot,
  plugins: [
    react(),
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
        globPatterns: ['**/*.{js,css,html,svg,png,woff2}'],
        // Left out of the download a phone makes at sign-in: the big screen's charts, and MapLibre (a map
        // needs the online map API anyway; offline the picker says so and keeps its GPS button).
        globIgnores: ['**/echarts-*.js', '**/GeoMap-*.js', '**/GeoMap-*.css'],
        maximumFileSizeToCacheInBytes: 3 * 1024 * 1024,
        // Every app route opens index.html from the cache; the API and Open311 never go through it.
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/open311\//],
        runtimeCaching: [],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  build: {
    outDir: path.join(repoRoot, 'dist/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: separate chunks stay cached across releases.
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/, priority: 30 },
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|react-router-dom|scheduler)[\\/]/, priority: 20 },
            { name: 'antd', test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[\w-]+|dayjs)[\\/]/, priority: 10 },
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
