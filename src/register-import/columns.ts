import { defineColumns } from '../imports/columns.js';

/** Shared by every register file: the grid, micro-grid or row cell a record belongs to, by its code. */
const GRID_CODE = {
  labels: ['网格编码', '所属网格', '网格代码', '所属网格编码', '网格编号', 'gridCode', 'grid code', 'grid'],
  required: true,
};

/**
 * Person columns (实有人口), with the synonyms clerks use. The first label is the template's
 * header. Required: name, document number, grid code and residence type (户籍/常住/流动/暂住:
 * it splits the register, so it is never assumed).
 */
export const PERSON_COLUMNS = defineColumns({
  name: { labels: ['姓名', '名字', 'name', 'full name'], required: true },
  documentType: { labels: ['证件类型', '证件种类', 'documentType', 'document type', 'id type'] },
  documentNumber: {
    labels: [
      '公民身份号码',
      '身份证号',
      '身份证号码',
      '证件号码',
      '证件号',
      '身份证',
      'idNumber',
      'id number',
      'documentNumber',
      'document number',
    ],
    required: true,
  },
  sex: { labels: ['性别', 'sex', 'gender'] },
  birthDate: { labels: ['出生日期', '出生年月日', '生日', 'birthDate', 'birth date', 'date of birth'] },
  phone: {
    labels: ['联系电话', '手机号码', '手机号', '电话', '联系方式', '手机', 'phone', 'mobile', 'telephone'],
  },
  hukouAddress: {
    labels: [
      '户籍地址',
      '户籍地',
      '户籍所在地',
      '户籍地详址',
      'hukouAddress',
      'household registration address',
    ],
  },
  currentAddress: {
    labels: [
      '现住址',
      '居住地址',
      '现居住地址',
      '现居地址',
      '住址',
      'address',
      'currentAddress',
      'current address',
    ],
  },
  gridCode: GRID_CODE,
  houseAddress: {
    labels: ['门牌', '房屋地址', '门牌地址', '门牌号码', 'houseAddress', 'house address', 'house'],
  },
  residenceType: {
    labels: ['人员类型', '人口类型', '居住类型', '人员类别', 'residenceType', 'residence type'],
    required: true,
  },
  relation: { labels: ['与户主关系', '与户主的关系', '户主关系', 'relation', 'relationship'] },
  arrivalDate: {
    labels: [
      '来本地日期',
      '到达日期',
      '来本地时间',
      '到达时间',
      '来现住地日期',
      'arrivalDate',
      'arrival date',
    ],
  },
  arrivedFrom: { labels: ['来源地', '从何地来', '来自', 'arrivedFrom', 'arrived from', 'origin'] },
  arrivalReason: { labels: ['来本地事由', '来本地原因', '事由', 'arrivalReason', 'arrival reason'] },
  expectedDeparture: {
    labels: ['预计离开日期', '预计离开时间', '拟离开日期', 'expectedDeparture', 'expected departure'],
  },
  workplace: { labels: ['工作单位', '服务处所', '工作单位及职务', 'workplace', 'employer'] },
  tags: { labels: ['标签', '人员标签', '特殊人群', '关注类型', 'tags'] },
});
export type PersonField = (typeof PERSON_COLUMNS.fields)[number];

/** Houses (实有房屋) at standard addresses. Required: address and grid code. */
export const HOUSE_COLUMNS = defineColumns({
  address: { labels: ['地址', '房屋地址', '标准地址', '详细地址', 'address'], required: true },
  addressCode: { labels: ['地址编码', '标准地址编码', '房屋编码', 'addressCode', 'address code'] },
  road: { labels: ['路/街巷', '路街巷', '街路巷', '街巷', '道路', 'road'] },
  doorNumber: { labels: ['门牌号', '门牌', 'doorNumber', 'door number'] },
  building: { labels: ['楼栋', '楼栋号', '楼号', '幢', 'building'] },
  unitNumber: { labels: ['单元', '单元号', 'unitNumber', 'unit'] },
  room: { labels: ['室', '室号', '房号', '房间号', 'room'] },
  use: { labels: ['用途', '房屋用途', 'use'] },
  tenure: { labels: ['产权', '产权性质', '产权类型', 'tenure'] },
  houseType: { labels: ['房屋类型', '房屋类别', '建筑类型', 'houseType', 'house type'] },
  rooms: { labels: ['间数', '房间数', 'rooms'] },
  floorArea: { labels: ['面积', '建筑面积', '面积(平方米)', '面积(㎡)', 'floorArea', 'floor area'] },
  gridCode: GRID_CODE,
});
export type HouseField = (typeof HOUSE_COLUMNS.fields)[number];

/** Units (实有单位). Required: name, category and grid code. */
export const UNIT_COLUMNS = defineColumns({
  name: { labels: ['单位名称', '名称', '企业名称', 'name'], required: true },
  category: { labels: ['类别', '单位类别', '单位类型', 'category'], required: true },
  creditCode: { labels: ['统一社会信用代码', '信用代码', '社会信用代码', 'creditCode', 'credit code'] },
  legalPerson: { labels: ['法定代表人', '法人', '负责人', 'legalPerson', 'legal person'] },
  contactName: { labels: ['联系人', 'contactName', 'contact'] },
  contactPhone: { labels: ['联系电话', '电话', '手机号码', 'contactPhone', 'phone'] },
  employees: { labels: ['员工人数', '从业人数', '职工人数', '人数', 'employees'] },
  address: { labels: ['地址', '单位地址', '经营地址', 'address'] },
  gridCode: GRID_CODE,
});
export type UnitField = (typeof UNIT_COLUMNS.fields)[number];

// The kinds live in the shared vocabulary (the import page offers the same list).
export { IMPORT_KINDS, type ImportKind } from '../core/vocabulary.js';

export const COLUMNS_OF = { persons: PERSON_COLUMNS, houses: HOUSE_COLUMNS, units: UNIT_COLUMNS } as const;
