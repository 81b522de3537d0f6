// The operator's vanity patterns and prices (settings key `supplier.vanityRules`), over the platform's defaults.
import { fail, type DomainError } from '../../domain/errors.ts';
import { checkVanityRules, DEFAULT_VANITY_RULES, type VanityRule } from '../../domain/suppliers/vanity.ts';
import type { Store } from '../../adapters/store/store.ts';

export const VANITY_SETTING = 'supplier.vanityRules';

/** The rules in force: the operator's when stored and valid, else the defaults. */
export async function vanityRules(store: Store): Promise<readonly VanityRule[]> {
  const stored = (await store.platform.getSettings())[VANITY_SETTING];
  if (!Array.isArray(stored)) return DEFAULT_VANITY_RULES;
  return checkVanityRules(stored as VanityRule[]) === null ? (stored as VanityRule[]) : DEFAULT_VANITY_RULES;
}

/** Replaces the rules after checking them; a bad set writes nothing. */
export async function setVanityRules(store: Store, rules: VanityRule[], by: string, now: number): Promise<readonly VanityRule[] | DomainError> {
  if (!Array.isArray(rules)) return fail('SUPPLIER.INVALID_SETTINGS', 'The vanity rules are a list.');
  const bad = checkVanityRules(rules);
  if (bad) return bad;
  await store.tx((r) => r.platform.putSetting(VANITY_SETTING, rules, by, now));
  return rules;
}
