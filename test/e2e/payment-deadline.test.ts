import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, orderThroughPages, screenshots, signIn, startSite, type Site } from './browser.ts';

const TIMEOUT_MS = 4000;

describe.skipIf(!hasChromium)('an unpaid order left open on a phone', () => {
  let site: Site;
  beforeAll(async () => {
    // A few seconds to pay, so the real deadline passes while the test watches the page.
    site = await startSite({ HAOKA_PAYMENT_TIMEOUT: `${TIMEOUT_MS}ms`, HAOKA_REMINDER_BEFORE: '2s' });
  });
  afterAll(async () => {
    await site?.close();
  });

  it('closes at its deadline and the open page shows it closed, without a reload', async () => {
    const { page, consoleErrors, context } = await site.open();
    await page.goto('/login?next=/');
    await signIn(page, '13912345678');
    await page.waitForURL((u) => u.pathname === '/');
    const id = await orderThroughPages(page, '电信星卡 29元');
    const placedAt = Date.now();
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    await page.getByRole('heading', { name: '待支付' }).waitFor();
    await page.getByRole('button', { name: '取消订单' }).waitFor();

    // Bounded real-time wait: the deadline plus the worker's pass and the page's poll.
    await page.getByRole('heading', { name: '已关闭（超时未支付）' }).waitFor({ timeout: TIMEOUT_MS + 8000 });
    expect(Date.now() - placedAt).toBeLessThan(TIMEOUT_MS + 8000);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(await page.getByRole('button', { name: '取消订单' }).count()).toBe(0);
    expect(await page.locator('.cancel-section .badge').textContent()).toBe('不可取消');
    await page.locator('.timeline').getByText('超时未支付，自动关闭').waitFor();
    await page.locator('.timeline .badge', { hasText: '自动' }).waitFor();
    await page.locator('.notices').getByText('订单已超时关闭').waitFor();
    const order = await site.haoka.deps.store.orders.getOrder(id);
    expect(order?.state).toBe('cancelled');
    expect(order?.closeReason).toBe('payment_timeout');
    await screenshots(page, 'order-timed-out');

    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 60_000);
});
