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

type DateColumn = ColumnType<string | null, string | null | undefined, string | null>;

export type ResidenceType = 'registered' | 'permanent' | 'floating' | 'temporary';
export type PersonStatus = 'active' | 'departed' | 'deceased';

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
  birth_date: DateColumn;
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
  status: Generated<'active' | 'ended'>;
  created_at: Timestamp;
}

export interface DB {
  houses: HousesTable;
  persons: PersonsTable;
  person_history: PersonHistoryTable;
  units: UnitsTable;
  tenancies: TenanciesTable;
  areas: AreasTable;
  users: UsersTable;
  role_assignments: RoleAssignmentsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  app_meta: AppMetaTable;
}
