import { Type, type Static } from 'typebox';
import { AreaLevel, Role } from '../../core/closed-schemas.js';
import { Page, PageQuery } from '../../core/pagination.js';
import { Id, RequiredText } from '../../core/schemas.js';
import {
  SWEEP_HOUSEHOLD_STATES,
  SWEEP_OUTCOMES,
  SWEEP_STATUSES,
  SWEEP_SYMPTOMS,
} from '../../core/vocabulary.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const SweepStatus = Type.Enum(SWEEP_STATUSES, { $id: 'SweepStatus' });
export const SweepHouseholdState = Type.Enum(SWEEP_HOUSEHOLD_STATES, { $id: 'SweepHouseholdState' });
export const SweepOutcome = Type.Enum(SWEEP_OUTCOMES, { $id: 'SweepOutcome' });
export const SweepSymptom = Type.Enum(SWEEP_SYMPTOMS, { $id: 'SweepSymptom' });
/**
 * Where a campaign stands today: before its first day, within its dates, past its last day
 * but not closed (visits are refused; staff close it), or closed.
 */
export const SweepPhase = Type.Enum(['upcoming', 'running', 'ended', 'closed'], { $id: 'SweepPhase' });

export const SweepArea = Type.Object(
  {
    id: Type.Integer(),
    code: Type.String(),
    name: Type.String(),
    level: AreaLevel,
    /** "/1/5/23/": the web checks the caller's grants against it before offering an action. */
    path: Type.String(),
  },
  { $id: 'SweepArea' },
);

export const SweepFigures = Type.Object(
  {
    total: Type.Integer({ description: 'Households in the campaign (occupied at its start)' }),
    visited: Type.Integer({ description: 'Households whose current visit found someone at home' }),
    attempted: Type.Integer({ description: 'Households knocked at with nobody home (not visited)' }),
    unvisited: Type.Integer({ description: 'total − visited − attempted' }),
    fevers: Type.Integer({ description: 'Members found at 37.3 °C or more' }),
    visitedShare: Nullable(Type.Number({ description: 'visited / total (null without households)' })),
  },
  { $id: 'SweepFigures' },
);
export type SweepFigures = Static<typeof SweepFigures>;

export const SweepView = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    area: SweepArea,
    startsOn: Type.String({ format: 'date' }),
    endsOn: Type.String({ format: 'date' }),
    status: SweepStatus,
    phase: SweepPhase,
    createdBy: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    closedAt: Nullable(Type.String({ format: 'date-time' })),
    closedBy: Nullable(Type.String()),
    figures: SweepFigures,
  },
  { $id: 'SweepView' },
);
export type SweepView = Static<typeof SweepView>;
export const SweepPage = Type.With(Page(SweepView), { $id: 'SweepPage' });

export const CreateSweepBody = Type.Object(
  {
    areaId: Id(),
    name: RequiredText(100),
    startsOn: Type.String({ format: 'date', description: 'First day (China time)' }),
    endsOn: Type.String({ format: 'date', description: 'Last day, included (China time); at most 31 days' }),
  },
  { $id: 'CreateSweepBody', additionalProperties: false },
);
export type CreateSweepBody = Static<typeof CreateSweepBody>;

export const SweepQuery = Type.Intersect([PageQuery, Type.Object({ status: Type.Optional(SweepStatus) })], {
  $id: 'SweepQuery',
});
export type SweepQuery = Static<typeof SweepQuery>;

export const SweepProgressRow = Type.Object(
  { area: SweepArea, figures: SweepFigures },
  { $id: 'SweepProgressRow' },
);
export const SweepProgress = Type.Object(
  {
    sweep: SweepView,
    node: SweepProgressRow,
    grids: Type.Array(SweepProgressRow, { description: 'Each grid of the node' }),
    rows: Type.Array(SweepProgressRow, { description: 'Each row cell (埭) of the node' }),
  },
  { $id: 'SweepProgress' },
);
export type SweepProgress = Static<typeof SweepProgress>;
export const SweepNodeQuery = Type.Object(
  { node: Type.Optional(Id({ description: 'Area inside the campaign (default: the campaign area)' })) },
  { $id: 'SweepNodeQuery' },
);

export const SweepHouseholdView = Type.Object(
  {
    sweepId: Type.Integer(),
    sweepName: Type.String(),
    house: Type.Object({ id: Type.Integer(), address: Type.String() }),
    area: SweepArea,
    state: SweepHouseholdState,
    fevers: Type.Integer(),
    visits: Type.Integer({ description: 'Visits recorded (corrections included)' }),
    assignee: Nullable(Type.Object({ userId: Type.Integer(), name: Type.String() })),
    /** Whether the caller may record a visit here (scope, coverage or assignment). */
    canVisit: Type.Boolean(),
  },
  { $id: 'SweepHouseholdView' },
);
export type SweepHouseholdView = Static<typeof SweepHouseholdView>;
export const SweepHouseholdPage = Type.With(Page(SweepHouseholdView), { $id: 'SweepHouseholdPage' });

export const SweepHouseholdQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      state: Type.Optional(SweepHouseholdState),
      /** Households not visited yet: unvisited or nobody home. */
      pending: Type.Optional(Type.Boolean()),
      within: Type.Optional(Id({ description: 'Only households under this area' })),
    }),
  ],
  { $id: 'SweepHouseholdQuery' },
);
export type SweepHouseholdQuery = Static<typeof SweepHouseholdQuery>;

export const MySweepHouseholdQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      scope: Type.Optional(
        Type.Enum(['mine', 'area'], {
          description: 'mine: assigned to me or my volunteer households; area: all I may visit',
        }),
      ),
    }),
  ],
  { $id: 'MySweepHouseholdQuery' },
);
export type MySweepHouseholdQuery = Static<typeof MySweepHouseholdQuery>;

export const SweepMemberAnswer = Type.Object(
  {
    personId: Id(),
    temperature: Type.Optional(
      Nullable(Type.Number({ minimum: 34, maximum: 43, description: '°C, one decimal' })),
    ),
    symptoms: Type.Optional(Type.Array(SweepSymptom, { maxItems: 8, uniqueItems: true })),
    travel: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    fromRiskArea: Type.Optional(Type.Boolean()),
    doses: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 10 }))),
    notes: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  },
  { $id: 'SweepMemberAnswer', additionalProperties: false },
);
export type SweepMemberAnswer = Static<typeof SweepMemberAnswer>;

export const SweepVisitBody = Type.Object(
  {
    outcome: SweepOutcome,
    visitedAt: Type.Optional(Type.String({ format: 'date-time', description: 'Default now' })),
    members: Type.Array(SweepMemberAnswer, {
      maxItems: 50,
      description: 'Residents met (none when nobody was home)',
    }),
    notes: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  },
  { $id: 'SweepVisitBody', additionalProperties: false },
);
export type SweepVisitBody = Static<typeof SweepVisitBody>;

export const SweepMemberView = Type.Object(
  {
    personId: Type.Integer(),
    name: Type.String({ description: 'Masked' }),
    temperature: Nullable(Type.Number()),
    fever: Type.Boolean(),
    symptoms: Type.Array(SweepSymptom),
    travel: Nullable(Type.String()),
    fromRiskArea: Type.Boolean(),
    doses: Nullable(Type.Integer()),
    notes: Nullable(Type.String()),
  },
  { $id: 'SweepMemberView' },
);
export const SweepVisitView = Type.Object(
  {
    id: Type.Integer(),
    outcome: SweepOutcome,
    visitedAt: Type.String({ format: 'date-time' }),
    worker: Type.Object({ userId: Nullable(Type.Integer()), name: Type.String() }),
    members: Type.Array(SweepMemberView),
    fevers: Type.Integer(),
    notes: Nullable(Type.String()),
    correctsId: Nullable(Type.Integer({ description: 'The visit this one corrects' })),
  },
  { $id: 'SweepVisitView' },
);
export type SweepVisitView = Static<typeof SweepVisitView>;

export const SweepResident = Type.Object(
  { personId: Type.Integer(), name: Type.String({ description: 'Masked' }), sex: Type.String() },
  { $id: 'SweepResident' },
);
export const SweepHouseholdDetail = Type.Object(
  {
    household: SweepHouseholdView,
    sweep: SweepView,
    residents: Type.Array(SweepResident, { description: 'Active residents now' }),
    visits: Type.Array(SweepVisitView, { description: 'Newest first; the first is the current one' }),
  },
  { $id: 'SweepHouseholdDetail' },
);
export type SweepHouseholdDetail = Static<typeof SweepHouseholdDetail>;

export const SweepHouseParams = Type.Object({ id: Id(), houseId: Id() }, { $id: 'SweepHouseParams' });

export const SweepAssignBody = Type.Object(
  {
    houseIds: Type.Array(Id(), { minItems: 1, maxItems: 500, uniqueItems: true }),
    assigneeUserId: Nullable(Id({ description: 'null takes the households back' })),
  },
  { $id: 'SweepAssignBody', additionalProperties: false },
);
export type SweepAssignBody = Static<typeof SweepAssignBody>;
export const SweepAssignResult = Type.Object({ assigned: Type.Integer() }, { $id: 'SweepAssignResult' });

export const SweepAssignee = Type.Object(
  { userId: Type.Integer(), name: Type.String(), roles: Type.Array(Role) },
  { $id: 'SweepAssignee' },
);
export const SweepAssigneeList = Type.Object(
  { items: Type.Array(SweepAssignee) },
  { $id: 'SweepAssigneeList' },
);
