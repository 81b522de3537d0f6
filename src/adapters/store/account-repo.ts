import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { AgentsTable, DB } from './schema.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type AgentRow = Selectable<AgentsTable>;

export class AccountRepo {
  constructor(private readonly db: Executor) {}

  /** The customer behind a phone number, created on first sign-in or order. */
  async ensureCustomer(id: string, phone: string, now: number): Promise<string> {
    await this.db.insertInto('customers').values({ id, phone, created_at: now }).onConflict((oc) => oc.column('phone').doNothing()).execute();
    const r = await this.db.selectFrom('customers').select('id').where('phone', '=', phone).executeTakeFirstOrThrow();
    return r.id;
  }

  async getCustomer(id: string) {
    return this.db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
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
  async putOtp(phone: string, codeHash: string, expiresAt: number, now: number): Promise<void> {
    await this.db.insertInto('otp_codes').values({ phone, code_hash: codeHash, expires_at: expiresAt, attempts: 0, created_at: now })
      .onConflict((oc) => oc.column('phone').doUpdateSet({ code_hash: codeHash, expires_at: expiresAt, attempts: 0, created_at: now })).execute();
  }

  async getOtp(phone: string) {
    return this.db.selectFrom('otp_codes').selectAll().where('phone', '=', phone).executeTakeFirst();
  }

  async bumpOtpAttempts(phone: string): Promise<void> {
    await this.db.updateTable('otp_codes').set({ attempts: sql`attempts + 1` }).where('phone', '=', phone).execute();
  }

  async deleteOtp(phone: string): Promise<void> {
    await this.db.deleteFrom('otp_codes').where('phone', '=', phone).execute();
  }
}
