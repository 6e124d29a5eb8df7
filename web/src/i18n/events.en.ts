import type { eventsZhCN } from './events.zh-CN';

// Typed by the Chinese source: a missing or extra key is a compile error.
export const eventsEn: Record<keyof typeof eventsZhCN, string> = {};
