// `npm run bench [-- --quick] [-- --json] [-- --only name]`: every figure on PGlite and PostgreSQL,
// each beside its raw-PostgreSQL baseline. The last line with --json is one JSON object.
import { type BenchModule, type Figure, machine, makeContext } from './harness.js';
import { hierarchyBench } from './figures/hierarchy.js';
import { importPersonsBench } from './figures/import-persons.js';
import { importTestsBench } from './figures/import-tests.js';
import { screenBench } from './figures/screen.js';
import { eventsAlertBench, eventsBoardBench } from './figures/events.js';
import { checkpointPlatesBench } from './figures/checkpoint-plates.js';
import { webBench } from './figures/web.js';
import { checkpointCheckBench } from './figures/checkpoint-check.js';
import { healthCheckinsBench } from './figures/health-checkins.js';
import { healthStatusBench } from './figures/health-status.js';
import { enterpriseClearanceBench } from './figures/enterprise-clearance.js';
import { loadBench } from './figures/load.js';

const MODULES: BenchModule[] = [
  hierarchyBench,
  importPersonsBench,
  importTestsBench,
  screenBench,
  eventsAlertBench,
  eventsBoardBench,
  checkpointPlatesBench,
  webBench,
  checkpointCheckBench,
  healthStatusBench,
  healthCheckinsBench,
  enterpriseClearanceBench,
  loadBench,
];

const args = new Set(process.argv.slice(2));
const json = args.has('--json');
const quick = args.has('--quick');
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex > 0 ? process.argv[onlyIndex + 1] : undefined;
// A name that is exactly some module's prefix ("load" in "load: …") picks that one alone, not every title containing it.
const exactOnly = MODULES.some((module) => module.title.split(':')[0] === only);
const backendIndex = process.argv.indexOf('--backend');
const onlyBackend = backendIndex > 0 ? process.argv[backendIndex + 1] : undefined;
const log = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);

process.env.TEST_DATABASE_URL ??=
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const figures: Figure[] = [];
for (const backend of ['pglite', 'postgres'] as const) {
  if (onlyBackend && backend !== onlyBackend) continue;
  for (const module of MODULES) {
    if (only && !(exactOnly ? module.title.split(':')[0] === only : module.title.includes(only))) continue;
    if (module.backends && !module.backends.includes(backend)) continue;
    log(`\n== ${module.title} on ${backend}${quick ? ' (quick: 1/10 size)' : ''}`);
    const { context, dispose } = makeContext(backend, quick ? 0.1 : 1, log);
    try {
      for (const figure of await module.run(context)) {
        figures.push(figure);
        const extra = figure.extra
          ? `  ${Object.entries(figure.extra)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}`
          : '';
        const held =
          figure.budget === undefined
            ? ''
            : `  budget ${figure.budget} ${figure.unit} ${figure.value <= figure.budget ? 'within' : 'OVER'}`;
        log(
          `  ${figure.name.padEnd(30)} ${String(figure.value).padStart(10)} ${figure.unit.padEnd(6)} baseline ${String(figure.baseline ?? '-').padStart(8)}  ratio ${figure.ratio ?? '-'}${held}${extra}`,
        );
      }
    } finally {
      await dispose();
    }
  }
}
if (json) console.log(JSON.stringify({ machine: machine(), quick, figures }));
