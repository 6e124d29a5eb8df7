import { describe, expect, it } from 'vitest';
import { buildSerializerFactory, reachableSchemas } from './serializer.js';

const external = {
  Area: {
    $id: 'Area',
    type: 'object',
    properties: { name: { type: 'string' }, parent: { $ref: 'AreaRef' } },
  },
  AreaRef: { $id: 'AreaRef', type: 'object', properties: { id: { type: 'string' } } },
  Person: { $id: 'Person', type: 'object', properties: { area: { $ref: 'Area#' } } },
  Unused: { $id: 'Unused', type: 'object', properties: { secret: { type: 'string' } } },
  // An enum whose value looks like a reference is data, not a reference.
  Kind: { $id: 'Kind', type: 'string', enum: [{ $ref: 'Unused' }] },
};

describe('response serializers', () => {
  it('hand each response schema only the named schemas it reaches, through references of references', () => {
    const list = { type: 'array', items: { $ref: 'Person' } };
    expect(Object.keys(reachableSchemas(list, external)).sort()).toEqual(['Area', 'AreaRef', 'Person']);
    expect(Object.keys(reachableSchemas({ $ref: 'Kind' }, external))).toEqual(['Kind']);
    expect(reachableSchemas({ type: 'string' }, external)).toEqual({});
  });

  it('serialize through the references and drop fields no schema names', () => {
    const compile = buildSerializerFactory(external);
    const serialize = compile({ schema: { type: 'array', items: { $ref: 'Person' } } });
    expect(
      JSON.parse(serialize([{ area: { name: '东村', parent: { id: 'a1', extra: 1 }, secret: 'x' } }])),
    ).toEqual([{ area: { name: '东村', parent: { id: 'a1' } } }]);
    // The same schema in another app of the process reuses the built function.
    expect(buildSerializerFactory(external)({ schema: { type: 'array', items: { $ref: 'Person' } } })).toBe(
      serialize,
    );
  });
});
