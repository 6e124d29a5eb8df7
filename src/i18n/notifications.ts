import { format, type Locale, type Params } from './locale.js';
import { NOTIFICATIONS_EN } from './notifications.en.js';
import { NOTIFICATIONS_ZH_CN, type NotificationText } from './notifications.zh-CN.js';

export type { NotificationText };

const TEXTS: Record<Locale, Readonly<Record<NotificationText, string>>> = {
  'zh-CN': NOTIFICATIONS_ZH_CN,
  en: NOTIFICATIONS_EN,
};

/** A notification's text in the recipient's language. */
export function notificationText(locale: Locale, text: NotificationText, params?: Params): string {
  return format(TEXTS[locale][text], params);
}
