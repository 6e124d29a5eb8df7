import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { recordAudit } from '../../audit/repository.js';
import { can } from '../../auth/scope.js';
import type { Actor, Db } from '../../auth/context.js';
import { forbidden, invalid, notFound } from '../../core/errors.js';
import type { KeyPersonStatus, PersonStatus } from '../../core/vocabulary.js';
import type { KeyPersonCategory } from '../../db/schema.js';
import { type AreaRow, findAreaInScope } from '../../hierarchy/repository.js';
import type { FieldCipher } from '../../privacy/field-crypto.js';
import { presentPersonName } from '../../privacy/present.js';
import { revealPerson } from '../../register/protect.js';
import { progressOf } from '../leads/service.js';
import type { ProgressCounts } from '../leads/schema.js';
import { nodeCoverage } from '../rounds/counters-repository.js';
import * as repo from './repository.js';
import type { DailyReportQuery } from './schema.js';

const HOUR_MS = 3600 * 1000;
const CST_OFFSET_MS = 8 * HOUR_MS;
const PAGE = 2000;

export const CATEGORY_LABELS: Record<KeyPersonCategory, string> = {
  returnee: '涉疫地区来返人员',
  close_contact: '密切接触者',
  secondary_contact: '次密切接触者',
  home_quarantine: '居家隔离',
  home_monitoring: '居家健康监测',
  positive: '阳性感染者',
  fever: '发热人员',
};
const CATEGORIES = Object.keys(CATEGORY_LABELS) as KeyPersonCategory[];
const KEY_STATUS_LABELS: Record<KeyPersonStatus, string> = {
  active: '在管',
  ended: '已解除',
  transferred: '已转出',
};
const SEX_LABELS: Record<string, string> = { male: '男', female: '女', unknown: '未知' };
const RESIDENCE_LABELS: Record<string, string> = {
  registered: '户籍',
  permanent: '常住',
  floating: '流动',
  temporary: '暂住',
};
const PERSON_STATUS_LABELS: Record<PersonStatus, string> = {
  active: '在住',
  departed: '已离开',
  deceased: '已故',
};

export const SHEET_NAMES = ['重点人员统计', '重点人员名单', '筛查覆盖', '线索核查', '新增来人'] as const;

export interface Column {
  header: string;
  width: number;
  /** An Excel number format for the column's cells ('0.0%'). */
  numFmt?: string;
}

/**
 * A sheet a module above health adds to the daily report (the app hands them to the report
 * routes; health imports none of them): its title, headers and rows for the node and day, read
 * in the caller's scope; null when the caller may see none of it.
 */
export interface DailyReportSheet {
  readonly name: string;
  build(
    db: Db,
    actor: Actor,
    node: AreaRow,
    day: { date: string; start: Date; end: Date },
  ): Promise<{ what: string; columns: Column[]; rows: Array<Array<string | number>> } | null>;
}

type WorkbookWriter = InstanceType<typeof ExcelJS.stream.xlsx.WorkbookWriter>;

/** A sheet with the report's title row (node and date) merged across the table, then the headers. */
function startSheet(workbook: WorkbookWriter, name: string, title: string, columns: Column[]) {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 2 }] });
  sheet.columns = columns.map((c) => ({ width: c.width }));
  const titleRow = sheet.addRow([title]);
  titleRow.font = { bold: true, size: 14 };
  sheet.mergeCells(1, 1, 1, columns.length);
  titleRow.commit();
  const header = sheet.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  header.commit();
  return sheet;
}

interface Secrets {
  name: string;
  documentNumber: string | null;
  phone: string | null;
}

export interface PreparedDailyReport {
  node: AreaRow;
  date: string;
  revealed: boolean;
  /** Streams the workbook; lists are read page by page. */
  write(output: Writable): Promise<void>;
}

/** The instants a China-time calendar day begins and ends. */
function chinaDay(date: string): { start: Date; end: Date } {
  const start = new Date(Date.parse(`${date}T00:00:00Z`) - CST_OFFSET_MS);
  return { start, end: new Date(start.getTime() + 24 * HOUR_MS) };
}

/**
 * The daily epidemic report of a node (疫情防控日报): key persons by category and status per
 * child area and their list, open screening rounds' coverage per child area (from the round
 * counters), lead progress per child area as it stood at the end of the day, and the persons
 * who arrived that day. The node must be in the caller's health.read scope (else 404); names,
 * ID numbers and phones are masked unless reveal=true with person.reveal there (else 403) and
 * a reason (else 400). The audit entry is written before any row leaves.
 */
export async function prepareDailyReport(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  query: DailyReportQuery,
  extraSheets: readonly DailyReportSheet[] = [],
  /** Where the audit entry goes when `db` is a read replica. */
  audit: Db = db,
): Promise<PreparedDailyReport> {
  const node = await findAreaInScope(db, actor.viewer, 'health.read', query.node);
  if (!node) throw notFound('AREA_NOT_FOUND', `Area ${query.node} does not exist or is outside your area`);
  const reveal = query.reveal === true;
  if (reveal && !can(actor.viewer, 'person.reveal', node.path))
    throw forbidden('You may not export unmasked identity numbers or phones here');
  const reason = query.reason?.trim();
  if (reveal && !reason)
    throw invalid('VALIDATION_FAILED', 'querystring.reason is required to export unmasked data', [
      {
        field: 'querystring.reason',
        code: 'requiredWith',
        params: { other: 'reveal=true' },
        message: 'is required with reveal=true',
      },
    ]);
  const date = query.date;
  const day = chinaDay(date);
  const now = actor.now();
  const asOf = day.end < now ? day.end : now;
  const arrivals = await repo.arrivalsCount(db, node.path, date);
  await recordAudit(audit, actor, {
    action: 'report.daily.export',
    entityType: 'report',
    entityId: `daily:${node.code}:${date}`,
    areaPath: node.path,
    after: { node: node.code, date, revealed: reveal, arrivals },
    reason: reason ?? null,
  });

  const secretsOf = (row: {
    name: string;
    secret: string;
    document_masked: string;
    phone_masked: string | null;
  }): Secrets => {
    if (!reveal)
      return {
        name: presentPersonName(row.name),
        documentNumber: row.document_masked,
        phone: row.phone_masked,
      };
    const s = revealPerson(cipher, row.secret);
    return { name: row.name, documentNumber: s.documentNumber, phone: s.phone };
  };
  const title = (what: string) =>
    `${node.name}（${node.code}）疫情防控日报 · ${what} · ${date}${reveal ? '（含完整身份信息，注意保密）' : '（已脱敏）'}`;

  return {
    node,
    date,
    revealed: reveal,
    async write(output) {
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
        stream: output,
        useStyles: true,
        useSharedStrings: false,
      });
      const children = await repo.childAreas(db, node.id);

      // 1. Key persons by category and status, per child area.
      const tallies = await repo.keyPersonCounts(db, node.path, date, day.start);
      const summary = startSheet(workbook, SHEET_NAMES[0], title('重点人员分类统计'), [
        { header: '区域', width: 18 },
        { header: '编码', width: 16 },
        ...CATEGORIES.map((c) => ({ header: `${CATEGORY_LABELS[c]}（在管）`, width: 14 })),
        { header: '在管合计', width: 10 },
        { header: '已解除', width: 10 },
        { header: '已转出', width: 10 },
      ]);
      const summaryRow = (label: string, code: string, rows: repo.KeyPersonTally[]) => {
        const active = (c: KeyPersonCategory) =>
          rows.filter((t) => t.category === c && t.status === 'active').reduce((n, t) => n + t.n, 0);
        const byStatus = (s: string) => rows.filter((t) => t.status === s).reduce((n, t) => n + t.n, 0);
        summary
          .addRow([
            label,
            code,
            ...CATEGORIES.map(active),
            byStatus('active'),
            byStatus('ended'),
            byStatus('transferred'),
          ])
          .commit();
      };
      for (const child of children)
        summaryRow(
          child.name,
          child.code,
          tallies.filter((t) => t.child === child.id),
        );
      const atNode = tallies.filter((t) => t.child === null);
      if (atNode.length > 0) summaryRow(`${node.name}（本级）`, node.code, atNode);
      summaryRow('合计', node.code, tallies);
      summary.commit();

      // 2. The key persons themselves.
      const list = startSheet(workbook, SHEET_NAMES[1], title('重点人员名单'), [
        { header: '区域', width: 16 },
        { header: '姓名', width: 10 },
        { header: '证件号码', width: 22 },
        { header: '联系电话', width: 16 },
        { header: '类别', width: 16 },
        { header: '状态', width: 8 },
        { header: '开始日期', width: 12 },
        { header: '结束日期', width: 12 },
        { header: '责任人', width: 12 },
        { header: '原因', width: 30 },
        { header: '现住址', width: 30 },
      ]);
      for (let after = 0; ;) {
        const rows = await repo.keyPersonPage(db, node.path, date, day.start, after, PAGE);
        for (const r of rows) {
          const s = secretsOf(r);
          list
            .addRow([
              r.area_name ?? '',
              s.name,
              s.documentNumber ?? '',
              s.phone ?? '',
              CATEGORY_LABELS[r.category],
              KEY_STATUS_LABELS[r.status] ?? r.status,
              r.starts_on,
              r.ends_on,
              r.responsible ?? '',
              r.reason ?? '',
              r.current_address ?? '',
            ])
            .commit();
        }
        if (rows.length < PAGE) break;
        after = rows[rows.length - 1]!.id;
      }
      list.commit();

      // 3. Coverage of the open screening rounds, per child area.
      const coverage = startSheet(workbook, SHEET_NAMES[2], title('核酸筛查覆盖'), [
        { header: '筛查轮次', width: 24 },
        { header: '区域', width: 18 },
        { header: '编码', width: 16 },
        { header: '应检人数', width: 10 },
        { header: '已检人数', width: 10 },
        { header: '未检人数', width: 10 },
        { header: '免检人数', width: 10 },
        { header: '期间离开', width: 10 },
        { header: '检测率', width: 10 },
      ]);
      const rounds = await repo.openRoundsFor(db, node.path, day.end);
      if (rounds.length === 0) coverage.addRow(['（当日无进行中的筛查轮次）']).commit();
      for (const round of rounds) {
        for (const area of [...children, { name: '合计', code: node.code, path: node.path }]) {
          const c = await nodeCoverage(db, round.id, area.path);
          const row = coverage.addRow([
            round.name,
            area.name,
            area.code,
            c.due,
            c.tested,
            c.untested,
            c.exempt,
            c.departed,
            c.due > 0 ? Math.round((c.tested / c.due) * 10000) / 10000 : 0,
          ]);
          row.getCell(9).numFmt = '0.0%';
          if (area.path === node.path) row.font = { bold: true };
          row.commit();
        }
      }
      coverage.commit();

      // 4. Lead progress per child area, as it stood at the end of the day.
      const progress = await progressOf(db, node, asOf);
      const leads = startSheet(workbook, SHEET_NAMES[3], title('大数据线索核查进度'), [
        { header: '区域', width: 18 },
        { header: '编码', width: 16 },
        { header: '线索总数', width: 10 },
        { header: '已核查', width: 10 },
        { header: '在办', width: 10 },
        { header: '已超时', width: 10 },
        { header: '待清零', width: 10 },
        { header: '是否清零', width: 10 },
      ]);
      const leadRow = (label: string, code: string, c: ProgressCounts) =>
        leads
          .addRow([
            label,
            code,
            c.total,
            c.verified,
            c.open,
            c.overdue,
            c.leftToZero,
            c.cleared ? '已清零' : '未清零',
          ])
          .commit();
      for (const row of progress.rows) leadRow(row.area.name, row.area.code, row);
      if (progress.atNode.total > 0) leadRow(`${node.name}（待分派）`, node.code, progress.atNode);
      leadRow('合计', node.code, progress.total);
      leads.commit();

      // 5. The persons who arrived that day.
      const arrived = startSheet(workbook, SHEET_NAMES[4], title('当日新增来人'), [
        { header: '区域', width: 16 },
        { header: '姓名', width: 10 },
        { header: '性别', width: 6 },
        { header: '证件号码', width: 22 },
        { header: '联系电话', width: 16 },
        { header: '来源地', width: 20 },
        { header: '来本地事由', width: 16 },
        { header: '现住址', width: 30 },
        { header: '人员类型', width: 10 },
        { header: '状态', width: 8 },
      ]);
      for (let after = 0; ;) {
        const rows = await repo.arrivalsPage(db, node.path, date, after, PAGE);
        for (const r of rows) {
          const s = secretsOf(r);
          arrived
            .addRow([
              r.area_name ?? '',
              s.name,
              SEX_LABELS[r.sex] ?? r.sex,
              s.documentNumber ?? '',
              s.phone ?? '',
              r.arrived_from ?? '',
              r.arrival_reason ?? '',
              r.current_address ?? '',
              RESIDENCE_LABELS[r.residence_type] ?? r.residence_type,
              PERSON_STATUS_LABELS[r.status] ?? r.status,
            ])
            .commit();
        }
        if (rows.length < PAGE) break;
        after = rows[rows.length - 1]!.id;
      }
      arrived.commit();

      // 6. Sheets of the modules above health (checkpoints: 卡口), in the order the app gave them.
      for (const extra of extraSheets) {
        const built = await extra.build(db, actor, node, { date, ...day });
        if (!built) continue;
        const sheet = startSheet(workbook, extra.name, title(built.what), built.columns);
        for (const values of built.rows) {
          const row = sheet.addRow(values);
          built.columns.forEach((column, i) => {
            if (column.numFmt) row.getCell(i + 1).numFmt = column.numFmt;
          });
          row.commit();
        }
        sheet.commit();
      }
      await workbook.commit();
    },
  };
}
