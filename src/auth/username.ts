/**
 * The one spelling of a sign-in name that every check uses (sign-in, lock-out, budgets, account
 * creation and lookup): compatibility forms folded (NFKC: full-width "ａｄｍｉｎ" is "admin"),
 * surrounding white space dropped, case folded. " admin", "admin\t" and "ADMIN" are one name.
 */
export function normaliseUsername(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase().normalize('NFKC');
}
