import type { Kysely } from 'kysely';
import { type Migration, type MigrationResultSet, Migrator, NO_MIGRATIONS } from 'kysely/migration';
import * as foundation from './migrations/20261122_1200_foundation.js';
import * as register from './migrations/20261122_1300_register.js';
import * as importJobs from './migrations/20261122_1400_import_jobs.js';
import * as codesVisits from './migrations/20261122_1500_codes_visits.js';
import * as health from './migrations/20261122_1600_health.js';
import * as feeds from './migrations/20261122_1610_feeds.js';
import * as rounds from './migrations/20261122_1620_rounds.js';
import * as leads from './migrations/20261122_1630_leads.js';
import * as cameras from './migrations/20261122_1700_cameras.js';
import * as events from './migrations/20261122_1800_events.js';
import * as eventCategories from './migrations/20261122_1810_event_categories.js';
import * as review from './migrations/20261122_1840_review.js';
import * as eventBoard from './migrations/20261122_1850_event_board.js';
import * as dashboardEvents from './migrations/20261122_1860_dashboard_events.js';
import * as loginThrottleMfa from './migrations/20261206_1000_login_throttle_mfa.js';
import * as importOwner from './migrations/20261206_1100_import_owner.js';
import * as masking from './migrations/20261206_1200_masking.js';
import * as requestFollowTokens from './migrations/20261206_1400_request_follow_tokens.js';
import * as sealedNames from './migrations/20261206_2310_sealed_names.js';
import * as idempotencyKeys from './migrations/20261207_0600_idempotency_keys.js';
import * as maps from './migrations/20261207_0610_maps.js';
import * as checkpoints from './migrations/20261207_0900_checkpoints.js';
import * as vehicles from './migrations/20261207_0920_vehicles.js';
import * as passes from './migrations/20261207_0940_passes.js';
import * as checkpointRefusals from './migrations/20261207_0950_checkpoint_refusals.js';
import * as healthCheckins from './migrations/20261208_1100_health_checkins.js';
import * as sweeps from './migrations/20261208_1200_sweeps.js';
import * as keyPersonReasonCodes from './migrations/20261209_0900_key_person_reason_codes.js';
import * as enterpriseCodes from './migrations/20261209_1000_enterprise_codes.js';
import * as certificates from './migrations/20261209_1400_certificates.js';
import * as enterpriseInspections from './migrations/20261209_1200_enterprise_inspections.js';
import * as enterpriseRosters from './migrations/20261209_1300_enterprise_rosters.js';
import * as enterpriseFilings from './migrations/20261209_1100_enterprise_filings.js';
import * as checkpointGaps from './migrations/20261207_0930_checkpoint_gaps.js';
import * as open311Fields from './migrations/20261209_1500_open311_fields.js';
import * as sharedLimits from './migrations/20261210_1000_shared_limits.js';
import * as personIndexes from './migrations/20261210_1800_person_indexes.js';
import type { DB } from './schema.js';

/** Every migration, in order. Listed statically so the bundle and tests need no directory scan. */
export const MIGRATIONS: Record<string, Migration> = {
  '20261122_1200_foundation': foundation,
  '20261122_1300_register': register,
  '20261122_1400_import_jobs': importJobs,
  '20261122_1500_codes_visits': codesVisits,
  '20261122_1600_health': health,
  '20261122_1610_feeds': feeds,
  '20261122_1620_rounds': rounds,
  '20261122_1630_leads': leads,
  '20261122_1700_cameras': cameras,
  '20261122_1800_events': events,
  '20261122_1810_event_categories': eventCategories,
  '20261122_1840_review': review,
  '20261122_1850_event_board': eventBoard,
  '20261122_1860_dashboard_events': dashboardEvents,
  '20261206_1000_login_throttle_mfa': loginThrottleMfa,
  '20261206_1100_import_owner': importOwner,
  '20261206_1200_masking': masking,
  '20261206_1400_request_follow_tokens': requestFollowTokens,
  '20261206_2310_sealed_names': sealedNames,
  '20261207_0600_idempotency_keys': idempotencyKeys,
  '20261207_0610_maps': maps,
  '20261207_0900_checkpoints': checkpoints,
  '20261207_0920_vehicles': vehicles,
  '20261207_0930_checkpoint_gaps': checkpointGaps,
  '20261207_0940_passes': passes,
  '20261207_0950_checkpoint_refusals': checkpointRefusals,
  '20261208_1100_health_checkins': healthCheckins,
  '20261208_1200_sweeps': sweeps,
  '20261209_0900_key_person_reason_codes': keyPersonReasonCodes,
  '20261209_1000_enterprise_codes': enterpriseCodes,
  '20261209_1100_enterprise_filings': enterpriseFilings,
  '20261209_1200_enterprise_inspections': enterpriseInspections,
  '20261209_1300_enterprise_rosters': enterpriseRosters,
  '20261209_1400_certificates': certificates,
  '20261209_1500_open311_fields': open311Fields,
  '20261210_1000_shared_limits': sharedLimits,
  '20261210_1800_person_indexes': personIndexes,
};

function migrator(db: Kysely<DB>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
}

function check(result: MigrationResultSet): string[] {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? '?'} failed: ${String(result.error)}`, {
      cause: result.error,
    });
  }
  return (result.results ?? []).map((r) => r.migrationName);
}

export async function migrateToLatest(db: Kysely<DB>): Promise<string[]> {
  return check(await migrator(db).migrateToLatest());
}

export async function migrateDownAll(db: Kysely<DB>): Promise<string[]> {
  return check(await migrator(db).migrateTo(NO_MIGRATIONS));
}
