// The staff desk in a real browser: a supervisor reassigns an escalated request and reads the SLA report; an
// operator changes a plan's activation window and trial and a new order on it shows them; an agent picks, packs
// and ships an order, and, once the customer has sent the card back, inspects it and the refund starts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAgentToken, issueCustomerToken } from '../../src/app/platform/sign-in.ts';
import { escalateRequests } from '../../src/app/desk/escalate-requests.ts';
import { luhnCheckDigit } from '../../src/domain/iccid.ts';
import { DESKTOP, hasChromium, staffSignIn, orderThroughPages, RESIDENT_ID, expressRefundsOff, screenshots, signIn, startSite, type Site } from './browser.ts';
import { spacedNumber } from '../../web/src/format.ts';

const DAY = 86_400_000;

describe.skipIf(!hasChromium)('the staff desk', () => {
  let site: Site;
  let phoneSeq = 0;
  beforeAll(async () => {
    site = await startSite();
    await expressRefundsOff(site);
  });
  afterAll(async () => {
    await site?.close();
  });

  /** The server's HTTP API, as the other parties (a customer's phone, the warehouse scanner) call it. */
  async function call(method: string, path: string, token: string | null, body?: unknown): Promise<any> {
    const res = await fetch(`${site.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(method === 'POST' ? { 'idempotency-key': crypto.randomUUID() } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
    return data;
  }
  async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    for (let i = 0; i < 100; i++) {
      const v = await what();
      if (ok(v)) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('condition not reached');
  }
  const customerToken = async () => {
    const r = await issueCustomerToken(site.haoka.deps, `1371234${String(5000 + phoneSeq++).padStart(4, '0')}`);
    if ('code' in r && !('token' in r)) throw new Error('no customer token');
    return (r as { token: string }).token;
  };
  const staffToken = async (u: 'agent' | 'supervisor') => ((await issueAgentToken(site.haoka.deps, u)) as { token: string }).token;

  /** A customer orders and pays through the API; the order is `paid`. */
  async function paidOrder(token: string, planId = 'cm-58', carrier = 'china_mobile') {
    const { numbers } = await call('GET', `/api/v1/numbers?carrier=${carrier}&limit=20&offset=${phoneSeq * 2}`, null);
    const free = numbers.find((n: any) => n.state === 'free');
    const order = await call('POST', '/api/v1/orders', token, {
      planId, numberId: free.id, contactName: '韩梅梅', contactPhone: '13600001111', residentId: RESIDENT_ID,
      address: { province: '广东省', city: '深圳市', district: '南山区', detail: '科技园南路 1 号' },
    });
    const pay = await call('POST', `/api/v1/orders/${order.id}/payments`, token, { channel: 'alipay' });
    await call('POST', pay.payUrl, null);
    return until(() => call('GET', `/api/v1/orders/${order.id}`, token), (o) => o.state === 'paid');
  }

  /** Paid, picked, packed, shipped, delivered by the courier and activated by the carrier: a live line. */
  async function activatedOrder(token: string, planId: string, carrier: string) {
    const order = await paidOrder(token, planId, carrier);
    const agent = await staffToken('agent');
    const body = `898600${String(Date.now() % 1e9).padStart(9, '0')}${String(phoneSeq).padStart(4, '0')}`;
    await call('POST', `/api/v1/agent/orders/${order.id}/pick`, agent, { iccid: body + luhnCheckDigit(body) });
    await call('POST', `/api/v1/agent/orders/${order.id}/start-packing`, agent, {});
    const shipped = await call('POST', `/api/v1/agent/orders/${order.id}/hand-to-courier`, agent, {});
    await site.haoka.sims.courier.event(shipped.trackingNo, 'delivered');
    await until(() => call('GET', `/api/v1/orders/${order.id}`, token), (o) => o.state === 'delivered');
    await site.haoka.sims.carrier!.activate(order.number);
    return until(() => call('GET', `/api/v1/orders/${order.id}`, token), (o) => o.state === 'activated');
  }

  it('a supervisor reassigns an escalated request to an agent and reads the SLA report', async () => {
    const c = await customerToken();
    const order = await paidOrder(c);
    const req = (await call('POST', `/api/v1/orders/${order.id}/cancellation-requests`, c, { reasonCode: 'changed_mind' })).request;
    // The review time runs out: the request's SLA timers fire (as the worker would once their time comes).
    const store = site.haoka.deps.store;
    const timers = await store.database.db.selectFrom('timers').selectAll().where('order_id', '=', order.id).execute();
    expect(timers.map((t) => t.kind)).toEqual(expect.arrayContaining(['review_sla_warning', 'review_sla_breach']));
    const later = Date.now() + 2 * DAY;
    await store.tx(async (r) => escalateRequests(r, timers.filter((t) => t.kind.startsWith('review_sla')), new Map((await r.orders.getOrders([order.id])).map((o) => [o.id, o])), later));

    const sup = await site.open(DESKTOP);
    const { page } = sup;
    await staffSignIn(page, 'supervisor', 'super123');
    await page.getByRole('link', { name: '主管工作台' }).click();
    await page.getByRole('heading', { name: '主管工作台', level: 1 }).waitFor();
    const row = page.locator(`tr[data-request="${req.id}"]`);
    await row.getByText('已超 SLA').waitFor();
    await row.getByRole('link', { name: spacedNumber(order.number) }).waitFor();

    await row.getByRole('button', { name: '改派' }).click();
    const dialog = page.getByRole('dialog', { name: '改派这条申请？' });
    // Nothing is sent without a choice; the dialog says so next to the field.
    await dialog.getByRole('button', { name: '确认改派' }).click();
    await dialog.getByText('请选择要改派给谁').waitFor();
    // Only agents of the request's queue are offered: the priority channel's agent is not.
    const options = await dialog.getByLabel('改派给').locator('option').allTextContents();
    expect(options.some((o) => o.includes('绿色通道 小陈'))).toBe(false);
    await dialog.getByLabel('改派给').selectOption({ label: '客服 小王 · 普通队列' });
    await screenshots(page, 'supervisor-reassign', ['desktop']);
    // Keyboard: the confirm button is reached and pressed without the mouse.
    await dialog.getByRole('button', { name: '确认改派' }).focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('客服 小王').waitFor();
    const after = await call('GET', `/api/v1/cancellation-requests/${req.id}`, await staffToken('agent'));
    expect(after.staff.assigneeId).toBe('A-agent');

    // The SLA report: this request counts as opened and open; its figures are shown as words and numbers.
    const figures = page.getByTestId('sla-figures');
    await figures.getByText('按时审核率').waitFor();
    await figures.getByText('平均审核用时').waitFor();
    const report = await call('GET', `/api/v1/supervisor/sla-report`, await staffToken('supervisor'));
    expect(report.opened).toBeGreaterThanOrEqual(1);
    expect(await figures.locator('.kpi', { hasText: '提交申请' }).locator('strong').textContent()).toBe(String(report.opened));
    expect(await figures.locator('.kpi', { hasText: '超时' }).first().locator('strong').textContent()).toBe(String(report.reviewedLate + report.openOverdue));
    await screenshots(page, 'supervisor', ['desktop']);

    // The request page's audit trail reads in words: the escalation, by the system, automatically, and why.
    await row.getByRole('link', { name: spacedNumber(order.number) }).click();
    const trail = page.getByTestId('audit-trail');
    await trail.getByText('申请临近或超过审核时限，已升级').first().waitFor();
    await trail.getByText('原因：已超过审核时限').waitFor();
    await trail.getByText('原因：交给 A-agent').waitFor();
    await trail.getByText('原因：客户选择“不想要了”').waitFor();
    expect(await trail.textContent()).not.toMatch(/review_sla|changed_mind|CR\w+ ->/);
    await screenshots(page, 'request-trail', ['desktop']);
    expect(sup.consoleErrors).toEqual([]);
    await sup.context.close();
  }, 90_000);

  it('an operator changes a plan\u2019s activation window and trial, sees the change logged, and a new order on it shows them', async () => {
    const ops = await site.open(DESKTOP);
    const { page } = ops;
    await staffSignIn(page, 'operator', 'ops123');
    await page.getByRole('link', { name: '套餐规则' }).click();
    await page.getByRole('heading', { name: '套餐规则', level: 1 }).waitFor();
    const row = page.locator('tr[data-plan="cb-19"]');
    await row.getByText('15 天').waitFor();
    await row.getByRole('button', { name: '修改规则：广电 19元 5G 卡' }).click();
    const dialog = page.getByRole('dialog', { name: '修改“广电 19元 5G 卡”的规则' });
    const window = dialog.getByLabel('激活有效期（天）');
    // Out of range: refused in the page, in words, before anything is sent.
    await window.fill('31');
    await dialog.locator('label', { hasText: '有试用期' }).click();
    await dialog.getByLabel('试用期（天）').fill('5');
    await dialog.getByRole('button', { name: '确认保存' }).click();
    await dialog.getByText('激活有效期须为 7 到 30 之间的整数天').waitFor();
    await dialog.getByText('试用期须为 7 到 15 之间的整数天').waitFor();
    expect(await window.getAttribute('aria-invalid')).toBe('true');
    expect((await site.haoka.deps.store.orders.getPlan('cb-19'))!.activationWindowDays).toBe(15);
    await window.fill('25');
    await dialog.getByLabel('试用期（天）').fill('9');
    await screenshots(page, 'plan-rules-edit', ['desktop']);
    await dialog.getByRole('button', { name: '确认保存' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('25 天').waitFor();
    await row.getByText('9 天').waitFor();
    const plan = (await site.haoka.deps.store.orders.getPlan('cb-19'))!;
    expect([plan.activationWindowDays, plan.trialDays]).toEqual([25, 9]);

    // The change log: who, and old -> new in words.
    const log = page.getByTestId('rule-changes');
    await log.locator('tr', { hasText: '激活有效期' }).getByText('15 天 → 25 天').waitFor();
    await log.locator('tr', { hasText: '试用期' }).getByText('无试用期 → 9 天').waitFor();
    expect(await log.locator('tr', { hasText: '激活有效期' }).textContent()).toContain('运营 张三');
    await screenshots(page, 'plan-rules', ['desktop']);

    // A customer's new order on that plan shows the new window and trial.
    const customer = await site.open();
    await customer.page.goto('/login?next=/');
    await signIn(customer.page, '13712340001');
    await customer.page.waitForURL((u) => u.pathname === '/');
    const id = await orderThroughPages(customer.page, '广电 19元 5G 卡');
    await customer.page.getByText('签收后 25 天内').waitFor();
    await customer.page.getByText('9 天，可免费退订').waitFor();
    expect((await site.haoka.deps.store.orders.getOrder(id))!.planId).toBe('cb-19');
    expect(ops.consoleErrors).toEqual([]);
    expect(customer.consoleErrors).toEqual([]);
    await ops.context.close();
    await customer.context.close();
  }, 90_000);

  it('an agent picks, packs and ships an order, then inspects the card sent back and the refund starts', async () => {
    const c = await customerToken();
    const order = await paidOrder(c);
    const agent = await site.open(DESKTOP);
    const { page } = agent;
    await staffSignIn(page, 'agent', 'agent123');

    await page.getByRole('link', { name: '发货' }).click();
    await page.getByRole('heading', { name: '发货', level: 1 }).waitFor();
    const row = page.locator(`tr[data-order="${order.id}"]`);
    await row.getByText('136****1111').waitFor();
    await screenshots(page, 'fulfilment', ['desktop']);
    await row.getByRole('button', { name: `拣货 ${spacedNumber(order.number)}` }).click();
    const pick = page.getByRole('dialog', { name: '拣货：登记这张卡' });
    await pick.getByLabel('ICCID').fill('1234');
    await pick.getByRole('button', { name: '确认拣货' }).click();
    await pick.getByText('ICCID 须为以 89 开头的 19 或 20 位数字').waitFor();
    // A number of the right shape but a wrong check digit (a mistyped digit) is caught in the page, in words.
    const body = '8986001234567890123';
    const wrong = body + ((luhnCheckDigit(body) + 1) % 10);
    await pick.getByLabel('ICCID').fill(wrong);
    await pick.getByRole('button', { name: '确认拣货' }).click();
    await pick.getByText(/ICCID 不对/).waitFor();
    await pick.getByLabel('ICCID').fill(body + luhnCheckDigit(body));
    await pick.getByRole('button', { name: '确认拣货' }).click();
    await pick.waitFor({ state: 'detached' });
    await page.getByText(`${spacedNumber(order.number)} 已拣货，可以开始打包。`).waitFor();
    await row.getByRole('button', { name: `打包 ${spacedNumber(order.number)}` }).click();
    await page.getByRole('dialog', { name: '开始打包这笔订单？' }).getByRole('button', { name: '开始打包' }).click();
    await page.getByText(`${spacedNumber(order.number)} 已开始打包。`).waitFor();
    await page.getByLabel('状态').selectOption({ label: '打包中，待交快递' });
    await row.getByRole('button', { name: `交给快递 ${spacedNumber(order.number)}` }).click();
    await page.getByRole('dialog', { name: '把包裹交给快递？' }).getByRole('button', { name: '确认交给快递' }).click();
    await page.getByText(new RegExp(`${spacedNumber(order.number)} 已发货，运单号 \\S+`)).waitFor();
    const shipped = await call('GET', `/api/v1/orders/${order.id}`, c);
    expect(shipped.state).toBe('shipped');

    // The courier delivers; the customer applies for a return and sends the card back.
    await site.haoka.sims.courier.event(shipped.trackingNo, 'delivered');
    await until(() => call('GET', `/api/v1/orders/${order.id}`, c), (o) => o.state === 'delivered');
    const ret = await call('POST', `/api/v1/orders/${order.id}/returns`, c, { reasonCode: 'changed_mind' });
    await call('POST', `/api/v1/returns/${ret.id}/tracking`, c, { trackingNo: 'SF1234567890' });

    await page.getByRole('link', { name: '退货与销户' }).click();
    await page.getByRole('heading', { name: '退货与销户', level: 1 }).waitFor();
    const retRow = page.locator(`tr[data-return="${ret.id}"]`);
    await retRow.getByText('SF1234567890').waitFor();
    await retRow.getByText('寄回途中').waitFor();
    await retRow.getByRole('button', { name: `签收验卡 ${spacedNumber(order.number)}` }).click();
    const form = page.getByRole('dialog', { name: `签收并验卡：${spacedNumber(order.number)}` });
    // With a check unticked the return would be refused, and a reason is asked for.
    await form.getByRole('button', { name: '拒绝退货' }).click();
    await form.getByText('请写明拒绝原因（至少 2 个字）').waitFor();
    for (const item of ['卡片完好', 'PIN 码区域未刮开', '附有身份证复印件', '订单号一致']) await form.getByLabel(item).check();
    await form.getByText('全部通过：确认后开始退款，3-7 个工作日内到账。').waitFor();
    await form.getByLabel('验卡备注（选填）').fill('卡片完好，附身份证复印件');
    await form.getByLabel('验卡照片（选填）').setInputFiles({
      name: 'card.png', mimeType: 'image/png',
      buffer: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'),
    });
    await form.getByText('已选：card.png').waitFor();
    await screenshots(page, 'return-inspection', ['desktop']);
    await form.getByRole('button', { name: '验卡通过，开始退款' }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByText(new RegExp(`${spacedNumber(order.number)} 验卡通过，已开始退款，预计 \\d{4}-\\d\\d-\\d\\d 至 \\d{4}-\\d\\d-\\d\\d 到账。`)).waitFor();

    const done = await call('GET', `/api/v1/returns/${ret.id}`, c);
    expect(done).toMatchObject({ state: 'passed', photos: 1, notes: '卡片完好，附身份证复印件' });
    expect((await call('GET', `/api/v1/orders/${order.id}`, c))).toMatchObject({ state: 'cancelled', closeReason: 'returned' });
    const { refunds } = await call('GET', `/api/v1/orders/${order.id}/refunds`, await staffToken('agent'));
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ amountFen: order.amountFen, channel: 'alipay' });
    await screenshots(page, 'returns-desk', ['desktop']);
    expect(agent.consoleErrors).toEqual([]);
    await agent.context.close();
  }, 120_000);

  it('an agent completes an account closure whose penalty is paid, and settles a disagreement with the carrier', async () => {
    const c = await customerToken();
    const line = await activatedOrder(c, 'cm-58', 'china_mobile');
    const preview = await call('GET', `/api/v1/orders/${line.id}/cancellation`, c);
    const penaltyFen = preview.consequences.penaltyFen as number;
    expect(penaltyFen).toBeGreaterThan(0);
    await call('POST', `/api/v1/orders/${line.id}/account-closure`, c, { confirmPenaltyFen: penaltyFen });
    const pay = await call('POST', `/api/v1/orders/${line.id}/account-closure/payments`, c, { channel: 'alipay' });
    await call('POST', pay.payUrl, null);
    const agentToken = await staffToken('agent');
    await until(() => call('GET', '/api/v1/agent/account-closures', agentToken), (r) => r.closures.some((x: any) => x.orderId === line.id));

    // Another live line that the carrier closes on its own: a task for an agent.
    const other = await activatedOrder(c, 'cm-129', 'china_mobile');
    await site.haoka.sims.carrier!.setLine(other.number, 'closed');
    await until(() => call('GET', '/api/v1/agent/carrier-tasks', agentToken), (r) => r.tasks.some((x: any) => x.orderId === other.id));

    const agent = await site.open(DESKTOP);
    const { page } = agent;
    await staffSignIn(page, 'agent', 'agent123');
    await page.getByRole('link', { name: '退货与销户' }).click();
    const closures = page.getByRole('region', { name: '待办理的销户' });
    const closureRow = closures.locator('tr', { hasText: line.id });
    await closureRow.getByText(`¥${(penaltyFen / 100).toFixed(2)}`).waitFor();
    await closureRow.getByText(/^已于 .* 支付$/).waitFor();
    const tasks = page.getByRole('region', { name: '运营商状态不一致' });
    await tasks.locator('tr', { hasText: other.id }).getByText('运营商报告线路已关闭，但订单仍在使用').waitFor();
    await screenshots(page, 'returns-desk-closures', ['desktop']);

    await closureRow.getByRole('button', { name: `办理销户 ${line.id}` }).click();
    const confirm = page.getByRole('dialog', { name: '向运营商办理销户？' });
    await confirm.getByText(`违约金：¥${(penaltyFen / 100).toFixed(2)}`, { exact: false }).waitFor();
    await confirm.getByRole('button', { name: '确认已销户' }).click();
    await confirm.waitFor({ state: 'detached' });
    await closureRow.waitFor({ state: 'detached' });
    expect((await call('GET', `/api/v1/orders/${line.id}`, c)).state).toBe('account_closed');

    await tasks.locator('tr', { hasText: other.id }).getByRole('button', { name: `处理 ${other.id}` }).click();
    const settle = page.getByRole('dialog', { name: '怎么处理这条不一致？' });
    await settle.getByRole('button', { name: '确认处理' }).click();
    await settle.getByText('请选择处理方式').waitFor();
    await settle.locator('label', { hasText: '保持订单现状' }).click();
    await settle.getByLabel('处理说明（必填）').fill('已致电运营商，线路误关，已恢复');
    await settle.getByRole('button', { name: '确认处理' }).click();
    await settle.waitFor({ state: 'detached' });
    await tasks.locator('tr', { hasText: other.id }).waitFor({ state: 'detached' });
    expect((await call('GET', '/api/v1/agent/carrier-tasks', agentToken)).tasks.map((x: any) => x.orderId)).not.toContain(other.id);
    expect((await call('GET', `/api/v1/orders/${other.id}`, c)).state).toBe('activated');
    expect(agent.consoleErrors).toEqual([]);
    await agent.context.close();
  }, 120_000);
});
