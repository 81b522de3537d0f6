// What eligibility adds to an order in server CPU, measured in the server process: the whole check the placement runs
// (the plan's rules, keyed hashes of ID, phone and address, the blacklist, recent orders and live cards under the ID)
// over distinct, realistic inputs against a blacklist of a few hundred entries, and the pure rule check alone.
import { isError } from '../src/domain/errors.ts';
import { checkEligibility } from '../src/domain/suppliers/eligibility.ts';
import { addToBlacklist, evaluate, rulesFor, type EligibilityInput } from '../src/app/suppliers/eligibility.ts';
import type { Deps } from '../src/app/platform/deps.ts';
import { ADDRESS, customerPhone, residentId } from './fixtures.ts';

export interface EligibilityCost { calls: number; cpuMsPerCheck: number; pureMsPerCheck: number; blacklisted: number }

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

export async function eligibilityCost(deps: Deps, planId: string, calls: number): Promise<EligibilityCost> {
  const blacklisted = 300;
  for (let i = 0; i < blacklisted; i++) {
    const r = await addToBlacklist(deps, i % 2 ? { kind: 'phone', value: customerPhone(800_000 + i), note: 'bench' } : { kind: 'resident_id', value: residentId(12_000_000 + i), note: 'bench' }, 'bench');
    if (isError(r)) throw new Error(r.message);
  }
  const inputs: EligibilityInput[] = Array.from({ length: calls }, (_, i) => ({
    planId, customerId: `C-bench-${i}`, residentId: residentId(11_500_000 + i), contactPhone: customerPhone(900_000 + i),
    address: { ...ADDRESS, detail: `科技园南区 ${1 + (i % 40)} 栋 ${101 + (i % 800)}` },
  }));
  // Warm-up: the check's path optimised before it is timed, as it is in a server that has run a while.
  for (const x of inputs.slice(0, Math.min(500, calls))) await evaluate(deps, x);
  const c0 = process.cpuUsage();
  for (const x of inputs) {
    const r = await evaluate(deps, x);
    if (isError(r) || r.length) throw new Error(`bench input refused: ${JSON.stringify(r)}`);
  }
  const whole = cpuMs(process.cpuUsage(c0)) / calls;
  const rules = await rulesFor(deps.store, planId);
  const now = Date.now();
  const facts = inputs.map((x) => ({ residentId: x.residentId!, address: x.address!, now, recentOrders: 0, liveCards: 0, cardLimit: 5, blacklisted: [] }));
  let refused = 0;
  const p0 = process.cpuUsage();
  for (let k = 0; k < 10; k++) for (const f of facts) refused += checkEligibility(rules, f).length;
  const pure = cpuMs(process.cpuUsage(p0)) / (10 * calls);
  if (refused) throw new Error('bench facts refused');
  return { calls, cpuMsPerCheck: whole, pureMsPerCheck: pure, blacklisted };
}
