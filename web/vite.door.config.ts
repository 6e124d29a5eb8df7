import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { outDir, precompress, webRoot } from './vite.config';

/** node_modules/<package>/… for a library wherever it is installed, web/-relative for ours. */
const moduleName = (id: string) =>
  id.includes('/node_modules/')
    ? `node_modules/${id.split('/node_modules/').pop()}`
    : path.relative(webRoot, id);

/**
 * The door page as one file: its script and styles written into door.html. On a slow link every
 * request costs a round trip (400 ms on 3G) before its first byte; one document is one round trip.
 * Residents open a door code once or twice, so a separately cached script would rarely be reused.
 * The server allows the inline script by its hash (src/core/web-delivery.ts). The modules it holds
 * go to .vite/door-modules.json for src/core/web-budget.test.ts.
 */
function inlineDoorPage(): Plugin {
  return {
    name: 'gridguard-inline-door',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const page = bundle['door.html'];
      if (page?.type !== 'asset') throw new Error('door.html was not built');
      let html = String(page.source);
      const modules: string[] = [];
      for (const [name, output] of Object.entries(bundle)) {
        if (output.type === 'chunk') {
          const tag = new RegExp(
            `<script type="module" crossorigin src="/${name.replace(/[.]/g, '\\.')}"></script>`,
          );
          if (!tag.test(html)) throw new Error(`door.html does not load ${name}`);
          // A dynamic import would leave Vite's preload placeholder behind, unfilled at this stage.
          if (output.code.includes('__VITE_PRELOAD__'))
            throw new Error(`${name}: the door page must not import() lazily`);
          const code = output.code.replaceAll('</script', '<\\/script');
          html = html.replace(tag, () => `<script type="module">${code}</script>`);
          modules.push(...output.moduleIds.filter((id) => !id.startsWith('\0')).map(moduleName));
          delete bundle[name];
        } else if (name.endsWith('.css')) {
          const tag = new RegExp(
            `<link rel="stylesheet" crossorigin href="/${name.replace(/[.]/g, '\\.')}">`,
          );
          if (!tag.test(html)) throw new Error(`door.html does not link ${name}`);
          html = html.replace(
            tag,
            () => `<style>${String(output.source).replaceAll('</style', '<\\/style')}</style>`,
          );
          delete bundle[name];
        }
      }
      page.source = html;
      mkdirSync(path.join(outDir, '.vite'), { recursive: true });
      writeFileSync(
        path.join(outDir, '.vite', 'door-modules.json'),
        `${JSON.stringify(modules.sort(), null, 1)}\n`,
      );
    },
  };
}

// Run after web/vite.config.ts (npm run build): adds door.html to dist/web and leaves the rest.
export default defineConfig({
  root: webRoot,
  plugins: [react(), inlineDoorPage(), precompress(/[\\/]door\.html$/)],
  build: {
    outDir,
    emptyOutDir: false,
    modulePreload: false,
    rolldownOptions: {
      input: path.join(webRoot, 'door.html'),
      // One script: the English words come inside it too (a few KB) rather than as a round trip.
      output: { codeSplitting: false },
    },
  },
});
