/**
 * Malformed requests generated from the OpenAPI document: for every route, probes of its path
 * parameters, query parameters and body (wrong types, integers out of bound, NUL and control
 * characters, huge and whitespace-only strings, arrays for objects) and of its content type.
 * Every probe is malformed on purpose, so a correct server refuses all of them with a 4xx and
 * changes nothing.
 */

/** The subset of JSON Schema (as @fastify/swagger emits it) the generator reads. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  format?: string;
  pattern?: string;
  default?: unknown;
  $ref?: string;
}

export interface OpenApiParameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}

export interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  security?: unknown[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

export interface Route {
  method: string;
  /** OpenAPI path, e.g. `/api/areas/{id}` or `/open311/v2/requests/{id}.{format}`. */
  path: string;
  operation: OpenApiOperation;
  public: boolean;
}

/** A JSON value whose text is written as is: numbers JSON.stringify cannot write (1e309, 2^53+1). */
export class RawNumber {
  constructor(readonly text: string) {}
}

export interface Probe {
  /** What is malformed, for the report: "query.within=2147483648". */
  label: string;
  /** The kind of probe, for the summary: "int-bound", "nul", "content-type"… */
  kind: string;
  path: Record<string, string>;
  query?: Record<string, string | string[]>;
  /** A body ready for inject: raw text plus its content type. */
  body?: { payload: string | Buffer; contentType: string };
  headers?: Record<string, string>;
}

export const INT4_MAX = 2147483647;
const INT_PROBES = ['2147483648', '-1', '1e309', '9007199254740993', '-2147483649'];
const HUGE = 'x'.repeat(100_000);

export function routesOf(document: OpenApiDocument): Route[] {
  const routes: Route[] = [];
  for (const [path, operations] of Object.entries(document.paths))
    for (const [method, operation] of Object.entries(operations))
      routes.push({
        method: method.toUpperCase(),
        path,
        operation,
        public: Array.isArray(operation.security) && operation.security.length === 0,
      });
  return routes;
}

export function typeOf(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  if (schema.type) return schema.type;
  if (schema.properties) return 'object';
  return undefined;
}

/** The alternatives of a union, or the schema itself. */
function variantsOf(schema: JsonSchema): JsonSchema[] {
  const alternatives = schema.anyOf ?? schema.oneOf;
  return alternatives ? alternatives.filter((a) => a.type !== 'null') : [schema];
}

/** A plausible (usually valid) value for a schema: the base every probe spoils in one place. */
export function plausible(schema: JsonSchema, depth = 0): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.anyOf ?? schema.oneOf) return plausible(variantsOf(schema)[0] ?? {}, depth);
  if (schema.allOf) return Object.assign({}, ...(schema.allOf.map((s) => plausible(s, depth)) as object[]));
  switch (typeOf(schema) ?? '') {
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, Math.min(1, schema.maximum ?? 1));
    case 'boolean':
      return true;
    case 'string':
      return plausibleString(schema);
    case 'array':
      return depth > 4
        ? []
        : Array.from({ length: schema.minItems ?? 0 }, () => plausible(schema.items ?? {}, depth + 1));
    case 'object':
      return Object.fromEntries(
        (schema.required ?? []).map((key) => [key, plausible(schema.properties?.[key] ?? {}, depth + 1)]),
      );
    default:
      return 'a';
  }
}

function plausibleString(schema: JsonSchema): string {
  switch (schema.format ?? '') {
    case 'date':
      return '2026-11-02';
    case 'date-time':
      return '2026-11-02T08:00:00+08:00';
    case 'time':
      return '08:00:00';
    case 'email':
      return 'a@example.com';
    case 'uri':
      return 'https://example.com/';
    case 'uuid':
      return '00000000-0000-4000-8000-000000000000';
    default:
  }
  if (schema.pattern?.includes('0-9') || schema.pattern?.includes('\\d'))
    return '1'.repeat(Math.max(schema.minLength ?? 1, 6));
  return 'a'.repeat(Math.max(schema.minLength ?? 1, 1));
}

/** Values outside the declared bounds of an integer or number (all of them when a bound is missing). */
function numberProbes(schema: JsonSchema): string[] {
  return INT_PROBES.filter((text) => {
    const value = Number(text);
    if (!Number.isFinite(value) || !Number.isSafeInteger(value)) return true;
    if (schema.minimum === undefined || schema.maximum === undefined) return true;
    return value < schema.minimum || value > schema.maximum;
  });
}

interface Spoil {
  kind: string;
  text: string;
  value: unknown;
}

/** The malformed values a field of this schema is probed with (all of them wrong for it). */
export function spoilsFor(schema: JsonSchema): Spoil[] {
  const spoils: Spoil[] = [];
  const type = typeOf(variantsOf(schema)[0] ?? schema);
  if (schema.enum || schema.const !== undefined) {
    spoils.push({ kind: 'enum', text: 'not-in-enum', value: 'not-in-enum\u0000' });
  }
  switch (type ?? '') {
    case 'integer':
    case 'number':
      for (const text of numberProbes(schema))
        spoils.push({ kind: 'int-bound', text, value: new RawNumber(text) });
      spoils.push({ kind: 'type', text: '"abc"', value: 'abc' });
      break;
    case 'string':
      spoils.push({ kind: 'nul', text: 'NUL', value: 'a\u0000b' });
      spoils.push({ kind: 'control', text: 'control chars', value: 'a\u0001\u001b[2Jb\u007f' });
      if ((schema.maxLength ?? Infinity) < HUGE.length || schema.maxLength === undefined)
        spoils.push({ kind: 'huge', text: '100 kB', value: HUGE });
      if ((schema.minLength ?? 0) >= 1)
        spoils.push({ kind: 'blank', text: 'whitespace-only', value: ' \t\u3000 ' });
      spoils.push({ kind: 'type', text: 'object', value: { a: 1 } });
      break;
    case 'boolean':
      spoils.push({ kind: 'type', text: '"maybe"', value: 'maybe' });
      break;
    case 'array':
      spoils.push({ kind: 'type', text: 'object for array', value: { a: 1 } });
      if (schema.items && typeOf(schema.items) === 'string')
        spoils.push({ kind: 'nul', text: 'NUL item', value: ['a\u0000b'] });
      if (schema.items && typeOf(schema.items) === 'object')
        spoils.push({ kind: 'type', text: 'string item', value: ['a\u0000b'] });
      break;
    case 'object':
      spoils.push({ kind: 'type', text: 'array for object', value: [1, 2] });
      spoils.push({ kind: 'nul', text: 'NUL key', value: { 'a\u0000b': 'a\u0000b' } });
      break;
    default:
      spoils.push({ kind: 'nul', text: 'NUL', value: 'a\u0000b' });
  }
  return spoils;
}

/** JSON text in which RawNumber values are written as their raw digits. */
export function rawJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof RawNumber) {
      raws.push(v.text);
      return `@@raw${raws.length - 1}@@`;
    }
    return v;
  });
  return text.replace(/"@@raw(\d+)@@"/g, (_m, i: string) => raws[Number(i)]!);
}

/** Leaf fields of an object schema, two levels deep, as paths of property names. */
function fieldsOf(
  schema: JsonSchema,
  prefix: string[] = [],
  depth = 0,
): Array<{ path: string[]; schema: JsonSchema }> {
  const out: Array<{ path: string[]; schema: JsonSchema }> = [];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    out.push({ path: [...prefix, name], schema: property });
    const inner = variantsOf(property)[0] ?? property;
    if (depth < 1 && typeOf(inner) === 'object' && inner.properties)
      out.push(...fieldsOf(inner, [...prefix, name], depth + 1));
    if (depth < 1 && typeOf(inner) === 'array' && inner.items?.properties)
      out.push(...fieldsOf(inner.items, [...prefix, name, '0'], depth + 1));
  }
  return out;
}

function withValue(base: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  let cursor: Record<string, unknown> = copy;
  for (const [index, key] of path.entries()) {
    if (index === path.length - 1) {
      cursor[key] = value;
      break;
    }
    const next = cursor[key];
    if (next === null || typeof next !== 'object') cursor[key] = /^\d+$/.test(path[index + 1]!) ? [{}] : {};
    cursor = cursor[key] as Record<string, unknown>;
  }
  return copy;
}

const json = (value: unknown) => ({ payload: rawJson(value), contentType: 'application/json' });

/** A multipart body: a NUL field first (so a handler never acts on it), then the fields and a junk file. */
export function junkMultipart(fields: Record<string, string>): { payload: Buffer; contentType: string } {
  const boundary = '----gridguardprobe';
  const parts = [['note', 'a\u0000b'], ...Object.entries(fields)].map(
    ([name, value]) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  const file =
    `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="a\u0000.csv"\r\n` +
    `content-type: text/csv\r\n\r\n编码,名称\r\n\u0000\u0001,\u00ff\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(parts.join('') + file), Buffer.from(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** Path values: a plausible one per parameter, and implausible ones probed one parameter at a time. */
const BAD_PATH_VALUES: Array<{ kind: string; value: string }> = [
  { kind: 'int-bound', value: '0' },
  { kind: 'int-bound', value: '-1' },
  { kind: 'int-bound', value: '2147483648' },
  { kind: 'int-bound', value: '1e309' },
  { kind: 'int-bound', value: '9007199254740993' },
  { kind: 'type', value: 'abc' },
  { kind: 'nul', value: 'a%00b' },
  { kind: 'control', value: '%01%1B' },
  { kind: 'encoding', value: '%E0%A4%A' },
  { kind: 'huge', value: 'x'.repeat(5000) },
];

export interface ProbeOptions {
  /** A plausible value for a path parameter of this name (an id of an existing row, a format…). */
  pathValue: (route: Route, name: string) => string;
  /** Form fields to send a route that declares no JSON body (multipart uploads, Open311 forms). */
  formFields?: (route: Route) => Record<string, string> | undefined;
}

/** Every probe of one route. */
export function probesFor(route: Route, options: ProbeOptions): Probe[] {
  const parameters = route.operation.parameters ?? [];
  const pathNames = parameters.filter((p) => p.in === 'path').map((p) => p.name);
  const plausiblePath = Object.fromEntries(pathNames.map((name) => [name, options.pathValue(route, name)]));
  const queryParameters = parameters.filter((p) => p.in === 'query');
  const plausibleQuery = Object.fromEntries(
    queryParameters.filter((p) => p.required).map((p) => [p.name, String(plausible(p.schema ?? {}))]),
  );
  const bodySchema = route.operation.requestBody?.content?.['application/json']?.schema;
  const baseBody = bodySchema ? plausible(bodySchema) : undefined;
  const writes = route.method !== 'GET' && route.method !== 'HEAD';
  const probes: Probe[] = [];
  // A route without a JSON body schema would act on any body: mark such probes malformed in the query.
  const marker: Record<string, string> = bodySchema ? {} : { _probe: 'a\u0000b' };
  const baseBodyProbe = bodySchema ? json(baseBody) : undefined;

  for (const name of pathNames)
    for (const bad of BAD_PATH_VALUES)
      probes.push({
        label: `path.${name}=${bad.value.slice(0, 20)}`,
        kind: bad.kind,
        path: { ...plausiblePath, [name]: bad.value },
        query: plausibleQuery,
        ...(baseBodyProbe ? { body: baseBodyProbe } : {}),
      });

  for (const parameter of queryParameters) {
    // A query string cannot hold an object: "[object]" would be a valid search text, not a probe.
    const spoils = spoilsFor(parameter.schema ?? {}).filter(
      (spoil) => !(spoil.kind === 'type' && spoil.text === 'object'),
    );
    for (const spoil of spoils) {
      const value =
        spoil.value instanceof RawNumber
          ? spoil.value.text
          : typeof spoil.value === 'string'
            ? spoil.value
            : Array.isArray(spoil.value)
              ? (spoil.value as unknown[]).map(String)
              : JSON.stringify(spoil.value);
      probes.push({
        label: `query.${parameter.name}=${spoil.text}`,
        kind: spoil.kind,
        path: plausiblePath,
        query: { ...plausibleQuery, [parameter.name]: value },
        ...(baseBodyProbe ? { body: baseBodyProbe } : {}),
      });
    }
    probes.push({
      label: `query.${parameter.name} repeated`,
      kind: 'type',
      path: plausiblePath,
      query: { ...plausibleQuery, [parameter.name]: ['1', 'a\u0000'] },
      ...(baseBodyProbe ? { body: baseBodyProbe } : {}),
    });
  }
  if (queryParameters.length === 0 && !writes)
    probes.push({ label: 'query NUL', kind: 'nul', path: plausiblePath, query: { q: 'a\u0000b' } });

  if (bodySchema) {
    for (const field of fieldsOf(bodySchema))
      for (const spoil of spoilsFor(field.schema))
        probes.push({
          label: `body.${field.path.join('.')}=${spoil.text}`,
          kind: spoil.kind,
          path: plausiblePath,
          query: plausibleQuery,
          body: json(withValue(baseBody, field.path, spoil.value)),
        });
    // Every string of the body blank at once: a required name must be refused, not hit a CHECK.
    if (hasRequiredText(bodySchema))
      probes.push({
        label: 'body all strings whitespace-only',
        kind: 'blank',
        path: plausiblePath,
        query: plausibleQuery,
        body: json(blankStrings(bodySchema, baseBody)),
      });
  }

  if (writes || bodySchema) {
    const junk: Array<{
      label: string;
      kind: string;
      body: { payload: string | Buffer; contentType: string };
    }> = [
      { label: 'body []', kind: 'type', body: { payload: '[]', contentType: 'application/json' } },
      { label: 'body [base]', kind: 'type', body: json([baseBody ?? {}]) },
      { label: 'body "text"', kind: 'type', body: { payload: '"text"', contentType: 'application/json' } },
      { label: 'body null', kind: 'type', body: { payload: 'null', contentType: 'application/json' } },
      { label: 'body 1e309', kind: 'int-bound', body: { payload: '1e309', contentType: 'application/json' } },
      {
        label: 'invalid JSON',
        kind: 'content-type',
        body: { payload: '{"a":', contentType: 'application/json' },
      },
      {
        label: 'JSON __proto__',
        kind: 'type',
        body: { payload: '{"__proto__":{"admin":true}}', contentType: 'application/json' },
      },
      {
        label: 'deep JSON',
        kind: 'type',
        body: { payload: '['.repeat(20_000) + ']'.repeat(20_000), contentType: 'application/json' },
      },
      {
        label: 'text/plain',
        kind: 'content-type',
        body: { payload: 'hello\u0000', contentType: 'text/plain' },
      },
      {
        label: 'form-encoded',
        kind: 'content-type',
        body: { payload: 'name=%00&areaId=2147483648', contentType: 'application/x-www-form-urlencoded' },
      },
      {
        label: 'multipart junk',
        kind: 'content-type',
        body: { payload: 'garbage', contentType: 'multipart/form-data; boundary=x' },
      },
      {
        label: 'multipart no boundary',
        kind: 'content-type',
        body: { payload: 'garbage', contentType: 'multipart/form-data' },
      },
      {
        label: 'multipart NUL field + junk file',
        kind: 'nul',
        body: junkMultipart(options.formFields?.(route) ?? stringFields(baseBody)),
      },
      {
        label: 'unknown content type',
        kind: 'content-type',
        body: { payload: '\u0000\u0001', contentType: 'application/x-gridguard' },
      },
    ];
    for (const item of junk)
      probes.push({
        label: item.label,
        kind: item.kind,
        path: plausiblePath,
        query: { ...plausibleQuery, ...marker },
        body: item.body,
      });
  }

  const form = options.formFields?.(route);
  if (form) {
    for (const [name, value] of Object.entries(form))
      for (const [kind, bad] of [
        ['nul', 'a\u0000b'],
        ['control', 'a\u0001b'],
        ['huge', HUGE.slice(0, 15_000)],
        ['int-bound', '1e309'],
        ['blank', '   '],
      ] as const)
        probes.push({
          label: `form.${name}=${kind}`,
          kind,
          path: plausiblePath,
          query: {
            ...plausibleQuery,
            ...(kind === 'blank' || kind === 'int-bound' || kind === 'huge' ? marker : {}),
          },
          body: {
            payload: new URLSearchParams({ ...form, [name]: value === '' ? bad : bad }).toString(),
            contentType: 'application/x-www-form-urlencoded',
          },
        });
  }

  probes.push({
    label: 'header NUL',
    kind: 'nul',
    path: plausiblePath,
    query: { ...plausibleQuery, ...marker },
    headers: { 'user-agent': 'probe\u0000', 'x-forwarded-for': '1.2.3.4\u0000' },
    ...(baseBodyProbe ? { body: baseBodyProbe } : {}),
  });
  return probes;
}

function stringFields(body: unknown): Record<string, string> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  return Object.fromEntries(
    Object.entries(body).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]),
  );
}

/** Whether a schema holds a string that must not be empty (so an all-blank body is malformed). */
function hasRequiredText(schema: JsonSchema): boolean {
  const inner = variantsOf(schema)[0] ?? schema;
  if (typeOf(inner) === 'string') return (inner.minLength ?? 0) >= 1 && !inner.enum && !inner.format;
  if (inner.items && hasRequiredText(inner.items)) return true;
  return Object.values(inner.properties ?? {}).some(hasRequiredText);
}

function blankStrings(schema: JsonSchema, value: unknown): unknown {
  if (typeof value === 'string') return ' \t ';
  if (Array.isArray(value)) return value.map((item) => blankStrings(schema.items ?? {}, item));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      const inner = variantsOf(property)[0] ?? property;
      if (key in (value as Record<string, unknown>))
        out[key] = blankStrings(inner, (value as Record<string, unknown>)[key]);
      else if (typeOf(inner) === 'string' && !inner.enum && !inner.format) out[key] = ' \t ';
    }
    return out;
  }
  return value;
}

/** The URL of a probe: path parameters substituted raw (they are pre-encoded), the query encoded. */
export function urlOf(route: Route, probe: Probe): string {
  let url = route.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = probe.path[name] ?? '1';
    return /%[0-9A-F]{2}|%E0/.test(value) ? value : encodeURIComponent(value);
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(probe.query ?? {}))
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, item);
  const query = search.toString();
  if (query) url += `?${query}`;
  return url;
}

/** Request-side schema problems: every integer/number needs both bounds, every string a length bound. */
export function unboundedFields(document: OpenApiDocument): string[] {
  const problems: string[] = [];
  const visit = (schema: JsonSchema | undefined, where: string) => {
    if (!schema || typeof schema !== 'object') return;
    const type = typeOf(schema);
    if (
      (type === 'integer' || type === 'number') &&
      (schema.minimum === undefined || schema.maximum === undefined)
    )
      problems.push(`${where}: ${type} without ${schema.minimum === undefined ? 'minimum' : 'maximum'}`);
    if (
      type === 'string' &&
      schema.maxLength === undefined &&
      !schema.enum &&
      !schema.format &&
      !schema.pattern
    )
      problems.push(`${where}: string without maxLength`);
    for (const [name, property] of Object.entries(schema.properties ?? {}))
      visit(property, `${where}.${name}`);
    if (schema.items) visit(schema.items, `${where}[]`);
    for (const alternative of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])])
      visit(alternative, where);
    const extra = (schema as { additionalProperties?: unknown }).additionalProperties;
    if (extra && typeof extra === 'object') visit(extra as JsonSchema, `${where}.*`);
  };
  for (const route of routesOf(document)) {
    for (const parameter of route.operation.parameters ?? [])
      visit(parameter.schema, `${route.method} ${route.path} ${parameter.in}.${parameter.name}`);
    for (const [type, content] of Object.entries(route.operation.requestBody?.content ?? {}))
      visit(content.schema, `${route.method} ${route.path} body(${type})`);
  }
  return problems;
}
