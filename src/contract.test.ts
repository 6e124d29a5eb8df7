import type { OpenAPI3, OperationObject, ReferenceObject } from 'openapi-typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument, staleContractFiles } from '../scripts/openapi.js';

// The web's API types are generated from the server's schemas (scripts/openapi.ts). These tests keep
// the generated files in step with the code and the document fit for generation.
describe('the generated API contract', () => {
  let document: OpenAPI3;
  beforeAll(async () => {
    document = await buildOpenApiDocument();
  });

  const operations = () =>
    Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.entries(item as Record<string, OperationObject>).map(([method, operation]) => ({
        route: `${method.toUpperCase()} ${path}`,
        operation,
      })),
    );

  it('openapi.json, web/src/api/schema.gen.ts and model.ts match the code', async () => {
    const stale = await staleContractFiles(document);
    expect(stale, `${stale.join(', ')} out of date: run \`npm run contract\` and commit the result`).toEqual(
      [],
    );
  });

  it('every operation has a unique camelCase operationId', () => {
    const all = operations();
    expect(all.length).toBeGreaterThan(150);
    const missing = all.filter(({ operation }) => !/^[a-z][a-zA-Z0-9]*$/.test(operation.operationId ?? ''));
    expect(missing.map(({ route }) => route)).toEqual([]);
    const seen = new Map<string, string>();
    const duplicates = all.flatMap(({ route, operation }) => {
      const other = seen.get(operation.operationId!);
      seen.set(operation.operationId!, route);
      return other ? [`${operation.operationId}: ${other} and ${route}`] : [];
    });
    expect(duplicates).toEqual([]);
  });

  it('every JSON request body and JSON response is a named schema', () => {
    const unnamed = operations().flatMap(({ route, operation }) => {
      const body = operation.requestBody as
        { content?: Record<string, { schema?: ReferenceObject }> } | undefined;
      const parts = [
        ...Object.entries(body?.content ?? {}).map(
          ([type, media]) => [`${route} body ${type}`, media] as const,
        ),
        ...Object.entries(operation.responses ?? {}).flatMap(([status, response]) =>
          Object.entries(
            (response as { content?: Record<string, { schema?: ReferenceObject }> }).content ?? {},
          ).map(([type, media]) => [`${route} ${status} ${type}`, media] as const),
        ),
      ];
      // Bytes (photos) are declared as a binary string, not a named object.
      return parts
        .filter(([where, media]) => where.endsWith('application/json') && !media.schema?.$ref)
        .filter(([, media]) => (media.schema as { format?: string } | undefined)?.format !== 'binary')
        .map(([where]) => where);
    });
    expect(unnamed).toEqual([]);
  });
});
