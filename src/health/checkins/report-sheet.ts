import type { DailyReportSheet } from '../reports/daily.js';
import { checkinFigures } from './service.js';

const levelName = { grid: '网格', cell: '埭/楼栋' } as const;

/**
 * The daily report's 平安报 sheet: per grid and per row (埭/楼栋) the households and persons who
 * checked in that day, who did not, fevers and unwell, and the node's total.
 */
export const checkinReportSheet: DailyReportSheet = {
  name: '平安报',
  async build(db, actor, node, day) {
    const f = await checkinFigures(db, actor, { areaId: node.id, date: day.date });
    if (f.total.persons === 0) return null;
    const counts = (c: typeof f.total) => [
      c.households,
      c.householdsReported,
      c.persons,
      c.reported,
      c.notReported,
      c.persons === 0 ? '' : `${((c.reported / c.persons) * 100).toFixed(1)}%`,
      c.fevers,
      c.unwell,
    ];
    return {
      what: '平安报（体温日报）',
      columns: [
        { header: '区域', width: 18 },
        { header: '层级', width: 10 },
        { header: '户数', width: 8 },
        { header: '已报户数', width: 10 },
        { header: '人数', width: 8 },
        { header: '已报人数', width: 10 },
        { header: '未报人数', width: 10 },
        { header: '报告率', width: 10 },
        { header: '发热', width: 8 },
        { header: '不适', width: 8 },
      ],
      rows: [
        ...[...f.grids, ...f.cells]
          .sort((a, b) => ((a.area.path ?? '') < (b.area.path ?? '') ? -1 : 1))
          .map((a) => [a.area.name, levelName[a.level], ...counts(a)]),
        ['合计', '', ...counts(f.total)],
      ],
    };
  },
};
