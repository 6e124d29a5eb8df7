import { Type, type Static } from 'typebox';
import { CAPABILITIES } from '../auth/rights.js';
import { Id, RequiredText } from '../core/schemas.js';

export const TokenView = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    capability: Type.String(),
    area: Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() }),
    createdAt: Type.String({ format: 'date-time' }),
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    revoked: Type.Boolean(),
  },
  { $id: 'TokenView' },
);
export type TokenView = Static<typeof TokenView>;

export const CreateTokenBody = Type.Object(
  {
    name: RequiredText(100),
    areaId: Id(),
    capability: Type.Enum(CAPABILITIES),
  },
  { $id: 'CreateTokenBody', additionalProperties: false },
);
export type CreateTokenBody = Static<typeof CreateTokenBody>;

/** The secret is shown once, at creation; only its hash is stored. */
export const CreatedToken = Type.Intersect([TokenView, Type.Object({ token: Type.String() })], {
  $id: 'CreatedToken',
});

export const TokenList = Type.Object({ items: Type.Array(TokenView) }, { $id: 'TokenList' });
