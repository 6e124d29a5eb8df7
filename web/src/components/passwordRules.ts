import type { FormRule } from 'antd';
import type { I18n } from '../i18n/context';

/** The server's rule (≥ 8 characters, a letter and a digit), checked before sending; one message. */
export function passwordRules(t: I18n['t']): FormRule[] {
  return [
    { required: true, message: t('common.required') },
    {
      validator: (_rule, value: string | undefined) =>
        !value || (value.length >= 8 && /\p{L}/u.test(value) && /\d/.test(value))
          ? Promise.resolve()
          : Promise.reject(new Error(t('password.invalid'))),
    },
  ];
}
