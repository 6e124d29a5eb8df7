import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';

export interface LimitRule {
  /** Requests per minute. */
  max: number;
  /** What is counted: the client address, the code, … */
  key: (request: FastifyRequest) => string;
}

/** The token a public route was called with (params are parsed before onRequest hooks run). */
export const tokenOf = (request: FastifyRequest): string =>
  String((request.params as { token?: unknown }).token ?? '').slice(0, 64);

/** The caller's address: one counter per client. */
export const clientKey = (request: { ip: string }): string => request.ip;

/** A door code's forms (arrival, departure, pass application): one counter per client, one per code across its forms. */
export const HOUSEHOLD_FORM_LIMITS: readonly LimitRule[] = [
  { max: 30, key: clientKey },
  { max: 10, key: tokenOf },
];
/** A place's scan and visitor forms: a shop door sees many people a minute; one client scanning again and again does not. */
export const PLACE_SCAN_LIMITS: readonly LimitRule[] = [
  { max: 30, key: clientKey },
  { max: 300, key: tokenOf },
];
/** A public page read: per client. */
export const PAGE_LIMITS: readonly LimitRule[] = [{ max: 60, key: clientKey }];

/** One hook per app and name, so routes of several modules that name the same limit share its counters. */
const hooks = new WeakMap<object, Map<string, { rules: readonly LimitRule[]; hook: PublicLimitHook }>>();
type PublicLimitHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * An onRequest hook applying several limits at once (per code and per client), before the body
 * is read or validated. @fastify/rate-limit's own route hook runs only one limiter per request,
 * so this composes its `createRateLimit` counters. Asking again for a name answers the same hook
 * (the same counters), whichever plugin asks; a name asked with other rules is a programming error.
 */
export function publicLimits(
  app: FastifyInstance,
  name: string,
  rules: readonly LimitRule[],
): PublicLimitHook {
  const named =
    hooks.get(app.server) ?? new Map<string, { rules: readonly LimitRule[]; hook: PublicLimitHook }>();
  hooks.set(app.server, named);
  const known = named.get(name);
  if (known) {
    if (known.rules !== rules) throw new Error(`Public limit ${name} is defined twice with different rules`);
    return known.hook;
  }
  const limiters = rules.map((rule) =>
    app.createRateLimit({ max: rule.max, timeWindow: 60_000, keyGenerator: (r) => `${name}:${rule.key(r)}` }),
  );
  const hook: PublicLimitHook = async (request, reply) => {
    for (const limiter of limiters) {
      const result = await limiter(request);
      if (!result.isAllowed && result.isExceeded) {
        reply.header('retry-after', String(result.ttlInSeconds));
        throw new AppError(
          'RATE_LIMITED',
          429,
          `Too many requests; try again in ${result.ttlInSeconds} seconds (请稍后再试)`,
        );
      }
    }
  };
  named.set(name, { rules, hook });
  return hook;
}
