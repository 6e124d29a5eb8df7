// The one place the web app talks HTTP: credentials, JSON, CSRF header on writes, error shape.
import type {
  Area,
  AreaDetail,
  AreaFeatureCollection,
  AreaListQuery,
  AssignmentInput,
  AuditEntry,
  AuditQuery,
  CreateAreaInput,
  CreateUserInput,
  FieldProblem,
  Health,
  Me,
  Page,
  UpdateAreaInput,
  UpdateUserInput,
  User,
  UserListQuery,
} from './types';

/** A failed API call: `code` is the server's stable error code; branch on it, never on `message`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const isApiError = (error: unknown, code?: string): error is ApiError =>
  error instanceof ApiError && (code === undefined || error.code === code);

type QueryValue = string | number | boolean | null | undefined;

interface RequestOptions {
  query?: object;
  body?: unknown;
  signal?: AbortSignal;
}

interface ClientHooks {
  /** The session is gone (expired, signed out elsewhere): the app sends the user to the login page. */
  onUnauthorized?: () => void;
  /** The server wants a new password before anything else. */
  onPasswordChangeRequired?: () => void;
}

const CSRF_COOKIE = 'gg_csrf';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// A failed login is a 401 too, but it must not bounce the login page to itself.
const NO_REDIRECT_PATHS = new Set(['/auth/login', '/auth/me']);

let hooks: ClientHooks = {};
let csrfToken: string | null = null;

export function configureClient(next: ClientHooks): void {
  hooks = next;
}

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

function csrfFromCookie(): string | null {
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join('='));
  }
  return null;
}

export function queryString(query: object | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query) as Array<[string, QueryValue]>) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function parseError(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page): fall through to the generic error.
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (error && typeof error.code === 'string') {
    const details = Array.isArray(error.details)
      ? (error.details as unknown[]).filter(
          (d): d is FieldProblem =>
            typeof d === 'object' && d !== null && typeof (d as FieldProblem).field === 'string',
        )
      : [];
    return new ApiError(response.status, error.code, String(error.message ?? error.code), details);
  }
  return new ApiError(response.status, `HTTP_${response.status}`, response.statusText || 'Request failed');
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (WRITE_METHODS.has(method)) {
    const token = csrfToken ?? csrfFromCookie();
    if (token) headers['x-csrf-token'] = token;
  }
  let response: Response;
  try {
    response = await fetch(`/api${path}${queryString(options.query)}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK_ERROR', 'The server cannot be reached');
  }
  if (!response.ok) {
    const error = await parseError(response);
    if (error.status === 401 && !NO_REDIRECT_PATHS.has(path)) hooks.onUnauthorized?.();
    if (error.code === 'PASSWORD_CHANGE_REQUIRED') hooks.onPasswordChangeRequired?.();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

const get = <T>(path: string, query?: object, signal?: AbortSignal) =>
  request<T>('GET', path, { query, ...(signal ? { signal } : {}) });
const post = <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} });
const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, { body });
const del = <T>(path: string) => request<T>('DELETE', path);

/** The server caps pageSize at 500; the navigator wants every child of a node. */
async function allPages<T>(load: (page: number) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page += 1) {
    const result = await load(page);
    items.push(...result.items);
    if (items.length >= result.total || result.items.length === 0) return items;
  }
}

export const api = {
  health: (signal?: AbortSignal) => get<Health>('/health', undefined, signal),

  auth: {
    me: (signal?: AbortSignal) => get<Me>('/auth/me', undefined, signal),
    login: (username: string, password: string) => post<Me>('/auth/login', { username, password }),
    logout: () => post<void>('/auth/logout'),
    changePassword: (currentPassword: string, newPassword: string) =>
      post<void>('/auth/password', { currentPassword, newPassword }),
  },

  areas: {
    roots: (signal?: AbortSignal) => get<{ items: Area[] }>('/areas/roots', undefined, signal),
    list: (query: AreaListQuery, signal?: AbortSignal) => get<Page<Area>>('/areas', query, signal),
    children: (parentId: number, signal?: AbortSignal) =>
      allPages((page) => get<Page<Area>>('/areas', { parentId, page, pageSize: 500 }, signal)),
    get: (id: number, signal?: AbortSignal) => get<AreaDetail>(`/areas/${id}`, undefined, signal),
    childrenGeoJson: (id: number, signal?: AbortSignal) =>
      get<AreaFeatureCollection>(`/areas/${id}/children.geojson`, undefined, signal),
    create: (input: CreateAreaInput) => post<Area>('/areas', input),
    update: (id: number, input: UpdateAreaInput) => patch<Area>(`/areas/${id}`, input),
    move: (id: number, parentId: number) => post<Area>(`/areas/${id}/move`, { parentId }),
    retire: (id: number, reason: string) => post<{ retired: number }>(`/areas/${id}/retire`, { reason }),
  },

  users: {
    list: (query: UserListQuery, signal?: AbortSignal) => get<Page<User>>('/users', query, signal),
    get: (id: number, signal?: AbortSignal) => get<User>(`/users/${id}`, undefined, signal),
    create: (input: CreateUserInput) => post<User>('/users', input),
    update: (id: number, input: UpdateUserInput) => patch<User>(`/users/${id}`, input),
    resetPassword: (id: number, newPassword: string) => post<void>(`/users/${id}/password`, { newPassword }),
    addAssignment: (id: number, input: AssignmentInput) => post<User>(`/users/${id}/assignments`, input),
    removeAssignment: (id: number, assignmentId: number) =>
      del<User>(`/users/${id}/assignments/${assignmentId}`),
  },

  audit: {
    list: (query: AuditQuery, signal?: AbortSignal) => get<Page<AuditEntry>>('/audit', query, signal),
  },
};
