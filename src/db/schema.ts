import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/** Row types of the database. API types live in each module's schema.ts; map between them explicitly. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type AreaLevel = 'city' | 'county' | 'township' | 'village' | 'grid' | 'microgrid' | 'cell';
export type AreaKind = 'ordinary' | 'enterprise' | 'site' | 'school' | 'hotel';

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
  failed_logins: Generated<number>;
  locked_until: NullableTimestamp;
  disabled_at: NullableTimestamp;
  last_login_at: NullableTimestamp;
  locale: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RoleAssignmentsTable {
  id: Generated<number>;
  user_id: number;
  role: string;
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

export interface ApiTokensTable {
  id: Generated<number>;
  name: string;
  token_hash: string;
  area_id: number;
  capability: string;
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
  action: string;
  entity_type: string;
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

export interface DB {
  areas: AreasTable;
  users: UsersTable;
  role_assignments: RoleAssignmentsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  app_meta: AppMetaTable;
}
