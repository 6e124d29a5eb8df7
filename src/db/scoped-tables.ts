/**
 * Tables whose rows carry a copy of their area's materialised path (`area_path`), so the scope
 * filter needs no join. Moving a subtree rewrites the copies in the same transaction.
 * The audit log is not listed: it records where a thing was when it happened.
 */
export const AREA_PATH_TABLES = [
  // Rounds first: rewriting persons' paths fires the trigger that recounts round coverage,
  // which must already see the rounds at their new paths.
  'screening_rounds',
  // Closed rounds keep their counters; open ones are also recounted by the persons trigger.
  'round_counters',
  // A sweep's households and counters keep the area they had at its start, and follow its moves.
  'sweep_campaigns',
  'sweep_households',
  'sweep_visits',
  'sweep_counters',
  'houses',
  'persons',
  'units',
  'tenancies',
  'access_codes',
  'pending_changes',
  'places',
  'household_visits',
  'feed_batches',
  'health_records',
  'key_persons',
  'leads',
  'cameras',
  'map_features',
  'teams',
  'responsibilities',
  'events',
  'volunteer_households',
  'resident_requests',
  'service_resources',
  'announcements',
  'commitment_letters',
  'certificates',
  'inspection_templates',
  'inspection_rounds',
  'enterprise_inspections',
  'enterprise_rectifications',
  'roster_uploads',
  'roster_employees',
  'enterprise_filings',
] as const;
export type AreaPathTable = (typeof AREA_PATH_TABLES)[number];
