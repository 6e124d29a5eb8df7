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

// ---- Register: the words and shapes pages not yet on the generated model still name ----

export type { PersonTag } from './vocabulary';

/** Areas a person or house may be registered in. */
export const RESIDENT_LEVELS: readonly Level[] = ['grid', 'microgrid', 'cell'];

export interface AreaSummary {
  id: number;
  code: string;
  name: string;
}

/** The answer of issuing an area's door codes. */
export interface DoorCodesIssued {
  area: AreaSummary;
  houses: number;
  issued: number;
  alreadyHad: number;
}

// ---- Epidemic prevention: the dashboard's live feed (server-sent events, outside the typed client) ----

/** One item of the dashboard's live feed, as the contract names it (import it from ./model). */
export type { FeedEvent } from './model';
