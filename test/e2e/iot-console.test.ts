// The business console in a real browser: a business signs in, orders 50 IoT cards and pays the batch, activates
// 20 of them, pools them, then cancels 30 across four states: it sees the preview by state and route with its labels
// and totals, confirms, follows the job while an agent reviews and approves it, and reads each card's outcome.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { iotRepos } from '../../src/adapters/store/iot/index.ts';
import { DESKTOP, hasChromium, screenshots, ShiftedClock, staffSignIn, startSite, type Site } from './browser.ts';

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
const DAY = 86_400_000;
const beijingDay = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);
// The journey reads a day of the carrier's usage once that day is over, so the server's clock is moved a day on at
// that point; it starts a day back (or on time on the 1st), so that both days fall in the pool's month.
const clock = new ShiftedClock(beijingDay(Date.now()).endsWith('-01') ? 0 : -DAY);
const SHARE = 1999;

describe.skipIf(!hasChromium)('a business in the IoT console', () => {
  let site: Site;
  let operator: string;

  /** The API as the platform's own desks and the courier's scanner call it. */
  async function call(method: 'GET' | 'POST', path: string, token: string | null, body?: unknown): Promise<any> {
    const res = await fetch(`${site.url}${path}`, {
      method,
      headers: {
        accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(method === 'POST' ? { 'idempotency-key': crypto.randomUUID(), 'content-type': 'application/json' } : {}),
      },
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
    });
    const json = await res.json();
    expect(res.status, `${method} ${path}: ${JSON.stringify(json)}`).toBeLessThan(300);
    return json;
  }
  const cardState = async (iccid: string) => (await iotRepos(site.haoka.deps.store).cards.cardByIccid(iccid))!;

  beforeAll(async () => {
    site = await startSite({}, { clock });
    operator = (await call('POST', '/api/v1/auth/agent', null, { username: 'operator', password: 'ops123' })).token;
    await call('POST', '/api/v1/operator/iot/businesses', operator, {
      name: '鲜果售货机运营有限公司', creditCode: '91350100M000100Y43', contactName: '王五', contactPhone: '13900139000',
      firstStaff: { username: 'fleet-buyer', displayName: '采购 王五', password: 'correct horse battery', role: 'buyer' },
    });
  });
  afterAll(async () => {
    await site?.close();
  });

  /** Ticks the cards' boxes in the batch's table (each box is named by its card's ICCID). */
  async function choose(page: Page, iccids: string[]) {
    for (const iccid of iccids) await page.getByRole('checkbox', { name: iccid, exact: true }).check();
  }

  it('orders 50 cards, pays, activates 20, pools them, cancels 30 across four states and sees every card\u2019s outcome', async () => {
    const { page, consoleErrors } = await site.open(DESKTOP);
    await page.goto('/iot');
    await page.getByRole('heading', { name: '企业账号登录' }).waitFor();
    await page.getByLabel('用户名').fill('fleet-buyer');
    await page.getByLabel('密码').fill('wrong password');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByText('用户名或密码错误。').waitFor();
    // The browser logs the refused sign-in's 401 itself; from here on no error is expected.
    consoleErrors.length = 0;
    await page.getByLabel('密码').fill('correct horse battery');
    await screenshots(page, 'iot-sign-in', ['desktop']);
    await page.getByRole('button', { name: '登录', exact: true }).click();

    // Order 50 cards of the 1 GB plan, paid by Alipay in one payment for the batch.
    await page.getByRole('heading', { name: '批次' }).waitFor();
    await page.getByText('还没有批次。').waitFor();
    await page.getByLabel('套餐').selectOption('iot-cm-1g');
    await page.getByLabel('数量（1-10000 张）').fill('50');
    await page.getByLabel('付款方式').selectOption('alipay');
    await page.getByRole('button', { name: '下单', exact: true }).click();
    await page.waitForURL(/\/iot\/batches\/[^/]+$/);
    const batchId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await page.getByRole('heading', { name: `批次 ${batchId}` }).waitFor();
    await page.getByText(`移动物联卡 1GB/月 · 50 · ${yuan(50 * SHARE)} · 待支付`).waitFor();
    await page.getByRole('button', { name: '去支付', exact: true }).click();
    const cashier = page.getByRole('heading', { name: '支付宝' });
    await cashier.waitFor();
    await page.locator('.sim-amount').getByText(yuan(50 * SHARE)).waitFor();
    await screenshots(page, 'iot-pay', ['desktop']);
    await page.getByRole('button', { name: '确认支付' }).click();
    // The channel's signed notification pays the batch; the page follows without a reload.
    await page.getByText(`移动物联卡 1GB/月 · 50 · ${yuan(50 * SHARE)} · 已支付未发货`).waitFor();
    await cashier.waitFor({ state: 'detached' });
    expect(await page.getByRole('checkbox').count()).toBe(50);

    // The warehouse sends 30 cards in one parcel and 15 in another; the courier scans the first to the door.
    const a = await call('POST', `/api/v1/operator/iot/batches/${batchId}/parcels`, operator, { cards: 30 });
    const b = await call('POST', `/api/v1/operator/iot/batches/${batchId}/parcels`, operator, { cards: 15 });
    for (const kind of ['picked_up', 'in_transit', 'out_for_delivery', 'delivered']) await call('POST', `/sim/courier/${a.trackingNo}/${kind}`, null);
    expect((await cardState(a.iccids[0])).state).toBe('delivered');
    expect((await cardState(b.iccids[0])).state).toBe('shipped');

    // Activate 20 of the delivered cards: a job whose progress the page shows until every card has its outcome.
    await page.reload();
    await page.getByLabel('按状态筛选').getByRole('option', { name: '已签收未激活 (30)' }).waitFor({ state: 'attached' });
    const activate: string[] = a.iccids.slice(0, 20);
    await choose(page, activate);
    await page.getByRole('button', { name: '激活所选' }).click();
    await page.waitForURL(/\/iot\/jobs\/[^/]+$/);
    await page.getByText('批量激活 · 已完成').waitFor();
    await page.getByText('已处理 20 张，失败 0 张，共 20 张（100%）').waitFor();
    expect(await page.locator('tbody tr').count()).toBe(20);
    expect(await page.locator('tbody tr td:nth-child(2)').allTextContents()).toEqual(Array(20).fill('完成'));
    await screenshots(page, 'iot-activation-job', ['desktop']);
    expect((await cardState(activate[0])).state).toBe('activated');

    // Pool the 20 activated cards; a day of the carrier's usage report fills the pool past its 80 % alert.
    await page.getByRole('link', { name: '流量池' }).click();
    await page.getByText('还没有流量池。').waitFor();
    await page.getByLabel('名称').fill('华东网点');
    await page.getByLabel('超额后').selectOption('stop');
    await page.getByLabel('加入的卡（ICCID，每行一个）').fill(activate.join('\n'));
    await page.getByRole('button', { name: '新建流量池' }).click();
    await page.getByRole('heading', { name: '华东网点' }).waitFor();
    await page.getByText(`本月已用 0MB / 20GB（0%） · 20 · ${yuan(20 * 500)}`).waitFor();
    // OneLink reports a day's usage from the next day on: the day the cards were activated is over.
    site.haoka.sims.onelink!.book.dailyMb = 900;
    const day = beijingDay(clock.now());
    clock.shift(DAY);
    expect(await call('POST', `/api/v1/operator/iot/usage/${day}`, operator)).toMatchObject({ cards: 20, alerts: 1 });
    await page.reload();
    await page.getByText('本月已用 17.6GB / 20GB（87%）', { exact: false }).waitFor();
    await page.getByText('提醒：80%').waitFor();
    await screenshots(page, 'iot-pools', ['desktop']);

    // Cancel 30 cards across four states: 5 paid and unshipped, 5 shipped, 10 delivered unactivated, 10 activated.
    await page.getByRole('link', { name: '批次' }).click();
    await page.getByRole('link', { name: '查看' }).click();
    await page.getByRole('heading', { name: `批次 ${batchId}` }).waitFor();
    const business = (await cardState(a.iccids[0])).business_id;
    const paid = (await iotRepos(site.haoka.deps.store).cards.listCards({ businessId: business, batchId, states: ['paid'] })).slice(0, 5).map((c) => c.iccid);
    const shipped: string[] = b.iccids.slice(0, 5);
    const delivered: string[] = a.iccids.slice(20, 30);
    const activated: string[] = activate.slice(0, 10);
    expect(paid).toHaveLength(5);
    await choose(page, [...paid, ...shipped, ...delivered, ...activated]);
    await page.getByRole('button', { name: '预览取消所选' }).click();
    const preview = page.getByRole('region', { name: '取消预览' });
    await preview.waitFor();
    const groups = await preview.getByRole('listitem').allTextContents();
    expect(groups).toHaveLength(4);
    expect(groups[0]).toBe(`需审核 已支付未发货 · 取消并退款 5 张 · 退款 ${yuan(5 * SHARE)}`);
    expect(groups[1]).toBe(`需审核 已发货 · 快递拦截 5 张 · 退款 ${yuan(5 * SHARE)}`);
    expect(groups[2]).toBe(`需审核 已签收未激活 · 未激活退货 10 张 · 退款 ${yuan(10 * SHARE)}`);
    expect(groups[3]).toMatch(/^不可取消 已激活 · 销户（违约金） 10 张 · 违约金 ¥\d+\.\d\d$/);
    const penalty = Number(groups[3]!.match(/违约金 ¥(\d+\.\d\d)$/)![1]) * 100;
    expect(penalty).toBeGreaterThan(0);
    await preview.getByText(`合计：30 张卡，退款 ${yuan(20 * SHARE)}（立即 ${yuan(5 * SHARE)}，退回后 ${yuan(15 * SHARE)}），违约金 ${yuan(penalty)}`).waitFor();
    await preview.getByText('流量池 华东网点：额度 20GB → 10GB，月费 ¥100.00 → ¥50.00').waitFor();
    await preview.getByText(/请将 10 张未激活的卡片装入一个包裹寄回/).waitFor();
    await preview.getByText('退款超过极速退款额度，确认后将由客服审核整批申请。').waitFor();
    await screenshots(page, 'iot-cancel-preview', ['desktop']);
    await preview.getByRole('button', { name: '确认取消' }).click();
    await page.waitForURL(/\/iot\/cancellations\/[^/]+$/);
    const cancellationId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await page.getByText(`待客服审核 · 退款 ${yuan(20 * SHARE)} · 违约金 ${yuan(penalty)}`).waitFor();
    expect((await cardState(paid[0]!)).state).toBe('paid');

    // Above the express-refund amount: one request for the batch in the agents' queue, its 30 cards listed.
    const agent = await site.open(DESKTOP);
    const desk = agent.page;
    await staffSignIn(desk, 'agent', 'agent123');
    await desk.getByRole('link', { name: '物联卡批量取消' }).click();
    await desk.getByRole('heading', { name: '待审核的批量取消' }).waitFor();
    await desk.getByRole('button', { name: cancellationId }).click();
    await desk.locator('tbody tr').nth(29).waitFor();
    expect(await desk.locator('tbody tr').count()).toBe(30);
    await desk.getByLabel('审核意见').fill('企业批量退卡，核实无误');
    await screenshots(desk, 'iot-review-desk', ['desktop']);
    await desk.getByRole('button', { name: '通过并执行' }).click();
    await desk.getByText('没有待审核的批量取消。').waitFor();

    // The business's page, left open, follows the job to its end and shows each card's route and outcome.
    await page.getByText('已处理 30 张，失败 0 张，共 30 张（100%）').waitFor({ timeout: 20_000 });
    await page.getByRole('heading', { name: `批量取消 ${cancellationId}` }).waitFor();
    expect(await page.locator('thead th').allTextContents()).toEqual(['ICCID', '处理方式', '退款', '违约金', '结果']);
    await page.getByText(`已完成 · 退款 ${yuan(20 * SHARE)} · 违约金 ${yuan(penalty)}`).waitFor();
    const rows = await page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    const byIccid = new Map(rows.map((r) => [r[0], r.slice(1)]));
    expect(byIccid.size).toBe(30);
    expect(byIccid.get(paid[0])).toEqual(['取消并退款', yuan(SHARE), '¥0.00', '完成']);
    expect(byIccid.get(shipped[0])).toEqual(['快递拦截', yuan(SHARE), '¥0.00', '完成']);
    expect(byIccid.get(delivered[0])).toEqual(['未激活退货', yuan(SHARE), '¥0.00', '完成']);
    expect(byIccid.get(activated[0])![0]).toBe('销户（违约金）');
    expect(byIccid.get(activated[0])![3]).toBe('完成');
    expect([...byIccid.values()].every((r) => r[3] === '完成')).toBe(true);
    // The paid cards' shares went back at once, one refund a card.
    const refunds = page.getByRole('heading', { name: '退款（每张卡一笔）' }).locator('xpath=following-sibling::ul[1]').getByRole('listitem');
    await expect.poll(() => refunds.count()).toBe(5);
    for (const text of await refunds.allTextContents()) expect(text).toMatch(new RegExp(`^\\d{20} · ${yuan(SHARE).replace('.', '\\.')} · (退款中|已到账)$`));
    await screenshots(page, 'iot-cancellation-done', ['desktop']);

    // Each card where its own rule put it.
    expect(await cardState(paid[0]!)).toMatchObject({ state: 'cancelled' });
    expect(await cardState(shipped[0]!)).toMatchObject({ state: 'shipped', pending_return: 'intercept' });
    expect(await cardState(delivered[0]!)).toMatchObject({ state: 'delivered', pending_return: 'return' });
    expect(await cardState(activated[0]!)).toMatchObject({ state: 'account_closed' });
    // The pool keeps its 10 live cards.
    await page.getByRole('link', { name: '流量池' }).click();
    await page.getByText(/\/ 10GB（\d+%） · 10 · ¥50\.00/).waitFor();

    // The batch's table says the same, card by card.
    await page.getByRole('link', { name: '批次' }).click();
    await page.getByRole('link', { name: '查看' }).click();
    const row = (iccid: string) => page.getByRole('row').filter({ has: page.getByRole('checkbox', { name: iccid, exact: true }) });
    await row(paid[0]!).getByText('已取消').waitFor();
    await row(shipped[0]!).getByText('已发货 · 快递拦截').waitFor();
    await row(delivered[0]!).getByText('已签收未激活 · 未激活退货').waitFor();
    await row(activated[0]!).getByText('已销户').waitFor();
    await screenshots(page, 'iot-batch-cards', ['desktop']);

    // The warehouse receives the 15 intercepted and returned cards back, inspected: each is refunded its share, and
    // the refunds add up to what the preview said.
    await desk.getByLabel('收到退回的卡（ICCID，每行一个，验卡通过）').fill([...shipped, ...delivered].join('\n'));
    await desk.getByRole('button', { name: '登记收货并退款' }).click();
    await desk.getByText(`已登记 15 张，退款 ${yuan(15 * SHARE)}`).waitFor();
    await page.goto(`/iot/cancellations/${cancellationId}`);
    await expect.poll(() => refunds.count()).toBe(20);
    const amounts = (await refunds.allTextContents()).map((text) => Math.round(Number(text.split(' · ')[1]!.slice(1)) * 100));
    expect(amounts.reduce((x, y) => x + y, 0)).toBe(20 * SHARE);
    expect((await cardState(delivered[0]!)).state).toBe('cancelled');
    expect(consoleErrors).toEqual([]);
    expect(agent.consoleErrors).toEqual([]);
  }, 180_000);
});
