// A supplier's plan in a real browser: the demo storefront lists it with its disclosure, the customer picks a number
// from the supplier's pool, is refused for an address the plan is not delivered to before paying (the sentence says
// what would work), corrects it, pays, and the order page follows the supplier's callbacks to activated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/domain/resident-id.ts';
import type { FakeMd5Supplier } from '../../src/adapters/suppliers/md5kv/fake/fake-supplier.ts';
import { hasChromium, screenshots, signIn, startSite, type Site } from './browser.ts';

const PLAN = '电信星卡 19元 靓号版';

describe.skipIf(!hasChromium)('a customer ordering a supplier\u2019s plan on a phone', () => {
  let site: Site;
  let fake: FakeMd5Supplier;
  beforeAll(async () => {
    site = await startSite();
    fake = site.haoka.sims.supplier!;
    // The test moves the supplier's orders itself, one step at a time.
    fake.manual = true;
  });
  afterAll(async () => {
    await site?.close();
  });

  it('is refused for a refused region before paying, corrects it, pays, and follows the supplier to activated', async () => {
    const { page, consoleErrors, context } = await site.open();
    await page.goto('/');
    const card = page.locator('.plan-card', { has: page.getByRole('heading', { name: PLAN }) });
    await card.getByText('不发货地区：新疆、西藏').waitFor();
    await card.getByText('供应商直发').waitFor();
    // The platform's own plans are on sale beside the supplier's.
    await page.getByRole('heading', { name: '移动花卡 58元套餐' }).waitFor();
    await card.scrollIntoViewIfNeeded();
    await screenshots(page, 'supplier-plans', ['phone']);

    await card.getByRole('button', { name: `选这个套餐：${PLAN}` }).click();
    await page.waitForURL(/\/login\?next=/);
    await signIn(page, '13812340001');
    await page.waitForURL(/\/buy-from-supplier\/sp-demo-P1003$/);
    await page.getByRole('heading', { name: '办理须知（请在下单前阅读）' }).waitFor();
    await page.getByText('激活后 15 天内首充 100 元：首充 100 元立即到账').waitFor();

    const options = page.locator('.number-option');
    await options.first().waitFor();
    await screenshots(page, 'supplier-pool', ['phone']);
    const picked = (await options.first().locator('.number-digits').textContent())!.replace(/\s/g, '');
    await options.first().click();
    await page.getByText(/已为您保留至/).waitFor();
    expect(fake.isFree(picked)).toBe(false);

    // Xinjiang: refused as the address is typed, before any payment, with what would work instead.
    await page.getByLabel('收件人姓名').fill('韩梅梅');
    await page.getByLabel('身份证号').fill(withCheckDigit('11010519900307123'));
    await page.getByLabel('省份').fill('新疆维吾尔自治区');
    await page.getByLabel('城市').fill('乌鲁木齐市');
    await page.getByLabel('区/县').fill('天山区');
    await page.getByLabel('详细地址').fill('人民路 1 号');
    await page.getByLabel('详细地址').blur();
    const refusal = page.getByText('该套餐不发往这个地区，可填写其他省份的收货地址，或选择其他套餐。');
    await refusal.waitFor();
    expect(await page.getByRole('button', { name: '提交订单' }).isDisabled()).toBe(true);
    await refusal.scrollIntoViewIfNeeded();
    await screenshots(page, 'supplier-refused', ['phone']);
    // Nothing was ordered: the refusal stays on the form.
    expect(await site.haoka.deps.store.database.db.selectFrom('orders').select('id').where('plan_id', '=', 'sp-demo-P1003').execute()).toEqual([]);

    // Corrected: eligible, ordered, paid.
    await page.getByLabel('省份').fill('广东省');
    await page.getByLabel('城市').fill('深圳市');
    await page.getByLabel('区/县').fill('南山区');
    await page.getByLabel('详细地址').fill('科技园南路 1 号 3 栋 1201');
    await page.getByLabel('详细地址').blur();
    await page.getByText('符合办理条件').waitFor();
    await page.getByRole('button', { name: '提交订单' }).click();
    await page.waitForURL(/\/orders\/[^/]+$/);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await page.getByRole('heading', { name: '待支付' }).waitFor();
    await page.getByText('付款后，订单会提交给供应商办理。').waitFor();
    await page.getByRole('link', { name: '去支付' }).click();
    await page.locator('label', { hasText: '支付宝' }).click();
    await page.getByRole('button', { name: /^去支付/ }).click();
    await page.getByRole('button', { name: '确认支付' }).click();
    await page.getByRole('heading', { name: '已支付，待发货' }).waitFor();

    // The worker submits the paid order to the supplier, real-name details and all.
    await until(() => fake.orders.has(id));
    expect(fake.orders.get(id)).toMatchObject({ number: picked, province: '广东省' });
    const steps = page.getByRole('list', { name: '办理进度' });
    await steps.locator('[aria-current="step"]', { hasText: '已提交' }).waitFor();

    // The supplier's callbacks, one step at a time, each followed by the page on its own.
    expect(fake.review(id)).toBe('awaiting_shipment');
    await steps.locator('[aria-current="step"]', { hasText: '待发货' }).waitFor();
    fake.ship(id);
    await page.getByRole('heading', { name: '已发货' }).waitFor();
    const waybill = fake.orders.get(id)!.expressNo!;
    await page.getByTestId('supplier-waybill').getByText(waybill).waitFor();
    await screenshots(page, 'supplier-shipped', ['phone']);
    fake.activate(id);
    await page.getByRole('heading', { name: '已激活' }).waitFor();
    await steps.locator('[aria-current="step"]', { hasText: '已激活' }).waitFor();
    await page.getByTestId('supplier-iccid').getByText(fake.orders.get(id)!.iccid!).waitFor();
    await page.getByText('激活后 15 天内首充 ¥100.00').waitFor();
    await page.locator('.supplier-progress').scrollIntoViewIfNeeded();
    await screenshots(page, 'supplier-activated', ['phone']);
    expect((await site.haoka.deps.store.orders.getOrder(id))).toMatchObject({ state: 'activated', trackingNo: waybill });

    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 120_000);
});

async function until(done: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error('not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
