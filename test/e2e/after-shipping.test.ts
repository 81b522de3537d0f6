import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_PLANS } from '../../src/seed/demo.ts';
import { earlyTerminationPenalty } from '../../src/domain/policies/penalty.ts';
import { iccidFor } from '../../src/seed/order-copies.ts';
import { DESKTOP, hasChromium, paidThroughPages, PHONE, screenshots, signIn, startSite, type Site } from './browser.ts';

const ALL_CHECKS = { cardIntact: true, pinAreaUnscratched: true, idCopyEnclosed: true, orderNumberMatches: true };
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

describe.skipIf(!hasChromium)('after shipping, on the customer\u2019s order page', () => {
  let site: Site;
  let agentToken: string;

  /** The API as the warehouse desk and the simulators use it: JSON, an idempotency key per call. */
  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<any> {
    const res = await fetch(`${site.url}${path}`, {
      method,
      headers: {
        accept: 'application/json', authorization: `Bearer ${agentToken}`,
        ...(method === 'POST' ? { 'idempotency-key': crypto.randomUUID(), 'content-type': 'application/json' } : {}),
      },
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
    });
    const json = await res.json();
    expect(res.status, `${method} ${path}: ${JSON.stringify(json)}`).toBeLessThan(300);
    return json;
  }

  beforeAll(async () => {
    site = await startSite();
    const res = await fetch(`${site.url}/api/v1/auth/agent`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({ username: 'agent', password: 'agent123' }),
    });
    agentToken = ((await res.json()) as { token: string }).token;
  });
  afterAll(async () => {
    await site?.close();
  });

  async function paidOrder(page: Page, phone: string, plan: string): Promise<string> {
    await page.goto('/login?next=/');
    await signIn(page, phone);
    await page.waitForURL((u) => u.pathname === '/');
    return paidThroughPages(page, plan);
  }

  /** The warehouse picks a card, packs and hands the parcel over; the courier scans it all the way to the door. */
  let cards = 0;
  async function shipAndDeliver(id: string): Promise<{ trackingNo: string; number: string }> {
    await call('POST', `/api/v1/agent/orders/${id}/pick`, { iccid: iccidFor(90_000 + ++cards) });
    await call('POST', `/api/v1/agent/orders/${id}/start-packing`);
    const shipped = await call('POST', `/api/v1/agent/orders/${id}/hand-to-courier`);
    expect(shipped.state).toBe('shipped');
    for (const kind of ['picked_up', 'in_transit', 'out_for_delivery', 'delivered']) {
      await call('POST', `/sim/courier/${shipped.trackingNo}/${kind}`);
    }
    return { trackingNo: shipped.trackingNo, number: shipped.number };
  }

  it('a customer follows the parcel, returns the unactivated card, and sees the refund date once an agent passes it', async () => {
    const customer = await site.open();
    const { page } = customer;
    const id = await paidOrder(page, '13812340001', '移动花卡 58元套餐');
    const { trackingNo } = await shipAndDeliver(id);

    await page.reload();
    await page.getByRole('heading', { name: '已签收，待激活' }).waitFor();
    // The scans, latest first, with the courier's number.
    const tracking = page.getByRole('region', { name: '物流跟踪' });
    await tracking.getByTestId('tracking-number').getByText(trackingNo).waitFor();
    const scans = tracking.getByRole('list', { name: '物流记录（最新在前）' }).locator('li strong');
    expect(await scans.allTextContents()).toEqual(['已签收', '派送中', '运输中', '快递员已揽收']);
    for (const size of ['phone', 'desktop'] as const) {
      await page.setViewportSize(size === 'phone' ? PHONE : DESKTOP);
      await tracking.evaluate((e) => e.scrollIntoView());
      await screenshots(page, 'order-tracking', [size]);
    }
    await page.setViewportSize(PHONE);
    // The terms as sold: the contract, the penalty rule, the window and the trial the plan had when the order was placed.
    const terms = page.getByRole('region', { name: '购买时的约定' });
    await terms.getByText('剩余月费的 30%').waitFor();
    await terms.getByText('签收后 15 天内').waitFor();

    // Inside the window: the days left and the end date, then a dialog that Esc closes without doing anything.
    const section = page.getByTestId('return-section');
    expect(await section.getByTestId('return-window').textContent()).toMatch(/^还剩 15 天可申请退货（截止 \d{4}-\d\d-\d\d \d\d:\d\d，北京时间）$/);
    await section.getByRole('button', { name: '申请退货' }).click();
    const dialog = page.getByRole('dialog', { name: '申请未激活退货' });
    await dialog.getByText('请勿激活号卡').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await site.haoka.deps.store.afterSales.listReturns(id)).toEqual([]);
    await section.getByRole('button', { name: '申请退货' }).click();
    await screenshots(page, 'return-dialog', ['phone']);
    // A return needs its reason, like any cancellation: without one the dialog says so and nothing is written.
    await dialog.getByRole('button', { name: '确认申请退货' }).click();
    await dialog.getByText('请选择一个退货原因').waitFor();
    expect(await site.haoka.deps.store.afterSales.listReturns(id)).toEqual([]);
    await dialog.locator('label', { hasText: '号码不满意' }).click();
    await dialog.getByRole('button', { name: '确认申请退货' }).click();
    await dialog.waitFor({ state: 'detached' });
    await section.getByText('退货原因：号码不满意').waitFor();

    // The instructions: where to, and what goes in the parcel.
    await section.getByText('等待寄回', { exact: true }).waitFor();
    await section.getByTestId('return-address').getByText('广东省东莞市松山湖').waitFor();
    await section.getByText(`写有订单号 ${id} 的纸条`).waitFor();
    await section.getByText('下单人本人的身份证复印件').waitFor();
    for (const size of ['phone', 'desktop'] as const) {
      await page.setViewportSize(size === 'phone' ? PHONE : DESKTOP);
      await section.evaluate((e) => e.scrollIntoView());
      await screenshots(page, 'return-instructions', [size]);
    }
    await page.setViewportSize(PHONE);

    // A wrong tracking number is refused in words and not sent; a right one moves the return on.
    const field = section.getByLabel('寄回的快递单号');
    await field.fill('ab');
    await section.getByRole('button', { name: '提交单号' }).click();
    await section.getByText('快递单号应为 6-40 位字母、数字或“-”').waitFor();
    expect((await site.haoka.deps.store.afterSales.listReturns(id))[0]!.returnTrackingNo).toBeNull();
    await field.fill('SF1234567890');
    await section.getByRole('button', { name: '提交单号' }).click();
    await section.getByText('寄回途中', { exact: true }).waitFor();
    await section.getByText('寄回单号 SF1234567890').waitFor();

    // The warehouse receives the card and every check passes.
    const { returns } = await call('GET', `/api/v1/orders/${id}/returns`);
    expect(returns).toHaveLength(1);
    await call('POST', `/api/v1/agent/returns/${returns[0].id}/inspect`, { checklist: ALL_CHECKS, notes: '卡片完好' });

    // The open page follows the inspection: the refund and its dates (3-7 working days).
    const refund = section.getByTestId('return-refund');
    await refund.waitFor({ timeout: 20_000 });
    expect(await refund.textContent()).toMatch(/^预计 \d{4}-\d\d-\d\d 至 \d{4}-\d\d-\d\d 到账$/);
    await section.getByText('验卡通过', { exact: true }).waitFor();
    await page.getByRole('heading', { name: '已取消（已退货）' }).waitFor();
    await section.evaluate((e) => e.scrollIntoView());
    await screenshots(page, 'return-refund', ['phone']);
    // The same in English, one tap away.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await section.getByRole('heading', { name: 'Return an unactivated card' }).waitFor();
    await section.getByText('Inspection passed', { exact: true }).waitFor();
    await page.getByRole('region', { name: 'Delivery tracking' }).getByText('Delivered', { exact: true }).waitFor();
    await page.getByRole('button', { name: '切换到中文' }).click();

    // The inbox is one tap away from the order, unread first.
    await page.getByRole('link', { name: '全部消息' }).click();
    await page.getByRole('heading', { name: '消息' }).waitFor();
    await page.locator('.notices li').first().waitFor();
    await screenshots(page, 'inbox', ['phone']);
    // Seen once as unread, then marked read in the store.
    const owner = (await site.haoka.deps.store.orders.getOrder(id))!.customerId;
    await expect.poll(async () => (await site.haoka.deps.store.platform.listNotifications(owner, 100)).filter((n) => n.read_at === null).length).toBe(0);

    expect(customer.consoleErrors).toEqual([]);
    await customer.context.close();
  }, 120_000);

  it('a parcel on its way: the page follows the scans, and the customer may ask for it to be intercepted', async () => {
    const customer = await site.open();
    const { page } = customer;
    const id = await paidOrder(page, '13812340006', '电信星卡 29元');
    await call('POST', `/api/v1/agent/orders/${id}/pick`, { iccid: iccidFor(90_000 + ++cards) });
    await call('POST', `/api/v1/agent/orders/${id}/start-packing`);
    const shipped = await call('POST', `/api/v1/agent/orders/${id}/hand-to-courier`);
    await call('POST', `/sim/courier/${shipped.trackingNo}/picked_up`);
    await page.reload();
    await page.getByRole('heading', { name: '已发货' }).waitFor();
    const tracking = page.getByRole('region', { name: '物流跟踪' });
    await tracking.getByText('快递员已揽收').waitFor();
    // A scan that comes while the page is open shows up on its own, on top.
    await call('POST', `/sim/courier/${shipped.trackingNo}/in_transit`);
    await tracking.getByText('运输中').waitFor({ timeout: 20_000 });
    expect(await tracking.locator('li strong').allTextContents()).toEqual(['运输中', '快递员已揽收']);

    await page.getByRole('button', { name: '申请取消' }).click();
    const offers = page.getByRole('dialog', { name: '取消之前，看看这些办法' });
    const form = page.getByRole('dialog', { name: '申请取消订单' });
    await offers.or(form).waitFor();
    if (await offers.isVisible()) await offers.getByRole('button', { name: '仍要取消' }).click();
    await form.locator('label', { hasText: '不想要了' }).click();
    await form.getByRole('button', { name: '提交申请' }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByTestId('request-status').getByText('审核中', { exact: true }).waitFor();
    const requests = await call('GET', `/api/v1/orders/${id}/cancellation-requests`);
    expect(requests.requests[0]).toMatchObject({ state: 'requested', orderStateAtRequest: 'shipped' });

    expect(customer.consoleErrors).toEqual([]);
    await customer.context.close();
  }, 120_000);

  it('a return that fails inspection shows the agent\u2019s reason and that the card was sent back', async () => {
    const customer = await site.open();
    const { page } = customer;
    const id = await paidOrder(page, '13812340005', '移动花卡 58元套餐');
    await shipAndDeliver(id);
    await page.reload();
    const section = page.getByTestId('return-section');
    await section.getByRole('button', { name: '申请退货' }).click();
    const returnDialog = page.getByRole('dialog', { name: '申请未激活退货' });
    await returnDialog.locator('label', { hasText: '不想要了' }).click();
    await returnDialog.getByRole('button', { name: '确认申请退货' }).click();
    await section.getByLabel('寄回的快递单号').fill('YT9876543210');
    await section.getByRole('button', { name: '提交单号' }).click();
    await section.getByText('寄回途中', { exact: true }).waitFor();

    const { returns } = await call('GET', `/api/v1/orders/${id}/returns`);
    const reason = 'PIN 码区域已刮开，无法作为未激活卡退回';
    await call('POST', `/api/v1/agent/returns/${returns[0].id}/inspect`, { checklist: { ...ALL_CHECKS, pinAreaUnscratched: false }, reason });

    await section.getByTestId('return-refusal').getByText(reason).waitFor({ timeout: 20_000 });
    await section.getByText('号卡已寄回给你，请留意查收。').waitFor();
    await section.getByText('退货未通过', { exact: true }).waitFor();
    expect((await site.haoka.deps.store.orders.getOrder(id))!.state).toBe('delivered');
    await section.evaluate((e) => e.scrollIntoView());
    await screenshots(page, 'return-refused', ['phone']);

    expect(customer.consoleErrors).toEqual([]);
    await customer.context.close();
  }, 120_000);

  it('a customer closes an activated line after seeing the penalty and how it was reached', async () => {
    const customer = await site.open();
    const { page } = customer;
    const id = await paidOrder(page, '13812340002', '移动花卡 58元套餐');
    const { number } = await shipAndDeliver(id);
    await call('POST', `/sim/carrier/${number}/activated`);

    await page.reload();
    await page.getByRole('heading', { name: '已激活' }).waitFor();
    const order = (await site.haoka.deps.store.orders.getOrder(id))!;
    const plan = DEMO_PLANS.find((p) => p.id === 'cm-58')!;
    const expected = earlyTerminationPenalty(plan, order.activatedAt!, Date.now());
    expect(expected.penaltyFen).toBeGreaterThan(0);

    await page.getByRole('button', { name: '申请销户' }).click();
    const dialog = page.getByRole('dialog', { name: '申请销户' });
    await dialog.getByTestId('closure-penalty').getByText(yuan(expected.penaltyFen), { exact: true }).waitFor();
    expect(await dialog.getByTestId('closure-rule').textContent()).toContain(`合约期还剩 ${expected.monthsLeft} 个月，违约金为剩余月费的 30%`);
    await dialog.getByText(`销户后号码 ${number} 停止使用`).waitFor();
    await screenshots(page, 'closure-dialog');
    // Esc backs out and nothing is asked of the carrier.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await site.haoka.deps.store.afterSales.closureFor(id)).toBeUndefined();

    await page.getByRole('button', { name: '申请销户' }).click();
    await dialog.getByRole('button', { name: `确认销户并支付违约金 ${yuan(expected.penaltyFen)}` }).click();
    await dialog.waitFor({ state: 'detached' });
    // A penalty above zero is paid before an agent takes the closure on.
    const progress = page.getByTestId('closure-progress');
    await progress.getByText(`销户申请已提交。请支付违约金 ${yuan(expected.penaltyFen)}，支付后客服会在运营商处为你办理。`).waitFor();
    const closure = (await site.haoka.deps.store.afterSales.closureFor(id))!;
    expect(closure).toMatchObject({ state: 'awaiting_penalty', penalty_fen: expected.penaltyFen });
    // After a reload the request is still shown as under way, not offered again.
    await page.reload();
    await progress.waitFor();
    expect(await page.getByRole('button', { name: '申请销户' }).count()).toBe(0);
    await progress.evaluate((e) => e.closest('section')!.scrollIntoView());
    await screenshots(page, 'closure-progress', ['phone']);

    await progress.getByRole('button', { name: `支付违约金 ${yuan(expected.penaltyFen)}` }).click();
    const pay = page.getByRole('dialog', { name: '支付违约金' });
    await pay.locator('label', { hasText: '微信支付' }).click();
    await pay.getByRole('button', { name: `去支付 ${yuan(expected.penaltyFen)}` }).click();
    const channel = page.getByRole('dialog', { name: '微信支付' });
    await channel.getByText('模拟支付渠道').waitFor();
    await channel.getByRole('button', { name: '确认支付' }).click();
    await channel.waitFor({ state: 'detached' });
    await progress.getByText('销户办理中', { exact: true }).waitFor();
    expect(await progress.getByTestId('closure-penalty-step').textContent()).toMatch(new RegExp(`^违约金 ¥${(expected.penaltyFen / 100).toFixed(2).replace('.', '\\.')} 已于 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d 支付$`));
    await progress.evaluate((e) => e.closest('section')!.scrollIntoView());
    await screenshots(page, 'closure-paid', ['phone']);

    // The agent closes the line at the carrier; the open page follows.
    await call('POST', `/api/v1/agent/account-closures/${closure.id}/complete`);
    await page.getByRole('heading', { name: '已销户' }).waitFor({ timeout: 20_000 });
    expect((await site.haoka.deps.store.orders.getOrder(id))!.state).toBe('account_closed');

    expect(customer.consoleErrors).toEqual([]);
    await customer.context.close();
  }, 120_000);

  it('a customer unsubscribes inside the trial in one step and sees what comes back', async () => {
    const customer = await site.open();
    const { page } = customer;
    const id = await paidOrder(page, '13812340003', '联通冰激凌 99元');
    const { number } = await shipAndDeliver(id);
    await call('POST', `/sim/carrier/${number}/activated`);
    await page.reload();
    await page.getByRole('heading', { name: '已激活' }).waitFor();
    await page.getByTestId('trial-end').waitFor();
    const order = (await site.haoka.deps.store.orders.getOrder(id))!;

    await page.getByRole('button', { name: '免费退订' }).click();
    const dialog = page.getByRole('dialog', { name: '在试用期内退订？' });
    await dialog.getByTestId('trial-refund').getByText(yuan(order.amountFen), { exact: true }).waitFor();
    await dialog.getByText(`退订后运营商关闭号码 ${number} 并回收号码。`).waitFor();
    await screenshots(page, 'trial-dialog', ['phone']);
    await dialog.getByRole('button', { name: '确认退订' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: '已退订（试用期内）' }).waitFor();
    expect((await site.haoka.deps.store.orders.getOrder(id))!.state).toBe('cancelled');

    expect(customer.consoleErrors).toEqual([]);
    await customer.context.close();
  }, 120_000);

  it('taking the "change the address" offer changes the address, and the order is not cancelled', async () => {
    const customer = await site.open();
    const { page } = customer;
    const id = await paidOrder(page, '13812340004', '电信星卡 29元');
    await page.getByRole('button', { name: '申请取消' }).click();
    const dialog = page.getByRole('dialog', { name: '取消之前，看看这些办法' });
    await dialog.locator('li', { hasText: '修改收货地址' }).getByRole('button', { name: '用这个办法' }).click();
    const form = page.getByRole('dialog', { name: '修改收货地址' });
    // Prefilled with the order's address; an empty field is refused in words and nothing is sent.
    expect(await form.getByLabel('城市').inputValue()).toBe('深圳市');
    await form.getByLabel('详细地址').fill('  ');
    await form.getByRole('button', { name: '保存新地址' }).click();
    await form.getByText('请填写这一项').waitFor();
    await form.getByLabel('详细地址').fill('高新南一道 8 号 2 栋 502');
    await screenshots(page, 'change-address', ['phone']);
    await form.getByRole('button', { name: '保存新地址' }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByText('收货地址已改为 广东省 深圳市 南山区 高新南一道 8 号 2 栋 502，订单照常发货。').waitFor();
    await page.getByTestId('order-address').getByText('广东省 深圳市 南山区 高新南一道 8 号 2 栋 502').waitFor();

    const after = (await site.haoka.deps.store.orders.getOrder(id))!;
    expect(after.state).toBe('paid');
    expect(after.address.detail).toBe('高新南一道 8 号 2 栋 502');
    expect(await site.haoka.deps.store.requests.latestForOrders([id])).toEqual(new Map());

    expect(customer.consoleErrors).toEqual([]);
    await customer.context.close();
  }, 120_000);
});
