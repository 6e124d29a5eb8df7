import { Type, type Static } from 'typebox';
import { CodeView } from '../../household-codes/schema.js';
import { UNIT_CATEGORIES } from '../../core/vocabulary.js';

/** The two codes of an enterprise, answered only when issued: the scan URLs are not shown again. */
export const EnterpriseCodes = Type.Object(
  {
    /** The enterprise's own code: its filing and its roster (复工备案). */
    enterprise: CodeView,
    /** The code its employees scan to apply for clearance (员工申请). */
    employee: CodeView,
  },
  { $id: 'EnterpriseCodes' },
);
export type EnterpriseCodes = Static<typeof EnterpriseCodes>;

/** What an enterprise or employee code shows of its unit: nothing beyond what is on the firm's own sign. */
export const PublicEnterprise = Type.Object(
  {
    name: Type.String(),
    category: Type.Enum(UNIT_CATEGORIES),
    /** The community (village or residents' committee) that gave the code. */
    community: Type.String(),
  },
  { $id: 'PublicEnterprise' },
);
export type PublicEnterprise = Static<typeof PublicEnterprise>;
