// Withdrawals: a distributor asks for settled commissions; an operator approves (the payout is recorded in the
// ledger, settled -> paid out, under the withdrawal's id) or rejects with a note.
import { fail, type DomainError } from '../../domain/errors.ts';
import { account, entry } from '../../domain/distribution/ledger.ts';
import type { WithdrawalRow } from '../../adapters/store/distribution/exchange-repo.ts';
import { inTx, newId, type Deps } from '../platform/deps.ts';

/** What a distributor may still ask for: its settled balance less the requests waiting for an operator. */
async function available(r: Parameters<Parameters<typeof inTx>[1]>[0], distributorId: string): Promise<number> {
  const settled = (await r.distribution.accountBalances(account(distributorId, 'settled'))).get(account(distributorId, 'settled')) ?? 0;
  const waiting = (await r.exchanges.listWithdrawals({ distributorId, state: 'requested' })).reduce((s, w) => s + w.amount_fen, 0);
  return settled - waiting;
}

export async function requestWithdrawal(deps: Deps, distributorId: string, amountFen: number): Promise<WithdrawalRow | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    await r.lockKey(`withdrawal:${distributorId}`);
    const can = await available(r, distributorId);
    if (amountFen > can) return fail('WITHDRAWAL.INSUFFICIENT_BALANCE', 'More than the settled commissions not yet asked for.', { availableFen: Math.max(0, can) });
    const row: WithdrawalRow = { id: newId('WD', now), distributor_id: distributorId, amount_fen: amountFen, state: 'requested', requested_at: now, decided_by: null, decided_at: null, payout_ref: null, note: null };
    await r.exchanges.insertWithdrawal(row);
    return row;
  });
}

export async function decideWithdrawal(deps: Deps, id: string, by: string, d: { approve: boolean; payoutRef?: string | undefined; note?: string | undefined }): Promise<WithdrawalRow | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const w = await r.exchanges.getWithdrawal(id);
    if (!w) return fail('WITHDRAWAL.NOT_FOUND', 'No such withdrawal.', { id });
    if (d.approve && !d.payoutRef) return fail('REQUEST.INVALID', 'An approval records the payout\u2019s reference.', { field: 'payoutRef' });
    await r.lockKey(`withdrawal:${w.distributor_id}`);
    if (d.approve && w.state === 'requested') {
      // A clawback since the request may have taken back part of what was settled: pay only what is still there.
      const settled = (await r.distribution.accountBalances(account(w.distributor_id, 'settled'))).get(account(w.distributor_id, 'settled')) ?? 0;
      if (settled < w.amount_fen) return fail('WITHDRAWAL.INSUFFICIENT_BALANCE', 'Commissions were taken back since the request; the settled balance no longer covers it.', { availableFen: Math.max(0, settled) });
    }
    const set = { state: d.approve ? 'paid' : 'rejected', decided_by: by, decided_at: now, payout_ref: d.payoutRef ?? null, note: d.note ?? null };
    if (!(await r.exchanges.decideWithdrawal(id, set))) return fail('WITHDRAWAL.NOT_PENDING', 'This withdrawal was already decided.', { id, state: w.state });
    if (d.approve) await r.distribution.insertEntries([entry('withdraw', w.distributor_id, null, w.amount_fen, now, w.id)]);
    return { ...w, ...set };
  });
}
