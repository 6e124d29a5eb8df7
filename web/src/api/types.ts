// Shapes of the Gridguard HTTP API as the web app sees them (mirrors the server's response schemas).

// Closed vocabularies come from the server's own list (src/core/vocabulary.ts).
import type { AreaKind as Kind, DepartmentCategory, Level, Role } from './vocabulary';
import type { Geometry } from './model';

export {
  LEVELS,
  AREA_KINDS as KINDS,
  ROLES,
  DEPARTMENT_CATEGORY_NAMES as DEPARTMENT_CATEGORIES,
  type Level,
  type AreaKind as Kind,
  type Role,
  type DepartmentCategory,
  type Right,
} from './vocabulary';

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
  /** Where each right holds: in the grant's area and everything under it (areaPath is a prefix). */
  grants: Array<{ areaId: number; areaPath: string; rights: string[] }>;
}

export interface PageQuery {
  page?: number;
  pageSize?: number;
}

export interface MeAssignment {
  role: string;
  areaId: number;
  areaCode: string;
  areaName: string;
  areaLevel: string;
  categories: string[];
}

export interface Me {
  id: number;
  username: string;
  displayName: string;
  locale: string;
  mustChangePassword: boolean;
  /** A second factor (authenticator app) is set up. */
  mfaEnabled: boolean;
  /** The server requires a second factor of this account before anything else. */
  mfaEnrolmentRequired: boolean;
  mfaMode: 'required' | 'optional' | 'off';
  csrfToken: string;
  assignments: MeAssignment[];
  rights: string[];
}

/** The password was right; the account's second factor is still owed. */
export interface MfaChallenge {
  mfaRequired: true;
  challenge: string;
  expiresAt: string;
}

export interface MfaSetup {
  secret: string;
  otpauthUri: string;
  qrDataUrl: string;
}

/** What a refused sign-in tells: tries left, and how long a lock lasts (or still lasts). */
export interface LoginFailureDetails {
  triesLeft: number;
  lockMinutes: number;
  locked: boolean;
}

export interface LngLat {
  lng: number;
  lat: number;
}
  /** "/1/5/23/" where the server tells it: for useAuth().canAt. */
  path?: string;

/** The server's GeoJSON Polygon or MultiPolygon (rings are checked by the server). */
export type AreaGeometry = Geometry;

export interface Area {
  id: number;
  parentId: number | null;
  code: string;
  name: string;
  level: Level;
  kind: Kind;
  depth: number;
  centre: LngLat | null;
  hasBoundary: boolean;
  retired: boolean;
  childCount: number;
}

export interface AreaRef {
  id: number;
  code: string;
  name: string;
  level: Level;
}

export interface StaffMember {
  userId: number;
  displayName: string;
  username: string;
  role: string;
}

export interface AreaDetail extends Area {
  ancestors: AreaRef[];
  boundary: AreaGeometry | null;
  descendantCounts: Partial<Record<Level, number>>;
  staff: StaffMember[];
}

export interface AreaListQuery extends PageQuery {
  parentId?: number;
  within?: number;
  level?: Level;
  kind?: Kind;
  q?: string;
  includeRetired?: boolean;
}

export interface AreaFeature {
  type: 'Feature';
  id: number;
  properties: { id: number; code: string; name: string; level: Level; kind: Kind };
  geometry: AreaGeometry | null;
}

export interface AreaFeatureCollection {
  type: 'FeatureCollection';
  features: AreaFeature[];
}

export interface CreateAreaInput {
  parentId: number;
  name: string;
  code?: string;
  kind?: Kind;
  boundary?: AreaGeometry | null;
  centre?: LngLat | null;
}

export interface UpdateAreaInput {
  name?: string;
  kind?: Kind;
  boundary?: AreaGeometry | null;
  centre?: LngLat | null;
}

export interface UserAssignment {
  id: number;
  role: Role;
  areaId: number;
  areaCode: string;
  areaName: string;
  areaLevel: string;
  categories: string[];
}

export interface User {
  /** 'manage': the caller may change this account (as the server decides). */
  allowedActions?: string[];
  id: number;
  username: string;
  displayName: string;
  disabled: boolean;
  locked: boolean;
  mfaEnabled: boolean;
  mustChangePassword: boolean;
  lastLoginAt: string | null;
  assignments: UserAssignment[];
}

export interface UserListQuery extends PageQuery {
  q?: string;
  areaId?: number;
  role?: Role;
}

export interface AssignmentInput {
  role: Role;
  areaId: number;
  categories?: DepartmentCategory[];
}

export interface CreateUserInput {
  username: string;
  displayName: string;
  password: string;
  assignments: AssignmentInput[];
}

export interface UpdateUserInput {
  displayName?: string;
  disabled?: boolean;
  unlock?: boolean;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  ip: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
}

export interface AuditQuery extends PageQuery {
  action?: string;
  entityType?: string;
  entityId?: string;
  actor?: string;
  from?: string;
  to?: string;
}

export interface FieldProblem {
  field: string;
  message: string;
}

export interface Health {
  status: 'ok';
  database: 'pglite' | 'postgres';
}

export { AUDIT_ACTIONS, ENTITY_TYPES as AUDIT_ENTITY_TYPES } from './vocabulary';

// ---- Register (一标三实): persons, houses, units ----

export const DOCUMENT_TYPES = [
  'resident_id',
  'passport',
  'hk_macao_permit',
  'taiwan_permit',
  'foreign_permanent_resident',
  'hmt_residence_permit',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const SEXES = ['male', 'female', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];

export const RESIDENCE_TYPES = ['registered', 'permanent', 'floating', 'temporary'] as const;
export type ResidenceType = (typeof RESIDENCE_TYPES)[number];

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

export const PERSON_STATUSES = ['active', 'departed', 'deceased'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];

/** Areas a person or house may be registered in. */
export const RESIDENT_LEVELS: readonly Level[] = ['grid', 'microgrid', 'cell'];

export interface AreaSummary {
  id: number;
  code: string;
  name: string;
}

export interface Person {
  id: number;
  name: string;
  documentType: string;
  /** Always masked (1****************4); the number itself only through reveal. */
  documentMasked: string;
  sex: string;
  /** The year only; the full date comes with reveal (mask and date together would be the number). */
  birthYear: number | null;
  phoneMasked: string | null;
  hukouAddress: string | null;
  currentAddress: string | null;
  residenceType: string;
  relation: string | null;
  arrivalDate: string | null;
  arrivalReason: string | null;
  arrivedFrom: string | null;
  expectedDeparture: string | null;
  workplace: string | null;
  tags: string[];
  status: string;
  departedOn: string | null;
  departureDestination: string | null;
  area: AreaSummary | null;
  house: { id: number; address: string } | null;
  updatedAt: string;
}

export interface PersonHistoryEntry {
  at: string;
  /** registered, moved_in, moved_out, changed_area, updated, merged, returned */
  kind: string;
  fromArea: string | null;
  toArea: string | null;
  /** Field → {from, to}; secrets as "previous"/"new"; or other details (reason, departedOn…). */
  changes: unknown;
  actor: string;
  source: string | null;
}

export interface PersonDetail extends Person {
  history: PersonHistoryEntry[];
}

export interface PersonQuery extends PageQuery {
  q?: string;
  within?: number;
  houseId?: number;
  tag?: PersonTag;
  residenceType?: ResidenceType;
  status?: PersonStatus | 'all';
}

export interface RegisterPersonInput {
  documentType?: DocumentType;
  documentNumber: string;
  areaId?: number;
  houseId?: number;
  name: string;
  sex?: Sex;
  birthDate?: string;
  phone?: string;
  hukouAddress?: string;
  currentAddress?: string;
  residenceType?: ResidenceType;
  relation?: string;
  arrivalDate?: string;
  arrivalReason?: string;
  arrivedFrom?: string;
  expectedDeparture?: string;
  workplace?: string;
  tags?: PersonTag[];
}

export interface UpdatePersonInput {
  name?: string;
  phone?: string | null;
  hukouAddress?: string | null;
  currentAddress?: string | null;
  residenceType?: ResidenceType;
  relation?: string | null;
  expectedDeparture?: string | null;
  workplace?: string | null;
  tags?: PersonTag[];
}

export interface MovePersonInput {
  houseId?: number;
  areaId?: number;
  reason?: string;
}

export interface DepartPersonInput {
  departedOn: string;
  destination?: string;
}

export interface RevealedPerson {
  documentNumber: string;
  phone: string | null;
  birthDate: string | null;
}

export interface DocumentLookup {
  documentType: string;
  documentMasked: string;
  sex: string | null;
  birthDate: string | null;
  regionCode: string | null;
  /** The person with this document, if registered in the caller's area. */
  existing: Person | null;
  /** Registered, but elsewhere (nothing more is told). */
  registeredElsewhere: boolean;
}

export const HOUSE_USES = ['residential', 'commercial', 'mixed', 'industrial', 'public', 'other'] as const;
export type HouseUse = (typeof HOUSE_USES)[number];
export const HOUSE_TENURES = ['owned', 'rented', 'public', 'collective', 'other'] as const;
export type HouseTenure = (typeof HOUSE_TENURES)[number];
export const HOUSE_TYPES = ['house', 'apartment', 'villa', 'dormitory', 'shop', 'other'] as const;
export type HouseType = (typeof HOUSE_TYPES)[number];

export interface House {
  id: number;
  address: string;
  addressCode: string | null;
  road: string | null;
  doorNumber: string | null;
  building: string | null;
  unitNumber: string | null;
  room: string | null;
  use: string;
  tenure: string;
  houseType: string;
  rooms: number | null;
  floorArea: number | null;
  landlordPersonId: number | null;
  area: AreaSummary;
  occupants: number;
}

export interface Tenancy {
  id: number;
  tenantPersonId: number;
  tenantName: string;
  landlordPersonId: number | null;
  startsOn: string;
  endsOn: string | null;
  leaseReference: string | null;
  status: string;
}

export interface HouseDetail extends House {
  residents: Person[];
  tenancies: Tenancy[];
}

export interface HouseQuery extends PageQuery {
  within?: number;
  q?: string;
}

export interface HouseInput {
  areaId: number;
  address: string;
  addressCode?: string;
  road?: string;
  doorNumber?: string;
  building?: string;
  unitNumber?: string;
  room?: string;
  use?: HouseUse;
  tenure?: HouseTenure;
  houseType?: HouseType;
  rooms?: number;
  floorArea?: number;
  landlordPersonId?: number;
}

export type UpdateHouseInput = Partial<Omit<HouseInput, 'areaId'>>;

export interface TenancyInput {
  tenantPersonId: number;
  landlordPersonId?: number;
  startsOn: string;
  endsOn?: string;
  leaseReference?: string;
}

export const UNIT_CATEGORIES = ['enterprise', 'shop', 'school', 'site', 'hotel', 'office', 'other'] as const;
export type UnitCategory = (typeof UNIT_CATEGORIES)[number];

export interface Unit {
  id: number;
  name: string;
  category: string;
  creditCode: string | null;
  legalPerson: string | null;
  contactName: string | null;
  contactPhoneMasked: string | null;
  employees: number | null;
  address: string | null;
  area: AreaSummary;
  houseId: number | null;
}

export interface UnitQuery extends PageQuery {
  within?: number;
  q?: string;
  category?: UnitCategory;
}

export interface UnitInput {
  areaId: number;
  name: string;
  category: UnitCategory;
  creditCode?: string;
  legalPerson?: string;
  contactName?: string;
  contactPhone?: string;
  employees?: number;
  address?: string;
  houseId?: number;
}

export interface PersonExportQuery {
  /** The area whose subtree is exported. */
  within: number;
  reveal?: boolean;
  reason?: string;
  status?: 'active' | 'all';
}

// ---- Household codes (一户一码), self-report and place codes ----

export const CODE_KINDS = ['household', 'self_report', 'place'] as const;
export type CodeKind = (typeof CODE_KINDS)[number];

export interface AccessCode {
  id: number;
  kind: CodeKind;
  status: 'active' | 'revoked';
  issuedAt: string;
  issuedBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
  revokeReason: string | null;
  houseId: number | null;
  placeId: number | null;
  area: AreaSummary;
  /** House address, place name or community name. */
  label: string;
  /** Only in the answer that issued the code. */
  scanUrl: string | null;
}

/** The answer of issuing an area's door codes. */
export interface DoorCodesIssued {
  area: AreaSummary;
  houses: number;
  issued: number;
  alreadyHad: number;
}

export interface CodeQuery extends PageQuery {
  kind?: CodeKind;
  within?: number;
  houseId?: number;
  placeId?: number;
  status?: 'active' | 'revoked' | 'all';
}

export const PENDING_KINDS = ['arrival', 'departure', 'self_report'] as const;
export type PendingKind = (typeof PENDING_KINDS)[number];
export const PENDING_STATUSES = ['pending', 'confirmed', 'rejected'] as const;
export type PendingStatus = (typeof PENDING_STATUSES)[number];

export interface PendingChange {
  id: number;
  kind: PendingKind;
  status: PendingStatus;
  submittedAt: string;
  house: { id: number; address: string } | null;
  area: AreaSummary;
  name: string;
  documentType: string;
  documentMasked: string;
  phoneMasked: string | null;
  answers: {
    arrivedFrom?: string;
    arrivalDate?: string;
    arrivalReason?: string;
    relation?: string;
    departedOn?: string;
    destination?: string;
    travelStartedOn?: string;
    transport?: string;
    address?: string;
  };
  /** Only for viewers with health.read there. */
  health: { healthCodeColour: string | null; vaccinationDoses: number | null } | null;
  /** Departure: the resident it will de-register; arrival: the registered person it will update. */
  matchedPersonId: number | null;
  decidedAt: string | null;
  decidedBy: string | null;
  rejectReason: string | null;
  personId: number | null;
}

export interface PendingQuery extends PageQuery {
  within?: number;
  status?: PendingStatus | 'all';
  kind?: PendingKind;
}

export interface ConfirmInput {
  houseId?: number;
  areaId?: number;
  residenceType?: ResidenceType;
}

export interface ConfirmResult {
  change: PendingChange;
  person: Person;
}

// ---- Household visits (智慧走访) ----

export interface Visit {
  id: number;
  house: { id: number; address: string };
  area: AreaSummary;
  worker: { userId: number | null; name: string };
  visitedAt: string;
  seenPersonIds: number[];
  counts: { seen: number; arrivals: number; departures: number; phoneUpdates: number; tagUpdates: number };
  notes: string | null;
}

export interface VisitQuery extends PageQuery {
  within?: number;
  worker?: number;
  houseId?: number;
  from?: string;
  to?: string;
}

export type VisitArrivalInput = Omit<RegisterPersonInput, 'areaId' | 'houseId'>;

export interface VisitInput {
  houseId: number;
  visitedAt?: string;
  seenPersonIds: number[];
  notes?: string;
  changes?: {
    arrivals?: VisitArrivalInput[];
    departures?: Array<{ personId: number; departedOn: string; destination?: string }>;
    phoneUpdates?: Array<{ personId: number; phone: string | null }>;
    tagUpdates?: Array<{ personId: number; tags: PersonTag[] }>;
  };
}

export interface VisitResult {
  visit: Visit;
  persons: { arrived: Person[]; departed: Person[]; updated: Person[] };
}

export interface CoverageRow {
  area: AreaSummary & { level: string };
  houses: number;
  visitedHouses: number;
  /** visitedHouses / houses; 0 without houses. */
  coverage: number;
  visits: number;
  workers: Array<{ userId: number | null; name: string; visits: number; houses: number }>;
}

export interface Coverage {
  from: string;
  to: string;
  total: CoverageRow;
  rows: CoverageRow[];
}

export interface CoverageQuery {
  areaId: number;
  from?: string;
  to?: string;
}

// ---- Register imports ----

export const IMPORT_KINDS = ['persons', 'houses', 'units'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export interface ImportField {
  field: string;
  /** The template's (Chinese) header for the field. */
  label: string;
  required: boolean;
  synonyms: string[];
}

export interface ImportPreview {
  fileName: string;
  format: 'csv' | 'xlsx';
  encoding: string | null;
  sheetName: string | null;
  headers: string[];
  /** File header → the field it was recognised as, or null. */
  mapping: Record<string, string | null>;
  fields: ImportField[];
  missingRequired: string[];
  duplicates: Array<{ field: string; headers: string[] }>;
  /** The first rows by header; ID numbers and phones masked. */
  rows: Array<{ row: number; values: Record<string, string> }>;
}

export interface RowReject {
  row: number;
  field: string;
  code: string;
  message: string;
}

export interface ImportReport {
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: RowReject[];
}

export interface ImportJob {
  id: string;
  kind: ImportKind;
  status: 'running' | 'done' | 'failed';
  fileName: string;
  dryRun: boolean;
  processedRows: number;
  bytesRead: number;
  totalBytes: number | null;
  report: ImportReport | null;
  rejectedTotal: number;
  error: string | null;
  startedBy: string;
  createdAt: string;
  finishedAt: string | null;
}

// ---- Public forms (no sign-in): door page, self-report, place scan ----

export const HEALTH_CODE_COLOURS = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'] as const;
export type HealthCodeColour = (typeof HEALTH_CODE_COLOURS)[number];

export interface FormOptions {
  documentTypes: Array<{ value: string; label: string }>;
  healthCodeColours: Array<{ value: string; label: string }>;
  vaccinationDoses: { minimum: number; maximum: number };
  arrivalReasons: string[];
  relations: string[];
  /** Dates the server accepts today, by field. */
  dateLimits: Record<string, { min: string; max: string }>;
}

export interface HouseholdDoorPage {
  house: {
    address: string;
    doorNumber: string | null;
    building: string | null;
    unitNumber: string | null;
    room: string | null;
  };
  community: { name: string } | null;
  instruction: string;
  forms: FormOptions;
}

export interface SelfReportPage {
  community: { name: string };
  instruction: string;
  forms: FormOptions;
}

export const PLACE_KINDS = [
  'shop',
  'office',
  'gate',
  'site',
  'school',
  'hotel',
  'transport',
  'other',
] as const;

export interface PlacePublicPage {
  place: { name: string; kind: string };
  community: { name: string } | null;
  instruction: string;
  retentionDays: number;
}

interface PublicIdentity {
  documentType?: DocumentType;
  documentNumber: string;
  name: string;
}

export interface ArrivalInput extends PublicIdentity {
  phone: string;
  arrivedFrom: string;
  arrivalDate: string;
  arrivalReason: string;
  healthCodeColour: HealthCodeColour;
  vaccinationDoses: number;
  relation?: string;
}

export interface DepartureInput extends PublicIdentity {
  departedOn: string;
  destination: string;
}

export interface SelfReportInput extends PublicIdentity {
  phone: string;
  arrivedFrom: string;
  travelStartedOn: string;
  arrivalDate: string;
  transport?: string;
  address: string;
  healthCodeColour: HealthCodeColour;
  vaccinationDoses?: number;
}

export interface PlaceScanInput {
  documentType?: DocumentType;
  documentNumber?: string;
  phone?: string;
  name?: string;
}

export interface SubmissionReceipt {
  status: 'pending';
  message: string;
}

export interface ScanReceipt {
  status: 'recorded';
  place: string;
  scannedAt: string;
  message: string;
}

/** Suggestions the forms offer (any short text is accepted); the door page gets them from the server. */
export const ARRIVAL_REASONS = ['务工', '经商', '探亲访友', '就学', '返乡', '租住', '其他'] as const;
export const RELATIONS = ['户主', '配偶', '子女', '父母', '其他亲属', '租客', '其他'] as const;

// ---- Epidemic prevention: screening rounds, key persons, leads, inbox, contacts, dashboard ----

export interface Round {
  id: number;
  name: string;
  /** The follow-up's area path: for useAuth().canAt. */
  areaPath?: string;
  area: AreaRef;
  startsAt: string;
  endsAt: string;
  status: 'open' | 'closed';
  createdBy: string;
  createdAt: string;
  closedAt: string | null;
  closedBy: string | null;
}

export interface RoundQuery extends PageQuery {
  status?: 'open' | 'closed';
  within?: number;
}

export interface CreateRoundInput {
  areaId: number;
  name: string;
  startsAt: string;
  endsAt: string;
}

export interface CoverageFigures {
  due: number;
  tested: number;
  exempt: number;
  /** due − tested − exempt */
  untested: number;
  departed: number;
  /** tested / due; null when nobody is due. */
  testedShare: number | null;
}

export interface AreaCoverage extends CoverageFigures {
  area: AreaRef;
}

export interface RoundCoverage {
  round: Round;
  node: AreaCoverage;
  children: AreaCoverage[];
}

export const EXEMPT_REASONS = ['bedridden', 'infant', 'away', 'other'] as const;
export const OUTCOME_REASONS = ['refused', 'tested_elsewhere', 'unreachable', 'scheduled'] as const;
export type MarkKind = 'exempt' | 'outcome';
export type MarkReason = (typeof EXEMPT_REASONS)[number] | (typeof OUTCOME_REASONS)[number];

export interface RoundMark {
  roundId: number;
  personId: number;
  kind: MarkKind;
  reason: string;
  note: string | null;
  markedBy: string;
  markedAt: string;
}

export interface MarkInput {
  kind: MarkKind;
  reason: MarkReason;
  note?: string;
}

export interface UntestedPerson {
  personId: number;
  name: string;
  documentMasked: string;
  phoneMasked: string | null;
  address: string | null;
  house: { id: number; address: string } | null;
  area: AreaSummary;
  tags: string[];
  lastTestAt: string | null;
  lastTestResult: string | null;
  mark: RoundMark | null;
}

export interface UntestedQuery extends PageQuery {
  within?: number;
}

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
export const KEY_PERSON_STATUSES = ['active', 'ended', 'transferred'] as const;
export type KeyPersonStatus = (typeof KEY_PERSON_STATUSES)[number];

export interface FollowUpPlan {
  temperatureSlots?: Array<'am' | 'pm'>;
  testDays?: number[];
  dailyCall?: boolean;
  visitDays?: number[];
}

export interface KeyPersonSubject {
  id: number;
  name: string;
  documentMasked: string;
  phoneMasked: string | null;
  address: string | null;
  area: AreaSummary | null;
}

export interface KeyPerson {
  id: number;
  person: KeyPersonSubject;
  category: KeyPersonCategory;
  status: KeyPersonStatus;
  startsOn: string;
  endsOn: string;
  responsible: { id: number; name: string } | null;
  plan: FollowUpPlan;
  reason: string | null;
  source: string;
  createdAt: string;
  endedAt: string | null;
  endedBy: string | null;
  endNote: string | null;
  followUps: { dueToday: number; doneToday: number; missing: number };
}

export const FOLLOW_UP_KINDS = ['temperature', 'test', 'visit', 'call'] as const;
export type FollowUpKind = (typeof FOLLOW_UP_KINDS)[number];

export interface FollowUp {
  id: number;
  dueOn: string;
  /** "am"/"pm" for temperatures, else the kind. */
  slot: string;
  kind: FollowUpKind;
  done: boolean;
  doneAt: string | null;
  doneBy: string | null;
  temperature: number | null;
  symptoms: string | null;
  note: string | null;
}

export interface KeyPersonDetail extends KeyPerson {
  schedule: FollowUp[];
}

export interface KeyPersonQuery extends PageQuery {
  within?: number;
  category?: KeyPersonCategory;
  status?: KeyPersonStatus | 'all';
  responsible?: 'me' | number;
}

export interface CreateKeyPersonInput {
  personId: number;
  category: KeyPersonCategory;
  startsOn?: string;
  endsOn?: string;
  reason?: string;
}

export interface RecordFollowUpInput {
  temperature?: number;
  symptoms?: string;
  note?: string;
}

export interface KeyPersonTask {
  kind: 'follow_up_missing' | 'period_ended';
  keyPersonId: number;
  category: KeyPersonCategory;
  person: KeyPersonSubject;
  responsible: { id: number; name: string } | null;
  since: string;
  missing: number;
  endsOn: string;
}

export interface KeyPersonTaskQuery extends PageQuery {
  within?: number;
  responsible?: 'me' | number;
}

export const LEAD_TIERS = ['worker', 'grid_leader', 'community'] as const;
export type LeadTier = (typeof LEAD_TIERS)[number];
export const LEAD_STATUSES = ['open', 'verified'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
export const LEAD_OUTCOMES = ['found_here', 'moved', 'not_found', 'wrong_data'] as const;
export type LeadOutcome = (typeof LEAD_OUTCOMES)[number];
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

export interface Lead {
  id: number;
  batchReference: string | null;
  reason: string;
  deadline: string;
  overdue: boolean;
  status: LeadStatus;
  tier: LeadTier;
  routedBy: 'person' | 'address' | 'manual' | 'inbox';
  area: AreaRef;
  personId: number | null;
  nameMasked: string | null;
  documentMasked: string | null;
  phoneMasked: string | null;
  address: string | null;
  outcome: LeadOutcome | null;
  measures: string[];
  note: string | null;
  verifiedAt: string | null;
  verifiedBy: string | null;
  escalatedAt: string | null;
  createdAt: string;
  createdBy: string;
}

export interface LeadEvent {
  at: string;
  kind: 'created' | 'routed' | 'escalated' | 'verified';
  fromTier: LeadTier | null;
  toTier: LeadTier | null;
  fromArea: { id: number; name: string } | null;
  toArea: { id: number; name: string } | null;
  actor: string;
  details: unknown;
}

export interface LeadDetail extends Lead {
  history: LeadEvent[];
  responsible: Array<{ userId: number; name: string; role: string }>;
}

export interface LeadQuery extends PageQuery {
  within?: number;
  status?: LeadStatus;
  tier?: LeadTier;
  overdue?: boolean;
  batch?: string;
  personId?: number;
  mine?: boolean;
}

export interface VerifyLeadInput {
  outcome: LeadOutcome;
  measures: LeadMeasure[];
  note?: string;
  personId?: number;
  keyPerson?: { category: KeyPersonCategory };
}

export interface VerifyLeadResult {
  lead: LeadDetail;
  keyPerson: { personId: number; category: KeyPersonCategory; keyPersonId: number } | null;
}

export interface LeadIdentity {
  documentNumber: string | null;
  phone: string | null;
  name: string | null;
}

export interface ProgressCounts {
  total: number;
  verified: number;
  open: number;
  overdue: number;
  leftToZero: number;
  cleared: boolean;
}

export interface LeadProgress {
  node: AreaRef;
  asOf: string;
  total: ProgressCounts;
  /** Held at the node itself: its community inbox. */
  atNode: ProgressCounts;
  rows: Array<ProgressCounts & { area: AreaRef }>;
}

export interface LeadImportReport {
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: RowReject[];
  rejectedTotal: number;
  routed: { person: number; address: number; inbox: number };
}

export const INBOX_STATUSES = ['open', 'matched', 'lead', 'dismissed'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];
export const INBOX_REASONS = ['unknown_number', 'invalid_number'] as const;
export type InboxReason = (typeof INBOX_REASONS)[number];
export const RECORD_KINDS = ['tests', 'vaccinations', 'temperatures', 'healthcodes'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export interface InboxRecord {
  id: number;
  kind: string;
  source: string;
  batchId: number | null;
  reason: InboxReason | null;
  status: InboxStatus;
  areaId: number;
  personId: number | null;
  occurredAt: string;
  result: string | null;
  value: number | null;
  details: Record<string, string> | null;
  documentMasked: string | null;
  nameMasked: string | null;
  note: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  receivedAt: string;
}

export interface InboxQuery extends PageQuery {
  within?: number;
  reason?: InboxReason;
  kind?: RecordKind;
  status?: InboxStatus;
}

export interface ContactWindow {
  from?: string;
  to?: string;
  hours?: number;
}

export interface Contact {
  ref: string;
  sources: Array<'scan' | 'household'>;
  registered: boolean;
  person: { id: number; area: AreaSummary | null } | null;
  nameMasked: string | null;
  documentMasked: string | null;
  phoneMasked: string | null;
  encounters: Array<{
    placeId: number;
    placeName: string;
    caseScannedAt: string;
    scannedAt: string;
    minutesApart: number;
  }>;
  firstAt: string | null;
}

export interface ContactList {
  case: {
    personId: number;
    nameMasked: string;
    documentMasked: string;
    area: AreaSummary | null;
    positive: { recordId: number; occurredAt: string } | null;
  };
  window: { from: string; to: string; hours: number };
  visits: Array<{ placeId: number; placeName: string; scannedAt: string }>;
  contacts: Contact[];
}

export interface ContactLeadsInput extends ContactWindow {
  refs: string[];
  deadlineHours?: number;
}

export interface ContactLeadsResult {
  inserted: number;
  unchanged: number;
  routed: { person: number; address: number; inbox: number };
  leads: Array<{ ref: string; id: number; routedBy: string; area: AreaSummary | null }>;
}

export interface DashboardArea extends AreaRef {
  hasBoundary: boolean;
  childCount: number;
}

export interface DashboardChild {
  area: DashboardArea;
  residents: number;
  tested: number | null;
  untested: number | null;
  /** 0–1; null without an open round or residents. */
  untestedShare: number | null;
  keyPersons: number;
  openLeads: number;
  overdueLeads: number;
  /** Null when the user may not read events there. */
  openEvents: number | null;
  overdueEvents: number | null;
}

export const DASHBOARD_EVENT_TIERS = ['microgrid', 'grid', 'village', 'township', 'county'] as const;

/** Open = collected … reported or suspended; overdue = clocked and past the step deadline; today = China day. */
export interface DashboardEventFigures {
  open: number;
  overdue: number;
  newToday: number;
  closedToday: number;
  alertsLastHour: number;
  byTier: Record<(typeof DASHBOARD_EVENT_TIERS)[number], number>;
  /** Resident requests open or accepted, and those nobody has taken. */
  openRequests: number;
  unassignedRequests: number;
}

export interface Dashboard {
  node: DashboardArea;
  /** Ancestors the user may read, top first. */
  trail: AreaRef[];
  asOf: string;
  figures: {
    residents: number;
    keyPersons: { total: number; byCategory: Record<KeyPersonCategory, number> };
    leads: { total: number; verified: number; open: number; overdue: number; leftToZero: number };
    pendingArrivals: number;
    /** Null without event.read over the node. */
    events: DashboardEventFigures | null;
  };
  round: {
    id: number;
    name: string;
    area: AreaRef;
    startsAt: string;
    endsAt: string;
    coversNode: boolean;
    coverage: CoverageFigures;
  } | null;
  children: DashboardChild[];
  trend: { days: string[]; tests: number[]; newKeyPersons: number[]; leadsVerified: number[] };
}

export const FEED_EVENT_TYPES = [
  'key_person',
  'lead_verified',
  'lead_escalated',
  'arrival_confirmed',
  'feed_done',
  'round_created',
  'event_new',
  'event_escalated',
  'event_closed',
] as const;
export type FeedEventType = (typeof FEED_EVENT_TYPES)[number];

/** One item of the dashboard's live feed; never names a person. */
export interface FeedEvent {
  id: string;
  type: FeedEventType;
  at: string;
  area: { id: number; name: string } | null;
  detail: string | null;
  counts: { inserted: number; matched: number; unmatched: number } | null;
  status: string | null;
  /** event_*: the event's category (never its title). */
  category: { code: string; nameZh: string; nameEn: string } | null;
}

export interface RiskArea {
  id: number;
  source: string;
  name: string;
  regionCode: string | null;
  level: 'high' | 'medium' | 'low';
  validFrom: string;
  validTo: string | null;
}
