import { AreaLevel } from '../../core/closed-schemas.js';
import { type Static, Type } from 'typebox';

const UserId = Type.Integer({ minimum: 1, maximum: 2147483647 });

const AreaRef = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  level: AreaLevel,
});
const HouseRef = Type.Object({ id: Type.Integer(), address: Type.String() });

export const AssignBody = Type.Object(
  {
    volunteerUserId: UserId,
    houseIds: Type.Array(Type.Integer({ minimum: 1, maximum: 2147483647 }), {
      minItems: 1,
      maxItems: 5,
      uniqueItems: true,
    }),
  },
  { $id: 'VolunteerAssignBody', additionalProperties: false },
);
export type AssignBody = Static<typeof AssignBody>;

export const HouseParams = Type.Object(
  { houseId: Type.Integer({ minimum: 1, maximum: 2147483647 }) },
  { $id: 'HouseParams' },
);

export const VolunteerCoverage = Type.Object(
  {
    userId: Type.Integer(),
    name: Type.String(),
    households: Type.Integer(),
    /** Fewer than three households. */
    underMinimum: Type.Boolean(),
    houses: Type.Array(HouseRef),
  },
  { $id: 'VolunteerCoverage' },
);
export type VolunteerCoverage = Static<typeof VolunteerCoverage>;

export const CoverageReport = Type.Object(
  {
    area: AreaRef,
    minimum: Type.Integer(),
    maximum: Type.Integer(),
    totals: Type.Object({
      houses: Type.Integer(),
      covered: Type.Integer(),
      uncovered: Type.Integer(),
      volunteers: Type.Integer(),
      volunteersUnderMinimum: Type.Integer(),
    }),
    /** Volunteers serving this micro-grid (their role is held in or above it, or they cover one of its houses). */
    volunteers: Type.Array(VolunteerCoverage),
    uncoveredHouses: Type.Array(HouseRef),
  },
  { $id: 'CoverageReport' },
);
export type CoverageReport = Static<typeof CoverageReport>;

export const AssignResult = Type.Object(
  {
    volunteer: Type.Object({ userId: Type.Integer(), name: Type.String(), households: Type.Integer() }),
    assigned: Type.Array(HouseRef),
  },
  { $id: 'AssignResult' },
);
export type AssignResult = Static<typeof AssignResult>;

export const AutoAssignResult = Type.Object(
  {
    assigned: Type.Array(
      Type.Object({ houseId: Type.Integer(), address: Type.String(), volunteerUserId: Type.Integer() }),
    ),
    coverage: CoverageReport,
  },
  { $id: 'AutoAssignResult' },
);
export type AutoAssignResult = Static<typeof AutoAssignResult>;
