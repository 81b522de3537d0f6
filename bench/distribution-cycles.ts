// The ledger's cost per place+cancel cycle: the same cycles through a promotion link and without one, in rounds that
// alternate so that drift falls on both, straight to the use cases in this process on a fresh SQLite store.
// `npx tsx bench/distribution-cycles.ts [cycles per round] [rounds]`; prints CPU per cycle of each and the difference.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { FakeClock } from '../src/adapters/clock.ts';
import { loadConfig } from '../src/config.ts';
import { compose } from '../src/main.ts';
import { placeOrder } from '../src/app/ordering/place-order.ts';
import { cancelUnpaidOrder } from '../src/app/ordering/cancel-order.ts';
import { createDistributor, createPromotionCode, putCommissionRule } from '../src/app/distribution/manage.ts';
import { isError, type DomainError } from '../src/domain/errors.ts';
import { withCheckDigit } from '../src/domain/resident-id.ts';
import { ADDRESS } from './fixtures.ts';

const must = <T>(r: T | DomainError): T => {
  if (isError(r)) throw new Error(`${r.code}: ${r.message}`);
  return r;
};

const perRound = Number(process.argv[2] ?? 300);
const rounds = Number(process.argv[3] ?? 4);
const dir = mkdtempSync(join(tmpdir(), 'haoka-dist-bench-'));
const haoka = await compose(loadConfig({ HAOKA_DATABASE_URL: join(dir, 'h.db'), HAOKA_SECRET: 'bench-secret-0123456789abcdef' }), {
  clock: new FakeClock(), log: pino({ level: 'silent' }), seed: true, numbersPerCarrier: 50, poolSize: 20, courier: 'simulator', wechat: 'simulator',
});
const deps = haoka.deps;
const top = must(await createDistributor(deps, { name: 'bench-top', password: 'bench-password' }));
const seller = must(await createDistributor(deps, { name: 'bench-seller', password: 'bench-password', parentId: top.id }));
const ref = must(await createPromotionCode(deps, seller.id, null)).code;
must(await putCommissionRule(deps, 'cm-58', { levelFen: [10000, 8000, 5000], minFirstTopUpFen: 5000, daysInService: 0, probationDays: 30 }, 'bench'));
const number = (await deps.store.orders.searchNumbers({ carrier: 'china_mobile', limit: 1 }))[0]!;
const customerId = await deps.store.accounts.ensureCustomer('C-bench', '13900000000', deps.clock.now());
const body = { customerId, planId: 'cm-58', numberId: number.id, contactName: '张三', contactPhone: '13900000000', residentId: withCheckDigit('11010519900101001'), address: ADDRESS };

async function cycles(withRef: boolean): Promise<number> {
  const cpu = process.cpuUsage();
  for (let i = 0; i < perRound; i++) {
    const order = must(await placeOrder(deps, withRef ? { ...body, ref } : body));
    must(await cancelUnpaidOrder(deps, order.id, { type: 'customer', id: body.customerId }, { confirm: true }));
  }
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000 / perRound;
}

await cycles(false);
await cycles(true);
const plain: number[] = [];
const linked: number[] = [];
for (let r = 0; r < rounds; r++) {
  plain.push(await cycles(false));
  linked.push(await cycles(true));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p = median(plain);
const l = median(linked);
process.stdout.write(`place+cancel, CPU per cycle (median of ${rounds} rounds of ${perRound}): plain ${p.toFixed(3)} ms, through a promotion link ${l.toFixed(3)} ms, ${l >= p ? '+' : ''}${(((l - p) / p) * 100).toFixed(1)} %\n`);
await haoka.close();
rmSync(dir, { recursive: true, force: true });
