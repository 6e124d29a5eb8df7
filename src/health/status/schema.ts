import { type Static, Type } from 'typebox';
import { KeyPersonCategory } from '../../core/closed-schemas.js';
import { Id } from '../../core/schemas.js';
import { HEALTH_VERDICTS } from '../../core/vocabulary.js';

/**
 * Codes of the reasons behind a health verdict (translated on display as `healthReason.<code>`).
 * The rules that give each one its weight are the table RULES in service.ts.
 */
export const HEALTH_REASON_CODES = [
  'HEALTH_CODE_RED',
  'HEALTH_CODE_YELLOW',
  'HEALTH_CODE_UNKNOWN',
  'HEALTH_CODE_STALE',
  'TEST_POSITIVE',
  'TEST_MISSING_IN_WINDOW',
  'KEY_PERSON_QUARANTINE',
  'KEY_PERSON',
  'RISK_AREA_ARRIVAL',
  'NO_VACCINATION',
  'FEVER_RECENT',
] as const;
export type HealthReasonCode = (typeof HEALTH_REASON_CODES)[number];

/** How much a reason weighs: red must not pass, amber needs a look, info is shown only. */
export const REASON_SEVERITIES = ['red', 'amber', 'info'] as const;
export type ReasonSeverity = (typeof REASON_SEVERITIES)[number];

const Param = Type.Union([Type.String(), Type.Number(), Type.Null()]);

export const HealthReason = Type.Object(
  {
    code: Type.Enum(HEALTH_REASON_CODES),
    severity: Type.Enum(REASON_SEVERITIES),
    params: Type.Record(Type.String(), Param, {
      description: 'Values the translated sentence names: at, hours, lastAt, category, area, level…',
    }),
  },
  { $id: 'HealthReason' },
);
export type HealthReason = Static<typeof HealthReason>;

const NullableString = Type.Union([Type.String(), Type.Null()]);

export const PersonHealthStatus = Type.Object(
  {
    personId: Type.Integer(),
    verdict: Type.Enum(HEALTH_VERDICTS),
    reasons: Type.Array(HealthReason),
    facts: Type.Object({
      healthCode: Type.Union([Type.Enum(['GREEN', 'YELLOW', 'RED', 'UNKNOWN']), Type.Null()]),
      healthCodeAt: NullableString,
      lastTestAt: NullableString,
      lastTestResult: NullableString,
      vaccinationDoses: Type.Integer(),
      lastVaccinatedAt: NullableString,
      lastTemperature: Type.Union([Type.Number(), Type.Null()]),
      lastTemperatureAt: NullableString,
      keyPersonCategories: Type.Array(KeyPersonCategory),
      /** Readings of the last TREND_DAYS days, oldest first (at most 28, the latest). */
      temperatures: Type.Array(Type.Object({ at: Type.String(), value: Type.Number() })),
      /** Whether the last reading, within the last 24 hours, is at or above the fever threshold. */
      fever: Type.Boolean(),
    }),
    /** The deployment's fever threshold in °C (GRIDGUARD_FEVER_THRESHOLD). */
    feverThreshold: Type.Number(),
    /** The test window applied, in hours; null = no test required. */
    testWithinHours: Type.Union([Type.Integer(), Type.Null()]),
    computedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'PersonHealthStatus' },
);
export type PersonHealthStatus = Static<typeof PersonHealthStatus>;

export const HealthStatusQuery = Type.Object(
  {
    testWithinHours: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 720,
        description: 'Require a negative test within this many hours (as a checkpoint does)',
      }),
    ),
  },
  { $id: 'HealthStatusQuery', additionalProperties: false },
);
export type HealthStatusQuery = Static<typeof HealthStatusQuery>;

export const HealthStatusesQuery = Type.Object(
  {
    ids: Type.Array(Id(), {
      minItems: 1,
      maxItems: 200,
      description: 'Person ids (repeat the parameter: ?ids=1&ids=2); those outside your area are left out',
    }),
  },
  { $id: 'HealthStatusesQuery', additionalProperties: false },
);
export type HealthStatusesQuery = Static<typeof HealthStatusesQuery>;

export const HealthStatusList = Type.Object(
  { items: Type.Array(PersonHealthStatus) },
  { $id: 'HealthStatusList' },
);
export type HealthStatusList = Static<typeof HealthStatusList>;
