// The one place the web app talks HTTP: credentials, JSON, CSRF header on writes, error shape.
// Pages call the API through `api.GET/POST/…` (openapi-fetch, typed by the generated schema.gen.ts)
// and `call(...)`, which returns the data or throws ApiError. What openapi-fetch cannot type —
// multipart uploads, file downloads, the live feed — are the few special cases below.
import createClient, { type Middleware } from 'openapi-fetch';
import type { FieldProblem } from '../../../src/i18n/problem-codes';
import type {
  PublicFiling,
  RosterUploadView,
  AreaView,
  FeedBatchView,
  FeedEvent,
  ImportJobView,
  ImportPreview,
  PublicReportReceipt,
} from './model';
import { noteDataAge } from './data-age';
import type { paths } from './schema.gen';
import type { ImportKind } from './vocabulary';

/** A failed API call: `code` is the server's stable error code; branch on it, never on `message`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldProblem[] = [],
    /** The error's details as the server sent them (an object for some codes, e.g. a refused sign-in). */
    readonly data: unknown = undefined,
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
  /** A file upload (multipart); the browser sets the content type with its boundary. */
  form?: FormData;
  signal?: AbortSignal;
  /** Extra request headers (the offline outbox's Idempotency-Key). */
  headers?: Record<string, string>;
}

/** A file the server produced (XLSX, PDF), with the name it suggests. */
export interface DownloadedFile {
  blob: Blob;
  fileName: string;
}

interface ClientHooks {
  /** The session is gone (expired, signed out elsewhere): the app sends the user to the login page. */
  onUnauthorized?: () => void;
  /** The server wants a new password before anything else. */
  onPasswordChangeRequired?: () => void;
  /** The server wants a second factor set up before anything else. */
  onMfaEnrolmentRequired?: () => void;
}

const CSRF_COOKIE = 'gg_csrf';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// A failed login is a 401 too, but it must not bounce the login page to itself.
const NO_REDIRECT_PATHS = new Set(['/auth/login', '/auth/login/mfa', '/auth/me']);

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
  return errorFrom(response, body);
}

/** Sends one request; a non-2xx answer becomes an ApiError. */
async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
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
      body: options.form ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK_ERROR', 'The server cannot be reached');
  }
  if (!response.ok) {
    const error = await parseError(response);
    notifyHooks(error, path);
    throw error;
  }
  noteDataAge(method, response.url || `/api${path}`, response.headers);
  return response;
}

/** A refused session sends the user on (login, password change, second factor); `path` without /api. */
function notifyHooks(error: ApiError, path: string): void {
  if (error.status === 401 && !NO_REDIRECT_PATHS.has(path)) hooks.onUnauthorized?.();
  if (error.code === 'PASSWORD_CHANGE_REQUIRED') hooks.onPasswordChangeRequired?.();
  if (error.code === 'MFA_ENROLMENT_REQUIRED') hooks.onMfaEnrolmentRequired?.();
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(method, path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** `filename*=UTF-8''…` (RFC 5987) first, then a plain `filename="…"`. */
function fileNameOf(response: Response, fallback: string): string {
  const disposition = response.headers.get('content-disposition') ?? '';
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  if (encoded) {
    try {
      return decodeURIComponent(encoded);
    } catch {
      // A malformed name: fall through to the plain one.
    }
  }
  return /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? fallback;
}

async function download(path: string, fallbackName: string, query?: object): Promise<DownloadedFile> {
  const response = await send('GET', path, query ? { query } : {});
  return { blob: await response.blob(), fileName: fileNameOf(response, fallbackName) };
}

const upload = <T>(path: string, form: FormData) => request<T>('POST', path, { form });

/** Every child of an area: the server caps pageSize at 500, the navigator wants them all. */
export async function allChildAreas(parentId: number, signal?: AbortSignal): Promise<AreaView[]> {
  const items: AreaView[] = [];
  for (let page = 1; ; page += 1) {
    const result = await call(
      typed.GET('/api/areas', { params: { query: { parentId, page, pageSize: 500 } }, signal }),
    );
    items.push(...result.items);
    if (items.length >= result.total || result.items.length === 0) return items;
  }
}

/** The text fields of a resident's report (随手拍): the server reads them from the multipart form. */
export interface PublicReportFields {
  category: string;
  community: string;
  description: string;
  lng?: number;
  /** GPS accuracy in metres, with lng/lat. */
  accuracyM?: number;
  lat?: number;
  address?: string;
  name?: string;
  phone?: string;
}

function photoForm(fields: Record<string, string | number | undefined>, photos: File[]): FormData {
  const form = new FormData();
  // Fields first: the server reads the multipart stream in order.
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined && value !== '') form.append(key, String(value));
  }
  for (const photo of photos) form.append('photos', photo, photo.name);
  return form;
}

/** What a health-data upload is about (tests, vaccinations…), as the import URL names it. */
export type FeedKind = FeedBatchView['kind'];

/** What a lead-list upload answers (multipart, so outside the typed client). */
type LeadImportAnswer = paths['/api/leads/import']['post']['responses'][200]['content']['application/json'];

/** The transport, for the per-module API files (api/events.ts, api/services.ts). */
export const http = { request, send, download, queryString };

/** Appends the query as today's transport does: empty values left out, a list as repeated keys. */
function serializeQuery(query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (item === undefined || item === null || item === '') continue;
      params.append(key, String(item));
    }
  }
  return params.toString();
}

/** The transport every typed call goes through: CSRF header on writes, session hooks on a refusal. */
const transport: Middleware = {
  onRequest({ request }) {
    if (WRITE_METHODS.has(request.method)) {
      const token = csrfToken ?? csrfFromCookie();
      if (token) request.headers.set('x-csrf-token', token);
    }
    return request;
  },
  async onResponse({ request, response }) {
    if (response.ok) noteDataAge(request.method, response.url || request.url, response.headers);
    if (!response.ok) {
      const path = new URL(response.url || '/', window.location.origin).pathname.replace(/^\/api/, '');
      notifyHooks(await parseError(response.clone()), path);
    }
    return response;
  },
};

const typed = createClient<paths>({
  credentials: 'same-origin',
  headers: { accept: 'application/json' },
  querySerializer: serializeQuery,
});
typed.use(transport);

/** What an `api.GET/POST/…` call resolves to (openapi-fetch). */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** A call's data, or an ApiError (the server's code, message and field problems; NETWORK_ERROR offline). */
export async function call<T>(pending: Promise<Answer<T>>): Promise<T> {
  return (await answer(pending)).data;
}

/** Like `call`, with the response too (its status tells 201 created from 200 merged, its headers a file name). */
export async function answer<T>(pending: Promise<Answer<T>>): Promise<{ data: T; response: Response }> {
  let result: Answer<T>;
  try {
    result = await pending;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK_ERROR', 'The server cannot be reached');
  }
  const { response } = result;
  if (!response.ok) throw errorFrom(response, result.error);
  return { data: result.data as T, response };
}

/** The ApiError of a refused call, from the error body openapi-fetch already parsed. */
function errorFrom(response: Response, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (!error || typeof error.code !== 'string')
    return new ApiError(response.status, `HTTP_${response.status}`, response.statusText || 'Request failed');
  const details = Array.isArray(error.details)
    ? (error.details as unknown[]).filter(
        (d): d is FieldProblem =>
          typeof d === 'object' && d !== null && typeof (d as FieldProblem).field === 'string',
      )
    : [];
  return new ApiError(
    response.status,
    error.code,
    String(error.message ?? error.code),
    details,
    error.details,
  );
}

/**
 * The API. Typed calls: `await call(api.GET('/api/persons/{id}', { params: { path: { id } } }))`;
 * paths, parameters, bodies and answers come from web/src/api/schema.gen.ts (npm run contract).
 * File uploads, downloads and live feeds stay below (api.imports, download, api.dashboard.listen).
 */
export const api = Object.assign(typed, {
  codes: {
    /** A4 sheet reprinting the door codes of an area; issues none (`notIssued` houses are left off). */
    doorLabels: async (areaId: number): Promise<DownloadedFile & { notIssued: number }> => {
      const response = await send('GET', `/areas/${areaId}/door-labels.pdf`);
      return {
        blob: await response.blob(),
        fileName: fileNameOf(response, `door-labels-${areaId}.pdf`),
        notIssued: Number(response.headers.get('x-door-codes-not-issued') ?? 0),
      };
    },
  },

  imports: {
    preview: (kind: ImportKind, file: File) => {
      const form = new FormData();
      form.append('file', file);
      return upload<ImportPreview>(`/imports/${kind}/preview`, form);
    },
    /** `mapping`: file header → field, or null to leave the column out. */
    start: (kind: ImportKind, file: File, mapping?: Record<string, string | null>) => {
      const form = new FormData();
      // Fields before the file: the server reads the multipart stream in order.
      if (mapping) form.append('mapping', JSON.stringify(mapping));
      form.append('file', file);
      return upload<ImportJobView>(`/imports/${kind}`, form);
    },
  },

  roster: {
    /** An enterprise's roster file (XLSX, or CSV in UTF-8/GBK) through its enterprise code; answers the upload's report. */
    upload: (token: string, file: File) => {
      const form = new FormData();
      form.append('file', file);
      return upload<RosterUploadView>(`/public/enterprises/${encodeURIComponent(token)}/roster`, form);
    },
    rejects: (token: string, uploadId: number) =>
      download(
        `/public/enterprises/${encodeURIComponent(token)}/roster/uploads/${uploadId}/rejects.xlsx`,
        `roster-rejects-${uploadId}.xlsx`,
      ),
  },

  filings: {
    /** Attach a document (PDF or image) to the enterprise's own filing through its code; answers the filing. */
    uploadDocument: (token: string, title: string, file: File) => {
      const form = new FormData();
      // The title before the file: the server reads the multipart stream in order.
      form.append('title', title);
      form.append('file', file);
      return upload<PublicFiling>(`/public/enterprises/${encodeURIComponent(token)}/filing/documents`, form);
    },
    publicDocument: (token: string, documentId: number, title: string) =>
      download(`/public/enterprises/${encodeURIComponent(token)}/filing/documents/${documentId}`, title),
    publicCommitment: (token: string) =>
      download(`/public/enterprises/${encodeURIComponent(token)}/filing/commitment.pdf`, 'commitment.pdf'),
    document: (filingId: number, documentId: number, title: string) =>
      download(`/filings/${filingId}/documents/${documentId}`, title),
    commitment: (filingId: number) =>
      download(`/filings/${filingId}/commitment.pdf`, `commitment-${filingId}.pdf`),
  },

  health: {
    /** A health-data file (XLSX, or CSV in UTF-8/GBK) for the background import; poll the batch it answers. */
    upload: (kind: FeedKind, file: File, areaId?: number) => {
      const form = new FormData();
      // Fields before the file: the server reads the multipart stream in order.
      if (areaId !== undefined) form.append('areaId', String(areaId));
      form.append('file', file);
      return upload<FeedBatchView>(`/health/imports/${kind}`, form);
    },
  },

  leads: {
    /** A lead list as a file (XLSX/CSV); the answer is the generated LeadImportReport. */
    import: (areaId: number, file: File, batch?: string) => {
      const form = new FormData();
      form.append('file', file);
      return request<LeadImportAnswer>('POST', '/leads/import', { form, query: { areaId, batch } });
    },
  },

  dashboard: {
    /**
     * Listens to the node's live feed (server-sent events). The browser resumes after a dropped
     * connection by itself; when the server refuses it (signed out, an error page) a new
     * connection is tried after a pause. Returns the function that stops listening.
     */
    listen: (
      node: number,
      onEvent: (event: FeedEvent) => void,
      onState: (state: 'connecting' | 'open' | 'closed') => void,
    ): (() => void) => {
      let source: EventSource | null = null;
      let retry: ReturnType<typeof setTimeout> | undefined;
      let stopped = false;
      let delay = 5000;
      const connect = () => {
        onState('connecting');
        source = new EventSource(`/api/dashboard/stream${queryString({ node })}`);
        source.onopen = () => {
          delay = 5000;
          onState('open');
        };
        source.onmessage = (message: MessageEvent<string>) => {
          try {
            onEvent(JSON.parse(message.data) as FeedEvent);
          } catch {
            // Not an event of ours: ignore it.
          }
        };
        source.onerror = () => {
          if (stopped || !source) return;
          if (source.readyState === EventSource.CLOSED) {
            onState('closed');
            source = null;
            retry = setTimeout(connect, delay);
            delay = Math.min(delay * 2, 60_000);
          } else {
            onState('connecting');
          }
        };
      };
      connect();
      return () => {
        stopped = true;
        clearTimeout(retry);
        source?.close();
      };
    },
  },

  /** The resident's report with photos (multipart: fields first, then the file parts "photos"); the worker's uploads go through the offline outbox. */
  eventPhotos: {
    /** A resident's report (随手拍); the receipt holds the follow-and-rate token, given once. */
    submitPublic: (fields: PublicReportFields, photos: File[]) =>
      upload<PublicReportReceipt>('/public/reports', photoForm({ ...fields }, photos)),
  },
});
