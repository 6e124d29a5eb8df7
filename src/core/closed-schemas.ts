import { Type } from 'typebox';
import {
  AREA_KINDS,
  ALERT_KINDS,
  ANNOUNCEMENT_KINDS,
  ANNOUNCEMENT_STATUSES,
  DOCUMENT_TYPES,
  ENTITY_TYPES,
  EVENT_SOURCES,
  EVENT_STATUSES,
  EVENT_TIERS,
  IMPORT_KINDS,
  INBOX_REASONS,
  KEY_PERSON_CATEGORIES,
  LEAD_OUTCOMES,
  LEAD_ROUTES,
  LEAD_STATUSES,
  LEAD_TIERS,
  LEVELS,
  PERSON_TAGS,
  REQUEST_KINDS,
  RESIDENCE_TYPES,
  RIGHTS,
  ROLES,
  SERVICE_REQUEST_STATUSES,
  TEAM_DUTIES,
  TEAM_KINDS,
  UNIT_CATEGORIES,
  URGENCIES,
} from './vocabulary.js';

// Each closed list the API exposes, named once: the generated contract holds one `AreaLevel` type
// (and the web one union) instead of a copy in every schema that uses it. Lists with a default or
// a description of their own stay inline (a `$ref` carries no siblings in OpenAPI 3.0).

export const AlertKind = Type.Enum(ALERT_KINDS, { $id: 'AlertKind' });
export const AnnouncementKind = Type.Enum(ANNOUNCEMENT_KINDS, { $id: 'AnnouncementKind' });
export const AnnouncementStatus = Type.Enum(ANNOUNCEMENT_STATUSES, { $id: 'AnnouncementStatus' });
export const AreaKind = Type.Enum(AREA_KINDS, { $id: 'AreaKind' });
export const AreaLevel = Type.Enum(LEVELS, { $id: 'AreaLevel' });
export const DocumentType = Type.Enum(DOCUMENT_TYPES, { $id: 'DocumentType' });
export const EntityType = Type.Enum(ENTITY_TYPES, { $id: 'EntityType' });
export const EventSource = Type.Enum(EVENT_SOURCES, { $id: 'EventSource' });
export const EventStatus = Type.Enum(EVENT_STATUSES, { $id: 'EventStatus' });
export const EventTier = Type.Enum(EVENT_TIERS, { $id: 'EventTier' });
export const ImportKind = Type.Enum(IMPORT_KINDS, { $id: 'ImportKind' });
export const InboxReason = Type.Enum(INBOX_REASONS, { $id: 'InboxReason' });
export const KeyPersonCategory = Type.Enum(KEY_PERSON_CATEGORIES, { $id: 'KeyPersonCategory' });
export const LeadOutcome = Type.Enum(LEAD_OUTCOMES, { $id: 'LeadOutcome' });
export const LeadRoute = Type.Enum(LEAD_ROUTES, { $id: 'LeadRoute' });
export const LeadStatus = Type.Enum(LEAD_STATUSES, { $id: 'LeadStatus' });
export const LeadTier = Type.Enum(LEAD_TIERS, { $id: 'LeadTier' });
export const PersonTag = Type.Enum(PERSON_TAGS, { $id: 'PersonTag' });
export const RequestKind = Type.Enum(REQUEST_KINDS, { $id: 'RequestKind' });
export const ResidenceType = Type.Enum(RESIDENCE_TYPES, { $id: 'ResidenceType' });
export const Right = Type.Enum(RIGHTS, { $id: 'Right' });
export const Role = Type.Enum(ROLES, { $id: 'Role' });
export const ServiceRequestStatus = Type.Enum(SERVICE_REQUEST_STATUSES, { $id: 'ServiceRequestStatus' });
export const TeamDuty = Type.Enum(TEAM_DUTIES, { $id: 'TeamDuty' });
export const TeamKind = Type.Enum(TEAM_KINDS, { $id: 'TeamKind' });
export const UnitCategory = Type.Enum(UNIT_CATEGORIES, { $id: 'UnitCategory' });
export const Urgency = Type.Enum(URGENCIES, { $id: 'Urgency' });
