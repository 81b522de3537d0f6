import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, hasChromium, orderThroughPages, screenshots, signIn, startSite, type Site } from './browser.ts';

describe.skipIf(!hasChromium)('an operator at a desk', () => {
  let site: Site;
  beforeAll(async () => {
    site = await startSite();
  });
  afterAll(async () => {
    await site?.close();
  });

  it('changes the payment timeout, is told in words when a value is wrong, and a new order carries the new deadline', async () => {
    const staff = await site.open(DESKTOP);
    const { page } = staff;
    await page.goto('/staff');
    await page.waitForURL(/\/staff\/login/);
    await page.getByRole('heading', { name: '工作人员登录' }).waitFor();
    await screenshots(page, 'staff-sign-in');
    await page.getByLabel('用户名').fill('operator');
    await page.getByLabel('密码').fill('ops123');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('heading', { name: '规则设置' }).waitFor();
    const timeout = page.getByLabel('支付时限（分钟）');
    const reminder = page.getByLabel('到期前提醒（分钟）');
    expect(await timeout.inputValue()).toBe('30');

    // A reminder after the deadline is refused before anything is sent, in words next to the field.
    await reminder.fill('45');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('提醒必须早于支付截止：请让提醒时间短于支付时限').waitFor();
    expect(await reminder.getAttribute('aria-invalid')).toBe('true');
    await timeout.fill('abc');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('支付时限须为 1 到 1440 之间的整数分钟').waitFor();
    await screenshots(page, 'settings-errors', ['desktop']);

    await timeout.fill('45');
    await reminder.fill('10');
    await page.getByRole('switch', { name: '主动取消后仍享首单优惠' }).uncheck();
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('已保存，新规则对之后的订单生效。').waitFor();
    const settings = await site.haoka.deps.settings.get();
    expect(settings.paymentTimeoutMs).toBe(45 * 60_000);
    expect(settings.reminderBeforeMs).toBe(10 * 60_000);
    expect(settings.reorderDiscount.afterCustomerAbandoned).toBe(false);
    await screenshots(page, 'settings');

    // A customer's new order shows the new deadline on its countdown.
    const customer = await site.open();
    await customer.page.goto('/login?next=/');
    await signIn(customer.page, '13712345678');
    await customer.page.waitForURL((u) => u.pathname === '/');
    const id = await orderThroughPages(customer.page, '联通冰激凌 99元');
    const shown = await customer.page.getByRole('timer').textContent();
    expect(shown).toMatch(/^4[45]:\d\d$/);
    const order = (await site.haoka.deps.store.orders.getOrder(id))!;
    expect(order.paymentDeadline - order.createdAt).toBe(45 * 60_000);
    const beijing = new Date(order.paymentDeadline + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    expect(await customer.page.getByTestId('deadline').textContent()).toContain(beijing);

    expect(staff.consoleErrors).toEqual([]);
    expect(customer.consoleErrors).toEqual([]);
    await staff.context.close();
    await customer.context.close();
  }, 90_000);
});
