import { format, type Locale, type Params } from './locale.js';
import { NOTIFICATIONS_EN } from './notifications.en.js';
import { NOTIFICATIONS_ZH_CN } from './notifications.zh-CN.js';

/** The texts of notifications the server words itself, each in every language (a missing one fails the build). */
export type NotificationText =
  | 'requestNew'
  | 'requestNewUrgent'
  | 'requestWithdrawn'
  | 'requestCancelled'
  | 'requestReassigned'
  | 'requestReassignedUrgent'
  | 'announcementPublished';

const TEXTS: Record<Locale, Readonly<Record<NotificationText, string>>> = {
  'zh-CN': NOTIFICATIONS_ZH_CN,
  en: NOTIFICATIONS_EN,
};

/** A notification's text in the recipient's language. */
export function notificationText(locale: Locale, text: NotificationText, params?: Params): string {
  return format(TEXTS[locale][text], params);
}
