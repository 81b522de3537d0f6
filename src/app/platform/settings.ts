// Live platform settings: operator changes (stored, audited by who and when) over the configured defaults.
import { z } from 'zod';
import { DEFAULT_SETTINGS, REVIEW_SLA_MAX_MS, REVIEW_SLA_MIN_MS, type Settings } from '../../domain/settings.ts';
import { fail, type DomainError } from '../../domain/errors.ts';
import type { Store } from '../../adapters/store/store.ts';
import type { Clock } from './ports.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

export const settingsPatchSchema = z.strictObject({
  paymentTimeoutMs: z.number().int().min(60_000).max(24 * HOUR).optional(),
  reminderBeforeMs: z.number().int().min(0).max(24 * HOUR).optional(),
  realNameLimitPerCarrier: z.number().int().min(1).max(5).optional(),
  reorderDiscount: z.strictObject({ afterPaymentTimeout: z.boolean(), afterCustomerAbandoned: z.boolean() }).optional(),
  reviewSlaMs: z.number().int().min(REVIEW_SLA_MIN_MS).max(REVIEW_SLA_MAX_MS).optional(),
  priorityThreshold: z.number().int().min(1).max(100).optional(),
  expressRefundMaxFen: z.number().int().min(0).max(1_000_000).optional(),
  returnFollowUpMs: z.number().int().min(HOUR).max(60 * 24 * HOUR).optional(),
  returnCloseMs: z.number().int().min(24 * HOUR).max(90 * 24 * HOUR).optional(),
  carrierSyncMaxPolls: z.number().int().min(1).max(50).optional(),
});
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** How long a process trusts its copy; another process's change shows within this. */
const CACHE_MS = 1000;

export class SettingsService {
  private cached: { at: number; value: Settings } | null = null;

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly defaults: Settings = DEFAULT_SETTINGS) {}

  async get(): Promise<Settings> {
    const now = this.clock.now();
    if (this.cached && now - this.cached.at < CACHE_MS && now >= this.cached.at) return this.cached.value;
    const stored = await this.store.platform.getSettings();
    const value = { ...this.defaults, ...pick(stored) };
    this.cached = { at: now, value };
    return value;
  }

  async update(patch: SettingsPatch, by: string): Promise<Settings | DomainError> {
    const current = await this.get();
    const next = { ...current, ...patch };
    if (next.reminderBeforeMs >= next.paymentTimeoutMs) {
      return fail('SETTINGS.INVALID', 'The reminder must go out before the payment deadline.', { reminderBeforeMs: next.reminderBeforeMs, paymentTimeoutMs: next.paymentTimeoutMs });
    }
    const now = this.clock.now();
    await this.store.tx(async (r) => {
      for (const [k, v] of Object.entries(patch)) if (v !== undefined) await r.platform.putSetting(k, v, by, now);
    });
    this.cached = null;
    return this.get();
  }
}

/** Stored values are checked one by one: a bad one falls back to its default without dropping the others. */
function pick(stored: Record<string, unknown>): Partial<Settings> {
  const shape = settingsPatchSchema.shape as Record<string, z.ZodType>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(stored)) {
    const parsed = Object.hasOwn(shape, k) ? shape[k]!.safeParse(v) : null;
    if (parsed?.success && parsed.data !== undefined) out[k] = parsed.data;
  }
  return out as Partial<Settings>;
}
