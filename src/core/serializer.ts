import fastJsonStringify, { type Options, type Schema } from 'fast-json-stringify';

// Fastify's default serializer hands every response schema *all* registered schemas (~300 named
// ones); fast-json-stringify validates and indexes each of them again for every route and status,
// which made an app take ~10 s to become ready. Each response schema gets only the named schemas
// it can reach, and a serializer built once is reused by every app in the process (tests build
// dozens), since the same schema and the same referenced schemas give the same function.

type JsonObject = Record<string, unknown>;
type Serializer = (data: unknown) => string;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null;

/** The `$id`s referenced (directly or through other named schemas) from `schema`. */
export function reachableSchemas(
  schema: unknown,
  external: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const found: Record<string, unknown> = {};
  const pending: unknown[] = [schema];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const id = value.split('#')[0]!;
        if (id !== '' && !(id in found) && id in external) {
          found[id] = external[id];
          pending.push(external[id]);
        }
      } else if (key !== 'enum' && key !== 'const' && key !== 'default' && key !== 'examples') visit(value);
    }
  };
  while (pending.length > 0) visit(pending.pop());
  return found;
}

const built = new Map<string, Serializer>();

/** Fastify's `schemaController.compilersFactory.buildSerializer`. */
export function buildSerializerFactory(externalSchemas?: unknown, serializerOptions?: Options) {
  const external = isObject(externalSchemas) ? externalSchemas : {};
  return ({ schema }: { schema?: unknown }): Serializer => {
    if (!isObject(schema)) throw new Error('A response schema must be an object');
    const own = reachableSchemas(schema, external);
    // A schema registered under its own $id must not be handed to itself as an external one.
    if (typeof schema.$id === 'string') delete own[schema.$id];
    const key = JSON.stringify([schema, own, serializerOptions ?? null]);
    let serializer = built.get(key);
    if (!serializer) {
      serializer = fastJsonStringify(schema as unknown as Schema, {
        ...serializerOptions,
        schema: own as Record<string, Schema>,
      }) as Serializer;
      built.set(key, serializer);
    }
    return serializer;
  };
}
