// The IoT repositories over the store's connection or one of its transactions (the same `Repos` the rest uses, so
// IoT rows commit with outbox rows and everything else a use case writes).
import type { Repos } from '../store.ts';
import { IotAccountsRepo, type IotExecutor } from './accounts-repo.ts';
import { IotCardsRepo } from './cards-repo.ts';
import { IotJobsRepo } from './jobs-repo.ts';

export interface IotRepos {
  accounts: IotAccountsRepo;
  cards: IotCardsRepo;
  jobs: IotJobsRepo;
}

export function iotRepos(r: Repos): IotRepos {
  // The IoT tables are known to this folder's schema only; the connection is the same.
  const db = r.db as unknown as IotExecutor;
  const forUpdate = r.engine === 'postgres';
  return { accounts: new IotAccountsRepo(db, forUpdate), cards: new IotCardsRepo(db, forUpdate), jobs: new IotJobsRepo(db, forUpdate) };
}

export { toCard, type CardRow, type BatchRow, type IotPaymentRow } from './cards-repo.ts';
export { toPlan, type BusinessRow, type StaffRow, type PoolRow } from './accounts-repo.ts';
export type { JobRow, JobItemRow, CancellationRow, IotRefundRow } from './jobs-repo.ts';
