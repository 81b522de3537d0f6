import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DESKTOP, hasChromium, paidThroughPages, RESIDENT_ID, expressRefundsOff, screenshots, signIn, staffSignIn, startSite, type Site } from './browser.ts';
import { spacedNumber } from '../../web/src/format.ts';


describe.skipIf(!hasChromium)('a paid order cancelled through an agent', () => {
  let site: Site;
  beforeAll(async () => {
    site = await startSite();
    await expressRefundsOff(site);
  });
  afterAll(async () => {
    await site?.close();
  });

  /** Applies to cancel from the order page: past the alternatives, a reason, then the identity check. */
  async function applyToCancel(page: Page, reason: string, shot?: string) {
    await page.getByRole('button', { name: '申请取消' }).click();
    const offers = page.getByRole('dialog', { name: '取消之前，看看这些办法' });
    const form = page.getByRole('dialog', { name: '申请取消订单' });
    await offers.or(form).waitFor();
    if (await offers.isVisible()) {
      if (shot) await screenshots(page, `${shot}-offers`, ['phone']);
      await offers.getByRole('button', { name: '仍要取消' }).click();
    }
    await form.waitFor();
    await form.getByText('需要客服审核').waitFor();
    // Nothing is sent without a reason; the form says so in words.
    await form.getByRole('button', { name: '提交申请' }).click();
    await form.getByText('请选择一个取消原因').waitFor();
    await form.locator('label', { hasText: reason }).click();
    if (shot) await screenshots(page, `${shot}-form`, ['phone', 'desktop']);
    await form.getByRole('button', { name: '提交申请' }).click();
    await form.waitFor({ state: 'detached' });
    const status = page.getByTestId('request-status');
    await status.getByText('审核中', { exact: true }).waitFor();
    await status.getByLabel('下单时的身份证号').fill(RESIDENT_ID);
    await status.getByRole('button', { name: '提交核验' }).click();
    await status.getByText('身份已核验，等待客服处理。').waitFor();
  }

  async function openRequest(page: Page, number: string) {
    await page.goto('/staff/queue');
    await page.getByRole('heading', { name: '取消申请', exact: true }).waitFor();
    await page.getByRole('link', { name: spacedNumber(number) }).click();
    await page.getByRole('heading', { name: `取消申请 · ${spacedNumber(number)}` }).waitFor();
  }

  async function confirmIn(page: Page, open: string, dialogTitle: string, confirm: string, fill?: { label: string; text: string }) {
    await page.getByRole('button', { name: open, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: dialogTitle });
    await dialog.waitFor();
    if (fill) await dialog.getByLabel(fill.label).fill(fill.text);
    await dialog.getByRole('button', { name: confirm, exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  it('a customer applies to cancel a paid order, an agent approves it, and the customer sees the refund date', async () => {
    const customer = await site.open();
    const { page } = customer;
    await page.goto('/login?next=/');
    await signIn(page, '13612345678');
    await page.waitForURL((u) => u.pathname === '/');
    const id = await paidThroughPages(page, '联通大王卡 39元');
    await page.locator('.faq summary').first().waitFor();
    await applyToCancel(page, '选错套餐', 'apply-cancel');
    await page.locator('.cancel-section').evaluate((e) => e.scrollIntoView());
    await screenshots(page, 'order-under-review');
    const order = (await site.haoka.deps.store.orders.getOrder(id))!;

    const agent = await site.open(DESKTOP);
    const desk = agent.page;
    await desk.goto('/staff/login');
    await desk.getByLabel('用户名').fill('agent');
    await desk.getByLabel('密码').fill('agent123');
    await desk.getByRole('button', { name: '登录', exact: true }).click();
    await desk.getByRole('heading', { name: '取消申请', exact: true }).waitFor();
    const row = desk.locator(`tr[data-request]`, { hasText: spacedNumber(order.number) });
    await row.getByText('已核验').waitFor();
    await screenshots(desk, 'agent-queue');
    await openRequest(desk, order.number);

    // Every decision asks first; Esc backs out and changes nothing.
    await desk.getByRole('button', { name: '批准取消', exact: true }).click();
    const approve = desk.getByRole('dialog', { name: '批准这条取消申请？' });
    await approve.waitFor();
    await desk.keyboard.press('Escape');
    await approve.waitFor({ state: 'detached' });
    expect((await site.haoka.deps.store.orders.getOrder(id))!.state).toBe('paid');

    await confirmIn(desk, '认领', '认领这条申请？', '认领');
    await desk.getByText('A-agent').first().waitFor();
    // The customer's last 90 days are in view: this is their first request.
    await desk.getByTestId('customer-history').getByText('近 90 天：取消订单 0 笔，取消申请 1 条').waitFor();
    await screenshots(desk, 'agent-request');
    await confirmIn(desk, '批准取消', '批准这条取消申请？', '确认批准', { label: '备注（选填，仅内部可见）', text: '客户确认选错套餐' });
    // Approved, and completed as soon as the refund and the number release are done.
    await desk.locator('.badge').getByText(/^(已通过|已完成)$/).first().waitFor();
    await desk.locator('.timeline').getByText('取消申请通过').waitFor();
    expect((await site.haoka.deps.store.orders.getOrder(id))!.state).toBe('cancelled');

    // The customer's open page follows the decision on its own and shows when the money arrives.
    const arrival = page.getByTestId('refund-arrival');
    await arrival.waitFor({ timeout: 25_000 });
    expect(await arrival.textContent()).toMatch(/(预计 \d{4}-\d\d-\d\d.*到账)|(已于 .* 到账)/);
    await page.locator('.timeline').getByText('取消申请通过').waitFor();
    await page.locator('.money').evaluate((e) => e.closest('section')!.scrollIntoView());
    await screenshots(page, 'order-refund', ['phone']);

    expect(customer.consoleErrors).toEqual([]);
    expect(agent.consoleErrors).toEqual([]);
    await customer.context.close();
    await agent.context.close();
  }, 120_000);

  it('an agent rejects with a reason and the customer sees it', async () => {
    const customer = await site.open();
    const { page } = customer;
    await page.goto('/login?next=/');
    await signIn(page, '13512345678');
    await page.waitForURL((u) => u.pathname === '/');
    const id = await paidThroughPages(page, '电信星卡 29元');
    await applyToCancel(page, '不想要了');
    const order = (await site.haoka.deps.store.orders.getOrder(id))!;

    const agent = await site.open(DESKTOP);
    const desk = agent.page;
    await staffSignIn(desk, 'agent', 'agent123');
    await openRequest(desk, order.number);

    // A rejection without a reason is refused in the dialog, in words.
    await desk.getByRole('button', { name: '驳回', exact: true }).click();
    const dialog = desk.getByRole('dialog', { name: '驳回这条取消申请？' });
    await dialog.getByRole('button', { name: '确认驳回' }).click();
    await dialog.getByText('请写明驳回原因（至少 2 个字）').waitFor();
    const reason = '号卡已由运营商开卡，无法取消，请签收后办理退货';
    await dialog.getByLabel('驳回原因（客户可见）').fill(reason);
    await screenshots(desk, 'agent-reject', ['desktop']);
    await dialog.getByRole('button', { name: '确认驳回' }).click();
    await dialog.waitFor({ state: 'detached' });
    await desk.getByText('已驳回', { exact: true }).first().waitFor();
    expect((await site.haoka.deps.store.orders.getOrder(id))!.state).toBe('paid');

    await page.reload();
    await page.getByTestId('rejection-reason').waitFor();
    expect(await page.getByTestId('rejection-reason').textContent()).toBe(reason);
    await page.getByText('客服未通过你的取消申请').waitFor();
    // The order goes on, and the customer may apply again.
    await page.getByRole('button', { name: '申请取消' }).waitFor();
    await page.locator('.cancel-section').evaluate((e) => e.scrollIntoView());
    await screenshots(page, 'order-rejected', ['phone']);

    // The assistant on the order page answers, and hands over to an agent when asked; the agent sees the ticket.
    const chat = page.getByRole('region', { name: '在线助手' });
    await chat.getByLabel('你的问题').fill('退款多久到账？');
    await chat.getByRole('button', { name: '发送' }).click();
    await chat.locator('.chat-log li').nth(1).waitFor();
    await chat.getByLabel('你的问题').fill('我要找人工客服');
    await chat.getByLabel('你的问题').press('Enter');
    await chat.getByText(/已转接人工客服，工单 TK/).waitFor();
    await chat.evaluate((e) => e.scrollIntoView());
    await screenshots(page, 'order-assistant', ['phone']);
    await desk.goto('/staff/queue');
    const tickets = desk.getByRole('region', { name: '助手转人工' });
    await tickets.getByRole('cell', { name: id, exact: true }).waitFor();
    await tickets.getByText(/查看对话/).first().click();
    await tickets.locator('.chat-log li', { hasText: '我要找人工客服' }).first().waitFor();

    expect(customer.consoleErrors).toEqual([]);
    expect(agent.consoleErrors).toEqual([]);
    await customer.context.close();
    await agent.context.close();
  }, 120_000);

  it('an operator reads the dashboard for a date range, exports it, and edits the review rules and an FAQ text', async () => {
    const { page, consoleErrors, context } = await site.open(DESKTOP);
    await page.goto('/staff/login');
    await page.getByLabel('用户名').fill('operator');
    await page.getByLabel('密码').fill('ops123');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('heading', { name: '规则设置' }).waitFor();

    // The review rules: a wrong value is refused in words next to the field; a right one is saved.
    const sla = page.getByLabel('审核时限（小时）');
    expect(await sla.inputValue()).toBe('24');
    await sla.fill('30');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('审核时限须为 1 到 24 之间的整数小时').waitFor();
    await sla.fill('12');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('已保存，新规则对之后的订单生效。').waitFor();
    expect((await site.haoka.deps.settings.get()).reviewSlaMs).toBe(12 * 3_600_000);

    // An FAQ answer is edited in a dialog; an unknown placeholder is refused in plain words.
    const edit = page.getByRole('button', { name: '编辑：已付款还没发货，怎么取消？' });
    await edit.click();
    const dialog = page.getByRole('dialog', { name: '编辑常见问题' });
    const answer = dialog.getByLabel('回答（中文）');
    await answer.fill('客服会在 {nope} 小时内审核。');
    await dialog.getByRole('button', { name: '保存' }).click();
    await dialog.getByText('文案里有不认识的占位符，请只用列出的占位符。').waitFor();
    await answer.fill('在订单页点“申请取消”，客服会在 {reviewSlaHours} 小时内审核。');
    await screenshots(page, 'faq-edit', ['desktop']);
    await dialog.getByRole('button', { name: '保存' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('tr', { hasText: '已付款还没发货，怎么取消？' }).getByText('已修改').waitFor();
    // A reason gets the alternative customers are offered when they pick it.
    await page.getByRole('button', { name: '编辑：重复下单' }).click();
    const reasonDialog = page.getByRole('dialog', { name: '编辑取消原因 duplicate_order' });
    await reasonDialog.getByLabel('替代办法').fill('重复下单的话，取消多出来的那一笔即可，另一笔照常发货。');
    await reasonDialog.getByRole('button', { name: '保存' }).click();
    await reasonDialog.waitFor({ state: 'detached' });
    await page.getByText('重复下单的话，取消多出来的那一笔即可，另一笔照常发货。').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshots(page, 'settings-review');

    // The dashboard: the two journeys above left one approved and one rejected request.
    await page.getByRole('link', { name: '数据看板' }).click();
    await page.getByRole('heading', { name: '数据看板' }).waitFor();
    await page.locator('.kpi', { hasText: '取消订单' }).getByText('1', { exact: true }).waitFor();
    await page.getByRole('heading', { name: '取消原因' }).waitFor();
    await page.getByRole('img', { name: /选错套餐 1/ }).waitFor();
    await screenshots(page, 'dashboard');
    const from = page.getByLabel('开始日期');
    await from.fill('2099-01-01');
    await page.getByRole('button', { name: '查看', exact: true }).click();
    await page.getByText('请选择有效的日期范围（开始不晚于结束）').waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '导出 CSV' }).click();
    const csv = await download;
    expect(csv.suggestedFilename()).toMatch(/^haoka-cancellations-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv$/);

    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 90_000);
});
