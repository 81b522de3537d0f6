// The store: repositories bound either to the database or to one transaction, same methods in both.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, Engine } from './db.ts';
import type { DB } from './schema.ts';
import { OrderRepo } from './order-repo.ts';
import { QueueRepo } from './queue-repo.ts';
import { PaymentRepo } from './payment-repo.ts';
import { RefundRepo } from './refund-repo.ts';
import { AccountRepo } from './account-repo.ts';
import { AssistantRepo } from './assistant-repo.ts';
import { PlatformRepo } from './platform-repo.ts';
import { RequestRepo } from './request-repo.ts';
import { AfterSalesRepo } from './after-sales-repo.ts';
import { BatchCloseRepo } from './batch-close-repo.ts';
import { SealedRepo } from './sealed-repo.ts';
import { ReconciliationRepo } from './reconciliation-repo.ts';
import { SmsRepo } from './sms/sms-repo.ts';
import { DistributionRepo } from './distribution/distribution-repo.ts';
import { ExchangeRepo } from './distribution/exchange-repo.ts';
import { DistributionReportRepo } from './distribution/report-repo.ts';
import { VaultHolder, type PhoneVault } from './personal-data.ts';
import { GroupCommit, outsideTransactions } from './group-commit.ts';
import { SupplierRepo } from './suppliers/supplier-repo.ts';
import { EligibilityRepo } from './suppliers/eligibility-repo.ts';

export type Executor = Kysely<DB> | Transaction<DB>;

export class Repos {
  readonly orders: OrderRepo;
  readonly queue: QueueRepo;
  readonly payments: PaymentRepo;
  readonly refunds: RefundRepo;
  readonly accounts: AccountRepo;
  readonly assistant: AssistantRepo;
  readonly platform: PlatformRepo;
  readonly requests: RequestRepo;
  readonly afterSales: AfterSalesRepo;
  readonly closes: BatchCloseRepo;
  readonly sealed: SealedRepo;
  readonly reconciliation: ReconciliationRepo;
  readonly sms: SmsRepo;
  readonly vaults: VaultHolder;
  readonly suppliers: SupplierRepo;
  readonly distribution: DistributionRepo;
  readonly exchanges: ExchangeRepo;
  readonly distributionReports: DistributionReportRepo;
  readonly eligibility: EligibilityRepo;
  /** `inTx`: the repositories of one transaction, which may keep what it read (see OrderRepo's plans). */
  constructor(readonly db: Executor, readonly engine: Engine, vaults?: VaultHolder, inTx = false) {
    this.vaults = vaults ?? new VaultHolder();
    const forUpdate = engine === 'postgres';
    this.orders = new OrderRepo(db, forUpdate, this.vaults, inTx);
    this.queue = new QueueRepo(db, forUpdate, engine);
    this.payments = new PaymentRepo(db, forUpdate);
    this.refunds = new RefundRepo(db, forUpdate);
    this.accounts = new AccountRepo(db, this.vaults);
    this.assistant = new AssistantRepo(db);
    this.platform = new PlatformRepo(db);
    this.requests = new RequestRepo(db, forUpdate);
    this.afterSales = new AfterSalesRepo(db, forUpdate);
    this.closes = new BatchCloseRepo(db, engine);
    this.sealed = new SealedRepo(db);
    this.reconciliation = new ReconciliationRepo(db, engine);
    this.sms = new SmsRepo(db, this.vaults);
    this.suppliers = new SupplierRepo(db, forUpdate);
    this.distribution = new DistributionRepo(db);
    this.exchanges = new ExchangeRepo(db);
    this.distributionReports = new DistributionReportRepo(db);
    this.eligibility = new EligibilityRepo(db);
  }

  /** Serialises transactions that touch the same key (PostgreSQL advisory lock; SQLite has one writer). */
  async lockKey(key: string): Promise<void> {
    if (this.engine === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(this.db);
  }
}

export class Store extends Repos {
  private readonly groups: GroupCommit | null;

  constructor(readonly database: Database) {
    const groups = database.sqlite ? new GroupCommit(database.db, database.sqlite.writer, database.sqlite.walSync) : null;
    const reader = database.sqlite?.reader;
    super(groups && reader ? outsideTransactions({ ...database.sqlite!, reader }, groups) : database.db, database.engine);
    this.groups = groups;
  }

  /** One transaction: it commits or rolls back as a whole; on SQLite it may share its commit (group-commit.ts). */
  tx<T>(fn: (r: Repos) => Promise<T>): Promise<T> {
    if (this.groups) return this.groups.run((conn) => fn(new Repos(conn, 'sqlite', this.vaults, true)));
    return this.database.db.transaction().execute((trx) => fn(new Repos(trx, this.engine, this.vaults, true)));
  }

  /** Phone numbers are written sealed with this vault from now on (see personal-data.ts). */
  protectWith(vault: PhoneVault): void {
    this.vaults.current = vault;
  }

  close(): Promise<void> {
    return this.database.close();
  }
}
