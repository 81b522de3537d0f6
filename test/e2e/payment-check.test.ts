import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, orderThroughPages, signIn, startSite, type Site } from './browser.ts';

describe.skipIf(!hasChromium)('a customer back from the channel\u2019s app before its notification', () => {
  let site: Site;
  beforeAll(async () => {
    site = await startSite();
  });
  afterAll(async () => {
    await site?.close();
  });

  it('asks the channel from the order and sees it paid, once', async () => {
    const { page, consoleErrors, context } = await site.open();
    await page.goto('/login?next=/');
    await signIn(page, '13612345678');
    await page.waitForURL((u) => u.pathname === '/');
    const id = await orderThroughPages(page, '联通大王卡 39元');
    await page.getByRole('link', { name: '去支付' }).click();
    await page.locator('label', { hasText: '微信支付' }).click();
    await page.getByRole('button', { name: /^去支付/ }).click();
    await page.getByRole('button', { name: '确认支付' }).waitFor();
    const paymentNo = (await page.locator('dt', { hasText: '支付单号' }).locator('xpath=following-sibling::dd').textContent())!.trim();

    // The money reaches the channel in its app, but its notification does not reach us (the channel holds it back).
    const channel = site.haoka.sims.payments.wechat;
    const deliver = channel.deliver;
    channel.deliver = null;
    try {
      expect('kind' in channel.pay(paymentNo)).toBe(false);
      await page.goto(`/orders/${id}?paying=1`);
      await page.getByText('正在确认支付结果，请稍候…').waitFor();
      await page.getByRole('button', { name: '已在支付应用中付款？查询支付结果' }).click();
      await page.getByRole('heading', { name: '已支付，待发货' }).waitFor();
    } finally {
      channel.deliver = deliver;
    }
    expect(await page.getByRole('button', { name: '已在支付应用中付款？查询支付结果' }).count()).toBe(0);
    const money = await site.haoka.deps.store.payments.listPayments(id);
    expect(money.map((p) => [p.id, p.state])).toEqual([[paymentNo, 'succeeded']]);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
