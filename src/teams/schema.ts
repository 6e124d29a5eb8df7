import { AreaLevel, TeamDuty, TeamKind } from '../core/closed-schemas.js';
import { type Static, Type } from 'typebox';
import { Page, PageQuery } from '../core/pagination.js';
import { Id, RequiredText } from '../core/schemas.js';
import { TEAM_DUTIES, TEAM_KINDS } from '../core/vocabulary.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export { TEAM_DUTIES, TEAM_KINDS };

const Name = RequiredText(60);
const UserId = Type.Integer({ minimum: 1, maximum: 2147483647 });

export const AreaRef = Type.Object(
  {
    id: Type.Integer(),
    code: Type.String(),
    name: Type.String(),
    level: AreaLevel,
  },
  { $id: 'TeamAreaRef' },
);
export type AreaRef = Static<typeof AreaRef>;

export const UserRef = Type.Object({ userId: Type.Integer(), name: Type.String() }, { $id: 'UserRef' });
export type UserRef = Static<typeof UserRef>;

export const TeamView = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    kind: TeamKind,
    area: AreaRef,
    leader: Nullable(UserRef),
    memberCount: Type.Integer(),
    retiredAt: Nullable(Type.String({ format: 'date-time' })),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'TeamView' },
);
export type TeamView = Static<typeof TeamView>;
export const TeamPage = Type.With(Page(TeamView), { $id: 'TeamPage' });

export const MemberView = Type.Object(
  {
    userId: Type.Integer(),
    name: Type.String(),
    duty: TeamDuty,
    since: Type.String({ format: 'date-time' }),
  },
  { $id: 'MemberView' },
);
export type MemberView = Static<typeof MemberView>;

export const TeamDetail = Type.Intersect([TeamView, Type.Object({ members: Type.Array(MemberView) })], {
  $id: 'TeamDetail',
});
export type TeamDetail = Static<typeof TeamDetail>;

export const TeamQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      areaId: Type.Optional(Id({ description: 'Only teams in this area’s subtree' })),
      kind: Type.Optional(TeamKind),
      includeRetired: Type.Optional(Type.Boolean()),
    }),
  ],
  { $id: 'TeamQuery' },
);
export type TeamQuery = Static<typeof TeamQuery>;

export const CreateTeamBody = Type.Object(
  {
    areaId: Id(),
    name: Name,
    kind: TeamKind,
    leaderUserId: Type.Optional(Nullable(UserId)),
  },
  { $id: 'CreateTeamBody', additionalProperties: false },
);
export type CreateTeamBody = Static<typeof CreateTeamBody>;

export const UpdateTeamBody = Type.Object(
  {
    name: Type.Optional(Name),
    leaderUserId: Type.Optional(Nullable(UserId)),
  },
  { $id: 'UpdateTeamBody', additionalProperties: false, minProperties: 1 },
);
export type UpdateTeamBody = Static<typeof UpdateTeamBody>;

export const MemberParams = Type.Object(
  {
    id: Type.Integer({ minimum: 1, maximum: 2147483647 }),
    userId: UserId,
  },
  { $id: 'MemberParams' },
);

export const SetMemberBody = Type.Object(
  { duty: TeamDuty },
  { $id: 'SetMemberBody', additionalProperties: false },
);
export type SetMemberBody = Static<typeof SetMemberBody>;

// ---- 包片包户 ----

export const ResponsibilityView = Type.Object(
  {
    id: Type.Integer(),
    user: UserRef,
    area: AreaRef,
    /** Set when the user answers for one household rather than the whole area. */
    house: Nullable(Type.Object({ id: Type.Integer(), address: Type.String() })),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'ResponsibilityView' },
);
export type ResponsibilityView = Static<typeof ResponsibilityView>;
export const ResponsibilityPage = Type.With(Page(ResponsibilityView), { $id: 'ResponsibilityPage' });

export const ResponsibilityQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      areaId: Type.Optional(Id({ description: 'Only in this area’s subtree' })),
      userId: Type.Optional(UserId),
    }),
  ],
  { $id: 'ResponsibilityQuery' },
);
export type ResponsibilityQuery = Static<typeof ResponsibilityQuery>;

export const CreateResponsibilityBody = Type.Object(
  {
    userId: UserId,
    areaId: Type.Optional(Id({ description: 'The area answered for (包片)' })),
    houseId: Type.Optional(
      Id({
        description: 'A single household answered for (包户); its area is implied',
      }),
    ),
  },
  { $id: 'CreateResponsibilityBody', additionalProperties: false },
);
export type CreateResponsibilityBody = Static<typeof CreateResponsibilityBody>;

// ---- 1+1+N+K ----

export const GridPerson = Type.Object(
  {
    userId: Type.Integer(),
    name: Type.String(),
    /** Where their role is held (the grid or one of its micro-grids), if it comes from a role. */
    area: Nullable(Type.Object({ id: Type.Integer(), name: Type.String(), level: AreaLevel })),
    /** Named in a team of the grid (not only through a role). */
    inTeam: Type.Boolean(),
  },
  { $id: 'GridPerson' },
);
export type GridPerson = Static<typeof GridPerson>;

export const GridVolunteer = Type.Intersect([GridPerson, Type.Object({ households: Type.Integer() })], {
  $id: 'GridVolunteer',
});
export type GridVolunteer = Static<typeof GridVolunteer>;

export const GridTeamView = Type.Object(
  {
    grid: AreaRef,
    leaders: Type.Array(GridPerson),
    workers: Type.Array(GridPerson),
    police: Type.Array(GridPerson),
    doctors: Type.Array(GridPerson),
    volunteers: Type.Array(GridVolunteer),
    checkpoints: Type.Array(GridPerson),
    /** Service teams of the grid and of the community above it. */
    serviceTeams: Type.Array(
      Type.Object({
        id: Type.Integer(),
        name: Type.String(),
        area: AreaRef,
        leader: Nullable(UserRef),
        members: Type.Array(MemberView),
      }),
    ),
    responsibilities: Type.Array(ResponsibilityView),
    counts: Type.Object({
      workers: Type.Integer(),
      police: Type.Integer(),
      doctors: Type.Integer(),
      volunteers: Type.Integer(),
      checkpoints: Type.Integer(),
      coveredHouseholds: Type.Integer(),
    }),
  },
  { $id: 'GridTeamView' },
);
export type GridTeamView = Static<typeof GridTeamView>;
