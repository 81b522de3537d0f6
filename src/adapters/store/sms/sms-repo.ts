// Text messages and their delivery states (migration 016). One row per message key: written when a provider took
// it (sent, with the provider and its id) or when none would (failed, with the last refusal's code); moved to
// delivered or failed by the provider's report, once (guarded by the state). `check_at` is the row's timer: when
// the worker next asks the provider.
import type { Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import { statement } from '../compiled.ts';
import type { Executor } from '../store.ts';
import type { VaultHolder } from '../personal-data.ts';

export interface SmsMessagesTable {
  id: number;
  dedupe_key: string;
  customer_id: string;
  order_id: string | null;
  template: string;
  phone_hash: string;
  phone_enc: string;
  phone_masked: string;
  provider: string | null;
  biz_id: string | null;
  state: string;
  code: string | null;
  attempts: string;
  created_at: number;
  updated_at: number;
  check_at: number | null;
  checks: number;
}

export type SmsState = 'sent' | 'delivered' | 'failed';

export interface SmsMessage {
  id: number;
  key: string;
  customerId: string;
  orderId: string | null;
  template: string;
  /** Opened with the store's key. */
  phone: string;
  phoneMasked: string;
  provider: string | null;
  bizId: string | null;
  state: SmsState;
  code: string | null;
  /** Each provider tried and what it said: `aliyun:isv.BUSINESS_LIMIT_CONTROL tencent:Ok`. */
  attempts: string;
  createdAt: number;
  updatedAt: number;
  checkAt: number | null;
  checks: number;
}

export interface NewSms {
  key: string;
  customerId: string;
  orderId: string | null;
  template: string;
  phone: string;
  provider: string | null;
  bizId: string | null;
  state: SmsState;
  code: string | null;
  attempts: string;
  checkAt: number | null;
}

type Db = Kysely<{ sms_messages: SmsMessagesTable }>;
type Row = Selectable<SmsMessagesTable>;
type Recorded = Omit<SmsMessagesTable, 'id' | 'dedupe_key' | 'created_at' | 'checks'>;
const sms = (db: unknown) => db as Db;

// Each text message runs these (sent, then reported): compiled once (compiled.ts).
const byKey = statement<{ key: string }, Row>((db, p) => sms(db).selectFrom('sms_messages').selectAll().where('dedupe_key', '=', p('key')));
const upsert = statement<Recorded & { key: string; now: number }, never>((db, p) => {
  const row = {
    customer_id: p('customer_id'), order_id: p('order_id'), template: p('template'), phone_hash: p('phone_hash'), phone_enc: p('phone_enc'), phone_masked: p('phone_masked'),
    provider: p('provider'), biz_id: p('biz_id'), state: p('state'), code: p('code'), attempts: p('attempts'), updated_at: p('updated_at'), check_at: p('check_at'),
  };
  return sms(db).insertInto('sms_messages').values({ ...row, dedupe_key: p('key'), created_at: p('now'), checks: 0 } as never)
    .onConflict((oc) => oc.column('dedupe_key').doUpdateSet({ ...row, checks: 0 }).where('sms_messages.state', '=', 'failed')) as never;
});
const settleReport = statement<{ provider: string; bizId: string; state: string; code: string; now: number }, Row>((db, p) =>
  sms(db).updateTable('sms_messages').set({ state: p('state'), code: p('code'), check_at: null, updated_at: p('now') })
    .where('provider', '=', p('provider')).where('biz_id', '=', p('bizId')).where('state', '=', 'sent').returningAll());
// A batch's messages share the provider's id (Aliyun's SendBatchSms): its report names the phone as well.
const settleReportTo = statement<{ provider: string; bizId: string; phoneHash: string; state: string; code: string; now: number }, Row>((db, p) =>
  sms(db).updateTable('sms_messages').set({ state: p('state'), code: p('code'), check_at: null, updated_at: p('now') })
    .where('provider', '=', p('provider')).where('biz_id', '=', p('bizId')).where('phone_hash', '=', p('phoneHash')).where('state', '=', 'sent').returningAll());
const nextCheck = statement<{ id: number; checkAt: number | null; now: number }, never>((db, p) =>
  sms(db).updateTable('sms_messages').set({ check_at: p('checkAt'), checks: sql<number>`checks + 1`, updated_at: p('now') }).where('id', '=', p('id')).where('state', '=', 'sent') as never);

export class SmsRepo {
  private readonly db: Db;

  constructor(db: Executor, private readonly vaults: VaultHolder) {
    this.db = db as unknown as Db;
  }

  /** A message key may name the phone (a sign-in code's does): the store keeps the phone's hash in its place. */
  private stored(key: string): string {
    return key.replace(/(?<!\d)1\d{10}(?!\d)/g, (phone) => this.vaults.need().hash(phone));
  }

  async get(key: string): Promise<SmsMessage | undefined> {
    const r = await byKey.first(this.db as never, { key: this.stored(key) });
    return r && this.read(r);
  }

  /** Writes the message's outcome under its key: a first try inserts, a retry of a failed one overwrites it. */
  async record(m: NewSms, now: number): Promise<void> {
    const vault = this.vaults.need();
    const row: Recorded = {
      customer_id: m.customerId, order_id: m.orderId, template: m.template, phone_hash: vault.hash(m.phone), phone_enc: vault.seal(m.phone), phone_masked: vault.mask(m.phone),
      provider: m.provider, biz_id: m.bizId, state: m.state, code: m.code, attempts: m.attempts, updated_at: now, check_at: m.checkAt,
    };
    await upsert.run(this.db as never, { ...row, key: this.stored(m.key), now });
  }

  /** Messages whose check is due, oldest first. */
  async due(now: number, limit: number): Promise<SmsMessage[]> {
    const rows = await this.db.selectFrom('sms_messages').selectAll().where('check_at', '<=', now).where('state', '=', 'sent')
      .orderBy('check_at').limit(limit).execute();
    return rows.map((r) => this.read(r));
  }

  /** Asked and not reported yet: the next check at `checkAt` (null: no more checks). */
  async checkLater(id: number, checkAt: number | null, now: number): Promise<void> {
    await nextCheck.run(this.db as never, { id, checkAt, now });
  }

  /**
   * The provider's report, applied once: the message as it now stands, or undefined when it was already settled.
   * With `phone`, only the message to that phone (the messages of a batch share their `bizId`).
   */
  async settle(provider: string, bizId: string, state: 'delivered' | 'failed', code: string, now: number, phone?: string): Promise<SmsMessage | undefined> {
    const changed = phone === undefined
      ? await settleReport.first(this.db as never, { provider, bizId, state, code, now })
      : await settleReportTo.first(this.db as never, { provider, bizId, phoneHash: this.vaults.need().hash(phone), state, code, now });
    return changed && this.read(changed);
  }

  /** The newest message of a template to a phone (a sign-in code's fate). */
  async latestTo(phoneHash: string, template: string): Promise<SmsMessage | undefined> {
    const r = await this.db.selectFrom('sms_messages').selectAll().where('phone_hash', '=', phoneHash).where('template', '=', template)
      .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    return r && this.read(r);
  }

  async forOrder(orderId: string): Promise<SmsMessage[]> {
    const rows = await this.db.selectFrom('sms_messages').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
    return rows.map((r) => this.read(r));
  }

  /** Failed messages by the provider that last had them and its code (the /metrics series). */
  async failureCounts(): Promise<{ provider: string; code: string; count: number }[]> {
    const rows = await this.db.selectFrom('sms_messages').select(['provider', 'code', sql<number>`count(*)`.as('n')]).where('state', '=', 'failed')
      .groupBy(['provider', 'code']).execute();
    return rows.map((r) => ({ provider: r.provider ?? 'none', code: r.code ?? 'UNKNOWN', count: Number(r.n) }));
  }

  private read(r: SmsMessagesTable): SmsMessage {
    return {
      id: Number(r.id), key: r.dedupe_key, customerId: r.customer_id, orderId: r.order_id, template: r.template,
      phone: this.vaults.need().open(r.phone_enc), phoneMasked: r.phone_masked, provider: r.provider, bizId: r.biz_id, state: r.state as SmsState,
      code: r.code, attempts: r.attempts, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at), checkAt: r.check_at === null ? null : Number(r.check_at), checks: Number(r.checks),
    };
  }
}
