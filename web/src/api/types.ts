// Shapes of the Gridguard HTTP API as the web app sees them (mirrors the server's response schemas).

export const LEVELS = ['city', 'county', 'township', 'village', 'grid', 'microgrid', 'cell'] as const;
export type Level = (typeof LEVELS)[number];

export const KINDS = ['ordinary', 'enterprise', 'site', 'school', 'hotel'] as const;
export type Kind = (typeof KINDS)[number];

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

export const DEPARTMENT_CATEGORIES = ['health', 'police', 'industry', 'city_management'] as const;
export type DepartmentCategory = (typeof DEPARTMENT_CATEGORIES)[number];

export type Right =
  | 'area.read'
  | 'area.manage'
  | 'user.read'
  | 'user.manage'
  | 'audit.read'
  | 'person.read'
  | 'person.write'
  | 'person.reveal'
  | 'person.export'
  | 'health.read'
  | 'health.write'
  | 'event.read'
  | 'event.handle'
  | 'event.dispatch'
  | 'service.handle'
  | 'token.manage';

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
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
  csrfToken: string;
  assignments: MeAssignment[];
  rights: string[];
}

export interface LngLat {
  lng: number;
  lat: number;
}

export interface Polygon {
  type: 'Polygon';
  coordinates: number[][][];
}
export interface MultiPolygon {
  type: 'MultiPolygon';
  coordinates: number[][][][];
}
export type AreaGeometry = Polygon | MultiPolygon;

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
  id: number;
  username: string;
  displayName: string;
  disabled: boolean;
  locked: boolean;
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

/** Audit actions the server records today (the log may hold others; they show by their code). */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.locked',
  'auth.password_changed',
  'area.create',
  'area.update',
  'area.move',
  'area.retire',
  'area.import',
  'user.create',
  'user.update',
  'user.password_reset',
  'user.assignment_add',
  'user.assignment_remove',
  'token.create',
  'demo.seed',
] as const;

export const AUDIT_ENTITY_TYPES = ['area', 'user', 'api_token', 'installation'] as const;
