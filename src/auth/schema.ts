import { AreaLevel, Right, Role } from '../core/closed-schemas.js';
import { Type, type Static } from 'typebox';
import { LOCALES } from '../i18n/locale.js';

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { $id: 'LoginBody', additionalProperties: false },
);

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 200 }),
    newPassword: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { $id: 'ChangePasswordBody', additionalProperties: false },
);

/** A language the API and the web speak. */
export const Locale = Type.Enum(LOCALES, { $id: 'Locale' });

/** The signed-in user's own settings; answers are worded in `locale` from then on. */
export const UpdateMeBody = Type.Object(
  { locale: Locale },
  { $id: 'UpdateMeBody', additionalProperties: false },
);
export type UpdateMeBody = Static<typeof UpdateMeBody>;

export const AssignmentView = Type.Object(
  {
    role: Role,
    areaId: Type.Integer(),
    areaCode: Type.String(),
    areaName: Type.String(),
    areaLevel: AreaLevel,
    categories: Type.Array(Type.String()),
  },
  { $id: 'AssignmentView' },
);
export type AssignmentView = Static<typeof AssignmentView>;

/** The rights one area's assignments give; they hold in that area's whole subtree (areaPath is a prefix). */
export const GrantView = Type.Object(
  {
    areaId: Type.Integer(),
    areaPath: Type.String({ description: 'e.g. "/1/5/23/": the ids from the top area down to this one' }),
    rights: Type.Array(Right),
  },
  { $id: 'GrantView' },
);
export type GrantView = Static<typeof GrantView>;

export const MeResponse = Type.Object(
  {
    id: Type.Integer(),
    username: Type.String(),
    displayName: Type.String(),
    locale: Locale,
    mustChangePassword: Type.Boolean(),
    /** A second factor (TOTP) is set up for this account. */
    mfaEnabled: Type.Boolean(),
    /** GRIDGUARD_MFA=required and this account's rights need a second factor: enrol before anything else. */
    mfaEnrolmentRequired: Type.Boolean(),
    mfaMode: Type.Union([Type.Literal('required'), Type.Literal('optional'), Type.Literal('off')]),
    csrfToken: Type.String(),
    assignments: Type.Array(AssignmentView),
    /** Rights held anywhere; the server still checks each record's area. */
    rights: Type.Array(Right),
    /** Where each right holds: a right applies to an object when a grant holding it has a prefix of the object's area path. */
    grants: Type.Array(GrantView),
  },
  { $id: 'MeResponse' },
);
export type MeResponse = Static<typeof MeResponse>;

/** Password right, code owed: post the challenge with a code to /api/auth/login/mfa. */
export const MfaChallengeResponse = Type.Object(
  {
    mfaRequired: Type.Literal(true),
    challenge: Type.String(),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'MfaChallengeResponse' },
);

export const SecondStepBody = Type.Object(
  {
    challenge: Type.String({ minLength: 1, maxLength: 100 }),
    /** Six digits from the authenticator app, or a recovery code. */
    code: Type.String({ minLength: 6, maxLength: 40 }),
  },
  { $id: 'SecondStepBody', additionalProperties: false },
);

export const MfaSetupResponse = Type.Object(
  {
    /** Base32 secret, for typing into an app that cannot scan. */
    secret: Type.String(),
    otpauthUri: Type.String(),
    /** PNG data URL of the QR code of otpauthUri. */
    qrDataUrl: Type.String(),
  },
  { $id: 'MfaSetupResponse' },
);

export const MfaConfirmBody = Type.Object(
  { code: Type.String({ pattern: '^[0-9]{6}$' }) },
  { $id: 'MfaConfirmBody', additionalProperties: false },
);

export const MfaConfirmResponse = Type.Object(
  {
    /** Shown this once; each works once in place of a code. */
    recoveryCodes: Type.Array(Type.String()),
  },
  { $id: 'MfaConfirmResponse' },
);
