/**
 * Titles of the notifications the server writes, in Chinese, the source language: its keys are the
 * texts there are, and every other language must word each. `{kind}` is the vocabulary's name.
 */
export const NOTIFICATIONS_ZH_CN = {
  requestNew: '居民求助：{kind}',
  requestNewUrgent: '【紧急】居民求助：{kind}',
  requestWithdrawn: '居民已取消求助：{kind}',
  requestCancelled: '求助已取消：{kind}',
  requestReassigned: '转派给您的居民求助：{kind}',
  requestReassignedUrgent: '【紧急】转派给您的居民求助：{kind}',
  announcementPublished: '{kind}：{title}',
} as const;

/** The texts of notifications the server words itself. */
export type NotificationText = keyof typeof NOTIFICATIONS_ZH_CN;
