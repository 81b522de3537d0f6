// FAQ edits, assistant conversations, support tickets, reason classifications and alternative offers.
import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from './schema.ts';
import { statement } from './compiled.ts';
import type { AlternativeOffersTable, AssistantMessagesTable, FaqOverridesTable, ReasonClassificationsTable, SupportTicketsTable } from './assistant-schema.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type FaqOverrideRow = Selectable<FaqOverridesTable>;
export type MessageRow = Selectable<AssistantMessagesTable>;
export type TicketRow = Selectable<SupportTicketsTable>;
export type OfferRow = Selectable<AlternativeOffersTable>;

/** Every open offer of an order answered at once: a cancellation's answer to what was still on offer, on the request path. */
const answerAllOffers = statement<{ orderId: string; status: string; now: number; by: string }, unknown>((db, p) => db.updateTable('alternative_offers')
  .set({ status: p('status'), answered_at: p('now'), answered_by: p('by') }).where('order_id', '=', p('orderId')).where('status', '=', 'offered'));

export class AssistantRepo {
  constructor(private readonly db: Executor) {}

  // ---- FAQ
  async listFaqOverrides(): Promise<FaqOverrideRow[]> {
    return this.db.selectFrom('faq_overrides').selectAll().orderBy('id').execute();
  }

  async getFaqOverride(id: string): Promise<FaqOverrideRow | undefined> {
    return this.db.selectFrom('faq_overrides').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async putFaqOverride(row: FaqOverrideRow): Promise<void> {
    const { id, ...rest } = row;
    await this.db.insertInto('faq_overrides').values(row).onConflict((oc) => oc.column('id').doUpdateSet(rest)).execute();
  }

  async deleteFaqOverride(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('faq_overrides').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }

  // ---- conversations
  async getConversation(id: string) {
    return this.db.selectFrom('assistant_conversations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insertConversation(row: { id: string; order_id: string; customer_id: string; lang: string; created_at: number; updated_at: number }): Promise<void> {
    await this.db.insertInto('assistant_conversations').values(row).execute();
  }

  async touchConversation(id: string, lang: string, now: number): Promise<void> {
    await this.db.updateTable('assistant_conversations').set({ lang, updated_at: now }).where('id', '=', id).execute();
  }

  async insertMessages(rows: Insertable<AssistantMessagesTable>[]): Promise<void> {
    if (rows.length) await this.db.insertInto('assistant_messages').values(rows).execute();
  }

  async listMessages(conversationIds: string[]): Promise<MessageRow[]> {
    if (conversationIds.length === 0) return [];
    return this.db.selectFrom('assistant_messages').selectAll().where('conversation_id', 'in', conversationIds).orderBy('id').execute();
  }

  async countMessages(conversationId: string): Promise<number> {
    const r = await this.db.selectFrom('assistant_messages').select(sql<number>`count(*)`.as('n')).where('conversation_id', '=', conversationId).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  // ---- support tickets
  async insertTicket(row: Insertable<SupportTicketsTable>): Promise<void> {
    await this.db.insertInto('support_tickets').values(row).execute();
  }

  async getTicket(id: string): Promise<TicketRow | undefined> {
    return this.db.selectFrom('support_tickets').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The ticket still open for a conversation (or, with no conversation, for the order), if any. */
  async openTicketFor(q: { conversationId?: string; orderId?: string; source?: string }): Promise<TicketRow | undefined> {
    let s = this.db.selectFrom('support_tickets').selectAll().where('status', '!=', 'closed');
    if (q.conversationId) s = s.where('conversation_id', '=', q.conversationId);
    if (q.orderId) s = s.where('order_id', '=', q.orderId);
    if (q.source) s = s.where('source', '=', q.source);
    return s.orderBy('created_at').executeTakeFirst();
  }

  /** The agents' queue: oldest first, so nobody waits behind later arrivals. */
  async listTickets(statuses: string[], limit: number, orderId?: string): Promise<TicketRow[]> {
    let s = this.db.selectFrom('support_tickets').selectAll().where('status', 'in', statuses);
    if (orderId) s = s.where('order_id', '=', orderId);
    return s.orderBy('created_at').orderBy('id').limit(limit).execute();
  }

  /** Moves a ticket if it is in one of `from`; false when it had moved already. */
  async moveTicket(id: string, from: string[], to: string, patch: { assignee_id?: string | null; closed_at?: number | null }, now: number): Promise<boolean> {
    const r = await this.db.updateTable('support_tickets').set({ ...patch, status: to, updated_at: now }).where('id', '=', id).where('status', 'in', from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async touchTicket(id: string, now: number): Promise<void> {
    await this.db.updateTable('support_tickets').set({ updated_at: now }).where('id', '=', id).execute();
  }

  // ---- reasons
  async insertReasonClassification(row: Insertable<ReasonClassificationsTable>): Promise<void> {
    await this.db.insertInto('reason_classifications').values(row).execute();
  }

  async listReasonClassifications(orderId: string) {
    return this.db.selectFrom('reason_classifications').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
  }

  /** Counts and mean confidence per reason code over a time range, for the operators. */
  async reasonSummary(from: number, to: number): Promise<{ code: string; count: number; meanConfidence: number }[]> {
    const rows = await this.db.selectFrom('reason_classifications')
      .select(['code', sql<number>`count(*)`.as('n'), sql<number>`avg(confidence)`.as('mean')])
      .where('created_at', '>=', from).where('created_at', '<', to).groupBy('code').execute();
    return rows.map((r) => ({ code: r.code, count: Number(r.n), meanConfidence: Math.round(Number(r.mean) * 1000) / 1000 }));
  }

  // ---- alternative offers
  async listOffers(orderId: string, statuses?: string[]): Promise<OfferRow[]> {
    let s = this.db.selectFrom('alternative_offers').selectAll().where('order_id', '=', orderId);
    if (statuses) s = s.where('status', 'in', statuses);
    return s.orderBy('offered_at').orderBy('id').execute();
  }

  async insertOffers(rows: OfferRow[]): Promise<void> {
    if (rows.length) await this.db.insertInto('alternative_offers').values(rows).execute();
  }

  async setOfferReason(ids: string[], reasonCode: string): Promise<void> {
    if (ids.length) await this.db.updateTable('alternative_offers').set({ reason_code: reasonCode }).where('id', 'in', ids).execute();
  }

  /** Answers open offers; returns how many were still open (a repeated answer changes nothing). */
  async answerOffers(orderId: string, q: { ids?: string[]; kinds?: string[] }, status: 'accepted' | 'declined', by: string, now: number): Promise<number> {
    if (!q.ids && !q.kinds) return answerAllOffers.changed(this.db, { orderId, status, now, by });
    let u = this.db.updateTable('alternative_offers').set({ status, answered_at: now, answered_by: by }).where('order_id', '=', orderId).where('status', '=', 'offered');
    if (q.ids) u = u.where('id', 'in', q.ids.length ? q.ids : ['']);
    if (q.kinds) u = u.where('kind', 'in', q.kinds.length ? q.kinds : ['']);
    const r = await u.executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}
