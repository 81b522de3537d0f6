import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Database, Engine } from '../db.ts';
import { initial } from './001-initial.ts';
import { cancellationRequests } from './002-cancellation-requests.ts';
import { refunds } from './003-refunds.ts';
import { assistant } from './004-assistant.ts';
import { orderLookups } from './005-order-lookups.ts';
import { fulfilmentReturns } from './006-fulfilment-returns.ts';
import { protectedPhones } from './007-protected-phones.ts';
import { pickPenaltyCarrierTasks } from './008-pick-penalty-carrier-tasks.ts';
import { rateLimits } from './009-rate-limits.ts';
import { planRuleChanges } from './010-plan-rule-changes.ts';
import { queueOrder } from './011-queue-order.ts';
import { idempotencyExpiry } from './012-idempotency-expiry.ts';
import { orderTerms } from './013-order-terms.ts';
import { channelReconciliation } from './015-channel-reconciliation.ts';
import { smsMessages } from './016-sms-messages.ts';
import { suppliers } from './018-suppliers.ts';
import { vanityFromDigits } from './018b-vanity-from-digits.ts';
import { eligibility } from './019-eligibility.ts';
import { distributors } from './020-distributors.ts';
import { iot } from './021-iot.ts';

/** Migrations in order; each is written once and never edited after it ships. */
function migrations(engine: Engine): Record<string, Migration> {
  return {
    '001_initial': initial(engine),
    '002_cancellation_requests': cancellationRequests(engine),
    '003_refunds': refunds(engine),
    '004_assistant': assistant(engine),
    '005_order_lookups': orderLookups(),
    '006_fulfilment_returns': fulfilmentReturns(engine),
    '007_protected_phones': protectedPhones(),
    '008_pick_penalty_carrier_tasks': pickPenaltyCarrierTasks(),
    '009_rate_limits': rateLimits(),
    '010_plan_rule_changes': planRuleChanges(engine),
    '011_queue_order': queueOrder(),
    '012_idempotency_expiry': idempotencyExpiry(),
    '013_order_terms': orderTerms(engine),
    '015_channel_reconciliation': channelReconciliation(engine),
    '016_sms_messages': smsMessages(engine),
    '018_suppliers': suppliers(engine),
    '018b_vanity_from_digits': vanityFromDigits(),
    '019_eligibility': eligibility(engine),
    '020_distributors': distributors(engine),
    '021_iot': iot(engine),
  };
}

class InlineProvider implements MigrationProvider {
  constructor(private readonly engine: Engine) {}
  async getMigrations() {
    return migrations(this.engine);
  }
}

/** Brings the schema up to date; `upTo` stops after the named migration (tests of a migration over older rows). */
export async function migrate(database: Database, upTo?: string): Promise<string[]> {
  // 009 shipped after 010 and 011: a store that already has those takes it as well.
  const migrator = new Migrator({ db: database.db, provider: new InlineProvider(database.engine), allowUnorderedMigrations: true });
  // Statements named before a schema change may no longer fit it (db.ts, NamedStatements).
  const run = () => (upTo ? migrator.migrateTo(upTo) : migrator.migrateToLatest());
  const { error, results } = await (database.statements ? database.statements.unnamed(run) : run());
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** The names of every migration this version knows (a backup with any other was written by a newer version). */
export function migrationNames(): string[] {
  return Object.keys(migrations('sqlite'));
}

/** True when every known migration has been applied (readiness). */
export async function migrationsCurrent(database: Database): Promise<boolean> {
  const migrator = new Migrator({ db: database.db, provider: new InlineProvider(database.engine) });
  const all = await migrator.getMigrations();
  return all.every((m) => m.executedAt !== undefined);
}
