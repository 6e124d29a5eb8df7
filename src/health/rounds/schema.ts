import { AreaLevel } from '../../core/closed-schemas.js';
import { Type, type Static } from 'typebox';
import { Page, PageQuery } from '../../core/pagination.js';
import { Id, RequiredText } from '../../core/schemas.js';
import { EXEMPT_REASONS, MARK_KINDS, OUTCOME_REASONS, PERSON_TAGS } from '../../core/vocabulary.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export { EXEMPT_REASONS, MARK_KINDS, OUTCOME_REASONS };

export const RoundArea = Type.Object(
  {
    id: Type.Integer(),
    code: Type.String(),
    name: Type.String(),
    level: AreaLevel,
    /** "/1/5/23/": the web checks the caller's grants against it before offering an action. */
    path: Type.String(),
  },
  { $id: 'RoundArea' },
);

export const RoundView = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    area: RoundArea,
    startsAt: Type.String({ format: 'date-time' }),
    endsAt: Type.String({ format: 'date-time' }),
    status: Type.Enum(['open', 'closed']),
    createdBy: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    closedAt: Nullable(Type.String({ format: 'date-time' })),
    closedBy: Nullable(Type.String()),
  },
  { $id: 'RoundView' },
);
export type RoundView = Static<typeof RoundView>;
export const RoundPage = Type.With(Page(RoundView), { $id: 'RoundPage' });

export const CreateRoundBody = Type.Object(
  {
    areaId: Id(),
    name: RequiredText(100),
    startsAt: Type.String({ format: 'date-time', description: 'First instant of the sampling window' }),
    endsAt: Type.String({ format: 'date-time', description: 'End of the window (exclusive)' }),
  },
  { $id: 'CreateRoundBody', additionalProperties: false },
);
export type CreateRoundBody = Static<typeof CreateRoundBody>;

export const RoundQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      status: Type.Optional(Type.Enum(['open', 'closed'])),
      within: Type.Optional(Id({ description: 'Rounds that cover or lie inside this area' })),
    }),
  ],
  { $id: 'RoundQuery' },
);
export type RoundQuery = Static<typeof RoundQuery>;

export const Figures = Type.Object(
  {
    due: Type.Integer({ description: 'Active persons living in the area' }),
    tested: Type.Integer({ description: 'Due persons with a test sampled in the window' }),
    exempt: Type.Integer({ description: 'Due, not tested, exempted by a worker' }),
    untested: Type.Integer({ description: 'due − tested − exempt' }),
    departed: Type.Integer({ description: 'Departed on or after the round’s first day' }),
    testedShare: Nullable(Type.Number({ description: 'tested / due (null when nobody is due)' })),
  },
  { $id: 'Figures' },
);
export type Figures = Static<typeof Figures>;

export const NodeQuery = Type.Object(
  {
    node: Type.Optional(
      Id({
        description:
          'Area whose figures and children to show (default: the round’s area, or your area in it)',
      }),
    ),
  },
  { $id: 'NodeQuery' },
);
export type NodeQuery = Static<typeof NodeQuery>;

export const AreaFigures = Type.Intersect([Type.Object({ area: RoundArea }), Figures], {
  $id: 'AreaFigures',
});

export const NodeCoverage = Type.Object(
  {
    round: RoundView,
    node: AreaFigures,
    children: Type.Array(AreaFigures, {
      description: 'Each child area of the node, for drill-down and the map',
    }),
  },
  { $id: 'NodeCoverage' },
);
export type NodeCoverage = Static<typeof NodeCoverage>;

export const GridFigures = Type.Intersect(
  [
    Type.Object({
      area: Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() }),
      parentId: Nullable(Type.Integer()),
    }),
    Figures,
  ],
  { $id: 'GridFigures' },
);
export const GridCoverage = Type.Object(
  {
    round: RoundView,
    grids: Type.Array(GridFigures, {
      description: 'Every grid with residents in the part of the round you may see, by code',
    }),
  },
  { $id: 'GridCoverage' },
);
export type GridCoverage = Static<typeof GridCoverage>;

export const MarkView = Type.Object(
  {
    roundId: Type.Integer(),
    personId: Type.Integer(),
    kind: Type.Enum(MARK_KINDS),
    reason: Type.String(),
    note: Nullable(Type.String()),
    markedBy: Type.String(),
    markedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'MarkView' },
);
export type MarkView = Static<typeof MarkView>;

export const MarkBody = Type.Object(
  {
    kind: Type.Enum(MARK_KINDS, {
      description: 'exempt: not due this round (counts as exempt); outcome: what happened, still untested',
    }),
    reason: Type.Enum([...EXEMPT_REASONS, ...OUTCOME_REASONS], {
      description: `exempt: ${EXEMPT_REASONS.join(', ')}; outcome: ${OUTCOME_REASONS.join(', ')}`,
    }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { $id: 'MarkBody', additionalProperties: false },
);
export type MarkBody = Static<typeof MarkBody>;

export const MarkParams = Type.Object({ id: Id(), personId: Id() }, { $id: 'MarkParams' });

/** Orders of the untested list: by place (area, address, name), name, the oldest last test first, or area then name. */
export const UNTESTED_SORTS = ['address', 'name', 'lastTest', 'area'] as const;
export type UntestedSort = (typeof UNTESTED_SORTS)[number];

/** What narrows the untested list and its export: the area (grid, micro-grid, row cell), house, tag, text, mine. */
export const UntestedFilter = Type.Object(
  {
    within: Type.Optional(
      Id({
        description:
          'Area to list: a grid, micro-grid or row cell (default: the round’s area, or your area in it)',
      }),
    ),
    houseId: Type.Optional(Id({ description: 'Only the residents of this house' })),
    // Unnamed: a query parameter cannot point at a named schema.
    tag: Type.Optional(Type.Enum(PERSON_TAGS)),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 50,
        description:
          'Name (its beginning), the tail of the ID number or phone as masked ("1234"), or part of the address',
      }),
    ),
    mine: Type.Optional(
      Type.Boolean({
        description:
          'Only my rows: the areas where I hold a field role (health.write) and the areas and houses I answer for (包片包户)',
      }),
    ),
    sort: Type.Optional(Type.Enum(UNTESTED_SORTS, { default: 'address' })),
  },
  { $id: 'UntestedFilter' },
);
export type UntestedFilter = Static<typeof UntestedFilter>;

export const UntestedQuery = Type.Intersect([PageQuery, UntestedFilter], { $id: 'UntestedQuery' });
export type UntestedQuery = Static<typeof UntestedQuery>;

export const BulkMarkBody = Type.Object(
  {
    personIds: Type.Array(Id(), { minItems: 1, maxItems: 200, uniqueItems: true }),
    kind: MarkBody.properties.kind,
    reason: MarkBody.properties.reason,
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { $id: 'BulkMarkBody', additionalProperties: false },
);
export type BulkMarkBody = Static<typeof BulkMarkBody>;

export const BulkMarkResult = Type.Object(
  { marked: Type.Integer(), marks: Type.Array(MarkView) },
  { $id: 'BulkMarkResult' },
);
export type BulkMarkResult = Static<typeof BulkMarkResult>;

export const UntestedPerson = Type.Object(
  {
    personId: Type.Integer(),
    name: Type.String(),
    /** Always masked; the full number through POST /api/persons/{id}/reveal (audited). */
    documentMasked: Type.String(),
    phoneMasked: Nullable(Type.String()),
    address: Nullable(Type.String()),
    house: Nullable(Type.Object({ id: Type.Integer(), address: Type.String() })),
    area: Type.Object({
      id: Type.Integer(),
      code: Type.String(),
      name: Type.String(),
      /** "/1/5/23/": the web checks the caller's grants against it before offering an action. */
      path: Type.Optional(Type.String()),
    }),
    tags: Type.Array(Type.String()),
    lastTestAt: Nullable(Type.String({ format: 'date-time' })),
    lastTestResult: Nullable(Type.String()),
    mark: Nullable(MarkView),
  },
  { $id: 'UntestedPerson' },
);
export type UntestedPerson = Static<typeof UntestedPerson>;
export const UntestedPage = Type.With(Page(UntestedPerson), { $id: 'UntestedPage' });
