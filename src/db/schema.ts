import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type * as V from '../core/vocabulary.js';

/** Row types of the database. API types live in each module's schema.ts; map between them explicitly. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

// Closed sets of words are named once, in core/vocabulary.ts; these columns take them from there.
export type AreaLevel = V.Level;
export type AreaKind = V.AreaKind;

export interface AreasTable {
  id: Generated<number>;
  parent_id: number | null;
  code: string;
  name: string;
  level: AreaLevel;
  kind: AreaKind;
  /** Materialised path of ids, "/1/5/23/", collated "C" so a prefix is an index range. */
  path: string;
  depth: number;
  /** GeoJSON geometry; write it with JSON.stringify. */
  boundary: JSONColumnType<GeoJsonGeometry | null, string | null | undefined, string | null>;
  centre_lng: number | null;
  centre_lat: number | null;
  retired_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GeoJsonGeometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: unknown[];
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  password_hash: string;
  must_change_password: Generated<boolean>;
  disabled_at: NullableTimestamp;
  last_login_at: NullableTimestamp;
  locale: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RoleAssignmentsTable {
  id: Generated<number>;
  user_id: number;
  role: V.Role;
  area_id: number;
  /** Data categories a department role may see ("health", "police", "industry"…). */
  categories: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Timestamp;
}

export interface SessionsTable {
  /** SHA-256 of the cookie value: a stolen table does not yield live sessions. */
  id_hash: string;
  user_id: number;
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
}

/** Consecutive failed sign-ins per normalised name, known or not (one atomic counter each). */
export interface LoginThrottleTable {
  name_key: string;
  failures: Generated<number>;
  locked_until: NullableTimestamp;
  updated_at: Timestamp;
}

/** Sign-in attempts per client address and in total, per fixed window; shared by every app node. */
export interface LoginBudgetTable {
  bucket: string;
  window_start: Timestamp;
  attempts: Generated<number>;
}

/** A TOTP second factor: the secret encrypted with the field cipher; confirmed by a first code. */
export interface UserMfaTable {
  user_id: number;
  secret: string;
  confirmed_at: NullableTimestamp;
  /** The last TOTP time step accepted: a code of that step or earlier is refused (no replay). */
  last_step: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MfaRecoveryCodesTable {
  id: Generated<number>;
  user_id: number;
  code_hash: string;
  used_at: NullableTimestamp;
}

/** Password accepted, code still owed: a short-lived challenge, stored as the hash of its token. */
export interface MfaChallengesTable {
  id_hash: string;
  user_id: number;
  ip: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface ApiTokensTable {
  id: Generated<number>;
  name: string;
  token_hash: string;
  area_id: number;
  capability: string;
  /** A device token belongs to one camera or gate; its alerts must name that device. */
  camera_id: Generated<number | null>;
  created_by: number | null;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: Timestamp;
  actor_user_id: number | null;
  actor_token_id: number | null;
  actor_name: string;
  ip: string | null;
  action: V.AuditAction;
  entity_type: V.EntityType;
  entity_id: string | null;
  /** Path of the area the record belonged to, so admins read only their subtree's entries. */
  area_path: string | null;
  before: JSONColumnType<object | null, string | null | undefined, string | null>;
  after: JSONColumnType<object | null, string | null | undefined, string | null>;
  reason: string | null;
}

export interface AppMetaTable {
  key: string;
  value: JSONColumnType<object | null, string | null | undefined, string | null>;
}

type DateColumn = ColumnType<string | null, string | null | undefined, string | null>;

export type ResidenceType = 'registered' | 'permanent' | 'floating' | 'temporary';
export type PersonStatus = V.PersonStatus;

export interface HousesTable {
  id: Generated<number>;
  area_id: number;
  area_path: string;
  address_code: string | null;
  address: string;
  road: string | null;
  door_number: string | null;
  building: string | null;
  unit_number: string | null;
  room: string | null;
  use: Generated<string>;
  tenure: Generated<string>;
  house_type: Generated<string>;
  rooms: number | null;
  floor_area: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  landlord_person_id: number | null;
  /** WGS-84 position of the house (a point on the map; never with names). */
  lng: number | null;
  lat: number | null;
  retired_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PersonsTable {
  id: Generated<number>;
  area_id: number | null;
  area_path: string | null;
  house_id: number | null;
  document_type: string;
  document_hash: string;
  document_masked: string;
  phone_hash: string | null;
  phone_masked: string | null;
  secret: string;
  name: string;
  sex: Generated<'male' | 'female' | 'unknown'>;
  /** Legacy clear birth date: emptied at start (sealBirthDates); the date lives in `secret`. */
  birth_date: DateColumn;
  /** All of the birth date that is kept in clear: with a masked number the full date would rebuild it. */
  birth_year: number | null;
  region_code: string | null;
  hukou_address: string | null;
  current_address: string | null;
  residence_type: Generated<ResidenceType>;
  relation: string | null;
  arrival_date: DateColumn;
  arrival_reason: string | null;
  arrived_from: string | null;
  expected_departure: DateColumn;
  workplace: string | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  status: Generated<PersonStatus>;
  departed_on: DateColumn;
  departure_destination: string | null;
  content_hash: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PersonHistoryTable {
  id: Generated<number>;
  person_id: number;
  at: Timestamp;
  kind: 'registered' | 'moved_in' | 'moved_out' | 'changed_area' | 'updated' | 'merged' | 'returned';
  from_area_id: number | null;
  to_area_id: number | null;
  from_house_id: number | null;
  to_house_id: number | null;
  changes: JSONColumnType<object | null, string | null | undefined, string | null>;
  actor_name: string;
  source: string | null;
}

export interface UnitsTable {
  id: Generated<number>;
  area_id: number;
  area_path: string;
  house_id: number | null;
  name: string;
  category: 'enterprise' | 'shop' | 'school' | 'site' | 'hotel' | 'office' | 'other';
  credit_code: string | null;
  legal_person: string | null;
  contact_name: string | null;
  contact_phone_hash: string | null;
  contact_phone_masked: string | null;
  secret: string | null;
  employees: number | null;
  address: string | null;
  content_hash: string | null;
  retired_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TenanciesTable {
  id: Generated<number>;
  house_id: number;
  area_path: string;
  tenant_person_id: number;
  landlord_person_id: number | null;
  starts_on: string;
  ends_on: DateColumn;
  lease_reference: string | null;
  status: Generated<V.TenancyStatus>;
  created_at: Timestamp;
}

export type AccessCodeKind = 'household' | 'self_report' | 'place' | 'enterprise' | 'employee_apply';

/** Printed codes: 一户一码 (house), 自主报备码 (community), 场所码 (place). */
export interface AccessCodesTable {
  id: Generated<number>;
  kind: AccessCodeKind;
  house_id: number | null;
  place_id: number | null;
  /** The enterprise of an enterprise or employee-apply code (#14). */
  unit_id: Generated<number | null>;
  area_id: number;
  area_path: string;
  /** SHA-256 (base64url) of the token: what a scan is looked up by. */
  token_hash: string;
  /** The token encrypted with the field cipher, only to print the label again. */
  token_secret: string;
  status: Generated<V.AccessCodeStatus>;
  issued_at: Timestamp;
  issued_by: string;
  revoked_at: NullableTimestamp;
  revoked_by: string | null;
  revoke_reason: string | null;
}

export type PendingChangeKind = 'arrival' | 'departure' | 'self_report';

export interface PendingChangesTable {
  id: Generated<number>;
  kind: PendingChangeKind;
  status: Generated<V.PendingChangeStatus>;
  code_id: number;
  house_id: number | null;
  area_id: number;
  area_path: string;
  document_type: string;
  document_hash: string;
  document_masked: string;
  name_masked: string;
  phone_masked: string | null;
  secret: string;
  event_date: DateColumn;
  submitted_at: Timestamp;
  decided_at: NullableTimestamp;
  decided_by: string | null;
  reject_reason: string | null;
  person_id: number | null;
}

export interface PlacesTable {
  id: Generated<number>;
  area_id: number;
  area_path: string;
  unit_id: number | null;
  name: string;
  kind: 'shop' | 'office' | 'gate' | 'site' | 'school' | 'hotel' | 'transport' | 'other';
  address: string | null;
  retired_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PlaceScansTable {
  id: Generated<number>;
  place_id: number;
  scanned_at: Timestamp;
  document_hash: string | null;
  phone_hash: string | null;
  document_masked: string | null;
  phone_masked: string | null;
  name_masked: string | null;
  secret: string;
}

export interface HouseholdVisitsTable {
  id: Generated<number>;
  house_id: number;
  area_id: number;
  area_path: string;
  worker_user_id: number | null;
  worker_name: string;
  visited_at: Timestamp;
  seen_person_ids: ColumnType<number[], number[] | undefined, number[]>;
  arrivals: Generated<number>;
  departures: Generated<number>;
  phone_updates: Generated<number>;
  tag_updates: Generated<number>;
  notes: string | null;
  created_at: Generated<Date>;
}

export type HealthRecordKind = 'test' | 'vaccination' | 'temperature' | 'health_code';
export type HealthCodeColour = 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';

export interface FeedBatchesTable {
  id: Generated<number>;
  kind: HealthRecordKind | 'risk_area';
  source: string;
  channel: 'file' | 'push';
  area_id: number;
  area_path: string;
  token_id: number | null;
  user_id: number | null;
  status: Generated<V.FeedBatchStatus>;
  received: Generated<number>;
  inserted: Generated<number>;
  duplicates: Generated<number>;
  matched: Generated<number>;
  unmatched: Generated<number>;
  rejected: JSONColumnType<
    Array<{ row: number; field: string; code: string; message: string }>,
    string | undefined,
    string
  >;
  error: string | null;
  created_at: Timestamp;
  finished_at: NullableTimestamp;
  updated: Generated<number>;
  rejected_total: Generated<number>;
  processed: Generated<number>;
  file_name: string | null;
  total_bytes: ColumnType<number | null, number | null | undefined, number | null>;
  bytes_read: Generated<number>;
  /** The app process running an uploaded file (staging.ts PROCESS_OWNER). */
  owner: string | null;
  heartbeat_at: NullableTimestamp;
  /** A pushed batch's lease: the node processing it renews it; run out, any node may claim the batch. */
  locked_until: NullableTimestamp;
  /** Claims so far: the number of the claim that may finish the batch. */
  attempts: Generated<number>;
}

export interface FeedBatchPayloadsTable {
  batch_id: number;
  /** The pushed records as received, encrypted (FieldCipher.encrypt of the JSON). */
  payload: string;
  created_at: Timestamp;
}

export interface HealthRecordsTable {
  id: Generated<number>;
  kind: HealthRecordKind;
  source: string;
  record_key: string;
  batch_id: number | null;
  id_hash: string | null;
  person_id: number | null;
  area_path: string;
  occurred_at: Timestamp;
  result: string | null;
  value: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  details: JSONColumnType<object | null, string | null | undefined, string | null>;
  unmatched_reason: V.InboxReason | null;
  inbox_status: V.InboxStatus | null;
  identity_secret: string | null;
  document_masked: string | null;
  name_masked: string | null;
  created_at: Timestamp;
  content_hash: string | null;
  inbox_note: string | null;
  inbox_by: string | null;
  inbox_at: NullableTimestamp;
}

export interface PersonHealthTable {
  person_id: number;
  last_test_at: NullableTimestamp;
  last_test_result: string | null;
  health_code: HealthCodeColour | null;
  health_code_at: NullableTimestamp;
  vaccination_doses: Generated<number>;
  last_vaccinated_at: NullableTimestamp;
  last_temperature: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  last_temperature_at: NullableTimestamp;
  updated_at: Timestamp;
}

export type CheckinChannel = 'door' | 'proxy' | 'sms' | 'voice' | 'staff';

/** One current check-in (平安报) per person and China day; a later report that day replaces it. */
export interface HealthCheckinsTable {
  id: Generated<number>;
  person_id: number;
  house_id: number | null;
  area_path: string;
  day: ColumnType<string, string, string>;
  reported_at: Timestamp;
  temperature: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  well: boolean;
  channel: CheckinChannel;
  proxy_by: number | null;
  message_id: string | null;
  created_at: Timestamp;
}

/** A personal return-to-work commitment (复工承诺书) a register person signed, at the door page or the desk. */
export interface CommitmentLettersTable {
  id: Generated<number>;
  person_id: number;
  area_path: string;
  text_version: string;
  channel: 'door' | 'desk';
  recorded_by: number | null;
  signed_at: Timestamp;
}

/** The last certificate number taken per issuing area and year (gap-free). */
export interface CertificateSequencesTable {
  area_id: number;
  year: number;
  last_number: number;
}

export type CertificateKind = 'health' | 'residence';

/** A numbered health or residence certificate (健康证明, 居住证明) with a QR code to its public check. */
export interface CertificatesTable {
  id: Generated<number>;
  number: string;
  kind: CertificateKind;
  person_id: number;
  house_id: number | null;
  area_path: string;
  issuer_area_id: number;
  issuer_name: string;
  issued_by: number;
  issued_at: Timestamp;
  valid_until: Timestamp;
  name_masked: string;
  statement: JSONColumnType<Record<string, string | null>, string, string>;
  token_hash: string;
  token_secret: string;
  revoked_at: NullableTimestamp;
  revoked_by: number | null;
  revoke_reason: string | null;
}

/** Inbound SMS and voice-robot results, once per gateway message id; unparsed/unmatched ones are the inbox. */
export interface CheckinMessagesTable {
  id: Generated<number>;
  channel: 'sms' | 'voice';
  source: string;
  token_id: number | null;
  imported_by: number | null;
  message_id: string;
  received_at: Timestamp;
  sent_at: NullableTimestamp;
  phone_hash: string | null;
  phone_masked: string | null;
  body: string | null;
  house_id: number | null;
  area_path: string;
  outcome: 'recorded' | 'unparsed' | 'unmatched';
  recorded: Generated<number>;
  inbox_status: 'open' | 'resolved' | null;
  resolved_by: number | null;
  resolved_at: NullableTimestamp;
  resolution: string | null;
}

export interface RiskAreasTable {
  id: Generated<number>;
  source: string;
  region_code: string | null;
  name: string;
  level: 'high' | 'medium' | 'low';
  valid_from: Timestamp;
  valid_to: NullableTimestamp;
  created_at: Timestamp;
}

export interface ScreeningRoundsTable {
  id: Generated<number>;
  area_id: number;
  area_path: string;
  name: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  status: Generated<V.RoundStatus>;
  created_by: string;
  created_at: Timestamp;
  closed_at: NullableTimestamp;
  closed_by: string | null;
}

export interface SweepCampaignsTable {
  id: Generated<number>;
  area_id: number;
  area_path: string;
  name: string;
  starts_on: string;
  ends_on: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  status: Generated<V.SweepStatus>;
  created_by: string;
  created_at: Timestamp;
  closed_at: NullableTimestamp;
  closed_by: string | null;
}

export interface SweepHouseholdsTable {
  campaign_id: number;
  house_id: number;
  area_id: number;
  area_path: string;
  state: Generated<V.SweepHouseholdState>;
  fevers: Generated<number>;
  visit_id: number | null;
  visits: Generated<number>;
  assignee_user_id: number | null;
  assigned_by: string | null;
  assigned_at: NullableTimestamp;
}

/** One member's answers at a sweep visit (stored as given, in the visit's members array). */
export interface SweepMemberAnswers {
  personId: number;
  temperature: number | null;
  symptoms: V.SweepSymptom[];
  travel: string | null;
  fromRiskArea: boolean;
  doses: number | null;
  notes: string | null;
}

export interface SweepVisitsTable {
  id: Generated<number>;
  campaign_id: number;
  house_id: number;
  area_path: string;
  outcome: V.SweepOutcome;
  members: JSONColumnType<SweepMemberAnswers[], string, string>;
  fevers: Generated<number>;
  notes: string | null;
  worker_user_id: number | null;
  worker_name: string;
  visited_at: Timestamp;
  corrects_id: number | null;
  created_at: Timestamp;
}

export interface SweepCountersTable {
  campaign_id: number;
  area_id: number;
  area_path: string;
  total: Generated<number>;
  visited: Generated<number>;
  attempted: Generated<number>;
  fevers: Generated<number>;
}

export interface RoundMarksTable {
  round_id: number;
  person_id: number;
  kind: V.MarkKind;
  reason: string;
  note: string | null;
  marked_by: string;
  marked_at: Timestamp;
}

export interface RoundCountersTable {
  round_id: number;
  area_id: number;
  area_path: string;
  due: number;
  tested: number;
  exempt: number;
  departed: number;
}

export type KeyPersonCategory = V.KeyPersonCategory;

export interface KeyPersonsTable {
  id: Generated<number>;
  person_id: number;
  area_path: string;
  category: KeyPersonCategory;
  status: Generated<V.KeyPersonStatus>;
  starts_on: string;
  ends_on: string;
  responsible_user_id: number | null;
  plan: JSONColumnType<object, string, string>;
  reason: string | null;
  /** Why a rule opened it, as a code and its figures (translated when shown); null when typed by staff. */
  reason_code: Generated<V.KeyPersonReasonCode | null>;
  reason_params: Generated<Record<string, string> | null>;
  source: string;
  created_at: Timestamp;
  ended_at: NullableTimestamp;
  ended_by: string | null;
  /** Why the follow-up ended, or where the person was transferred to. */
  end_note: string | null;
}

export interface FollowUpsTable {
  id: Generated<number>;
  key_person_id: number;
  due_on: string;
  slot: string;
  kind: 'temperature' | 'test' | 'visit' | 'call';
  done_at: NullableTimestamp;
  done_by: string | null;
  temperature: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  symptoms: string | null;
  note: string | null;
}

export interface LeadsTable {
  id: Generated<number>;
  batch_reference: string | null;
  identity_secret: string;
  id_hash: string | null;
  phone_hash: string | null;
  name_masked: string | null;
  document_masked: string | null;
  address: string | null;
  reason: string;
  deadline: Timestamp;
  person_id: number | null;
  area_id: number;
  area_path: string;
  routed_by: V.LeadRoute;
  tier: Generated<LeadTier>;
  status: Generated<V.LeadStatus>;
  outcome: V.LeadOutcome | null;
  measures: string | null;
  verified_at: NullableTimestamp;
  verified_by: string | null;
  escalated_at: NullableTimestamp;
  created_at: Timestamp;
  phone_masked: string | null;
  source_key: string | null;
  created_by: Generated<string>;
  verification_note: string | null;
}

export type LeadTier = V.LeadTier;

/** The history of a lead: created, routed (by hand), escalated, verified. */
export interface LeadEventsTable {
  id: Generated<number>;
  lead_id: number;
  at: Timestamp;
  kind: 'created' | 'routed' | 'escalated' | 'verified';
  from_tier: LeadTier | null;
  to_tier: LeadTier | null;
  from_area_id: number | null;
  to_area_id: number | null;
  actor_name: string;
  details: JSONColumnType<object | null, string | null | undefined, string | null>;
}

export interface CamerasTable {
  id: Generated<number>;
  area_id: number;
  area_path: string;
  code: string;
  name: string;
  kind: CameraKind;
  lng: number | null;
  lat: number | null;
  status: Generated<'online' | 'offline' | 'retired'>;
  created_at: Timestamp;
  /** The checkpoint a plate camera or face gate stands at. */
  checkpoint_id: number | null;
  /** When the device last sent a read. */
  last_read_at: NullableTimestamp;
}

export type CameraKind = 'road' | 'river' | 'high_point' | 'gate' | 'plate' | 'face_gate';

/** Opening hours of a checkpoint, local time "HH:MM"; a span may run past midnight. */
export interface OpeningSpan {
  from: string;
  to: string;
}

export interface CheckpointsTable {
  id: Generated<number>;
  area_id: number;
  area_path: string;
  code: string;
  name: string;
  kind: V.CheckpointKind;
  lng: number | null;
  lat: number | null;
  team_id: number | null;
  /** null = open around the clock. */
  hours: JSONColumnType<OpeningSpan[] | null, string | null | undefined, string | null>;
  check_temperature: Generated<boolean>;
  check_health_code: Generated<boolean>;
  test_within_hours: number | null;
  pass_required: Generated<boolean>;
  residents_only: Generated<boolean>;
  place_id: number | null;
  retired_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A planned shift of the rota: who is due at a checkpoint when. */
export interface CheckpointShiftsTable {
  id: Generated<number>;
  checkpoint_id: number;
  starts_at: Timestamp;
  ends_at: Timestamp;
  team_id: number | null;
  user_ids: ColumnType<number[], number[] | undefined, number[]>;
  min_staff: Generated<number>;
  note: string | null;
  created_by: string;
  created_at: Timestamp;
}

/** One person's time on duty at a checkpoint, from sign-in to sign-out. */
export interface CheckpointDutyTable {
  id: Generated<number>;
  checkpoint_id: number;
  user_id: number;
  user_name: string;
  shift_id: number | null;
  signed_in_at: Timestamp;
  sign_in_lng: number | null;
  sign_in_lat: number | null;
  sign_in_accuracy_m: number | null;
  signed_out_at: NullableTimestamp;
  sign_out_lng: number | null;
  sign_out_lat: number | null;
  handover_note: string | null;
}

/** A checkpoint due to be staffed with nobody signed in, from when it was seen until someone came. */
export interface CheckpointGapsTable {
  id: Generated<number>;
  checkpoint_id: number;
  area_path: string;
  started_at: Timestamp;
  ended_at: NullableTimestamp;
  required: number;
  leader_user_id: number | null;
}

/** One crossing of a checkpoint by a person or a vehicle, checked on duty or read by a device. */
export interface CheckpointRecordsTable {
  id: Generated<string>;
  checkpoint_id: number;
  area_path: string;
  subject: V.CheckpointSubject;
  source: V.CheckpointRecordSource;
  at: Timestamp;
  direction: V.CheckpointDirection | null;
  person_id: number | null;
  document_masked: string | null;
  name_masked: string | null;
  plate: string | null;
  plate_kind: string | null;
  temperature: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  fever: Generated<boolean>;
  disinfected: boolean | null;
  verdict: V.HealthVerdict | null;
  /** Codes of the reasons behind the verdict or the flag (translated on display). */
  reasons: JSONColumnType<string[], string | undefined, string>;
  decision: V.CheckpointDecision | null;
  flagged: Generated<boolean>;
  origin: string | null;
  destination: string | null;
  cargo: string | null;
  passenger_person_ids: ColumnType<number[], number[] | undefined, number[]>;
  pass_id: number | null;
  camera_id: number | null;
  external_id: string | null;
  reads: Generated<number>;
  last_read_at: NullableTimestamp;
  event_id: number | null;
  /** The duty the person recording was on. */
  duty_id: number | null;
  recorded_by_user_id: number | null;
  recorded_by: string | null;
  created_at: Timestamp;
  /** Driver and passengers of a vehicle check, masked; personId when the ID number matched the register. */
  occupants: JSONColumnType<VehicleOccupant[], string | undefined, string>;
}

export interface VehicleOccupant {
  role: 'driver' | 'passenger';
  documentMasked: string;
  personId: number | null;
}

/** A device read with an external id and the record it became or merged into (a retry is stored once). */
export interface CheckpointDeviceReadsTable {
  camera_id: number;
  external_id: string;
  record_id: string;
}

/** Where a vehicle was seen by another source (traffic police, highway exits), pushed by a feed. */
export interface VehicleTrailsTable {
  id: Generated<string>;
  plate: string;
  at: Timestamp;
  region_code: string | null;
  place: string | null;
  source: string;
  token_id: number | null;
  external_id: string | null;
  created_at: Timestamp;
}

export interface PassSigningKeysTable {
  id: Generated<number>;
  kid: string;
  public_jwk: JSONColumnType<Record<string, string>, string, string>;
  /** The private JWK, sealed with the field cipher. */
  private_secret: string;
  created_at: Timestamp;
  retired_at: NullableTimestamp;
}

/** A pass (通行证): who may cross which checkpoints, when. */
export interface PassesTable {
  id: Generated<number>;
  code: string;
  person_id: number;
  area_id: number;
  area_path: string;
  house_id: number | null;
  purpose: string;
  valid_from: Timestamp;
  valid_to: Timestamp;
  /** Empty = every checkpoint of the pass's area. */
  checkpoint_ids: ColumnType<number[], number[] | undefined, number[]>;
  status: Generated<V.PassStatus>;
  applied_by: 'staff' | 'resident';
  issued_at: NullableTimestamp;
  issued_by: string | null;
  revoked_at: NullableTimestamp;
  revoked_by: string | null;
  revoke_reason: string | null;
  /** Who approved or rejected a resident's application, and when. */
  decided_at: NullableTimestamp;
  decided_by: string | null;
  reject_reason: string | null;
  created_at: Timestamp;
}
/** A visitor registered at a residents-only gate through its place code: whom they visit and why. */
export interface GateVisitsTable {
  id: Generated<number>;
  place_scan_id: number;
  checkpoint_id: number;
  area_path: string;
  house_id: number;
  purpose: string;
  visited_at: Timestamp;
}

export type MapFeatureKind = 'road' | 'river' | 'gate';
/** A line (lane, river) or point (gate) of an area's own geography, for maps without a base layer. */
export interface MapFeaturesTable {
  id: Generated<number>;
  area_id: number;
  area_path: string;
  kind: MapFeatureKind;
  name: string;
  geometry: JSONColumnType<MapGeometry, string, string>;
  created_at: Timestamp;
}
export type MapGeometry =
  | { type: 'Point'; coordinates: [number, number] }
  | { type: 'LineString'; coordinates: Array<[number, number]> };

export type EventTier = V.EventTier;
export type EventStatus = V.EventStatus;
export type EventSource = V.EventSource;
export type EventStep = V.EventStep;
export type AlertKind = V.AlertKind;
export type TimeLimitUnit = V.LimitUnit;
export interface TimeLimit {
  amount: number;
  unit: TimeLimitUnit;
}
export type StepLimits = Partial<Record<EventStep, TimeLimit>>;

/** One question of a category's Open311 service definition. */
export interface CategoryAttribute {
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  description_zh: string;
  description_en: string;
  values?: Array<{ key: string; name_zh: string; name_en: string }>;
}
export type EventAction =
  | 'collect'
  | 'alert'
  | 'register'
  | 'reject'
  | 'dispatch'
  | 'reassign'
  | 'accept'
  | 'report'
  | 'return'
  | 'close'
  | 'evaluate'
  | 'suspend'
  | 'resume'
  | 'merge'
  | 'escalate'
  | 'comment';

export interface WorkCalendarDaysTable {
  /** 'YYYY-MM-DD'. */
  day: string;
  kind: 'holiday' | 'workday';
  name: string;
  updated_at: Timestamp;
}

export interface EventCategoriesTable {
  id: Generated<number>;
  parent_id: number | null;
  code: string;
  name_zh: string;
  name_en: string;
  start_tier: Generated<EventTier>;
  limits: JSONColumnType<StepLimits, string | undefined, string>;
  /** Questions an Open311 client asks the reporter for this category (service definition attributes). */
  attributes: JSONColumnType<CategoryAttribute[], string | undefined, string>;
  public: Generated<boolean>;
  sort: Generated<number>;
  retired_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface TeamsTable {
  id: Generated<number>;
  area_id: number;
  area_path: string;
  name: string;
  kind: V.TeamKind;
  leader_user_id: number | null;
  retired_at: NullableTimestamp;
  created_at: Timestamp;
}

export type TeamDuty = V.TeamDuty;

export interface TeamMembersTable {
  team_id: number;
  user_id: number;
  duty: TeamDuty;
  created_at: Timestamp;
}

export interface ResponsibilitiesTable {
  id: Generated<number>;
  user_id: number;
  area_id: number;
  area_path: string;
  house_id: number | null;
  created_at: Timestamp;
}

export interface EventsTable {
  id: Generated<number>;
  code: string;
  category_id: number;
  area_id: number;
  area_path: string;
  tier: EventTier;
  tier_area_id: number;
  source: EventSource;
  status: EventStatus;
  title: string;
  description: string | null;
  address: string | null;
  lng: number | null;
  lat: number | null;
  /** How sure the point is, in metres (the phone's GPS accuracy); null when picked on the map. */
  accuracy_m: number | null;
  /** Legacy clear name: emptied at start (sealClearNames); the name lives in reporter_name_secret. */
  reporter_name: string | null;
  reporter_name_secret: string | null;
  reporter_name_masked: string | null;
  reporter_phone_secret: string | null;
  reporter_phone_masked: string | null;
  reporter_user_id: number | null;
  camera_id: number | null;
  alert_kind: AlertKind | null;
  alert_count: Generated<number>;
  last_alert_at: NullableTimestamp;
  assignee_user_id: number | null;
  assignee_team_id: number | null;
  assignee_department: string | null;
  step: EventStep | null;
  step_started_at: NullableTimestamp;
  step_deadline: NullableTimestamp;
  escalation_count: Generated<number>;
  escalated_at: NullableTimestamp;
  suspended_status: EventStatus | null;
  suspended_reason: string | null;
  merged_into_id: number | null;
  feedback_token_hash: string | null;
  /** The picture URL an Open311 client posted with the request. */
  media_url: string | null;
  /** Answers to the category's attributes, by attribute code (Open311 `attribute[code]`). */
  attributes: ColumnType<Record<string, string | string[]> | null, string | null | undefined, string | null>;
  rating: number | null;
  rating_comment: string | null;
  rated_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  registered_at: NullableTimestamp;
  dispatched_at: NullableTimestamp;
  responded_at: NullableTimestamp;
  reported_at: NullableTimestamp;
  closed_at: NullableTimestamp;
}

export interface EventStepsTable {
  id: Generated<number>;
  event_id: number;
  at: Timestamp;
  action: EventAction;
  from_status: EventStatus | null;
  to_status: EventStatus | null;
  from_tier: EventTier | null;
  to_tier: EventTier | null;
  actor_user_id: number | null;
  actor_name: string;
  note: string | null;
  details: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
}

export interface EventPhotosTable {
  id: Generated<number>;
  event_id: number;
  step_id: number | null;
  purpose: 'report' | 'feedback';
  mime: 'image/jpeg' | 'image/png' | 'image/webp';
  width: number;
  height: number;
  bytes: number;
  sha256: string;
  content: Buffer;
  created_at: Timestamp;
}

export interface DeviceAlertsTable {
  id: Generated<number>;
  camera_id: number;
  external_id: string | null;
  kind: AlertKind;
  occurred_at: Timestamp;
  received_at: Timestamp;
  event_id: number;
  details: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
}

export interface VolunteerHouseholdsTable {
  house_id: number;
  volunteer_user_id: number;
  area_path: string;
  assigned_at: Timestamp;
  assigned_by: string;
}

export type ResidentRequestKind = V.RequestKind;
export type ResidentRequestStatus = V.ServiceRequestStatus;

export interface ResidentRequestsTable {
  id: Generated<number>;
  code: string;
  house_id: number;
  area_id: number;
  area_path: string;
  kind: ResidentRequestKind;
  details: string;
  urgency: Generated<V.Urgency>;
  status: Generated<ResidentRequestStatus>;
  channel: 'household_code' | 'worker';
  /** Legacy clear name: emptied at start (sealClearNames); the name lives in requester_name_secret. */
  requester_name: string | null;
  requester_name_secret: string | null;
  requester_name_masked: string | null;
  contact_secret: string | null;
  contact_masked: string | null;
  volunteer_user_id: number | null;
  created_by_user_id: number | null;
  note: string | null;
  /** SHA-256 (hex) of the follow link given to whoever asked at the door; null for a worker's entry. */
  follow_token_hash: Generated<string | null>;
  created_at: Timestamp;
  accepted_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
  closed_at: NullableTimestamp;
}

export interface ServiceResourcesTable {
  id: Generated<number>;
  area_id: number;
  area_path: string;
  list: 'resource' | 'service';
  kind: string;
  name: string;
  contact_name: string | null;
  phone_secret: string | null;
  phone_masked: string | null;
  address: string | null;
  details: string | null;
  retired_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AnnouncementsTable {
  id: Generated<number>;
  area_id: number;
  area_path: string;
  kind: V.AnnouncementKind;
  title: string;
  body: string;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  status: Generated<V.AnnouncementStatus>;
  published_at: NullableTimestamp;
  expires_at: NullableTimestamp;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AnnouncementReadsTable {
  announcement_id: number;
  house_id: number;
  read_at: Timestamp;
}

export type NotificationChannel = 'sms' | 'webhook' | 'voice';

export interface NotificationsTable {
  id: Generated<number>;
  user_id: number;
  kind: string;
  priority: Generated<'normal' | 'urgent'>;
  title: string;
  body: string | null;
  link: string | null;
  entity_type: string | null;
  entity_id: string | null;
  dedupe_key: string | null;
  created_at: Timestamp;
  read_at: NullableTimestamp;
}

export interface NotificationDeliveriesTable {
  id: Generated<number>;
  notification_id: number;
  channel: NotificationChannel;
  status: Generated<'pending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  locked_until: NullableTimestamp;
  last_error: string | null;
  sent_at: NullableTimestamp;
}

export interface NotificationPreferencesTable {
  user_id: number;
  channel: NotificationChannel;
  enabled: boolean;
  urgent_only: Generated<boolean>;
  address_secret: string | null;
  address_masked: string | null;
  updated_at: Timestamp;
}

/** Document lookups a caller made in one window (POST /api/persons/lookup, full-number search). */
/** Requests to public endpoints per limit key, in a window from the key's first hit (public-limits.ts). */
export interface PublicLimitHitsTable {
  limit_key: string;
  window_start: Timestamp;
  hits: number;
}

export interface LookupBudgetsTable {
  caller: string;
  window_seconds: number;
  window_start: Timestamp;
  used: number;
}

/** A write's Idempotency-Key, claimed before it runs and holding its answer once done. */
export interface IdempotencyKeysTable {
  user_id: number;
  key: string;
  /** SHA-256 of method, path and body: the same key with another body is refused. */
  fingerprint: string;
  state: 'running' | 'done';
  response_status: number | null;
  response_type: string | null;
  response_body: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/** A checklist item as stored with a template and copied into each inspection (label null: built-in, translated by key). */
export interface InspectionItem {
  key: string;
  label: string | null;
}

/** One answer of an inspection: pass, fail or not applicable, with an optional note. */
export interface InspectionAnswer {
  key: string;
  result: 'pass' | 'fail' | 'na';
  note: string | null;
}

export interface InspectionTemplatesTable {
  id: Generated<number>;
  area_id: number;
  area_path: string;
  version: number;
  items: JSONColumnType<InspectionItem[], string, string>;
  rectification_days: number;
  created_by: string;
  created_at: Timestamp;
}

export interface InspectionRoundsTable {
  id: Generated<number>;
  area_id: number;
  area_path: string;
  name: string;
  starts_on: string;
  ends_on: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  status: Generated<'open' | 'closed'>;
  escalated_at: NullableTimestamp;
  created_by: string;
  created_at: Timestamp;
  closed_at: NullableTimestamp;
  closed_by: string | null;
}

export interface EnterpriseInspectionsTable {
  id: Generated<number>;
  unit_id: number;
  area_id: number;
  area_path: string;
  filing_id: number | null;
  round_id: number | null;
  template_id: number | null;
  items: JSONColumnType<InspectionItem[], string, string>;
  answers: JSONColumnType<InspectionAnswer[], string, string>;
  findings: string | null;
  passed: boolean;
  inspector_user_id: number | null;
  inspector_name: string;
  inspected_at: Timestamp;
  lng: number | null;
  lat: number | null;
  created_at: Timestamp;
}

export interface EnterpriseInspectionPhotosTable {
  id: Generated<number>;
  inspection_id: number;
  mime: 'image/jpeg' | 'image/png' | 'image/webp';
  width: number;
  height: number;
  bytes: number;
  sha256: string;
  content: Buffer;
  created_at: Generated<Date>;
}

export interface EnterpriseRectificationsTable {
  id: Generated<number>;
  unit_id: number;
  area_id: number;
  area_path: string;
  inspection_id: number;
  item_key: string;
  item_label: string | null;
  note: string | null;
  deadline: Timestamp;
  status: Generated<'open' | 'closed'>;
  tier: EventTier;
  tier_area_id: number;
  escalate_at: NullableTimestamp;
  escalation_count: Generated<number>;
  closed_at: NullableTimestamp;
  closed_by_inspection_id: number | null;
  created_at: Timestamp;
}

export interface RosterUploadsTable {
  id: Generated<number>;
  unit_id: number;
  area_path: string;
  file_name: string;
  received: Generated<number>;
  accepted: Generated<number>;
  removed: Generated<number>;
  rejected: JSONColumnType<
    Array<{
      row: number;
      field: string;
      code: string;
      params?: Record<string, string | number | boolean | null>;
      message: string;
    }>,
    string | undefined,
    string
  >;
  rejected_total: Generated<number>;
  created_at: Timestamp;
}

export interface RosterEmployeesTable {
  id: Generated<number>;
  unit_id: number;
  area_path: string;
  document_hash: string;
  document_masked: string;
  name_masked: string;
  phone_masked: string | null;
  secret: string;
  source: 'roster' | 'application';
  upload_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DB {
  idempotency_keys: IdempotencyKeysTable;
  cameras: CamerasTable;
  checkpoints: CheckpointsTable;
  checkpoint_shifts: CheckpointShiftsTable;
  checkpoint_duty: CheckpointDutyTable;
  checkpoint_gaps: CheckpointGapsTable;
  checkpoint_records: CheckpointRecordsTable;
  checkpoint_device_reads: CheckpointDeviceReadsTable;
  vehicle_trails: VehicleTrailsTable;
  pass_signing_keys: PassSigningKeysTable;
  passes: PassesTable;
  gate_visits: GateVisitsTable;
  map_features: MapFeaturesTable;
  work_calendar_days: WorkCalendarDaysTable;
  event_categories: EventCategoriesTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  responsibilities: ResponsibilitiesTable;
  events: EventsTable;
  event_steps: EventStepsTable;
  event_photos: EventPhotosTable;
  device_alerts: DeviceAlertsTable;
  volunteer_households: VolunteerHouseholdsTable;
  resident_requests: ResidentRequestsTable;
  service_resources: ServiceResourcesTable;
  announcements: AnnouncementsTable;
  announcement_reads: AnnouncementReadsTable;
  notifications: NotificationsTable;
  notification_deliveries: NotificationDeliveriesTable;
  notification_preferences: NotificationPreferencesTable;
  feed_batches: FeedBatchesTable;
  feed_batch_payloads: FeedBatchPayloadsTable;
  health_records: HealthRecordsTable;
  person_health: PersonHealthTable;
  health_checkins: HealthCheckinsTable;
  commitment_letters: CommitmentLettersTable;
  certificate_sequences: CertificateSequencesTable;
  certificates: CertificatesTable;
  checkin_messages: CheckinMessagesTable;
  risk_areas: RiskAreasTable;
  screening_rounds: ScreeningRoundsTable;
  round_marks: RoundMarksTable;
  round_counters: RoundCountersTable;
  sweep_campaigns: SweepCampaignsTable;
  roster_employees: RosterEmployeesTable;
  roster_uploads: RosterUploadsTable;
  sweep_counters: SweepCountersTable;
  sweep_households: SweepHouseholdsTable;
  sweep_visits: SweepVisitsTable;
  inspection_templates: InspectionTemplatesTable;
  inspection_rounds: InspectionRoundsTable;
  enterprise_inspections: EnterpriseInspectionsTable;
  enterprise_inspection_photos: EnterpriseInspectionPhotosTable;
  enterprise_rectifications: EnterpriseRectificationsTable;
  key_persons: KeyPersonsTable;
  follow_ups: FollowUpsTable;
  leads: LeadsTable;
  lead_events: LeadEventsTable;
  houses: HousesTable;
  persons: PersonsTable;
  lookup_budgets: LookupBudgetsTable;
  public_limit_hits: PublicLimitHitsTable;
  person_history: PersonHistoryTable;
  units: UnitsTable;
  tenancies: TenanciesTable;
  areas: AreasTable;
  users: UsersTable;
  login_throttle: LoginThrottleTable;
  login_budget: LoginBudgetTable;
  user_mfa: UserMfaTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
  mfa_challenges: MfaChallengesTable;
  role_assignments: RoleAssignmentsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  app_meta: AppMetaTable;
  access_codes: AccessCodesTable;
  enterprise_filings: EnterpriseFilingsTable;
  enterprise_filing_steps: EnterpriseFilingStepsTable;
  enterprise_filing_documents: EnterpriseFilingDocumentsTable;
  pending_changes: PendingChangesTable;
  places: PlacesTable;
  place_scans: PlaceScansTable;
  household_visits: HouseholdVisitsTable;
  import_jobs: ImportJobsTable;
}

/** Prevention supplies of a filing: stock and days of cover per kind (口罩, 体温计, 消毒液). */
export interface FilingSupplies {
  masks?: { stock: number; days: number };
  thermometers?: { stock: number; days: number };
  disinfectant?: { stock: number; days: number };
}

export type FilingState = 'draft' | 'submitted' | 'inspected' | 'approved' | 'returned' | 'suspended';

export interface EnterpriseFilingsTable {
  id: Generated<number>;
  unit_id: number;
  area_id: number;
  area_path: string;
  state: ColumnType<FilingState, FilingState | undefined, FilingState>;
  planned_on: string | null;
  headcount: number | null;
  supplies: JSONColumnType<FilingSupplies, string | undefined, string>;
  plan: string | null;
  signer_name: string | null;
  signed_at: NullableTimestamp;
  commitment_version: string | null;
  submitted_at: NullableTimestamp;
  decide_by: NullableTimestamp;
  reminded_at: NullableTimestamp;
  inspection_id: number | null;
  inspection_passed: boolean | null;
  return_reasons: string | null;
  decided_at: NullableTimestamp;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EnterpriseFilingStepsTable {
  id: Generated<number>;
  filing_id: number;
  action: string;
  from_state: FilingState | null;
  to_state: FilingState;
  actor_name: string;
  at: Timestamp;
  reason: string | null;
  inspection_id: number | null;
}

export interface EnterpriseFilingDocumentsTable {
  id: Generated<number>;
  filing_id: number;
  title: string;
  mime: 'application/pdf' | 'image/jpeg' | 'image/png' | 'image/webp';
  bytes: number;
  sha256: string;
  content: Buffer;
  created_by: string;
  created_at: Timestamp;
}

export interface ImportJobsTable {
  id: string;
  kind: 'persons' | 'houses' | 'units';
  status: Generated<V.ImportStatus>;
  file_name: string;
  user_id: number | null;
  actor_name: string;
  scope_paths: ColumnType<string[], string[], string[]>;
  dry_run: Generated<boolean>;
  total_bytes: number | null;
  bytes_read: Generated<number>;
  processed_rows: Generated<number>;
  report: JSONColumnType<object | null, string | null | undefined, string | null>;
  rejected_total: Generated<number>;
  headers: JSONColumnType<string[] | null, string | null | undefined, string | null>;
  reject_rows: string | null;
  error: string | null;
  created_at: Timestamp;
  heartbeat_at: Timestamp;
  finished_at: NullableTimestamp;
  /** The app process running the import (staging.ts PROCESS_OWNER). */
  owner: string | null;
}
