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

/**
 * An onRequest hook applying several limits at once (per code and per client), before the body
 * is read or validated. @fastify/rate-limit's own route hook runs only one limiter per request,
 * so this composes its `createRateLimit` counters; reuse one hook on several routes to share them.
 */
export function publicLimits(app: FastifyInstance, name: string, rules: readonly LimitRule[]) {
  const limiters = rules.map((rule) =>
    app.createRateLimit({ max: rule.max, timeWindow: 60_000, keyGenerator: (r) => `${name}:${rule.key(r)}` }),
  );
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
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
}
