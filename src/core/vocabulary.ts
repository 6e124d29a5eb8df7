/**
 * The closed vocabularies of Gridguard: every level, role, right, status, audit action, entity
 * type, system actor and error code, once. Database types, TypeBox schemas, translations and the
 * web all derive from these arrays, so a new word is added here and the compiler finds every
 * place that must learn it. No imports: the web bundles this file as is.
 */

/** Levels of the area tree, from the top (市) to the smallest (埭/楼栋). */
export const LEVELS = ['city', 'county', 'township', 'village', 'grid', 'microgrid', 'cell'] as const;
export type Level = (typeof LEVELS)[number];

/** Levels a person or house can be registered at: where people live. */
export const RESIDENT_LEVELS: readonly Level[] = ['grid', 'microgrid', 'cell'];

/** What an area is besides its level: a school or a building site is managed as a grid of its own. */
export const AREA_KINDS = ['ordinary', 'enterprise', 'site', 'school', 'hotel'] as const;
export type AreaKind = (typeof AREA_KINDS)[number];

/** Roles are bound to an area; their rights apply to that area's whole subtree (市县乡村 graded access). */
export const ROLES = [
  'admin',
  'commander',
  'community_staff',
  'grid_leader',
  'grid_worker',
  'volunteer',
  'doctor',
  'police',
  'department',
] as const;
export type Role = (typeof ROLES)[number];

/** What a role lets its holder do in its area's subtree. */
export const RIGHTS = [
  'area.read',
  'area.manage',
  'user.read',
  'user.manage',
  'audit.read',
  'person.read',
  'person.write',
  'person.reveal',
  'person.export',
  'health.read',
  'health.write',
  'health.manage',
  'event.read',
  'event.handle',
  'event.dispatch',
  'service.handle',
  'service.manage',
  'event.configure',
  'announcement.write',
  'team.manage',
  'review.read',
  'token.manage',
  'checkpoint.read',
  'checkpoint.check',
  'checkpoint.manage',
  'pass.issue',
  'enterprise.read',
  'enterprise.inspect',
  'enterprise.manage',
  'enterprise.configure',
  'certificate.issue',
] as const;
export type Right = (typeof RIGHTS)[number];

/** Data categories a department role can be granted (the rights each opens are in auth/rights.ts). */
export const DEPARTMENT_CATEGORY_NAMES = ['health', 'police', 'industry', 'city_management'] as const;
export type DepartmentCategory = (typeof DEPARTMENT_CATEGORY_NAMES)[number];

// Statuses of records, as stored (CHECK constraints in the migrations).

/** A registered person. */
export const PERSON_STATUSES = ['active', 'departed', 'deceased'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];

/** A tenancy of a house. */
export const TENANCY_STATUSES = ['active', 'ended'] as const;
export type TenancyStatus = (typeof TENANCY_STATUSES)[number];

/** A door or place QR code. */
export const ACCESS_CODE_STATUSES = ['active', 'revoked'] as const;
export type AccessCodeStatus = (typeof ACCESS_CODE_STATUSES)[number];

/** An arrival, departure or self-report waiting for a worker. */
export const PENDING_CHANGE_STATUSES = ['pending', 'confirmed', 'rejected'] as const;
export type PendingChangeStatus = (typeof PENDING_CHANGE_STATUSES)[number];

/** A batch of health data, pushed or imported. */
export const FEED_BATCH_STATUSES = ['received', 'processing', 'done', 'failed'] as const;
export type FeedBatchStatus = (typeof FEED_BATCH_STATUSES)[number];

/** A health record nobody could be matched to. */
export const INBOX_STATUSES = ['open', 'matched', 'lead', 'dismissed'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

/** A screening round. */
export const ROUND_STATUSES = ['open', 'closed'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

/** A door-to-door sweep campaign (拉网式排查). */
export const SWEEP_STATUSES = ['open', 'closed'] as const;
export type SweepStatus = (typeof SWEEP_STATUSES)[number];

/** A key person under watch. */
export const KEY_PERSON_STATUSES = ['active', 'ended', 'transferred'] as const;
/** Why a rule or scan opened a key person (its figures ride along; staff type their own reasons). */
export const KEY_PERSON_REASON_CODES = ['fever', 'health_code', 'positive', 'risk_area'] as const;
export type KeyPersonReasonCode = (typeof KEY_PERSON_REASON_CODES)[number];
export type KeyPersonStatus = (typeof KEY_PERSON_STATUSES)[number];

/** A lead sent down to be checked. */
export const LEAD_STATUSES = ['open', 'verified'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/** An event (事件) through its workflow. */
export const EVENT_STATUSES = [
  'collected',
  'registered',
  'dispatched',
  'handling',
  'reported',
  'closed',
  'evaluated',
  'suspended',
  'merged',
  'rejected',
] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/** A resident's request for help. */
export const SERVICE_REQUEST_STATUSES = ['open', 'accepted', 'delivered', 'closed', 'cancelled'] as const;
export type ServiceRequestStatus = (typeof SERVICE_REQUEST_STATUSES)[number];

/** An announcement. */
export const ANNOUNCEMENT_STATUSES = ['draft', 'published', 'withdrawn'] as const;
export type AnnouncementStatus = (typeof ANNOUNCEMENT_STATUSES)[number];

/** What a register import file holds. */
export const IMPORT_KINDS = ['persons', 'houses', 'units'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** A register import job. */
export const IMPORT_STATUSES = ['running', 'done', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

// Words of the register (residents, houses, units): the forms offer them, the schemas close on them.

/** Identity documents a registered person may hold. */
export const DOCUMENT_TYPES = [
  'resident_id',
  'passport',
  'hk_macao_permit',
  'taiwan_permit',
  'foreign_permanent_resident',
  'hmt_residence_permit',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** A person's sex as the register records it (an ID number tells it; other documents may not). */
export const SEXES = ['male', 'female', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];

/** How a person lives in the area (户籍, 常住, 流动, 暂住). */
export const RESIDENCE_TYPES = ['registered', 'permanent', 'floating', 'temporary'] as const;
export type ResidenceType = (typeof RESIDENCE_TYPES)[number];

/** Tags grid workers keep on people who need attention. */
export const PERSON_TAGS = [
  'elderly_alone',
  'elderly',
  'disabled',
  'pregnant',
  'bedridden',
  'infant',
  'chronic_disease',
  'low_income',
  'veteran',
  'key_youth',
] as const;
export type PersonTag = (typeof PERSON_TAGS)[number];

/** A house: what it is used for, who holds it, what kind of building it is. */
export const HOUSE_USES = ['residential', 'commercial', 'mixed', 'industrial', 'public', 'other'] as const;
export type HouseUse = (typeof HOUSE_USES)[number];
export const HOUSE_TENURES = ['owned', 'rented', 'public', 'collective', 'other'] as const;
export type HouseTenure = (typeof HOUSE_TENURES)[number];
export const HOUSE_TYPES = ['house', 'apartment', 'villa', 'dormitory', 'shop', 'other'] as const;
export type HouseType = (typeof HOUSE_TYPES)[number];

/** A registered unit (enterprise, shop, school…). */
export const UNIT_CATEGORIES = ['enterprise', 'shop', 'school', 'site', 'hotel', 'office', 'other'] as const;
export type UnitCategory = (typeof UNIT_CATEGORIES)[number];

/** Suggestions the arrival forms offer (any short text is accepted), as residents write them. */
export const ARRIVAL_REASONS = ['务工', '经商', '探亲访友', '就学', '返乡', '租住', '其他'] as const;
export const RELATIONS = ['户主', '配偶', '子女', '父母', '其他亲属', '租客', '其他'] as const;

/** Every action the audit log records; `recordAudit` takes only these. */
export const AUDIT_ACTIONS = [
  'access_code.issue',
  'access_code.issue_area',
  'access_code.labels',
  'access_code.revoke',
  'announcement.create',
  'announcement.publish',
  'announcement.update',
  'announcement.withdraw',
  'area.create',
  'area.import',
  'area.move',
  'area.retire',
  'area.update',
  'auth.locale_changed',
  'auth.locked',
  'auth.login',
  'auth.login_failed',
  'auth.mfa_enrolled',
  'auth.mfa_recovery_used',
  'auth.password_changed',
  'camera.create',
  'camera.retire',
  'camera.token_issue',
  'camera.update',
  'certificate.issue',
  'certificate.pdf',
  'certificate.revoke',
  'checkpoint.check',
  'checkpoint.create',
  'checkpoint.duty_sign_in',
  'checkpoint.duty_sign_out',
  'checkpoint.identify',
  'checkpoint.retire',
  'checkpoint.shift.create',
  'checkpoint.shift.delete',
  'checkpoint.update',
  'commitment.pdf',
  'commitment.sign',
  'contacts.find',
  'contacts.leads',
  'demo.seed',
  'enterprise.roster.reasons',
  'enterprise_filing.approve',
  'enterprise_filing.commitment_download',
  'enterprise_filing.document_delete',
  'enterprise_filing.document_upload',
  'enterprise_filing.inspect',
  'enterprise_filing.return',
  'enterprise_filing.save',
  'enterprise_filing.sign',
  'enterprise_filing.submit',
  'enterprise_filing.suspend',
  'event_category.create',
  'event_category.retire',
  'event_category.update',
  'health.checkin.proxy',
  'health.checkin.resolve',
  'health.checkin.voice_import',
  'health.feed.receive',
  'health.import',
  'health.unmatched.dismiss',
  'health.unmatched.match',
  'house.create',
  'house.import',
  'house.update',
  'inspection.record',
  'inspection.round_close',
  'installation.backup',
  'installation.restore',
  'inspection.round_create',
  'inspection.template_save',
  'key_person.create',
  'key_person.end',
  'key_person.flag',
  'key_person.transfer',
  'key_person.update',
  'keys.rotate',
  'lead.create',
  'lead.import',
  'lead.reveal',
  'lead.route',
  'lead.verify',
  'notification.preferences.update',
  'pass.apply',
  'pass.approve',
  'pass.issue',
  'pass.key_create',
  'pass.key_rotate',
  'pass.print',
  'pass.reject',
  'pass.revoke',
  'pending_change.confirm',
  'pending_change.reject',
  'person.call',
  'person.depart',
  'person.export',
  'person.import',
  'person.import.rejects',
  'person.lookup',
  'person.lookup_refused',
  'person.merge',
  'person.move',
  'person.register',
  'person.reveal',
  'person.search_number',
  'person.update',
  'place.create',
  'report.daily.export',
  'responsibility.create',
  'responsibility.delete',
  'review.export',
  'round.close',
  'round.create',
  'round.export_untested',
  'round.mark',
  'round.rebuild_counters',
  'round.unmark',
  'service_request.accept',
  'service_request.cancel',
  'service_request.close',
  'service_request.contact.reveal',
  'service_request.create',
  'service_request.deliver',
  'service_request.reassign',
  'service_resource.create',
  'service_resource.retire',
  'service_resource.update',
  'sweep.assign',
  'sweep.close',
  'sweep.create',
  'sweep.visit',
  'team.create',
  'team.member.remove',
  'team.member.set',
  'team.retire',
  'team.update',
  'tenancy.create',
  'token.create',
  'token.revoke',
  'unit.create',
  'unit.import',
  'unit.retire',
  'user.assignment_add',
  'user.assignment_remove',
  'user.create',
  'user.mfa_reset',
  'user.password_reset',
  'user.update',
  'vehicle.check',
  'vehicle.lookup',
  'vehicle.trails_import',
  'visit.record',
  'volunteer.assign',
  'volunteer.unassign',
  'work_calendar.delete',
  'work_calendar.set',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What an audit entry is about. */
export const ENTITY_TYPES = [
  'access_code',
  'announcement',
  'api_token',
  'area',
  'camera',
  'certificate',
  'checkin_message',
  'checkpoint',
  'checkpoint_record',
  'commitment_letter',
  'encryption_key',
  'enterprise_inspection',
  'enterprise_filing',
  'event_category',
  'feed_batch',
  'health_record',
  'house',
  'household_visit',
  'import',
  'inspection_round',
  'inspection_template',
  'installation',
  'key_person',
  'lead',
  'pass',
  'pass_signing_key',
  'pending_change',
  'person',
  'place',
  'report',
  'responsibility',
  'review',
  'round_mark',
  'screening_round',
  'service_request',
  'service_resource',
  'sweep_campaign',
  'sweep_household',
  'team',
  'tenancy',
  'unit',
  'user',
  'vehicle_trail',
  'work_calendar_day',
] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** Who acted when no person did, as written in audit entries and timelines (`actor_name`). */
export const SYSTEM_ACTORS = [
  'system:checkpoint',
  'system:cli',
  'system:demo',
  'system:enterprise',
  'system:escalation',
  'system:health-rules',
  'system:resident',
  'system:returnee-scan',
  'system:reporter',
] as const;
export type SystemActor = (typeof SYSTEM_ACTORS)[number];

/** The name of a system viewer: the part after `system:`. */
export type SystemName = SystemActor extends `system:${infer Name}` ? Name : never;

/** Whether a word read from outside (a query, a stored row) is one of a vocabulary's. */
export function isOneOf<T extends string>(words: readonly T[], value: string): value is T {
  return (words as readonly string[]).includes(value);
}

/** Whether an actor name is one of the system's own (and so has a translated name). */
export const isSystemActor = (name: string): name is SystemActor => isOneOf(SYSTEM_ACTORS, name);

/** Stable error codes of the API: clients branch on these, never on the human message. */
export const ERROR_CODES = [
  'ACCOUNT_LOCKED',
  'ALERT_TIME_INVALID',
  'ANNOUNCEMENT_EXPIRED',
  'ANNOUNCEMENT_NOT_FOUND',
  'ANNOUNCEMENT_STATUS_CONFLICT',
  'AREA_CODE_CONFLICT',
  'AREA_CODE_INVALID',
  'AREA_HAS_NO_HOUSES',
  'AREA_LEVEL_INVALID',
  'AREA_MOVE_INVALID',
  'AREA_NOT_FOUND',
  'AREA_PARENT_NOT_FOUND',
  'AREA_REQUIRED',
  'AREA_RETIRED',
  'AREA_TOO_LARGE',
  'BAD_REQUEST',
  'CALENDAR_DAY_INVALID',
  'CALENDAR_DAY_NOT_FOUND',
  'CAMERA_CODE_TAKEN',
  'CAMERA_NOT_AT_CHECKPOINT',
  'CAMERA_NOT_FOUND',
  'CAMERA_RETIRED',
  'CERTIFICATE_ALREADY_REVOKED',
  'CERTIFICATE_HEALTH_NOT_CLEAR',
  'CERTIFICATE_ISSUER_MISSING',
  'CERTIFICATE_NOT_FOUND',
  'CERTIFICATE_NO_RESIDENCE',
  'CERTIFICATE_VALIDITY_INVALID',
  'CHECKPOINT_CODE_TAKEN',
  'CHECKPOINT_HOURS_INVALID',
  'CHECKPOINT_NOT_FOUND',
  'CHECKPOINT_PLACE_CODE_MISSING',
  'CHECKPOINT_RECORD_NOT_FOUND',
  'CHECKPOINT_RETIRED',
  'CHECKPOINT_SHIFT_NOT_FOUND',
  'CHECK_ALREADY_RECORDED',
  'CHECK_HANDLE_INVALID',
  'CHECK_MUST_REFUSE',
  'CODE_ALREADY_REVOKED',
  'CODE_CONFLICT',
  'CODE_NOT_FOUND',
  'CODE_NOT_HOUSEHOLD',
  'COMMITMENT_NAME_MISMATCH',
  'COMMITMENT_NOT_FOUND',
  'COMMUNITY_NOT_FOUND',
  'CONFLICT',
  'CONTACT_NOT_FOUND',
  'COVERAGE_NOT_FOUND',
  'CREDIT_CODE_INVALID',
  'CSRF_TOKEN_INVALID',
  'DOC_BIRTH_DATE',
  'DOC_CHECKSUM',
  'DOC_EMPTY',
  'DOC_FORMAT',
  'DOC_REGION',
  'DOCUMENT_TYPE_INVALID',
  'DOOR_CODES_NOT_ISSUED',
  'DUTY_NOT_SIGNED_IN',
  'ENTERPRISE_NOT_FOUND',
  'EVENT_AREA_TOO_HIGH',
  'EVENT_ASSIGNEE_INVALID',
  'EVENT_CATEGORY_CODE_TAKEN',
  'EVENT_CATEGORY_INVALID',
  'EVENT_CATEGORY_MISSING',
  'EVENT_CATEGORY_NOT_FOUND',
  'EVENT_CATEGORY_RETIRED',
  'EVENT_CHANGED',
  'EVENT_CURSOR_INVALID',
  'EVENT_LIMIT_INVALID',
  'EVENT_MERGE_INVALID',
  'EVENT_NOT_FOUND',
  'EVENT_TRANSITION_INVALID',
  'FEED_BATCH_NOT_FOUND',
  'FEED_BATCH_NOT_STORED',
  'FILING_DOCUMENT_NOT_FOUND',
  'FILING_DOCUMENTS_FULL',
  'FILING_INCOMPLETE',
  'FILING_INSPECTION_FAILED',
  'FILING_NOT_EDITABLE',
  'FILING_NOT_FOUND',
  'FILING_REASON_REQUIRED',
  'FILING_SIGNER_MISMATCH',
  'FILING_STATE_CONFLICT',
  'FOLLOW_UP_DONE',
  'FOLLOW_UP_NOT_DUE',
  'FOLLOW_UP_NOT_FOUND',
  'FORBIDDEN',
  'FORM_FIELD_TOO_LONG',
  'FORM_INCOMPLETE',
  'FORM_INVALID',
  'FORM_TOO_MANY_FIELDS',
  'GATE_NOT_RESIDENTS_ONLY',
  'GEOJSON_INVALID',
  'HEALTH_RECORD_NOT_FOUND',
  'HOUSE_ADDRESS_TAKEN',
  'HOUSE_ALREADY_COVERED',
  'HOUSE_NOT_FOUND',
  'HOUSE_NOT_IN_MICROGRID',
  'HOUSE_OUT_OF_SCOPE',
  'IDEMPOTENCY_KEY_IN_FLIGHT',
  'IDEMPOTENCY_KEY_INVALID',
  'IDEMPOTENCY_KEY_REUSED',
  'IMPORT_ABORTED',
  'IMPORT_CELL_TOO_LONG',
  'IMPORT_FAILED',
  'IMPORT_FILE_GONE',
  'IMPORT_FILE_INVALID',
  'IMPORT_FILE_TOO_COMPLEX',
  'IMPORT_FILE_UNPACKS_TOO_LARGE',
  'IMPORT_NOT_DONE',
  'IMPORT_NOT_FOUND',
  'IMPORT_PROCESS_STOPPED',
  'IMPORT_ROW_INVALID',
  'IMPORT_TOO_MANY_COLUMNS',
  'IMPORT_TOO_MANY_ROWS',
  'IMPORT_TOO_MUCH_TEXT',
  'INBOX_NOT_OPEN',
  'INSPECTION_ANSWERS_INVALID',
  'INSPECTION_NOT_FOUND',
  'INSPECTION_ROUND_CLOSED',
  'INSPECTION_ROUND_NOT_FOUND',
  'INSPECTION_ROUND_WINDOW_INVALID',
  'INSPECTION_TEMPLATE_AREA_INVALID',
  'INSPECTION_TEMPLATE_ITEMS_INVALID',
  'INTERNAL_ERROR',
  'KEY_PERSON_EXISTS',
  'KEY_PERSON_NOT_ACTIVE',
  'KEY_PERSON_NOT_FOUND',
  'LEAD_ALREADY_VERIFIED',
  'LEAD_NOT_FOUND',
  'LEAD_PERSON_REQUIRED',
  'LOGIN_FAILED',
  'MARK_NOT_FOUND',
  'MARK_REASON_INVALID',
  'MFA_ALREADY_ENABLED',
  'MFA_CHALLENGE_EXPIRED',
  'MFA_CODE_INVALID',
  'MFA_ENROLMENT_REQUIRED',
  'MFA_NOT_ENABLED',
  'MFA_NOT_STARTED',
  'MFA_OFF',
  'MULTIPART_REQUIRED',
  'NOTIFICATION_ADDRESS_INVALID',
  'NOTIFICATION_ADDRESS_REQUIRED',
  'NOTIFICATION_NOT_FOUND',
  'NOT_FOUND',
  'PASSWORD_CHANGE_REQUIRED',
  'PASSWORD_IS_DEMO',
  'PASSWORD_TOO_WEAK',
  'PASS_CHECKPOINT_OUT_OF_SCOPE',
  'PASS_EXPIRED',
  'PASS_FORGED',
  'PASS_HOLDER_NOT_MATCHED',
  'PASS_INVALID',
  'PASS_INVALID_PERIOD',
  'PASS_MALFORMED',
  'PASS_NOT_ACTIVE',
  'PASS_NOT_FOUND',
  'PASS_NOT_PENDING',
  'PASS_NOT_YET_VALID',
  'PASS_REVOKED',
  'PASS_UNKNOWN_KEY',
  'PASS_WRONG_CHECKPOINT',
  'PAYLOAD_TOO_LARGE',
  'PENDING_CHANGE_DECIDED',
  'PENDING_CHANGE_NOT_FOUND',
  'PENDING_NO_MATCH',
  'PERIOD_INVALID',
  'PERSON_BIRTH_DATE_MISMATCH',
  'PERSON_NOT_ACTIVE',
  'PERSON_NOT_DUE',
  'PERSON_NOT_FOUND',
  'PERSON_NOT_IN_ROUND',
  'PERSON_REGISTERED_ELSEWHERE',
  'PERSON_SEX_MISMATCH',
  'PHONE_INVALID',
  'PHOTO_DIMENSIONS_TOO_LARGE',
  'PHOTO_NOT_FOUND',
  'PHOTO_NOT_IMAGE',
  'PHOTO_TOO_LARGE',
  'PHOTO_TOO_MANY',
  'PLACE_NOT_FOUND',
  'PLATE_EMPTY',
  'PLATE_FORMAT',
  'PLATE_PROVINCE',
  'RATE_LIMITED',
  'READ_TIME_INVALID',
  'RECORD_NOT_IN_INBOX',
  'RECTIFICATION_NOT_FOUND',
  'REPORT_LOCATION_INVALID',
  'REPORT_LOCATION_MISSING',
  'REPORT_LOCATION_OUTSIDE',
  'REQUEST_ALREADY_ASSIGNED',
  'REQUEST_ASSIGNED_TO_OTHER',
  'REQUEST_NOT_FOUND',
  'REQUEST_STATUS_CONFLICT',
  'RESOURCE_NOT_FOUND',
  'RESOURCE_RETIRED',
  'RESPONSIBILITY_EXISTS',
  'RESPONSIBILITY_NOT_FOUND',
  'RESPONSIBLE_INVALID',
  'REVIEW_PERIOD_INVALID',
  'ROLE_NOT_GRANTABLE',
  'ROUND_CLOSED',
  'ROUND_NOT_FOUND',
  'ROUND_WINDOW_INVALID',
  'SWEEP_ASSIGNEE_INVALID',
  'SWEEP_CLOSED',
  'SWEEP_HOUSEHOLD_NOT_FOUND',
  'SWEEP_NOT_FOUND',
  'SWEEP_NOT_RUNNING',
  'SWEEP_WINDOW_INVALID',
  'TEAM_MEMBER_NOT_FOUND',
  'TEAM_NOT_FOUND',
  'TEAM_RETIRED',
  'TOKEN_NOT_FOUND',
  'UNAUTHENTICATED',
  'UNIT_CREDIT_CODE_TAKEN',
  'UNIT_NOT_FOUND',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNTESTED_EXPORT_TOO_LARGE',
  'USERNAME_TAKEN',
  'USER_NOT_FOUND',
  'USER_NOT_IN_AREA',
  'VALIDATION_FAILED',
  'VISIT_PERSON_NOT_RESIDENT',
  'VOLUNTEER_FULL',
  'VOLUNTEER_NOT_IN_AREA',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

// Words of the event workflow (事件): the schemas close on them, the board and forms offer them.

/** The tiers an event climbs through when it escalates, from the smallest. */
export const EVENT_TIERS = ['microgrid', 'grid', 'village', 'township', 'county'] as const;
export type EventTier = (typeof EVENT_TIERS)[number];

/** Where an event came from. */
export const EVENT_SOURCES = ['citizen', 'patrol', 'hotline', 'resident_group', 'device', 'open311'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/** The sources a staff member may name when entering an event by hand. */
export const STAFF_SOURCES = ['patrol', 'hotline', 'resident_group'] as const;
export type StaffSource = (typeof STAFF_SOURCES)[number];

/** The workflow steps that each have a time limit. */
export const EVENT_STEPS = ['register', 'dispatch', 'handle', 'check'] as const;
export type EventStep = (typeof EVENT_STEPS)[number];

/** Units a step's time limit is counted in (work hours and days follow the work calendar). */
export const LIMIT_UNITS = ['minutes', 'work_hours', 'work_days'] as const;
export type LimitUnit = (typeof LIMIT_UNITS)[number];

/** What a camera or sensor alert reports. */
export const ALERT_KINDS = ['gathering', 'isolation_door_opened', 'fever_at_gate', 'loitering'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** The workflow actions, in the order a handler meets them: one route each. */
export const WORKFLOW_ACTIONS = [
  'register',
  'reject',
  'dispatch',
  'reassign',
  'accept',
  'report',
  'return',
  'close',
  'evaluate',
  'suspend',
  'resume',
  'merge',
] as const;
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

/** Statuses whose step clock runs (and can escalate). */
export const CLOCKED_EVENT_STATUSES = [
  'collected',
  'registered',
  'dispatched',
  'handling',
  'reported',
] as const;

/** Statuses still being worked on: the clocked ones and a suspended event. */
export const OPEN_EVENT_STATUSES = [...CLOCKED_EVENT_STATUSES, 'suspended'] as const;

// Words of community services: teams, residents' requests, resources, announcements.

/** What a team is for. */
export const TEAM_KINDS = ['grid', 'service', 'checkpoint', 'department'] as const;
export type TeamKind = (typeof TEAM_KINDS)[number];

/** A member's duty in a team. */
export const TEAM_DUTIES = [
  'leader',
  'grid_worker',
  'police',
  'doctor',
  'volunteer',
  'checkpoint',
  'member',
] as const;
export type TeamDuty = (typeof TEAM_DUTIES)[number];

/** What a resident asks for. */
export const REQUEST_KINDS = ['medicine', 'groceries', 'gas', 'doctor_visit', 'transport', 'other'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** How soon a request needs an answer. */
export const URGENCIES = ['normal', 'urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** The two lists of community resources: things (pharmacies, vehicles…) and services (care, repair…). */
export const RESOURCE_LISTS = ['resource', 'service'] as const;
export type ResourceList = (typeof RESOURCE_LISTS)[number];

/** Suggested kinds for the forms; the kind is free (lower-case words) so a community may add its own. */
export const RESOURCE_KINDS = [
  'pharmacy',
  'shop',
  'supermarket',
  'donor',
  'vehicle',
  'clinic',
  'warehouse',
  'other',
] as const;
export const SERVICE_KINDS = [
  'elderly_care',
  'medical',
  'delivery',
  'psychological',
  'legal',
  'repair',
  'childcare',
  'other',
] as const;

/** What an announcement is. */
export const ANNOUNCEMENT_KINDS = ['policy', 'rumour_rebuttal', 'alert', 'notice'] as const;
export type AnnouncementKind = (typeof ANNOUNCEMENT_KINDS)[number];

// Words of health work: key persons, leads, screening rounds, health records.

/** Why a person is under watch (重点人员). */
export const KEY_PERSON_CATEGORIES = [
  'returnee',
  'close_contact',
  'secondary_contact',
  'home_quarantine',
  'home_monitoring',
  'positive',
  'fever',
] as const;
export type KeyPersonCategory = (typeof KEY_PERSON_CATEGORIES)[number];

/** Health filters of the register's person list (person_health and key persons; needs health.read). */
export const PERSON_HEALTH_FILTERS = [
  'fever_24h',
  'key_person',
  'no_dose',
  'positive_14d',
  'red_code',
  'yellow_code',
] as const;
export type PersonHealthFilter = (typeof PERSON_HEALTH_FILTERS)[number];

/** Who a lead waits with, from the bottom; an unchecked lead climbs. */
export const LEAD_TIERS = ['worker', 'grid_leader', 'community'] as const;
export type LeadTier = (typeof LEAD_TIERS)[number];

/** How a lead found its area. */
export const LEAD_ROUTES = ['person', 'address', 'manual', 'inbox'] as const;
export type LeadRoute = (typeof LEAD_ROUTES)[number];

/** What the worker found when checking a lead. */
export const LEAD_OUTCOMES = ['found_here', 'moved', 'not_found', 'wrong_data'] as const;
export type LeadOutcome = (typeof LEAD_OUTCOMES)[number];

/** What the worker arranged; stored as codes, shown with the labels in reports. */
export const LEAD_MEASURES = [
  'home_quarantine',
  'home_monitoring',
  'centralised_quarantine',
  'test_arranged',
  'health_code_managed',
  'referred',
  'none',
] as const;
export type LeadMeasure = (typeof LEAD_MEASURES)[number];

/** A mark on a person in a screening round: exempt from it, or an outcome other than a test. */
export const MARK_KINDS = ['exempt', 'outcome'] as const;
export type MarkKind = (typeof MARK_KINDS)[number];
export const EXEMPT_REASONS = ['bedridden', 'infant', 'away', 'other'] as const;
export const OUTCOME_REASONS = ['refused', 'tested_elsewhere', 'unreachable', 'scheduled'] as const;
export const MARK_REASONS = [...EXEMPT_REASONS, ...OUTCOME_REASONS] as const;
export type MarkReason = (typeof MARK_REASONS)[number];

/** Why a health record waits in the inbox instead of on a person. */
export const INBOX_REASONS = ['unknown_number', 'invalid_number'] as const;
export type InboxReason = (typeof INBOX_REASONS)[number];

/** The kinds of health record a feed carries to people (risk-area lists are not about people). */
export const RECORD_KINDS = ['tests', 'vaccinations', 'temperatures', 'healthcodes'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** Kinds of checkpoint (卡口): traffic checkpoint, compound gate, village entrance, urban-village access hut, station. */
export const CHECKPOINT_KINDS = [
  'traffic',
  'compound_gate',
  'village_entrance',
  'access_hut',
  'station',
] as const;
export type CheckpointKind = (typeof CHECKPOINT_KINDS)[number];

/** Who or what crossed a checkpoint. */
export const CHECKPOINT_SUBJECTS = ['person', 'vehicle'] as const;
export type CheckpointSubject = (typeof CHECKPOINT_SUBJECTS)[number];

/** Which way a person or vehicle crossed. */
export const CHECKPOINT_DIRECTIONS = ['in', 'out'] as const;
export type CheckpointDirection = (typeof CHECKPOINT_DIRECTIONS)[number];

/** What the person on duty decided. */
export const CHECKPOINT_DECISIONS = ['allowed', 'refused'] as const;
export type CheckpointDecision = (typeof CHECKPOINT_DECISIONS)[number];

/** Where a crossing record came from: the person on duty, or a device (plate camera, face gate). */
export const CHECKPOINT_RECORD_SOURCES = ['staff', 'device'] as const;
export type CheckpointRecordSource = (typeof CHECKPOINT_RECORD_SOURCES)[number];

/** One glance at the gate: green passes, amber needs a look, red must not pass. */
export const HEALTH_VERDICTS = ['green', 'amber', 'red'] as const;
export type HealthVerdict = (typeof HEALTH_VERDICTS)[number];

/** A pass (通行证). Expiry is computed from valid_to, never stored. */
export const PASS_STATUSES = ['pending', 'active', 'revoked', 'rejected'] as const;
export type PassStatus = (typeof PASS_STATUSES)[number];

// Door-to-door sweeps (拉网式排查): what a household's visit found.
/** A household of a sweep: nobody went yet, somebody knocked and nobody was home, or visited. */
export const SWEEP_HOUSEHOLD_STATES = ['unvisited', 'attempted', 'visited'] as const;
export type SweepHouseholdState = (typeof SWEEP_HOUSEHOLD_STATES)[number];
/** What a knock at the door came to. */
export const SWEEP_OUTCOMES = ['visited', 'nobody_home'] as const;
export type SweepOutcome = (typeof SWEEP_OUTCOMES)[number];
/** Symptoms a member reports at the door. */
export const SWEEP_SYMPTOMS = [
  'fever',
  'cough',
  'sore_throat',
  'fatigue',
  'short_breath',
  'taste_smell_loss',
  'diarrhoea',
  'other',
] as const;
export type SweepSymptom = (typeof SWEEP_SYMPTOMS)[number];
