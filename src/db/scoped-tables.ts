/**
 * Tables whose rows carry a copy of their area's materialised path (`area_path`), so the scope
 * filter needs no join. Moving a subtree rewrites the copies in the same transaction.
 * The audit log is not listed: it records where a thing was when it happened.
 */
export const AREA_PATH_TABLES = [
  'houses',
  'persons',
  'units',
  'tenancies',
  'access_codes',
  'pending_changes',
  'places',
  'household_visits',
] as const;
export type AreaPathTable = (typeof AREA_PATH_TABLES)[number];
