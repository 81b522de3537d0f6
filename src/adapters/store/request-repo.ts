// Cancellation requests, their reasons list, screenshots and the facts the express-refund policy reads.
import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { CancellationRequest, IdentityMethod, InterceptionState, RequestQueue, RequestState } from '../../domain/cancellation-request.ts';
import { OPEN_REQUEST_STATES } from '../../domain/cancellation-request.ts';
import type { CancellationRequestsTable, DB, RequestAttachmentsTable } from './schema.ts';
import { chunks } from './order-repo.ts';
import { insertRows, statement } from './compiled.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type AttachmentRow = Selectable<RequestAttachmentsTable>;

export interface ReasonRow {
  code: string;
  label: string;
  alternative: string | null;
  active: boolean;
  sortOrder: number;
}

export interface QueueFilter {
  states: RequestState[];
  queues?: RequestQueue[];
  urgent?: boolean;
  escalated?: boolean;
  assignee?: { kind: 'unassigned' } | { kind: 'agent'; id: string };
  limit: number;
}

/** Closes that were the customer's own choice; a payment timeout is not a cancellation the customer made. */
const OWN_CANCEL_REASONS = ['customer_abandoned', 'customer_cancelled', 'intercepted', 'returned', 'trial_unsubscribed'];

/** Written into the text (as the partial index on open requests says them), so that the plan does not depend on bound values. */
const OPEN_STATES = OPEN_REQUEST_STATES.map((s) => sql.lit(s)) as unknown as RequestState[];

// What every cancellation request reads (the express-refund facts, the reason, the open request): compiled once.
const openForOrder = statement<{ orderId: string }, Selectable<CancellationRequestsTable>>((db, p, shape) => {
  const q = db.selectFrom('cancellation_requests').selectAll().where('order_id', '=', p('orderId')).where('state', 'in', OPEN_STATES);
  return shape === 'lock' ? q.forUpdate() : q;
});
const ownCancellations = statement<{ customerId: string; since: number }, { n: number }>((db, p) =>
  db.selectFrom('orders').select(sql<number>`count(*)`.as('n')).where('customer_id', '=', p('customerId'))
    .where('state', '=', 'cancelled').where('closed_at', '>=', p('since')).where('close_reason', 'in', OWN_CANCEL_REASONS));
const refundFailures = statement<{ customerId: string }, { n: number }>((db, p) =>
  db.selectFrom('refunds').innerJoin('orders', 'orders.id', 'refunds.order_id').select(sql<number>`count(*)`.as('n'))
    .where('orders.customer_id', '=', p('customerId')).where('refunds.state', 'in', ['failed', 'closed']));
const openFlag = statement<{ customerId: string; orderId: string }, { id: number }>((db, p) =>
  db.selectFrom('risk_flags').select('id').where('cleared_at', 'is', null)
    .where((eb) => eb.or([eb('customer_id', '=', p('customerId')), eb('order_id', '=', p('orderId'))])));
const reasonByCode = statement<{ code: string }, Selectable<DB['cancellation_reasons']>>((db, p) => db.selectFrom('cancellation_reasons').selectAll().where('code', '=', p('code')));

const toRequest = (r: Selectable<CancellationRequestsTable>): CancellationRequest => ({
  id: r.id,
  orderId: r.order_id,
  customerId: r.customer_id,
  state: r.state as RequestState,
  orderStateAtRequest: r.order_state_at_request as CancellationRequest['orderStateAtRequest'],
  queue: r.queue as RequestQueue,
  express: r.express === 1,
  reasonCode: r.reason_code,
  reasonText: r.reason_text,
  urgent: r.urgent === 1,
  dueAt: r.due_at,
  escalationLevel: r.escalation_level,
  escalatedAt: r.escalated_at,
  assigneeId: r.assignee_id,
  claimedAt: r.claimed_at,
  identityVerifiedAt: r.identity_verified_at,
  identityMethod: r.identity_method as IdentityMethod | null,
  identityFailures: r.identity_failures,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  rejectionReason: r.rejection_reason,
  decisionNote: r.decision_note,
  interception: r.interception as InterceptionState | null,
  numberReleasedAt: r.number_released_at,
  completedAt: r.completed_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
});

const fromRequest = (q: CancellationRequest): CancellationRequestsTable => ({
  id: q.id,
  order_id: q.orderId,
  customer_id: q.customerId,
  state: q.state,
  order_state_at_request: q.orderStateAtRequest,
  queue: q.queue,
  express: q.express ? 1 : 0,
  reason_code: q.reasonCode,
  reason_text: q.reasonText,
  urgent: q.urgent ? 1 : 0,
  due_at: q.dueAt,
  escalation_level: q.escalationLevel,
  escalated_at: q.escalatedAt,
  assignee_id: q.assigneeId,
  claimed_at: q.claimedAt,
  identity_verified_at: q.identityVerifiedAt,
  identity_method: q.identityMethod,
  identity_failures: q.identityFailures,
  decided_by: q.decidedBy,
  decided_at: q.decidedAt,
  rejection_reason: q.rejectionReason,
  decision_note: q.decisionNote,
  interception: q.interception,
  number_released_at: q.numberReleasedAt,
  completed_at: q.completedAt,
  created_at: q.createdAt,
  updated_at: q.updatedAt,
  version: q.version,
});

/** A request written if it is still in the state and version read; shape: the columns set, comma-separated. */
const updateRequestIfUnchanged = statement<Record<string, unknown>, never>((db, p, shape) =>
  db.updateTable('cancellation_requests').set({ ...Object.fromEntries(shape.split(',').filter((c) => c !== '').map((c) => [c, p(`set.${c}`)])), version: p('nextVersion') as number } as never)
    .where('id', '=', p('id') as string).where('state', '=', p('state') as string).where('version', '=', p('version') as number));

export class RequestRepo {
  constructor(private readonly db: Executor, private readonly forUpdate: boolean) {}

  async insert(req: CancellationRequest): Promise<void> {
    await insertRows(this.db, 'cancellation_requests', [{ ...fromRequest(req) }]);
  }

  /**
   * Writes a decided request if nobody changed it meanwhile (same state and version); false otherwise, and
   * the caller rolls back. This is what makes a concurrent approve and reject end with one outcome.
   */
  async update(before: CancellationRequest, after: CancellationRequest): Promise<boolean> {
    if (after === before) return true;
    const { id: _id, version: _v, ...set } = fromRequest(after) as unknown as Record<string, unknown>;
    const cols = Object.keys(set).filter((k) => set[k] !== undefined);
    const values: Record<string, unknown> = { id: before.id, state: before.state, version: before.version, nextVersion: before.version + 1 };
    for (const c of cols) values[`set.${c}`] = set[c];
    return (await updateRequestIfUnchanged.changed(this.db, values, cols.join(','))) === 1;
  }

  async get(id: string, lock = false): Promise<CancellationRequest | undefined> {
    let q = this.db.selectFrom('cancellation_requests').selectAll().where('id', '=', id);
    if (lock && this.forUpdate) q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && toRequest(r);
  }

  async getOpenForOrder(orderId: string, lock = false): Promise<CancellationRequest | undefined> {
    const r = await openForOrder.first(this.db, { orderId }, lock && this.forUpdate ? 'lock' : '');
    return r && toRequest(r);
  }

  async listOpenForOrders(orderIds: string[], lock = false): Promise<CancellationRequest[]> {
    const out: CancellationRequest[] = [];
    for (const c of chunks(orderIds)) {
      let q = this.db.selectFrom('cancellation_requests').selectAll().where('order_id', 'in', c).where('state', 'in', OPEN_STATES);
      if (lock && this.forUpdate) q = q.forUpdate();
      for (const r of await q.execute()) out.push(toRequest(r));
    }
    return out;
  }

  async listForOrder(orderId: string): Promise<CancellationRequest[]> {
    const rows = await this.db.selectFrom('cancellation_requests').selectAll().where('order_id', '=', orderId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(toRequest);
  }

  /** The newest request of each order (what an order page shows). */
  async latestForOrders(orderIds: string[]): Promise<Map<string, CancellationRequest>> {
    const out = new Map<string, CancellationRequest>();
    for (const c of chunks(orderIds)) {
      const rows = await this.db.selectFrom('cancellation_requests').selectAll().where('order_id', 'in', c).orderBy('created_at').orderBy('id').execute();
      for (const r of rows) out.set(r.order_id, toRequest(r));
    }
    return out;
  }

  /** The agents' queue: urgent first, then the nearest due time. */
  async queue(f: QueueFilter): Promise<CancellationRequest[]> {
    let q = this.db.selectFrom('cancellation_requests').selectAll().where('state', 'in', f.states);
    if (f.queues) q = q.where('queue', 'in', f.queues);
    if (f.urgent !== undefined) q = q.where('urgent', '=', f.urgent ? 1 : 0);
    if (f.escalated !== undefined) q = q.where('escalation_level', f.escalated ? '>' : '=', 0);
    if (f.assignee?.kind === 'unassigned') q = q.where('assignee_id', 'is', null);
    if (f.assignee?.kind === 'agent') q = q.where('assignee_id', '=', f.assignee.id);
    const rows = await q.orderBy('urgent', 'desc').orderBy('due_at').orderBy('id').limit(f.limit).execute();
    return rows.map(toRequest);
  }

  /** Open requests that supervisors were told about, the most escalated and the most overdue first. */
  async escalations(limit: number): Promise<CancellationRequest[]> {
    const rows = await this.db.selectFrom('cancellation_requests').selectAll().where('state', '=', 'requested').where('escalation_level', '>', 0)
      .orderBy('escalation_level', 'desc').orderBy('urgent', 'desc').orderBy('due_at').limit(limit).execute();
    return rows.map(toRequest);
  }

  /** Requests opened in [from, to), for the SLA report. */
  async openedBetween(from: number, to: number): Promise<CancellationRequest[]> {
    const rows = await this.db.selectFrom('cancellation_requests').selectAll().where('created_at', '>=', from).where('created_at', '<', to).orderBy('created_at').execute();
    return rows.map(toRequest);
  }

  // ---- facts for the express-refund and priority-channel policies
  async countOwnCancellations(customerId: string, since: number): Promise<number> {
    return Number((await ownCancellations.first(this.db, { customerId, since }))?.n ?? 0);
  }

  async countRefundFailures(customerId: string): Promise<number> {
    return Number((await refundFailures.first(this.db, { customerId }))?.n ?? 0);
  }

  async isFlagged(customerId: string, orderId: string): Promise<boolean> {
    return (await openFlag.first(this.db, { customerId, orderId })) !== undefined;
  }

  async insertRiskFlag(row: { customerId: string | null; orderId: string | null; reason: string; by: string; now: number }): Promise<void> {
    await this.db.insertInto('risk_flags').values({ customer_id: row.customerId, order_id: row.orderId, reason: row.reason, created_by: row.by, created_at: row.now, cleared_at: null }).execute();
  }

  /** Failed identity checks over all of an order's requests: withdrawing and applying again does not reset them. */
  async identityFailures(orderId: string): Promise<number> {
    const r = await this.db.selectFrom('cancellation_requests').select(sql<number>`coalesce(sum(identity_failures), 0)`.as('n')).where('order_id', '=', orderId).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  // ---- reasons
  async listReasons(activeOnly: boolean): Promise<ReasonRow[]> {
    let q = this.db.selectFrom('cancellation_reasons').selectAll();
    if (activeOnly) q = q.where('active', '=', 1);
    const rows = await q.orderBy('sort_order').orderBy('code').execute();
    return rows.map((r) => ({ code: r.code, label: r.label, alternative: r.alternative, active: r.active === 1, sortOrder: r.sort_order }));
  }

  async getReason(code: string): Promise<ReasonRow | undefined> {
    const r = await reasonByCode.first(this.db, { code });
    return r && { code: r.code, label: r.label, alternative: r.alternative, active: r.active === 1, sortOrder: r.sort_order };
  }

  async putReason(reason: ReasonRow, by: string, now: number): Promise<void> {
    const row = { label: reason.label, alternative: reason.alternative, active: reason.active ? 1 : 0, sort_order: reason.sortOrder, updated_at: now, updated_by: by };
    await this.db.insertInto('cancellation_reasons').values({ code: reason.code, ...row }).onConflict((oc) => oc.column('code').doUpdateSet(row)).execute();
  }

  // ---- screenshots
  async insertAttachment(row: Insertable<RequestAttachmentsTable>): Promise<void> {
    await this.db.insertInto('request_attachments').values(row).execute();
  }

  /** The newest screenshot of a request, with its bytes. */
  async latestAttachment(requestId: string): Promise<AttachmentRow | undefined> {
    return this.db.selectFrom('request_attachments').selectAll().where('request_id', '=', requestId).orderBy('id', 'desc').limit(1).executeTakeFirst();
  }

  async attachmentCounts(requestIds: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const c of chunks(requestIds)) {
      const rows = await this.db.selectFrom('request_attachments').select(['request_id', sql<number>`count(*)`.as('n')]).where('request_id', 'in', c).groupBy('request_id').execute();
      for (const r of rows) out.set(r.request_id, Number(r.n));
    }
    return out;
  }
}
