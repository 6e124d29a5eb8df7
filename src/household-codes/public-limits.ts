import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import { countPublicHits } from './repository.js';

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

/** Every public limit counts requests per minute, from a key's first request. */
export const PUBLIC_LIMIT_WINDOW_MS = 60_000;

/** One hook per app and name, so routes of several modules that name the same limit share its counters. */
const hooks = new WeakMap<object, Map<string, { rules: readonly LimitRule[]; hook: PublicLimitHook }>>();
type PublicLimitHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * An onRequest hook applying several limits at once (per code and per client), before the body
 * is read or validated. The counters live in the database (public_limit_hits), one upsert per
 * request for all its rules, so every app node of an installation counts on the same ones.
 * Asking again for a name answers the same hook (the same counters), whichever plugin asks; a name
 * asked with other rules is a programming error.
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
  const hook: PublicLimitHook = async (request, reply) => {
    // The rule's position keeps two rules of one limit on two counters even when their keys agree.
    const keys = rules.map((rule, index) => `${name}:${index}:${rule.key(request)}`);
    const now = app.clock();
    const counted = new Map(
      (await countPublicHits(app.db, keys, now, PUBLIC_LIMIT_WINDOW_MS)).map((row) => [row.limit_key, row]),
    );
    for (const [index, rule] of rules.entries()) {
      const counter = counted.get(keys[index]!);
      if (!counter || counter.hits <= rule.max) continue;
      const seconds = Math.max(
        1,
        Math.ceil((counter.window_start.getTime() + PUBLIC_LIMIT_WINDOW_MS - now.getTime()) / 1000),
      );
      reply.header('retry-after', String(seconds));
      throw new AppError(
        'RATE_LIMITED',
        429,
        `Too many requests; try again in ${seconds} seconds (请稍后再试)`,
      );
    }
  };
  named.set(name, { rules, hook });
  return hook;
}
