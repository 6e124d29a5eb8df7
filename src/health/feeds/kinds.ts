import type { HealthRecordKind } from '../../db/schema.js';
import { type ColumnDef, type Columns, defineColumns } from '../../imports/columns.js';

/** What a feed carries, as named on the command line and in URLs. */
export const FEED_KINDS = ['tests', 'vaccinations', 'temperatures', 'healthcodes', 'riskareas'] as const;
export type FeedKind = (typeof FEED_KINDS)[number];
export type RecordFeedKind = Exclude<FeedKind, 'riskareas'>;

/** The stored kind of each feed (health_records.kind, feed_batches.kind). */
export const STORED_KIND = {
  tests: 'test',
  vaccinations: 'vaccination',
  temperatures: 'temperature',
  healthcodes: 'health_code',
  riskareas: 'risk_area',
} as const satisfies Record<FeedKind, HealthRecordKind | 'risk_area'>;

export const FEED_KIND_OF: Record<HealthRecordKind | 'risk_area', FeedKind> = {
  test: 'tests',
  vaccination: 'vaccinations',
  temperature: 'temperatures',
  health_code: 'healthcodes',
  risk_area: 'riskareas',
};

// Columns every person-linked record has. The field names double as the push API's property names.
const PERSON = {
  recordId: {
    labels: [
      '记录编号',
      '样本编号',
      '记录号',
      '记录ID',
      '样本号',
      '条码号',
      '流水号',
      '接种记录编号',
      'recordId',
      'record id',
      'sample id',
      'sampleId',
    ],
  },
  name: { labels: ['姓名', '名字', '被检测人', '受种者姓名', '人员姓名', 'name', 'full name'] },
  idNumber: {
    labels: [
      '证件号码',
      '身份证号',
      '身份证号码',
      '公民身份号码',
      '证件号',
      '身份证',
      'idNumber',
      'id number',
      'documentNumber',
      'document number',
    ],
    required: true,
  },
} satisfies Record<string, ColumnDef>;

export const TEST_COLUMNS = defineColumns({
  ...PERSON,
  sampledAt: {
    labels: ['采样时间', '采样日期时间', '采集时间', '采样日期', 'sampledAt', 'sampled at', 'sample time'],
    required: true,
  },
  result: {
    labels: ['检测结果', '核酸结果', '核酸检测结果', '结果', 'result'],
    required: true,
  },
  institution: { labels: ['检测机构', '检测单位', '检测机构名称', '实验室', 'institution', 'lab'] },
  reportedAt: {
    labels: ['报告时间', '结果时间', '报告日期时间', 'reportedAt', 'reported at', 'report time'],
  },
});

export const VACCINATION_COLUMNS = defineColumns({
  ...PERSON,
  vaccinatedAt: {
    labels: ['接种日期', '接种时间', '接种日期时间', 'vaccinatedAt', 'vaccinated at', 'vaccination date'],
    required: true,
  },
  dose: { labels: ['剂次', '接种剂次', '针次', '第几剂', 'dose', 'dose number'], required: true },
  vaccine: { labels: ['疫苗名称', '疫苗', '疫苗品种', 'vaccine'] },
  manufacturer: { labels: ['厂家', '生产厂家', '生产企业', '疫苗厂家', 'manufacturer'] },
  site: { labels: ['接种单位', '接种点', '接种地点', '接种门诊', 'site', 'clinic'] },
});

export const TEMPERATURE_COLUMNS = defineColumns({
  ...PERSON,
  measuredAt: {
    labels: ['测量时间', '测温时间', '体温测量时间', '测量日期时间', 'measuredAt', 'measured at'],
    required: true,
  },
  temperature: {
    labels: ['体温', '体温(℃)', '体温(摄氏度)', '温度', 'temperature', 'temperature (°C)'],
    required: true,
  },
  method: { labels: ['测量方式', '测温方式', '测量部位', 'method'] },
});

export const HEALTH_CODE_COLUMNS = defineColumns({
  ...PERSON,
  colour: {
    labels: [
      '颜色',
      '健康码状态',
      '健康码颜色',
      '健康码',
      '码色',
      '赋码颜色',
      'colour',
      'color',
      'code colour',
    ],
    required: true,
  },
  codeAt: {
    labels: ['赋码时间', '码时间', '状态时间', '更新时间', '查验时间', 'codeAt', 'code time', 'code at'],
    required: true,
  },
  issuer: { labels: ['发码平台', '来源平台', '发码机构', 'issuer'] },
});

export const RISK_AREA_COLUMNS = defineColumns({
  name: { labels: ['地区', '区域名称', '地区名称', '风险地区', '风险区域', 'name', 'area'], required: true },
  regionCode: {
    labels: ['地区编码', '区划代码', '行政区划代码', '地区代码', 'regionCode', 'region code'],
  },
  level: { labels: ['风险等级', '等级', '风险级别', 'level', 'risk level'], required: true },
  validFrom: {
    labels: ['开始时间', '起始时间', '生效时间', '开始日期', '起始日期', 'validFrom', 'valid from', 'from'],
    required: true,
  },
  validTo: {
    labels: ['结束时间', '截止时间', '解除时间', '结束日期', '截止日期', 'validTo', 'valid to', 'to'],
  },
});

export const COLUMNS_OF_FEED = {
  tests: TEST_COLUMNS,
  vaccinations: VACCINATION_COLUMNS,
  temperatures: TEMPERATURE_COLUMNS,
  healthcodes: HEALTH_CODE_COLUMNS,
  riskareas: RISK_AREA_COLUMNS,
} as const satisfies Record<FeedKind, Columns<string>>;

export type FieldsOf<K extends FeedKind> = (typeof COLUMNS_OF_FEED)[K]['fields'][number];
