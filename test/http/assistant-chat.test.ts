import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';
import { assistantRows, orderIn } from '../fixtures/order-states.ts';
import type { OrderState } from '../../src/domain/order.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

const ask = (token: string, orderId: string, body: unknown) => h.post(`/api/v1/orders/${orderId}/assistant`, token, body);

describe('the assistant answers "我的订单还能取消吗" from the order it is asked about', () => {
  const QUESTION = '我的订单还能取消吗';
  const expected: Record<OrderState, { says: RegExp[]; action: string | null }> = {
    pending_payment: { says: [/可以取消/, /不收任何费用/, /支付截止/], action: 'open_cancel_preview' },
    paid: { says: [/可以申请取消/, /24 小时内审核/, /¥\d+\.\d\d 原路退回/], action: 'open_cancel_preview' },
    packing: { says: [/打包/, /拦截发货/], action: 'open_cancel_preview' },
    shipped: { says: [/快递拦截/, /签收后 15 天内/], action: 'open_cancel_preview' },
    delivered: { says: [/未激活退货/, /签收后 15 天内/], action: 'open_cancel_preview' },
    activated: { says: [/不能取消/, /销户/, /合约期 12 个月/], action: 'open_cancel_preview' },
    cancelled: { says: [/已经取消/, /您主动取消/, /不需要再取消/], action: null },
    account_closed: { says: [/已经销户/], action: null },
  };

  for (const [state, want] of Object.entries(expected) as [OrderState, (typeof expected)[OrderState]][]) {
    it(`answers for an order in ${state} with what that state allows`, async () => {
      const { token, order } = await orderIn(h, state);
      const res = await ask(token, order.id, { message: QUESTION });
      expect(res.statusCode).toBe(200);
      const r = json(res);
      expect(r).toMatchObject({ intent: 'can_cancel', handedOver: false, ticketId: null, lang: 'zh-CN' });
      expect(r.confidence).toBeGreaterThanOrEqual(0.35);
      for (const re of want.says) expect(r.answer).toMatch(re);
      if (want.action) expect(r.actions.map((a: any) => a.type)).toContain(want.action);
      else expect(r.actions.map((a: any) => a.type)).not.toContain('open_cancel_preview');
      for (const a of r.actions) expect(a.orderId).toBe(order.id);
    });
  }

  it('gives a different answer in every state to the same words', async () => {
    const answers = new Set<string>();
    for (const state of Object.keys(expected) as OrderState[]) {
      const { token, order } = await orderIn(h, state);
      answers.add(json(await ask(token, order.id, { message: QUESTION })).answer);
    }
    expect(answers.size).toBe(8);
  });

  it('answers in English when asked in English, still from the order', async () => {
    const unpaid = await orderIn(h, 'pending_payment');
    const activated = await orderIn(h, 'activated');
    const a = json(await ask(unpaid.token, unpaid.order.id, { message: 'can I still cancel my order?' }));
    const b = json(await ask(activated.token, activated.order.id, { message: 'can I still cancel my order?' }));
    expect(a).toMatchObject({ intent: 'can_cancel', lang: 'en' });
    expect(a.answer).toMatch(/^Yes\. The order is not paid yet/);
    expect(b.answer).toMatch(/can no longer be cancelled/);
    expect(b.answer).toMatch(/12-month contract/);
  });

  it('names the payment deadline and the time left on an unpaid order', async () => {
    const { token, order } = await orderIn(h, 'pending_payment');
    h.clock.advance(10 * 60_000);
    const r = json(await ask(token, order.id, { message: '还能取消吗', lang: 'zh-CN' }));
    expect(r.answer).toContain('还剩 20 分钟');
  });

  it('follows the review SLA an operator sets', async () => {
    const op = await h.staff('operator');
    expect((await h.app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: { authorization: `Bearer ${op}`, 'content-type': 'application/json' }, payload: JSON.stringify({ reviewSlaMs: 2 * 3_600_000 }) })).statusCode).toBe(200);
    try {
      h.clock.advance(2000); // past the settings cache
      const { token, order } = await orderIn(h, 'paid');
      const r = json(await ask(token, order.id, { message: '怎么取消订单' }));
      expect(r.intent).toBe('how_to_cancel');
      expect(r.answer).toContain('2 小时内审核');
    } finally {
      await h.app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: { authorization: `Bearer ${op}`, 'content-type': 'application/json' }, payload: JSON.stringify({ reviewSlaMs: 24 * 3_600_000 }) });
      h.clock.advance(2000);
    }
  });
});

describe('the assistant grounds other questions in the order too', () => {
  it('refund timing: nothing to refund on an unpaid order; the refund and its expected dates on a refunded one', async () => {
    const unpaid = await orderIn(h, 'pending_payment');
    const a = json(await ask(unpaid.token, unpaid.order.id, { message: '退款多久到账' }));
    expect(a.intent).toBe('refund_when');
    expect(a.answer).toContain('还没有支付');

    const refunded = await orderIn(h, 'cancelled', { channel: 'wechat' });
    const now = h.clock.now();
    await h.haoka.deps.store.database.db.updateTable('orders').set({ paid_at: now - 3_600_000, payment_channel: 'wechat', close_reason: 'customer_cancelled' }).where('id', '=', refunded.order.id).execute();
    await h.haoka.deps.store.database.db.insertInto('refunds').values({
      id: `RF-TEST-${refunded.order.id}`, order_id: refunded.order.id, payment_id: 'PAY-TEST', channel: 'wechat', amount_fen: refunded.order.amountFen,
      state: 'processing', reason: 'customer_cancelled', created_at: now, updated_at: now, succeeded_at: null, eta_earliest: '2026-11-30', eta_latest: '2026-12-02',
    }).execute();
    const b = json(await ask(refunded.token, refunded.order.id, { message: '钱什么时候退回来' }));
    expect(b.intent).toBe('refund_when');
    expect(b.answer).toContain('退款处理中');
    expect(b.answer).toContain('微信支付');
    expect(b.answer).toContain('2026-11-30 至 2026-12-02');
  });

  it('refund destination: the channel the customer paid with', async () => {
    const { token, order } = await orderIn(h, 'paid', { channel: 'bank' });
    const r = json(await ask(token, order.id, { message: '退款退到哪里' }));
    expect(r.intent).toBe('refund_where');
    expect(r.answer).toContain('银行卡');
  });

  it('penalty: free on an unpaid order, a contract penalty on an activated one', async () => {
    const unpaid = await orderIn(h, 'pending_payment');
    const activated = await orderIn(h, 'activated');
    const a = json(await ask(unpaid.token, unpaid.order.id, { message: '取消要扣钱吗' }));
    const b = json(await ask(activated.token, activated.order.id, { message: '违约金多少' }));
    expect(a.intent).toBe('penalty');
    expect(a.answer).toContain('不收任何费用');
    expect(b.intent).toBe('penalty');
    expect(b.answer).toContain('合约期 12 个月');
  });

  it('address: changeable before packing, not after shipping', async () => {
    const paid = await orderIn(h, 'paid');
    const shipped = await orderIn(h, 'shipped');
    const a = json(await ask(paid.token, paid.order.id, { message: '地址填错了能改吗' }));
    const b = json(await ask(shipped.token, shipped.order.id, { message: '地址填错了能改吗' }));
    expect(a.intent).toBe('change_address');
    expect(a.actions.map((x: any) => x.type)).toContain('change_address');
    expect(b.answer).toContain('已经发货');
    expect(b.actions.map((x: any) => x.type)).not.toContain('change_address');
  });

  it('plan switch: lists the same carrier\'s plans with the new price on an unpaid order', async () => {
    const { token, order } = await orderIn(h, 'pending_payment');
    const r = json(await ask(token, order.id, { message: '能换个套餐吗' }));
    expect(r.intent).toBe('switch_plan');
    expect(r.answer).toContain('移动全球通 129元');
    expect(r.answer).not.toContain('联通');
    expect(r.actions.map((x: any) => x.type)).toContain('switch_plan');
  });

  it('activation window and trial: from the plan of the order', async () => {
    const delivered = await orderIn(h, 'delivered', { planId: 'cm-129' });
    const w = json(await ask(delivered.token, delivered.order.id, { message: '激活有效期几天' }));
    expect(w.intent).toBe('activation_window');
    expect(w.answer).toContain('签收后 30 天');
    const unicom = await orderIn(h, 'pending_payment', { planId: 'cu-39', carrier: 'china_unicom' });
    const t = json(await ask(unicom.token, unicom.order.id, { message: '有试用期吗' }));
    expect(t.intent).toBe('trial');
    expect(t.answer).toContain('7 天试用期');
    const noTrial = await orderIn(h, 'pending_payment');
    expect(json(await ask(noTrial.token, noTrial.order.id, { message: '有试用期吗' })).answer).toContain('没有试用期');
  });

  it('never cancels by itself: "帮我取消" returns the preview to confirm on, and the order stays as it was', async () => {
    const { token, order } = await orderIn(h, 'pending_payment');
    const r = json(await ask(token, order.id, { message: '帮我取消订单' }));
    expect(r.intent).toBe('cancel_now');
    expect(r.answer).toContain('不能替您直接取消');
    expect(r.actions.map((x: any) => x.type)).toEqual(expect.arrayContaining(['open_cancel_preview', 'open_alternatives']));
    expect(r.actions.find((x: any) => x.type === 'open_cancel_preview')).toMatchObject({ method: 'GET', href: `/api/v1/orders/${order.id}/cancellation` });
    expect(json(await h.get(`/api/v1/orders/${order.id}`, token)).state).toBe('pending_payment');
  });
});

describe('handing over to an agent', () => {
  it('opens a ticket carrying the conversation when the customer asks for a person', async () => {
    const { token, order, customerId } = await orderIn(h, 'paid');
    const first = json(await ask(token, order.id, { message: '退款多久到账' }));
    const second = json(await ask(token, order.id, { message: '转人工', conversationId: first.conversationId }));
    expect(second).toMatchObject({ intent: 'talk_to_agent', handedOver: true, conversationId: first.conversationId });
    expect(second.ticketId).toMatch(/^TK/);

    const agent = await h.staff('agent');
    const tickets = json(await h.get(`/api/v1/agent/tickets?orderId=${order.id}`, agent)).tickets;
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ id: second.ticketId, orderId: order.id, customerId, status: 'open', source: 'assistant_asked', summary: '转人工' });
    expect(tickets[0].messages.map((m: any) => [m.role, m.text])).toEqual([
      ['customer', '退款多久到账'],
      ['assistant', first.answer],
      ['customer', '转人工'],
      ['assistant', second.answer],
    ]);
    expect(tickets[0].messages[0]).toMatchObject({ intent: 'refund_when', confidence: first.confidence });
  });

  it('does not open a second ticket for the same conversation', async () => {
    const { token, order } = await orderIn(h, 'pending_payment');
    const a = json(await ask(token, order.id, { message: '我要找人工客服' }));
    const b = json(await ask(token, order.id, { message: 'human please', conversationId: a.conversationId }));
    expect(b.ticketId).toBe(a.ticketId);
    expect(b.answer).toMatch(/already with our agents/);
    const agent = await h.staff('agent');
    expect(json(await h.get(`/api/v1/agent/tickets?orderId=${order.id}`, agent)).tickets).toHaveLength(1);
  });

  it('hands over when it is not sure what the customer means', async () => {
    const { token, order } = await orderIn(h, 'pending_payment');
    const r = json(await ask(token, order.id, { message: 'qqqq zzxv' }));
    expect(r.confidence).toBeLessThan(0.35);
    expect(r.handedOver).toBe(true);
    const agent = await h.staff('supervisor');
    const [t] = json(await h.get(`/api/v1/agent/tickets?orderId=${order.id}`, agent)).tickets;
    expect(t).toMatchObject({ source: 'assistant_unsure', summary: 'qqqq zzxv' });
  });

  it('lets agents claim and close a ticket, and keeps the queue to staff', async () => {
    const { token, order } = await orderIn(h, 'pending_payment');
    const { ticketId } = json(await ask(token, order.id, { message: '转人工' }));
    expect((await h.get('/api/v1/agent/tickets', token)).statusCode).toBe(403);
    const agent = await h.staff('agent');
    expect(json(await h.post(`/api/v1/agent/tickets/${ticketId}/claim`, agent)).status).toBe('claimed');
    expect(json(await h.post(`/api/v1/agent/tickets/${ticketId}/close`, agent)).status).toBe('closed');
    const again = await h.post(`/api/v1/agent/tickets/${ticketId}/claim`, agent);
    expect(again.statusCode).toBe(409);
    expect(json(again).error.code).toBe('TICKET.INVALID_TRANSITION');
    expect(json(await h.get(`/api/v1/agent/tickets?orderId=${order.id}`, agent)).tickets).toHaveLength(0);
    expect(json(await h.get(`/api/v1/agent/tickets?orderId=${order.id}&status=closed`, agent)).tickets).toHaveLength(1);
  });
});

describe('bad input gets a polite answer or a 4xx with a code, never a crash', () => {
  async function refused(token: string, orderId: string, body: unknown, status: number, code: string) {
    const before = await assistantRows(h);
    const res = await ask(token, orderId, body);
    expect(res.statusCode).toBe(status);
    expect(json(res).error.code).toBe(code);
    expect(await assistantRows(h)).toEqual(before);
  }

  it('an empty or blank message is refused with ASSISTANT.EMPTY_MESSAGE', async () => {
    const { token, order } = await orderIn(h, 'pending_payment');
    await refused(token, order.id, { message: '' }, 400, 'ASSISTANT.EMPTY_MESSAGE');
    await refused(token, order.id, { message: ' \n\t ' }, 400, 'ASSISTANT.EMPTY_MESSAGE');
  });

  it('a message over 2,000 characters is refused with ASSISTANT.MESSAGE_TOO_LONG; 2,000 exactly is answered', async () => {
    const { token, order } = await orderIn(h, 'pending_payment');
    await refused(token, order.id, { message: '取'.repeat(2001) }, 413, 'ASSISTANT.MESSAGE_TOO_LONG');
    await refused(token, order.id, { message: '😀'.repeat(2001) }, 413, 'ASSISTANT.MESSAGE_TOO_LONG');
    const ok = await ask(token, order.id, { message: '还能取消吗'.repeat(400) });
    expect(ok.statusCode).toBe(200);
    expect(json(ok).intent).toBe('can_cancel');
  });

  it('emoji only gets a polite answer, no guess and no ticket', async () => {
    const { token, order } = await orderIn(h, 'pending_payment');
    const r = json(await ask(token, order.id, { message: '😀🙏👍🏻❤️' }));
    expect(r).toMatchObject({ intent: 'other', confidence: 0, handedOver: false, ticketId: null });
    expect(r.answer).toContain('没能读懂');
    expect(r.actions.map((a: any) => a.type)).toEqual(['open_faq', 'talk_to_agent']);
  });

  it('binary content, control characters and broken surrogates get a polite answer', async () => {
    const { token, order } = await orderIn(h, 'pending_payment');
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37 + 11) % 256)).toString('latin1');
    for (const message of ['\u0000\u0001\u0002PNG\r\n\u001a\n\u0000\u0000IHDR', bytes, '\ud800\udfff\ud800 \udc00', '\u0007\u0008\u001b[31m']) {
      const res = await ask(token, order.id, { message });
      expect(res.statusCode).toBe(200);
      expect(json(res)).toMatchObject({ intent: 'other', handedOver: false });
    }
  });

  it('a message that is not text, or a body that is not JSON, is refused with a code', async () => {
    const { token, order } = await orderIn(h, 'pending_payment');
    await refused(token, order.id, { message: 42 }, 400, 'REQUEST.INVALID');
    await refused(token, order.id, { message: ['退款'] }, 400, 'REQUEST.INVALID');
    await refused(token, order.id, {}, 400, 'REQUEST.INVALID');
    await refused(token, order.id, { message: '退款', lang: 'fr' }, 400, 'REQUEST.INVALID');
    await refused(token, order.id, '{"message": "退款', 400, 'REQUEST.MALFORMED_JSON');
    const binary = await h.app.inject({
      method: 'POST', url: `/api/v1/orders/${order.id}/assistant`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, payload: Buffer.from([0, 1, 2, 255]),
    });
    expect(binary.statusCode).toBe(415);
    expect(json(binary).error.code).toBe('REQUEST.UNSUPPORTED_MEDIA_TYPE');
  });

  it("someone else's order or conversation is not found", async () => {
    const mine = await orderIn(h, 'pending_payment');
    const theirs = await orderIn(h, 'pending_payment');
    await refused(mine.token, theirs.order.id, { message: '还能取消吗' }, 404, 'ORDER.NOT_FOUND');
    const { conversationId } = json(await ask(theirs.token, theirs.order.id, { message: '还能取消吗' }));
    await refused(mine.token, mine.order.id, { message: '还能取消吗', conversationId }, 404, 'ASSISTANT.CONVERSATION_NOT_FOUND');
  });

  it('staff cannot chat as the customer', async () => {
    const { order } = await orderIn(h, 'pending_payment');
    const agent = await h.staff('agent');
    expect((await ask(agent, order.id, { message: '还能取消吗' })).statusCode).toBe(403);
  });
});
