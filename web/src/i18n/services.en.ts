import type { servicesZhCN } from './services.zh-CN';

// Typed by the Chinese source: a missing or extra key is a compile error.
export const servicesEn: Record<keyof typeof servicesZhCN, string> = {};
