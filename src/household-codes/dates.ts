/** Calendar arithmetic in China Standard Time (UTC+8, no daylight saving): forms speak in local dates. */
const CST_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** The local date (YYYY-MM-DD) of an instant. */
export function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The first instant of the local month containing `instant`, and of the next month. */
export function chinaMonth(instant: Date): { from: Date; to: Date } {
  const local = new Date(instant.getTime() + CST_OFFSET_MS);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth();
  return {
    from: new Date(Date.UTC(year, month, 1) - CST_OFFSET_MS),
    to: new Date(Date.UTC(year, month + 1, 1) - CST_OFFSET_MS),
  };
}
