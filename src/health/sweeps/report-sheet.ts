import { can } from '../../auth/scope.js';
import type { DailyReportSheet } from '../reports/daily.js';
import * as repo from './repository.js';

/** "/1/5/9/" → "/1/", "/1/5/", "/1/5/9/". */
function pathsUp(path: string): string[] {
  const ids = path.split('/').filter(Boolean);
  return ids.map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`);
}

/**
 * The daily report's 拉网排查 sheet (Chinese, as the whole report): for each open sweep meeting the
 * day, one row per grid of the node (or of the sweep, when it lies inside the node) from the
 * counters, then the sweep's total. Given to the report routes by app.ts.
 */
export const sweepReportSheet: DailyReportSheet = {
  name: '拉网排查',
  async build(db, actor, node, day) {
    if (!can(actor.viewer, 'health.read', node.path)) return null;
    const campaigns = await repo.reportCampaigns(db, node.path, day);
    if (campaigns.length === 0) return null;
    const rows: Array<Array<string | number>> = [];
    for (const c of campaigns) {
      // The part of the sweep under the node: the whole sweep when it lies inside the node.
      const root = c.area_path.startsWith(node.path) ? { id: c.area_id, path: c.area_path } : node;
      const [areas, counters] = await Promise.all([
        repo.progressAreas(db, root),
        repo.countersUnder(db, c.id, root.path),
      ]);
      const sum = (list: repo.CounterRow[]) => {
        const t = { total: 0, visited: 0, attempted: 0, fevers: 0 };
        for (const r of list) {
          t.total += r.total;
          t.visited += r.visited;
          t.attempted += r.attempted;
          t.fevers += r.fevers;
        }
        const share = t.total > 0 ? `${((t.visited / t.total) * 100).toFixed(1)}%` : '—';
        return [t.total, t.visited, t.attempted, t.total - t.visited - t.attempted, t.fevers, share];
      };
      const window = `${c.starts_on} 至 ${c.ends_on}`;
      for (const grid of areas.filter((a) => a.level === 'grid')) {
        const under = counters.filter((r) => pathsUp(r.area_path).includes(grid.path));
        rows.push([c.name, window, grid.name, grid.code, ...sum(under)]);
      }
      rows.push([c.name, window, '合计', '', ...sum(counters)]);
    }
    return {
      what: '拉网式排查进度',
      columns: [
        { header: '排查名称', width: 20 },
        { header: '排查时段', width: 24 },
        { header: '网格', width: 16 },
        { header: '编码', width: 16 },
        { header: '应排查户数', width: 12 },
        { header: '已走访', width: 10 },
        { header: '无人在家', width: 10 },
        { header: '未走访', width: 10 },
        { header: '发热人数', width: 10 },
        { header: '走访率', width: 10 },
      ],
      rows,
    };
  },
};
