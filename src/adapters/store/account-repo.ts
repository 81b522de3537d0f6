import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { AgentsTable, DB } from './schema.ts';
import { isPlainPhone, VaultHolder } from './personal-data.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type AgentRow = Selectable<AgentsTable>;

export class AccountRepo {
  constructor(private readonly db: Executor, private readonly vaults: VaultHolder = new VaultHolder()) {}

  /** The customer behind a phone number, created on first sign-in or order. */
  async ensureCustomer(id: string, phone: string, now: number): Promise<string> {
    const v = this.vaults.need();
    const hash = v.hash(phone);
    const sealed = { phone: hash, phone_enc: v.seal(phone), phone_masked: v.mask(phone) };
    // A customer from before migration 007 is found by the number itself and sealed on the way.
    const legacy = await this.db.selectFrom('customers').select('id').where('phone', '=', phone).executeTakeFirst();
    if (legacy) {
      await this.db.updateTable('customers').set(sealed).where('id', '=', legacy.id).execute();
      return legacy.id;
    }
    await this.db.insertInto('customers').values({ id, ...sealed, created_at: now }).onConflict((oc) => oc.column('phone').doNothing()).execute();
    const r = await this.db.selectFrom('customers').select('id').where('phone', '=', hash).executeTakeFirstOrThrow();
    return r.id;
  }

  /** The customer with their phone opened (the owner's own), or masked when the store holds no key. */
  async getCustomer(id: string): Promise<{ id: string; phone: string; created_at: number } | undefined> {
    const r = await this.db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) return undefined;
    const v = this.vaults.current;
    const phone = r.phone_enc ? (v ? v.open(r.phone_enc) : (r.phone_masked ?? '')) : isPlainPhone(r.phone) ? r.phone : (r.phone_masked ?? '');
    return { id: r.id, phone, created_at: r.created_at };
  }

  async insertAgent(row: Insertable<AgentsTable>): Promise<void> {
    await this.db.insertInto('agents').values(row).onConflict((oc) => oc.column('username').doNothing()).execute();
  }

  async getAgentByUsername(username: string): Promise<AgentRow | undefined> {
    return this.db.selectFrom('agents').selectAll().where('username', '=', username).executeTakeFirst();
  }

  async getAgent(id: string): Promise<AgentRow | undefined> {
    return this.db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async listAgentsByRole(role: string): Promise<AgentRow[]> {
    return this.db.selectFrom('agents').selectAll().where('role', '=', role).orderBy('id').execute();
  }

  // ---- one-time sign-in codes
  /**
   * Files a new code unless one was made after `resendAfter`, in one statement: of requests made at the same moment
   * one files its code and the others find it. False when a recent code is there.
   */
  async putOtp(phone: string, codeHash: string, expiresAt: number, now: number, resendAfter = now): Promise<boolean> {
    const row = await this.db.insertInto('otp_codes').values({ phone, code_hash: codeHash, expires_at: expiresAt, attempts: 0, created_at: now })
      .onConflict((oc) => oc.column('phone').doUpdateSet({ code_hash: codeHash, expires_at: expiresAt, attempts: 0, created_at: now })
        .where('otp_codes.created_at', '<=', resendAfter))
      .returning('phone').executeTakeFirst();
    return row !== undefined;
  }

  async getOtp(phone: string) {
    return this.db.selectFrom('otp_codes').selectAll().where('phone', '=', phone).executeTakeFirst();
  }

  /**
   * Takes one try at the phone's code in one statement, before the code is compared: the count goes up only while
   * the code is live and under `max` tries, so tries made at the same moment cannot all read the same count.
   * Returns the code's hash and the tries now used, or undefined when there is no live code or no try left.
   */
  async takeOtpAttempt(phone: string, now: number, max: number): Promise<{ code_hash: string; attempts: number } | undefined> {
    return this.db.updateTable('otp_codes').set({ attempts: sql`attempts + 1` })
      .where('phone', '=', phone).where('expires_at', '>', now).where('attempts', '<', max)
      .returning(['code_hash', 'attempts']).executeTakeFirst();
  }

  /** Deletes the code that was used, not a newer one sent meanwhile. */
  async deleteOtpIf(phone: string, codeHash: string): Promise<void> {
    await this.db.deleteFrom('otp_codes').where('phone', '=', phone).where('code_hash', '=', codeHash).execute();
  }

  async deleteOtp(phone: string): Promise<void> {
    await this.db.deleteFrom('otp_codes').where('phone', '=', phone).execute();
  }
}
