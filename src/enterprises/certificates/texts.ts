import type { Locale } from '../../i18n/locale.js';
import type { CertificateKind } from '../../db/schema.js';

/**
 * The commitment letter (复工承诺书) by version. A version is never edited once signed: a new wording is
 * a new version, and every signature keeps the one it was given. The Chinese text is the one signed and
 * printed; the English is its translation for readers of the page in English.
 */
export const COMMITMENT_TEXTS: Readonly<
  Record<string, Readonly<Record<Locale, { title: string; paragraphs: readonly string[] }>>>
> = {
  '2026-12-v1': {
    'zh-CN': {
      title: '复工复产个人承诺书',
      paragraphs: [
        '本人自愿作出如下承诺：',
        '一、本人如实申报近14天的行程和健康状况，没有隐瞒或虚报。',
        '二、返岗后每日测量体温、按时报送平安报；出现发热、咳嗽等症状时立即报告，不带病上岗。',
        '三、遵守所在企业和村（社区）的防控规定，配合核酸检测、扫码登记和健康监测。',
        '四、外出佩戴口罩，不聚集，不前往中高风险地区；确需外出时提前向村（社区）报告。',
        '如违反上述承诺，本人愿意承担相应的法律责任。',
      ],
    },
    en: {
      title: 'Personal return-to-work commitment',
      paragraphs: [
        'Of my own will I commit to the following:',
        '1. I have truthfully declared my travel and health over the last 14 days, hiding or misstating nothing.',
        '2. Back at work I take my temperature every day and send my daily check-in; with a fever, a cough or other symptoms I report at once and do not go to work ill.',
        '3. I follow the prevention rules of my employer and of the village (community), and take part in tests, code scans and health monitoring.',
        '4. I wear a mask when out, avoid gatherings and do not travel to medium- or high-risk areas; if I must travel I tell the village (community) beforehand.',
        'If I break this commitment I accept the legal responsibility for it.',
      ],
    },
  },
};
/** The version new signatures are given. */
export const CURRENT_COMMITMENT_VERSION = '2026-12-v1';

export function commitmentText(version: string, locale: Locale) {
  const text = COMMITMENT_TEXTS[version]?.[locale];
  if (!text) throw new Error(`Unknown commitment letter version ${version}`);
  return { version, title: text.title, paragraphs: [...text.paragraphs] };
}

/** Titles printed on certificates (the document itself is Chinese). */
export const CERTIFICATE_TITLES: Readonly<Record<CertificateKind, string>> = {
  health: '健康证明',
  residence: '居住证明',
};

/** The longest and the default validity of each kind, in days. */
export const VALIDITY_DAYS: Readonly<Record<CertificateKind, { max: number; default: number }>> = {
  health: { max: 14, default: 7 },
  residence: { max: 180, default: 90 },
};
