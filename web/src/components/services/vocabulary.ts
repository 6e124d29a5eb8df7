// The community-service words the forms and filters offer. The lists are the server's own
// (src/core/vocabulary.ts through ../../api/vocabulary), so there is no copy here to drift.
export {
  ANNOUNCEMENT_KINDS,
  ANNOUNCEMENT_STATUSES,
  REQUEST_KINDS,
  SERVICE_REQUEST_STATUSES as REQUEST_STATUSES,
  RESOURCE_KINDS,
  RESOURCE_LISTS as LISTS,
  SERVICE_KINDS,
  TEAM_DUTIES,
  TEAM_KINDS,
  URGENCIES,
} from '../../api/vocabulary';
export type {
  AnnouncementKind,
  AnnouncementStatus,
  RequestKind,
  ServiceRequestStatus as RequestStatus,
  ResourceList as ListName,
  TeamDuty,
  TeamKind,
  Urgency,
} from '../../api/vocabulary';
