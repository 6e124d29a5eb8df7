import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import type { DB } from '../db/schema.js';
import { describeEachDatabase } from '../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  type Session,
  signIn,
  testApp,
} from '../test-support/factories.js';
import {
  type OpenApiDocument,
  type Probe,
  probesFor,
  type Route,
  routesOf,
  unboundedFields,
  urlOf,
} from '../test-support/malformed-requests.js';

/**
 * Tables a refused request may legitimately write: the audit trail (reads of personal data are
 * audited), sessions, and the sign-in, lookup and public-endpoint throttles that count every attempt
 * (public limits count a request before its body is read, so a malformed one counts too).
 */
const VOLATILE_TABLES = new Set([
  'audit_log',
  'sessions',
  'login_throttle',
  'login_budget',
  'mfa_challenges',
  'lookup_budget',
  'public_limit_hits',
  'kysely_migration',
  'kysely_migration_lock',
]);
/** Columns a use (not a change) touches: an API key's last use. */
const VOLATILE_COLUMNS = ['last_used_at'];

/** Row count and md5 of the contents of every table but the volatile ones. */
async function fingerprint(db: Kysely<DB>): Promise<Record<string, string>> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const out: Record<string, string> = {};
  for (const { name } of tables.rows) {
    if (VOLATILE_TABLES.has(name)) continue;
    const row = await sql<{ n: string; digest: string | null }>`
      select count(*)::text as n,
        md5(string_agg((to_jsonb(t) - ${sql.val(VOLATILE_COLUMNS)}::text[])::text, '|' order by (to_jsonb(t) - ${sql.val(VOLATILE_COLUMNS)}::text[])::text)) as digest
      from ${sql.table(name)} t`.execute(db);
    out[name] = `${row.rows[0]!.n}:${row.rows[0]!.digest ?? '-'}`;
  }
  return out;
}

/** Routes that end the caller's session go last, so every other route is reached signed in. */
const endsSession = (route: Route) => /\/auth\/(logout|password)/.test(route.path);

describeEachDatabase('malformed input never gets a 5xx and changes nothing', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let admin: Session;
  let openKey: string;
  /** Path ids of users point at another account: a probe that slipped through must not sign the admin out. */
  let otherUserId: number;
  let document: OpenApiDocument;

  beforeAll(async () => {
    app = await testApp(database());
    tree = await createAreaTree(database().db);
    const user = await createUser(database().db, [{ role: 'admin', area: tree.city }]);
    admin = await signIn(app, user.username);
    otherUserId = (await createUser(database().db, [{ role: 'grid_worker', area: tree.gridA }])).id;
    const token = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: admin.headers,
      payload: { name: 'probe', areaId: tree.village.id, capability: 'open311' },
    });
    expect(token.statusCode, token.body).toBe(201);
    openKey = (token.json() as { token: string }).token;
    document = app.swagger() as unknown as OpenApiDocument;
  });

  it('declares a minimum and maximum for every integer and a length bound for every string it accepts', () => {
    // Open311's path parameters are matched by the route's own regular expression, not a schema.
    const problems = unboundedFields(document).filter((p) => !/^\S+ \/open311\/\S+ path\./.test(p));
    expect(problems).toEqual([]);
  });

  it('answers every route’s malformed requests with a 4xx, signed in as an admin and signed out', async () => {
    const routes = routesOf(document);
    // Open311 is in the document; make sure, since the walk must reach it.
    expect(routes.filter((r) => r.path.startsWith('/open311/v2')).length).toBeGreaterThanOrEqual(6);
    const pathValue = (route: Route, name: string): string => {
      if (name === 'format') return 'json';
      if (name === 'id' && route.path.startsWith('/api/areas')) return String(tree.village.id);
      if (name === 'id' && route.path.startsWith('/api/imports'))
        return '00000000-0000-4000-8000-000000000000';
      if (name === 'id' && route.path.startsWith('/api/users')) return String(otherUserId);
      if (name === 'day') return '2026-11-02';
      if (name === 'code') return route.path.includes('communities') ? tree.village.code : 'a1';
      if (name === 'token') return 'A'.repeat(24);
      return '1';
    };
    const formFields = (route: Route): Record<string, string> | undefined => {
      if (route.path === '/open311/v2/requests.{format}' && route.method === 'POST')
        return { api_key: openKey, service_code: 'a', lat: '30.7', long: '121.3', description: 'probe' };
      if (route.path === '/api/public/reports')
        return {
          category: 'a',
          community: tree.village.code,
          description: 'probe',
          lng: '121.3',
          lat: '30.7',
        };
      return undefined;
    };

    const before = await fingerprint(database().db);
    const failures: string[] = [];
    /** Probes answered 2xx: each should have been refused. */
    const accepted: string[] = [];
    const statuses = new Map<string, number>();
    let sent = 0;
    const send = async (route: Route, probe: Probe, session: Session | undefined) => {
      const headers: Record<string, string> = { ...(session?.headers ?? {}), ...(probe.headers ?? {}) };
      if (probe.body) headers['content-type'] = probe.body.contentType;
      sent++;
      let response;
      try {
        response = await app.inject({
          method: route.method as 'GET',
          url: urlOf(route, probe),
          headers,
          ...(probe.body ? { payload: probe.body.payload } : {}),
          // An event stream opened by a malformed request would never end.
          signal: AbortSignal.timeout(10_000),
        });
      } catch (error) {
        failures.push(
          `no answer ${route.method} ${route.path} [${probe.kind}] ${probe.label}: ${String(error)}`,
        );
        return;
      }
      const bucket = `${Math.floor(response.statusCode / 100)}xx`;
      statuses.set(bucket, (statuses.get(bucket) ?? 0) + 1);
      if (response.statusCode < 300)
        accepted.push(
          `${response.statusCode} ${route.method} ${route.path} ${session ? 'admin' : 'signed out'}: ${probe.label}`,
        );
      if (response.statusCode >= 500)
        failures.push(
          `${response.statusCode} ${route.method} ${route.path} [${probe.kind}] ${probe.label}: ${response.body.slice(0, 160)}`,
        );
    };

    const ordered = [...routes.filter((r) => !endsSession(r)), ...routes.filter(endsSession)];
    for (const route of ordered) {
      const probes = probesFor(route, { pathValue, formFields });
      for (const probe of probes) await send(route, probe, admin);
      // Signed out: every probe for public routes, a sample (every fourth) for the rest.
      for (const [index, probe] of probes.entries())
        if (route.public || index % 4 === 0) await send(route, probe, undefined);
    }
    const after = await fingerprint(database().db);

    const byKind = new Map<string, number>();
    for (const failure of failures) {
      const kind = /\[(\S+)\]/.exec(failure)?.[1] ?? '?';
      byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    }
    console.info(
      `malformed-input walk: ${sent} requests to ${routes.length} routes; ${[...statuses].map(([k, v]) => `${k}: ${v}`).join(', ')}; ` +
        `5xx by kind: ${JSON.stringify(Object.fromEntries(byKind))}`,
    );
    if (failures.length) console.info(failures.slice(0, 400).join('\n'));
    const changed = Object.keys(before).filter((table) => before[table] !== after[table]);
    expect(failures).toEqual([]);
    // Every probe is malformed by construction: an answer of 2xx is a hole even if it changed nothing.
    expect(accepted).toEqual([]);
    expect(changed).toEqual([]);
  }, 240_000);
});
