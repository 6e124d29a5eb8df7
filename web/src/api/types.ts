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

// ---- Epidemic prevention: the dashboard's live feed (server-sent events, outside the typed client) ----

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
