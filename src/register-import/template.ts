import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { DOCUMENT_TYPE_LABELS } from '../register/identity/documents.js';
import { COLUMNS_OF, type ImportKind } from './columns.js';
import { TAG_LABELS } from './values.js';

const SHEET_NAMES: Record<ImportKind, string> = { persons: '人员', houses: '房屋', units: '单位' };

/** What each column takes, shown on the template's second sheet. */
const NOTES: Record<ImportKind, Record<string, string>> = {
  persons: {
    name: '姓名，1–100 个字',
    documentType: `可空（默认居民身份证）：${Object.values(DOCUMENT_TYPE_LABELS).join('、')}`,
    documentNumber: '18 位公民身份号码（15 位旧号自动升位）或其他证件号码；请设为文本格式，以免丢位',
    sex: '男 / 女；居民身份证可不填，填写时须与号码一致',
    birthDate: '如 1990-03-01；居民身份证可不填，填写时须与号码一致',
    phone: '11 位手机号码或固定电话（如 0571-88123456）',
    hukouAddress: '户籍地址，最多 200 字',
    currentAddress: '现住址，最多 200 字；空白且填了门牌时取房屋地址',
    gridCode: '所属网格、微网格或埭/楼栋的编码（数字）',
    houseAddress: '可空：已登记房屋的地址（须在同一网格），用于关联房屋；不会新建房屋',
    residenceType: '户籍 / 常住 / 流动 / 暂住',
    relation: '与户主关系，如 户主、配偶、子女，最多 20 字',
    arrivalDate: '来本地日期，如 2022-04-01',
    arrivedFrom: '来源地，最多 200 字',
    arrivalReason: '来本地事由，如 务工、探亲',
    expectedDeparture: '预计离开日期',
    workplace: '工作单位，最多 200 字',
    tags: `多个用逗号或顿号分隔：${Object.values(TAG_LABELS).join('、')}`,
  },
  houses: {
    address: '标准地址，1–200 字；同一网格内不重复',
    addressCode: '可空：地址编码（6–40 位字母或数字），填写时按编码识别房屋',
    road: '路/街巷',
    doorNumber: '门牌号',
    building: '楼栋',
    unitNumber: '单元',
    room: '室',
    use: '住宅 / 商业 / 商住 / 工业 / 公共 / 其他（空白为住宅）',
    tenure: '自有 / 出租 / 公房 / 集体 / 其他（空白为自有）',
    houseType: '平房 / 楼房 / 别墅 / 宿舍 / 商铺 / 其他（空白为平房）',
    rooms: '间数，0–500 的整数',
    floorArea: '建筑面积（平方米）',
    gridCode: '所属网格、微网格或埭/楼栋的编码（数字）',
  },
  units: {
    name: '单位名称，1–200 字',
    category: '企业 / 商铺 / 学校 / 工地 / 酒店 / 机关 / 其他',
    creditCode: '可空：18 位统一社会信用代码，填写时按代码识别单位',
    legalPerson: '法定代表人',
    contactName: '联系人',
    contactPhone: '联系电话：手机号码或固定电话',
    employees: '员工人数，整数',
    address: '单位地址',
    gridCode: '所属社区、网格、微网格或埭/楼栋的编码（数字）',
  },
};

/** Columns written as text, so Excel keeps every digit of ID numbers, phones and codes. */
const TEXT_FIELDS = new Set([
  'documentNumber',
  'phone',
  'contactPhone',
  'gridCode',
  'addressCode',
  'creditCode',
]);

/** Writes a blank import template: the Chinese headers, and a sheet explaining each column. */
export async function writeTemplate(kind: ImportKind, file: string | Writable): Promise<void> {
  const columns = COLUMNS_OF[kind];
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(SHEET_NAMES[kind], { views: [{ state: 'frozen', ySplit: 1 }] });
  const fields = columns.fields as readonly string[];
  const labelOf = columns.label as (field: string) => string;
  const defs = columns.defs as Record<string, { labels: readonly string[]; required?: boolean }>;
  sheet.columns = fields.map((field) => ({
    header: labelOf(field),
    key: field,
    width: Math.max(12, labelOf(field).length * 2 + 6),
    ...(TEXT_FIELDS.has(field) ? { style: { numFmt: '@' } } : {}),
  }));
  sheet.getRow(1).font = { bold: true };
  fields.forEach((field, i) => {
    if (defs[field]?.required)
      sheet.getRow(1).getCell(i + 1).font = { bold: true, color: { argb: 'FFC00000' } };
  });

  const help = workbook.addWorksheet('填写说明');
  help.columns = [
    { header: '列名', width: 16 },
    { header: '必填', width: 8 },
    { header: '填写说明', width: 70 },
    { header: '也认可的列名', width: 50 },
  ];
  help.getRow(1).font = { bold: true };
  for (const field of fields) {
    const def = defs[field];
    help.addRow([
      labelOf(field),
      def?.required ? '是' : '',
      NOTES[kind][field] ?? '',
      (def?.labels ?? []).slice(1).join('、'),
    ]);
  }
  help.addRow([]);
  help.addRow(['', '', '第一行为列名；数据从第二行开始。重复导入同一文件不会产生重复记录。']);
  if (typeof file === 'string') await workbook.xlsx.writeFile(file);
  else await workbook.xlsx.write(file);
}
