// The server's catalogs of error and field-problem sentences, as keys of the web's dictionaries:
// one text per code for both, and a code without zh-CN and en text fails the build.
import { ERRORS_EN } from '../../../src/i18n/errors.en';
import { ERRORS_ZH_CN } from '../../../src/i18n/errors.zh-CN';
import { PROBLEMS_EN } from '../../../src/i18n/problems.en';
import { PROBLEMS_ZH_CN } from '../../../src/i18n/problems.zh-CN';

type Prefixed<P extends string, R> = { readonly [K in keyof R & string as `${P}${K}`]: string };

function prefixed<P extends string, R extends Record<string, string>>(prefix: P, record: R): Prefixed<P, R> {
  return Object.fromEntries(Object.entries(record).map(([key, text]) => [prefix + key, text])) as Prefixed<
    P,
    R
  >;
}

export const sharedZhCN = { ...prefixed('error.', ERRORS_ZH_CN), ...prefixed('problem.', PROBLEMS_ZH_CN) };
export const sharedEn: typeof sharedZhCN = {
  ...prefixed('error.', ERRORS_EN),
  ...prefixed('problem.', PROBLEMS_EN),
};
