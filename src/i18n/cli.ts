import { cliLocale, type Locale } from './locale.js';

/** What the import commands print, per language; {name} is filled by `format`. */
const CLI_TEXTS = {
  'zh-CN': {
    importing: '正在导入{what}',
    wroteTemplate: '已把{what}模板写入 {file}',
    needFile: '请给出要导入的文件，或用 --template 文件.xlsx 生成空白模板',
    summary: '新增 {inserted}，更新 {updated}，未变 {unchanged}，拒绝 {rejected}',
    dryRun: '试运行（未保存任何数据）：',
    rejectLine: '  第 {row} 行  {field}  {code}  {message}',
    more: '  …… 另有 {count} 条',
    moreHint: '（用 --rejects 输出.xlsx 写出全部）',
    wroteRejects: '被拒绝的行已写入 {file}',
    onlyFirst: '只列出了 {total} 条拒绝中的前 {listed} 条。',
    error: 'gridguard：{message}',
    feedSummary:
      '批次 {batch}：新增 {inserted}，更新 {updated}，未变 {unchanged}，拒绝 {rejected}；匹配 {matched}，{unmatched} 条进入待匹配',
    leadSummary: '线索（批次“{batch}”）：新增 {inserted}，未变 {unchanged}，拒绝 {rejected}',
    leadRouted: '  按人员分派 {person}，按地址分派 {address}，进入社区待分派 {inbox}',
    areaSummary: '区域：新增 {inserted}，更新 {updated}，未变 {unchanged}，拒绝 {rejected}',
    persons: '实有人口',
    houses: '实有房屋',
    units: '实有单位',
    areas: '区域',
    leads: '协查线索',
    records: '健康数据',
  },
  en: {
    importing: 'Importing {what}',
    wroteTemplate: 'Wrote the {what} template to {file}',
    needFile: 'give the file to import, or --template FILE.xlsx for a blank template',
    summary: '{inserted} inserted, {updated} updated, {unchanged} unchanged, {rejected} rejected',
    dryRun: 'Dry run (nothing stored): ',
    rejectLine: '  row {row}  {field}  {code}  {message}',
    more: '  … {count} more',
    moreHint: ' (write them all with --rejects OUT.xlsx)',
    wroteRejects: 'Rejected rows written to {file}',
    onlyFirst: 'Only the first {listed} of {total} rejects are listed.',
    error: 'gridguard: {message}',
    feedSummary:
      'Batch {batch}: {inserted} inserted, {updated} updated, {unchanged} unchanged, {rejected} rejected; {matched} matched, {unmatched} to the unmatched inbox',
    leadSummary: 'Leads (batch "{batch}"): {inserted} inserted, {unchanged} unchanged, {rejected} rejected',
    leadRouted: '  routed by person {person}, by address {address}, to the community inbox {inbox}',
    areaSummary: 'Areas: {inserted} inserted, {updated} updated, {unchanged} unchanged, {rejected} rejected',
    persons: 'persons',
    houses: 'houses',
    units: 'units',
    areas: 'areas',
    leads: 'leads',
    records: 'health records',
  },
} as const satisfies Record<Locale, Record<string, string>>;

export type CliTextKey = keyof (typeof CLI_TEXTS)['zh-CN'];

/** The locale of this command line run (`--lang`, else LANG and friends). */
export function commandLocale(lang: string | undefined): Locale {
  return cliLocale(lang ? ['--lang', lang] : process.argv, process.env);
}

/** A command line text in a language; the en record has every zh-CN key by type. */
export function cliText(locale: Locale, key: CliTextKey): string {
  const texts: Record<CliTextKey, string> = CLI_TEXTS[locale];
  return texts[key];
}
