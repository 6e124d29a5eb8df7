import type { FastifyInstance, FastifySchema } from 'fastify';

// The API contract (openapi.json, web/src/api/schema.gen.ts) is generated from named schemas: every
// schema a route exposes carries an `$id` and is registered once here. Fastify, AJV and the
// serializer then see each named schema once, as a `$ref` wherever it is used, so a schema nested
// twice in one route (or in two registered ones) cannot trip AJV's "resolves to more than one
// schema", and @fastify/swagger emits `#/components/schemas/<$id>` references instead of copies.

type JsonObject = Record<string, unknown>;

/** Keywords whose value is data, not a schema: never searched for nested schemas. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples', 'example']);

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null;

const idOf = (value: unknown): string | undefined =>
  isObject(value) && !Array.isArray(value) && typeof value.$id === 'string' ? value.$id : undefined;

/**
 * The exported values of the given modules that carry an `$id`, by `$id` in sorted order (the
 * document lists them in this order). Two different schemas under one `$id` are a mistake.
 */
export function namedSchemasOf(
  modules: ReadonlyArray<Readonly<Record<string, unknown>>>,
): Map<string, JsonObject> {
  const found = new Map<string, JsonObject>();
  for (const module of modules) {
    for (const value of Object.values(module)) {
      const id = idOf(value);
      if (id === undefined) continue;
      const known = found.get(id);
      if (known && known !== value && JSON.stringify(known) !== JSON.stringify(value))
        throw new Error(`Two different schemas are named "${id}"`);
      found.set(id, value as JsonObject);
    }
  }
  return new Map([...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * A plain copy of `schema` in which every nested named schema is `{ $ref: '<$id>' }`. The root
 * keeps its `$id` when `keepRootId` (a registered schema), else a named root becomes a `$ref` too.
 */
export function referenceNamed(
  schema: unknown,
  named: ReadonlyMap<string, JsonObject>,
  where: string,
  keepRootId = false,
): unknown {
  const walk = (node: unknown, root: boolean): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item, false));
    if (!isObject(node)) return node;
    const id = idOf(node);
    if (id !== undefined) {
      const registered = named.get(id);
      if (!registered)
        throw new Error(
          `${where}: the schema "${id}" is not registered (export it from a module listed in src/api-schemas.ts)`,
        );
      if (registered !== node && JSON.stringify(registered) !== JSON.stringify(node))
        throw new Error(`${where}: two different schemas are named "${id}"`);
      if (!(root && keepRootId)) return { $ref: id };
    }
    const copy: JsonObject = {};
    for (const [key, value] of Object.entries(node))
      copy[key] = DATA_KEYWORDS.has(key) ? value : walk(value, false);
    return copy;
  };
  return walk(schema, true);
}

/** Query, params and headers stay inline objects (the document lists them as parameters). */
const INLINE_PARTS = ['querystring', 'params', 'headers'] as const;

function referenceRouteSchema(schema: FastifySchema, named: ReadonlyMap<string, JsonObject>, where: string) {
  const copy: Record<string, unknown> = { ...schema };
  for (const part of INLINE_PARTS) {
    const value = copy[part];
    if (!isObject(value)) continue;
    const inline = referenceNamed({ ...value, $id: undefined }, named, where) as JsonObject;
    delete inline.$id;
    copy[part] = inline;
  }
  if (copy.body !== undefined) copy.body = referenceNamed(copy.body, named, `${where} body`);
  if (isObject(copy.response))
    copy.response = Object.fromEntries(
      Object.entries(copy.response).map(([status, value]) => [
        status,
        referenceNamed(value, named, `${where} ${status}`),
      ]),
    );
  return copy as FastifySchema;
}

/**
 * Registers every named schema of `modules` once (`app.addSchema`) and rewrites each route's
 * schema, as the route is added, to reference them. Call before any route is registered.
 */
export function registerNamedSchemas(
  app: FastifyInstance,
  modules: ReadonlyArray<Readonly<Record<string, unknown>>>,
): ReadonlyMap<string, JsonObject> {
  const named = namedSchemasOf(modules);
  for (const [id, schema] of named) app.addSchema(referenceNamed(schema, named, id, true) as JsonObject);
  app.addHook('onRoute', (route) => {
    if (route.schema)
      route.schema = referenceRouteSchema(route.schema, named, `${String(route.method)} ${route.url}`);
  });
  return named;
}

const byKey = <T>(record: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** Paths and components in key order: the generated contract does not move when a plugin is registered earlier. */
export function sortedDocument<T extends object>(document: T): T {
  const { paths, components } = document as { paths?: Record<string, unknown>; components?: JsonObject };
  const schemas = components?.schemas as Record<string, unknown> | undefined;
  return {
    ...document,
    ...(paths ? { paths: byKey(paths) } : {}),
    ...(schemas ? { components: { ...components, schemas: byKey(schemas) } } : {}),
  };
}
