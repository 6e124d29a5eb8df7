import { levelIndex } from '../../hierarchy/codes.js';
import type { DailyReportSheet } from './daily.js';
import { vaccinationByArea } from './repository.js';

const share = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10000) / 10000 : 0);

/**
 * The daily report's 疫苗接种 sheet: per grid under the node (or the node itself below a grid),
 * active residents and how many have had ≥1, ≥2 and ≥3 doses, with the shares, then the total.
 * Doses are the register's current state (person_health), not as of the report's date.
 */
export const vaccinationReportSheet: DailyReportSheet = {
  name: '疫苗接种',
  async build(db, _actor, node) {
    // The node is in the caller's health.read scope (the report checked it), so is all below it.
    const depth = Math.max(node.depth, node.depth + levelIndex('grid') - levelIndex(node.level));
    const tallies = await vaccinationByArea(db, node.path, depth);
    const total = tallies.reduce(
      (t, r) => ({
        persons: t.persons + r.persons,
        dose1: t.dose1 + r.dose1,
        dose2: t.dose2 + r.dose2,
        dose3: t.dose3 + r.dose3,
      }),
      { persons: 0, dose1: 0, dose2: 0, dose3: 0 },
    );
    const row = (name: string, code: string, t: typeof total) => [
      name,
      code,
      t.persons,
      t.dose1,
      t.dose2,
      t.dose3,
      share(t.dose1, t.persons),
      share(t.dose2, t.persons),
      share(t.dose3, t.persons),
    ];
    return {
      what: '新冠疫苗接种覆盖（按网格，截至导出时）',
      columns: [
        { header: '网格', width: 18 },
        { header: '编码', width: 20 },
        { header: '在住人数', width: 10 },
        { header: '接种≥1剂', width: 10 },
        { header: '接种≥2剂', width: 10 },
        { header: '接种≥3剂', width: 10 },
        { header: '≥1剂比例', width: 10, numFmt: '0.0%' },
        { header: '≥2剂比例', width: 10, numFmt: '0.0%' },
        { header: '≥3剂比例', width: 10, numFmt: '0.0%' },
      ],
      rows: [...tallies.map((t) => row(t.name, t.code, t)), row('合计', node.code, total)],
    };
  },
};
