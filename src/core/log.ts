import type { FastifyRequest, FastifyServerOptions } from 'fastify';

/** What a secret becomes in the logs. */
export const REDACTED = '[redacted]';

/**
 * Web pages whose second segment is a bearer secret: the door (/h/), self-report (/r/), place (/p/),
 * report-follow (/e/), help-request follow (/help/) and certificate check (/v/) pages.
 */
const SECRET_PAGES = new Set(['h', 'r', 'p', 'e', 'help', 'v']);
/** /api/public/<resource>/<segment>: the segment is a code's or follow link's token, except for these. */
const PUBLIC_NOT_SECRET = new Set(['communities', 'event-categories']);
/** Query parameters that carry credentials (Open311 `api_key`, tokens, passwords). */
const SECRET_PARAM = /api[-_]?key|token|secret|passw|signature|credential|^key$|^auth/i;
/** A whole ID number or phone typed into a search (`/api/persons?q=…`): personal data, not a secret, but never logged. */
const PERSONAL_NUMBER = /^(\d{15}|\d{17}[\dXx]|(\+?86)?1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;
/** A backstop for routes added later: anything shaped like a random token (base64url, ≥ 20 characters, a digit). */
const TOKEN_SHAPED = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_-]{20,}$/;

function redactSegments(path: string): string {
  const segments = path.split('/');
  // segments[0] is the empty string before the leading slash.
  return segments
    .map((segment, i) => {
      if (segment === '') return segment;
      const secretPage = i === 2 && SECRET_PAGES.has(segments[1] ?? '');
      const publicToken =
        i === 4 &&
        segments[1] === 'api' &&
        segments[2] === 'public' &&
        !PUBLIC_NOT_SECRET.has(segments[3] ?? '');
      let decoded = segment;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        // A malformed escape is logged as sent.
      }
      return secretPage || publicToken || TOKEN_SHAPED.test(decoded) ? REDACTED : segment;
    })
    .join('/');
}

/** A request URL fit for the log: path tokens and credential parameters replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  const path = mark < 0 ? url : url.slice(0, mark);
  if (mark < 0) return redactSegments(path);
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals < 0) return pair;
      const name = pair.slice(0, equals);
      let value = pair.slice(equals + 1);
      try {
        value = decodeURIComponent(value.replace(/\+/g, ' '));
      } catch {
        // Judged as sent.
      }
      return SECRET_PARAM.test(name) ||
        TOKEN_SHAPED.test(value) ||
        PERSONAL_NUMBER.test(value.replace(/[\s-]/g, ''))
        ? `${name}=${REDACTED}`
        : pair;
    })
    .join('&');
  return `${redactSegments(path)}?${query}`;
}

/** The one request serializer: what Fastify's default logs (it hands over its request), URL secrets redacted. */
function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

type LogOptions = Exclude<NonNullable<FastifyServerOptions['logger']>, boolean>;

/**
 * Logger options of the app. Bodies and headers are never serialized; should anyone log them,
 * the credential headers and fields are censored too.
 */
export function loggerOptions(level: string, stream?: LogOptions['stream']): LogOptions {
  return {
    level,
    serializers: { req: serializeRequest },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        'headers.authorization',
        'headers.cookie',
        'body.api_key',
        'body.password',
        'body.currentPassword',
        'body.newPassword',
      ],
      censor: REDACTED,
    },
    ...(stream ? { stream } : {}),
  };
}
