import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, orderThroughPages, screenshots, signIn, startSite, type Site } from './browser.ts';

describe.skipIf(!hasChromium)('a customer on a phone', () => {
  let site: Site;
  beforeAll(async () => {
    site = await startSite();
  });
  afterAll(async () => {
    await site?.close();
  });

  it('orders, sees what cancelling means, cancels the unpaid order from its page, pays another, and finds all in my orders', async () => {
    const { page, consoleErrors, context } = await site.open();
    await page.goto('/');
    await page.getByRole('heading', { name: '选一张适合你的号卡' }).waitFor();
    await screenshots(page, 'plans');

    // Choosing a plan while signed out goes through sign-in and comes back to the plan.
    await page.getByRole('button', { name: '选这个套餐：移动花卡 58元套餐' }).click();
    await page.waitForURL(/\/login\?next=/);
    await signIn(page, '13812345678', 'sign-in');
    await page.waitForURL(/\/buy\/cm-58$/);

    const first = await orderThroughPages(page, '移动花卡 58元套餐', { picker: 'number-picker', check: 'order-check' });
    await page.getByRole('heading', { name: '待支付' }).waitFor();
    await page.getByRole('timer').waitFor();
    const cancelEntry = page.getByRole('button', { name: '取消订单' });
    // The cancel entry is on the order itself, with its green label, in view without scrolling on a phone.
    expect(await cancelEntry.isVisible()).toBe(true);
    expect(await page.locator('.cancel-section .badge-green').textContent()).toBe('可取消');
    const box = await cancelEntry.boundingBox();
    expect(box && box.y + box.height).toBeLessThanOrEqual(844);
    await screenshots(page, 'order-pending');

    // The preview opens in a dialog that keeps the keyboard inside, closes on Esc and gives focus back.
    await cancelEntry.click();
    const dialog = page.getByRole('dialog', { name: '确定取消这笔订单吗？' });
    await dialog.waitFor();
    await dialog.getByText('取消后订单信息将无法恢复').waitFor();
    await dialog.getByText(/将立即释放/).waitFor();
    expect(await focusedText(page)).toBe('再想想');
    for (let i = 0; i < 12; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await focusedText(page)).toBe('取消订单');
    expect(await orderState(site, first)).toBe('pending_payment');

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await dialog.locator('label', { hasText: '选错套餐' }).click();
    await screenshots(page, 'cancel-dialog');
    await dialog.getByRole('button', { name: '确认取消' }).click();
    await page.getByRole('heading', { name: '已取消（你主动放弃）' }).waitFor();
    await page.getByText('订单已取消，号码已释放，未产生任何费用。').waitFor();
    expect(await page.locator('.cancel-section .badge-grey').textContent()).toBe('不可取消');
    await page.locator('.timeline').getByText('选错套餐').waitFor();
    expect(await orderState(site, first)).toBe('cancelled');
    await page.locator('.notices').getByText('订单已取消', { exact: true }).waitFor();
    await screenshots(page, 'order-cancelled', ['phone']);

    // A second order is paid through the simulated channel; the page follows the confirmation on its own.
    await orderThroughPages(page, '联通大王卡 39元');
    await page.getByRole('link', { name: '去支付' }).click();
    await page.getByRole('heading', { name: '支付订单' }).waitFor();
    await page.locator('label', { hasText: '微信支付' }).click();
    await screenshots(page, 'pay');
    await page.getByRole('button', { name: /^去支付/ }).click();
    await page.getByRole('button', { name: '确认支付' }).waitFor();
    await screenshots(page, 'pay-channel');
    await page.getByRole('button', { name: '确认支付' }).click();
    await page.getByRole('heading', { name: '已支付，待发货' }).waitFor();
    expect(await page.locator('.order-status .badge-amber').textContent()).toBe('需审核');
    await page.getByText('支付成功，我们会尽快为你发货。').waitFor();
    await screenshots(page, 'order-paid', ['phone']);

    // A third stays unpaid: my orders shows all three, newest first, each label in its colour.
    await orderThroughPages(page, '电信星卡 29元');
    await page.getByRole('link', { name: '我的订单' }).first().click();
    await page.getByRole('heading', { name: '我的订单' }).waitFor();
    const rows = page.locator('.order-row');
    await rows.nth(2).waitFor();
    expect(await rows.locator('strong').allTextContents()).toEqual(['电信星卡 29元', '联通大王卡 39元', '移动花卡 58元套餐']);
    expect(await rows.locator('.badge').evaluateAll((els) => els.map((e) => `${e.textContent}:${e.className.split('badge-')[1]}`)))
      .toEqual(['可取消:green', '需审核:amber', '不可取消:grey']);
    await screenshots(page, 'my-orders');

    // Every word comes from the dictionary: English is one tap away.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: 'My orders' }).waitFor();
    expect(await rows.locator('.badge').allTextContents()).toEqual(['Cancellable', 'Review needed', 'Not cancellable']);
    await screenshots(page, 'my-orders-en', ['phone']);
    await page.getByRole('button', { name: '切换到中文' }).click();

    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 120_000);
});

async function focusedText(page: import('playwright-core').Page) {
  return page.evaluate(() => document.activeElement?.textContent?.trim() ?? null);
}

async function orderState(site: Site, id: string) {
  return (await site.haoka.deps.store.orders.getOrder(id))?.state;
}
