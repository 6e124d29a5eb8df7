import { AreaLevel, Role } from '../core/closed-schemas.js';
import { Type, type Static } from 'typebox';
import { Page, PageQuery } from '../core/pagination.js';
import { Id, RequiredText } from '../core/schemas.js';

export const RoleSchema = Type.With(Role, { $id: 'Role' });

export const UserAssignmentView = Type.Object(
  {
    id: Type.Integer(),
    role: RoleSchema,
    areaId: Type.Integer(),
    areaCode: Type.String(),
    areaName: Type.String(),
    areaLevel: AreaLevel,
    categories: Type.Array(Type.String()),
  },
  { $id: 'UserAssignmentView' },
);

export const UserView = Type.Object(
  {
    id: Type.Integer(),
    username: Type.String(),
    displayName: Type.String(),
    disabled: Type.Boolean(),
    /** Sign-in for this name is locked after repeated failures. */
    locked: Type.Boolean(),
    /** A second factor (TOTP) is set up. */
    mfaEnabled: Type.Boolean(),
    mustChangePassword: Type.Boolean(),
    lastLoginAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    /** Only the assignments inside the caller's scope. */
    assignments: Type.Array(UserAssignmentView),
    /** 'manage' when the caller manages every area the account holds a role in (the rule changes are checked by). */
    allowedActions: Type.Optional(Type.Array(Type.String())),
  },
  { $id: 'UserView' },
);
export type UserView = Static<typeof UserView>;
export const UserPage = Type.With(Page(UserView), { $id: 'UserPage' });

export const UserListQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      q: Type.Optional(Type.String({ maxLength: 64 })),
      areaId: Type.Optional(Id({ description: 'Users with a role on this area or below' })),
      role: Type.Optional(RoleSchema),
    }),
  ],
  { $id: 'UserListQuery' },
);
export type UserListQuery = Static<typeof UserListQuery>;

export const AssignmentInput = Type.Object(
  {
    role: RoleSchema,
    areaId: Id(),
    categories: Type.Optional(
      Type.Array(Type.Enum(['health', 'police', 'industry', 'city_management']), {
        maxItems: 8,
        uniqueItems: true,
      }),
    ),
  },
  { $id: 'AssignmentInput', additionalProperties: false },
);
export type AssignmentInput = Static<typeof AssignmentInput>;

export const CreateUserBody = Type.Object(
  {
    username: Type.String({ pattern: '^[A-Za-z0-9_.-]{3,64}$' }),
    displayName: RequiredText(64),
    password: Type.String({ minLength: 8, maxLength: 200 }),
    assignments: Type.Array(AssignmentInput, { minItems: 1, maxItems: 20 }),
  },
  { $id: 'CreateUserBody', additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(RequiredText(64)),
    disabled: Type.Optional(Type.Boolean()),
    unlock: Type.Optional(Type.Boolean()),
  },
  { $id: 'UpdateUserBody', additionalProperties: false, minProperties: 1 },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const ResetPasswordBody = Type.Object(
  { newPassword: Type.String({ minLength: 8, maxLength: 200 }) },
  { $id: 'ResetPasswordBody', additionalProperties: false },
);
