// The pages' byte budgets, kept by the build's own records rather than by timing (the timings are in
// `npm run bench -- --only web`): a change that pulls a heavy library onto the door page or the
// worker's first page fails here. Reads dist/web as `npm run build` leaves it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');
/** What a door page may weigh compressed: ~2 s of a 400 kbit/s link, leaving a second for the phone's CPU. */
const DOOR_BUDGET_BYTES = 100 * 1024;
/** A grid worker's first visit, everything up to Today (the app's shell, Ant Design, the Today page). */
const FIRST_VISIT_BUDGET_BYTES = 500 * 1024;
/** Libraries the door page must never carry. */
const NOT_ON_THE_DOOR =
  /node_modules\/(antd|@ant-design|@rc-component|rc-[\w-]+|dayjs|echarts|zrender|maplibre-gl|react-router)\//;
/** Chunks only the pages with charts or maps may load. */
const CHARTS_OR_MAPS = /echarts|zrender|maplibre|pmtiles/i;

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

function built(file: string): string {
  const full = path.join(WEB, file);
  if (!existsSync(full)) throw new Error(`${full} is missing: run \`npm run build\` first`);
  return full;
}

/** The size a browser that accepts brotli downloads (the build writes a .br twin of every text file ≥ 1 KB). */
function brotliBytes(file: string): number {
  const twin = path.join(WEB, `${file}.br`);
  return statSync(existsSync(twin) ? twin : built(file)).size;
}

const manifest = () =>
  JSON.parse(readFileSync(built('.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;

/** Every chunk a page's modules import statically (fetched before it runs), with their styles. */
function statically(chunks: Record<string, ManifestChunk>, roots: string[]) {
  const keys = new Set<string>();
  const css = new Set<string>();
  const visit = (key: string) => {
    if (keys.has(key)) return;
    const chunk = chunks[key];
    if (!chunk) throw new Error(`the manifest has no chunk ${key}`);
    keys.add(key);
    for (const file of chunk.css ?? []) css.add(file);
    for (const next of chunk.imports ?? []) visit(next);
  };
  roots.forEach(visit);
  const files = [...keys].map((key) => chunks[key]!.file);
  return { keys: [...keys], files: [...files, ...css] };
}

describe('web budgets', () => {
  it('keeps the door page one small file without the app’s libraries', () => {
    const doorBytes = brotliBytes('door.html');
    expect(doorBytes).toBeGreaterThan(1024);
    expect(doorBytes, `door.html is ${doorBytes} B brotli`).toBeLessThanOrEqual(DOOR_BUDGET_BYTES);
    const modules = JSON.parse(readFileSync(built('.vite/door-modules.json'), 'utf8')) as string[];
    expect(modules).toContain('src/door/DoorApp.tsx');
    expect(modules.some((module) => module.startsWith('node_modules/react-dom/'))).toBe(true);
    expect(modules.filter((module) => NOT_ON_THE_DOOR.test(module))).toEqual([]);
    // One document: no script or style to fetch before the page works.
    const html = readFileSync(built('door.html'), 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+rel="(stylesheet|modulepreload)"/);
  });

  it('brings a grid worker to Today within the first-visit budget, without charts or maps', () => {
    const chunks = manifest();
    const today = Object.keys(chunks).find((key) => chunks[key]!.src === 'src/pages/TodayPage.tsx');
    expect(today, 'the Today page is a chunk of its own').toBeDefined();
    const visit = statically(chunks, ['index.html', today!]);
    const bytes = visit.files.reduce((sum, file) => sum + brotliBytes(file), 0);
    expect(bytes, `app shell + Today: ${bytes} B brotli`).toBeLessThanOrEqual(FIRST_VISIT_BUDGET_BYTES);
    expect(visit.files.filter((file) => CHARTS_OR_MAPS.test(file))).toEqual([]);
    expect(visit.keys.filter((key) => CHARTS_OR_MAPS.test(key))).toEqual([]);
  });

  it('loads the English dictionary only when it is chosen', () => {
    const chunks = manifest();
    const english = Object.keys(chunks).find((key) => chunks[key]!.src === 'src/i18n/en.ts');
    expect(english, 'en.ts is a chunk of its own').toBeDefined();
    const entry = statically(chunks, ['index.html']).keys;
    expect(entry).not.toContain(english);
    expect(entry.some((key) => chunks[key]!.dynamicImports?.includes(english!))).toBe(true);
  });

  it('keeps charts on the pages that draw them', () => {
    const chunks = manifest();
    const charts = Object.keys(chunks).filter((key) => /echarts/.test(chunks[key]!.file));
    expect(charts.length).toBeGreaterThan(0);
    const entry = statically(chunks, ['index.html']);
    for (const key of charts) expect(entry.keys).not.toContain(key);
  });
});
