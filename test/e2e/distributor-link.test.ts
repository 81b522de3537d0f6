import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDistributor, createPromotionCode, putCommissionRule } from '../../src/app/distribution/manage.ts';
import { isError, type DomainError } from '../../src/domain/errors.ts';
import { placeOrder } from '../../src/app/ordering/place-order.ts';
import { cancelUnpaidOrder } from '../../src/app/ordering/cancel-order.ts';
import { DESKTOP, hasChromium, orderThroughPages, RESIDENT_ID, screenshots, signIn, startSite, type Site } from './browser.ts';

const must = <T>(r: T | DomainError): T => {
  if (isError(r)) throw new Error(`setup failed: ${r.code}`);
  return r;
};

describe.skipIf(!hasChromium)('a distributor\u2019s promotion link', () => {
  let site: Site;
  let ref: string;
  beforeAll(async () => {
    site = await startSite();
    const deps = site.haoka.deps;
    // What an operator sets up on the desk: the account, a link for one plan, and the plan's commission rule.
    const d = must(await createDistributor(deps, { name: '深圳号卡小站', password: 'share-and-earn-1' }));
    ref = must(await createPromotionCode(deps, d.id, 'cu-39')).code;
    must(await putCommissionRule(deps, 'cu-39', { levelFen: [6000, 4000, 2000], minFirstTopUpFen: 5000, daysInService: 0, probationDays: 30 }, 'operator'));
  });
  afterAll(async () => {
    await site?.close();
  });

  it('brings an order that the customer pays and then cancels; the distributor sees why and where it stopped, and earns nothing for it', async () => {
    // The distributor signs in on its phone and copies its link from "my links".
    const seller = await site.open();
    await seller.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const sp = seller.page;
    await sp.goto('/distributor');
    await sp.waitForURL(/\/distributor\/login$/);
    await sp.getByLabel('分销商名称').fill('深圳号卡小站');
    await sp.getByLabel('密码').fill('share-and-earn-1');
    await sp.getByRole('button', { name: '登录', exact: true }).click();
    await sp.getByRole('heading', { name: '我的分销' }).waitFor();
    const link = sp.getByTestId('promotion-link');
    await link.getByText('联通大王卡 39元').waitFor();
    await link.getByRole('img', { name: /二维码/ }).waitFor();
    await link.getByRole('button', { name: '复制链接' }).click();
    await link.getByRole('button', { name: '已复制' }).waitFor();
    await screenshots(sp, 'distributor-links', ['phone']);
    const shared = await sp.evaluate(() => navigator.clipboard.readText());
    expect(new URL(shared).searchParams.get('ref')).toBe(ref);

    // The customer opens the shared link in a browser of its own, signs in, orders the plan the link is for and pays.
    const customer = await site.open();
    const cp = customer.page;
    await cp.goto(shared);
    await cp.waitForURL(/\/login\?next=/);
    await signIn(cp, '13712345601');
    await cp.getByRole('heading', { name: '选一个号码' }).waitFor();
    const id = await orderThroughPages(cp, '联通大王卡 39元', { fromPicker: true });
    await cp.getByRole('link', { name: '去支付' }).click();
    await cp.locator('label', { hasText: '支付宝' }).click();
    await cp.getByRole('button', { name: /^去支付/ }).click();
    await cp.getByRole('button', { name: '确认支付' }).click();
    await cp.getByRole('heading', { name: '已支付，待发货' }).waitFor();
    const [attribution] = await site.haoka.deps.store.distribution.getAttributions([id]);
    expect(attribution).toMatchObject({ promotionCode: ref, channel: 'link' });

    // Paid, not shipped: the customer cancels with a reason, and the money goes back at once.
    await cp.getByRole('button', { name: '申请取消' }).click();
    const offers = cp.getByRole('dialog', { name: '取消之前，看看这些办法' });
    const form = cp.getByRole('dialog', { name: '申请取消订单' });
    await offers.or(form).waitFor();
    if (await offers.isVisible()) await offers.getByRole('button', { name: '仍要取消' }).click();
    await form.getByText('极速退款：提交后立即取消').waitFor();
    await form.locator('label', { hasText: '找到更便宜的' }).click();
    await form.getByRole('button', { name: '确认取消并退款' }).click();
    await form.waitFor({ state: 'detached' });
    await cp.getByRole('heading', { name: /^已取消/ }).waitFor();
    expect((await site.haoka.deps.store.orders.getOrder(id))?.state).toBe('cancelled');

    // Back on the distributor's phone: the order, the cancellation with its reason and step, and no commission.
    await sp.reload();
    await sp.getByRole('button', { name: '我的订单' }).click();
    const order = sp.getByTestId('distributor-order').filter({ hasText: id });
    await order.waitFor();
    await order.getByText('状态: 客户付款后取消').waitFor();
    expect(await order.textContent()).toContain('137****5601');
    expect(await order.textContent()).not.toContain('13712345601');
    await order.getByText('佣金: 无佣金（订单已取消）').waitFor();
    await screenshots(sp, 'distributor-orders', ['phone']);

    await sp.getByRole('button', { name: '客户取消' }).click();
    const cancelled = sp.getByTestId('distributor-cancellation').filter({ hasText: id });
    await cancelled.waitFor();
    await cancelled.getByText('取消时所处步骤: 已支付，待发货').waitFor();
    await cancelled.getByText('原因: 找到更便宜的').waitFor();
    await screenshots(sp, 'distributor-cancellations', ['phone']);

    await sp.getByRole('button', { name: '我的佣金' }).click();
    const balances = sp.getByTestId('commission-balances');
    await balances.waitFor();
    expect(await balances.locator('dd').allTextContents()).toEqual(['¥0.00', '¥0.00', '¥0.00', '¥0.00']);
    // The month shows the commission earned at payment and the same amount taken back at the cancellation.
    const month = sp.getByTestId('commission-month').first();
    await month.waitFor();
    expect(await month.locator('dd').allTextContents()).toEqual(['¥60.00', '¥0.00', '¥0.00', '¥60.00', '¥0.00']);
    await screenshots(sp, 'distributor-commissions', ['phone']);

    // The ledger agrees with the page: what was accrued at placement was voided by the cancellation, once.
    const entries = await site.haoka.deps.store.distribution.entriesOfOrders([id]);
    expect(entries.map((e) => e.kind).sort()).toEqual(['accrue', 'void']);

    expect(seller.consoleErrors).toEqual([]);
    expect(customer.consoleErrors).toEqual([]);
    await customer.context.close();
    await seller.context.close();
  }, 180_000);

  it('shows operators the distributor\u2019s orders, cancellation rate and reasons in words, its own or how the order ended', async () => {
    // A second customer through the same link leaves before paying, giving no reason.
    const deps = site.haoka.deps;
    const customerId = await deps.store.accounts.ensureCustomer('C-e2e-left', '13712345602', deps.clock.now());
    const number = (await deps.store.orders.searchNumbers({ carrier: 'china_unicom', limit: 1 }))[0]!;
    const left = must(await placeOrder(deps, {
      customerId, planId: 'cu-39', numberId: number.id, contactName: '韩梅梅', contactPhone: '13712345602', residentId: RESIDENT_ID, ref,
      address: { province: '广东省', city: '深圳市', district: '福田区', detail: '深南大道 1 号' },
    }));
    must(await cancelUnpaidOrder(deps, left.id, { type: 'customer', id: customerId }, { confirm: true }));

    const staff = await site.open(DESKTOP);
    const page = staff.page;
    await page.goto('/staff/login');
    await page.getByLabel('用户名').fill('operator');
    await page.getByLabel('密码').fill('ops123');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL((u) => u.pathname !== '/staff/login');
    await page.goto('/staff/distributors');
    const row = page.getByTestId('distributor-stats').locator('tr', { hasText: '深圳号卡小站' });
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    // Two orders, one paid and cancelled after paying: every paid order cancelled, and too few to flag.
    expect(cells.slice(1, 5)).toEqual(['2/1', '0.0%', '0.0%', '100.0%']);
    expect(cells[0]).not.toContain('取消率远高于平台');
    expect(cells[5]!.split('，').sort()).toEqual(['客户在支付前取消 ×1', '找到更便宜的 ×1']);
    await screenshots(page, 'distributors-desk', ['desktop']);
    expect(staff.consoleErrors).toEqual([]);
    await staff.context.close();
  }, 120_000);
});
