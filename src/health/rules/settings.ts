import type { HealthRulesConfig } from '../../config.js';

/** The defaults of a deployment that sets nothing (the same as `healthRulesConfig({})`). */
export const DEFAULT_HEALTH_RULES: HealthRulesConfig = Object.freeze({
  feverThreshold: 37.3,
  fever: true,
  healthCode: true,
  positive: true,
});

// applyHealthRules keeps the signature other modules call it with (trx, persons, now), so the
// deployment's settings are installed once where the app and the command line are assembled.
let current: HealthRulesConfig = DEFAULT_HEALTH_RULES;

/** Installs the deployment's rules (buildApp, buildCli); tests switch rules off and back this way. */
export function useHealthRules(settings: HealthRulesConfig): void {
  current = settings;
}

export function healthRules(): HealthRulesConfig {
  return current;
}
