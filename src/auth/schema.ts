import { Type, type Static } from 'typebox';

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 200 }),
    newPassword: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

export const AssignmentView = Type.Object({
  role: Type.String(),
  areaId: Type.Integer(),
  areaCode: Type.String(),
  areaName: Type.String(),
  areaLevel: Type.String(),
  categories: Type.Array(Type.String()),
});
export type AssignmentView = Static<typeof AssignmentView>;

export const MeResponse = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  locale: Type.String(),
  mustChangePassword: Type.Boolean(),
  csrfToken: Type.String(),
  assignments: Type.Array(AssignmentView),
  /** Rights held anywhere; the server still checks each record's area. */
  rights: Type.Array(Type.String()),
});
export type MeResponse = Static<typeof MeResponse>;
