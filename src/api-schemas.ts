// Every module whose exported TypeBox schemas the API exposes. registerNamedSchemas (core/named-schemas.ts)
// registers each schema with an `$id` once; a route using a named schema from a module missing here fails at start.
import type { FastifyInstance } from 'fastify';
import { registerNamedSchemas } from './core/named-schemas.js';
import * as closedLists from './core/closed-schemas.js';
import * as checkpointDeviceReads from './checkpoints/device-reads-schema.js';
import * as checkpointDeviceRegistry from './checkpoints/device-registry-schema.js';
import * as checkpointVehicles from './checkpoints/vehicle-schema.js';
import * as core from './core/schemas.js';
import * as pagination from './core/pagination.js';
import * as announcements from './announcements/schema.js';
import * as audit from './audit/schema.js';
import * as checkpointChecks from './checkpoints/check-schema.js';
import * as checkpointDuty from './checkpoints/duty-schema.js';
import * as auth from './auth/schema.js';
import * as checkpointPasses from './checkpoints/pass-schema.js';
import * as checkpointsFigures from './checkpoints/figures-schema.js';
import * as checkpointsRegistry from './checkpoints/registry-schema.js';
import * as checkpointsRota from './checkpoints/rota-schema.js';
import * as enterprisesCertificates from './enterprises/certificates/schema.js';
import * as enterpriseInspections from './enterprises/inspections/schema.js';
import * as eventsPhotos from './events/photos/schema.js';
import * as events from './events/schema.js';
import * as enterpriseClearance from './enterprises/clearance/schema.js';
import * as enterpriseFigures from './enterprises/figures/schema.js';
import * as enterpriseLinks from './enterprises/links/schema.js';
import * as enterpriseFilings from './enterprises/filings/schema.js';
import * as healthCheckins from './health/checkins/schema.js';
import * as healthContacts from './health/contacts/schema.js';
import * as healthDashboard from './health/dashboard/schema.js';
import * as healthFeeds from './health/feeds/schema.js';
import * as healthKeyPersons from './health/key-persons/schema.js';
import * as healthLeads from './health/leads/schema.js';
import * as healthReports from './health/reports/schema.js';
import * as healthRounds from './health/rounds/schema.js';
import * as healthStatus from './health/status/schema.js';
import * as healthSweeps from './health/sweeps/schema.js';
import * as map from './map/schema.js';
import * as hierarchy from './hierarchy/schema.js';
import * as householdCodes from './household-codes/schema.js';
import * as notifications from './notifications/schema.js';
import * as placeCodes from './place-codes/schema.js';
import * as registerImport from './register-import/schema.js';
import * as register from './register/schema.js';
import * as review from './review/schema.js';
import * as servicesRequests from './services/requests/schema.js';
import * as servicesResources from './services/resources/schema.js';
import * as servicesVolunteers from './services/volunteers/schema.js';
import * as teams from './teams/schema.js';
import * as tokens from './tokens/schema.js';
import * as users from './users/schema.js';
import * as visits from './visits/schema.js';

const MODULES = [
  closedLists,
  core,
  pagination,
  announcements,
  audit,
  checkpointDeviceReads,
  checkpointDeviceRegistry,
  checkpointVehicles,
  auth,
  checkpointChecks,
  checkpointDuty,
  checkpointPasses,
  enterpriseInspections,
  checkpointsFigures,
  checkpointsRegistry,
  checkpointsRota,
  enterprisesCertificates,
  eventsPhotos,
  events,
  enterpriseClearance,
  enterpriseFigures,
  enterpriseLinks,
  enterpriseFilings,
  healthCheckins,
  healthContacts,
  healthDashboard,
  healthFeeds,
  healthKeyPersons,
  healthLeads,
  healthReports,
  healthRounds,
  healthStatus,
  healthSweeps,
  hierarchy,
  householdCodes,
  map,
  notifications,
  placeCodes,
  registerImport,
  register,
  review,
  servicesRequests,
  servicesResources,
  servicesVolunteers,
  teams,
  tokens,
  users,
  visits,
];

/** Registers the API's named schemas on the root instance, before any route. */
export const registerApiSchemas = (app: FastifyInstance) => registerNamedSchemas(app, MODULES);
