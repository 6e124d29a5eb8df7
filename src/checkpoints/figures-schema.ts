import { type Static, type TSchema, Type } from 'typebox';
import { Id } from '../core/schemas.js';
import { CHECKPOINT_KINDS } from '../core/vocabulary.js';
import { AreaSummary } from '../register/schema.js';
import { StaffingView } from './rota-schema.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const FiguresQuery = Type.Object(
  {
    areaId: Type.Optional(
      Id({ description: 'The area (and below); default: the top of your checkpoint scope' }),
    ),
    date: Type.Optional(
      Type.String({ format: 'date', description: 'The day (China time), YYYY-MM-DD; default today' }),
    ),
  },
  { $id: 'CheckpointFiguresQuery', additionalProperties: false },
);
export type FiguresQuery = Static<typeof FiguresQuery>;

const Counts = {
  people: Type.Integer({ description: 'Persons checked (staff checks and face-gate passes)' }),
  vehicles: Type.Integer({ description: 'Vehicles checked or read (repeated reads merged)' }),
  refused: Type.Integer({ description: 'Crossings refused (劝返)' }),
  fevers: Type.Integer({ description: 'Persons with a fever' }),
  flagged: Type.Integer({ description: 'Vehicles flagged for a current risk area' }),
  gaps: Type.Integer({ description: 'Staffing gaps during the day' }),
};
export const FigureCounts = Type.Object(Counts, { $id: 'CheckpointFigureCounts' });
export type FigureCounts = Static<typeof FigureCounts>;

export const CheckpointFigures = Type.Object(
  {
    id: Type.Integer(),
    code: Type.String(),
    name: Type.String(),
    kind: Type.Enum(CHECKPOINT_KINDS),
    area: AreaSummary,
    lng: Nullable(Type.Number()),
    lat: Nullable(Type.Number()),
    staffing: StaffingView,
    ...Counts,
  },
  { $id: 'CheckpointFigures' },
);
export type CheckpointFigures = Static<typeof CheckpointFigures>;

export const AreaFigures = Type.Object(
  { area: AreaSummary, checkpoints: Type.Integer(), ...Counts },
  { $id: 'CheckpointAreaFigures' },
);
export type AreaFigures = Static<typeof AreaFigures>;

export const Figures = Type.Object(
  {
    date: Type.String({ format: 'date' }),
    area: AreaSummary,
    total: FigureCounts,
    checkpoints: Type.Array(CheckpointFigures),
    areas: Type.Array(AreaFigures, { description: 'Per child area of the area asked for' }),
  },
  { $id: 'CheckpointFigureSheet' },
);
export type Figures = Static<typeof Figures>;
