// The real product in a real browser: the pages built from web/, the server listening on a port, the worker
// running, and Debian's Chromium driven by playwright-core. Each test file gets a server of its own.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { compose, type Haoka } from '../../src/main.ts';
import { chargeForFreeNumbers } from '../fixtures/catalog.ts';
import { freshDatabase, type TestDatabase } from '../fixtures/engine.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };
const ROOT = resolve(import.meta.dirname, '../..');
const SHOTS = join(ROOT, 'docs/screenshots');
/** A demo ID that passes the real-name check. */
export const RESIDENT_ID = '11010519491231002X';

export interface Site {
  url: string;
  haoka: Haoka;
  browser: Browser;
  /** A fresh browser profile (no session) whose console errors are collected. */
  open(viewport?: { width: number; height: number }): Promise<{ page: Page; context: BrowserContext; consoleErrors: string[] }>;
  close(): Promise<void>;
}

/** Builds the pages from source, so the test sees the code as it is now, not a stale dist/. */
function buildPages(): string {
  const out = mkdtempSync(join(tmpdir(), 'haoka-web-'));
  // In its own process: under Vitest NODE_ENV is "test", which would bundle React's development build.
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(ROOT, 'web/vite.config.ts'), '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: ROOT, env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  return out;
}

/** The time as the server sees it: the real clock moved by an offset a journey may change (a day's report, say). */
export class ShiftedClock {
  constructor(private offsetMs = 0) {}
  now(): number {
    return Date.now() + this.offsetMs;
  }
  shift(ms: number): void {
    this.offsetMs += ms;
  }
}

export async function startSite(env: Record<string, string> = {}, opts: { clock?: ShiftedClock } = {}): Promise<Site> {
  const webDir = buildPages();
  const db: TestDatabase = await freshDatabase();
  const config = loadConfig({ HAOKA_DATABASE_URL: db.url, HAOKA_SECRET: 'e2e-secret-0123456789abcdef', HAOKA_PORT: '0', ...env });
  // The courier simulator, driven step by step (site.haoka.sims.courier); the Kuaidi100 path has its own journey (test/http/kuaidi100-journey.test.ts).
  const haoka = await compose(config, { log: pino({ level: 'warn' }), seed: true, numbersPerCarrier: 40, webDir, courier: 'simulator', ...(opts.clock ? { clock: opts.clock } : {}) });
  await chargeForFreeNumbers(haoka.deps.store.database.db);
  const app = await haoka.server();
  await app.listen({ host: '127.0.0.1', port: 0 });
  haoka.worker.start();
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server did not listen on a port');
  const url = `http://127.0.0.1:${address.port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    url, haoka, browser,
    async open(viewport = PHONE) {
      const context = await browser.newContext({ viewport, baseURL: url, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      // Waits are bounded: a page that does not show what it should fails the test within seconds.
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(e.message));
      return { page, context, consoleErrors };
    },
    async close() {
      await browser.close();
      await haoka.close();
      await db.drop();
      rmSync(webDir, { recursive: true, force: true });
    },
  };
}

/** Writes the page as a phone and as a desk sees it into docs/screenshots (name-phone.png, name-desktop.png). */
/** A paid order's cancellation request then always goes to an agent's review instead of the express path. */
export async function expressRefundsOff(site: Site): Promise<void> {
  const r = await site.haoka.deps.settings.update({ expressRefundMaxFen: 0 }, 'e2e');
  if ('kind' in r) throw new Error(`turning express refunds off failed: ${r.code}`);
}

export async function screenshots(page: Page, name: string, sizes: ('phone' | 'desktop')[] = ['phone', 'desktop']) {
  mkdirSync(SHOTS, { recursive: true });
  const before = page.viewportSize();
  for (const size of sizes) {
    await page.setViewportSize(size === 'phone' ? PHONE : DESKTOP);
    // Let layout settle after the resize before the picture is taken.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`), animations: 'disabled', caret: 'hide' });
  }
  if (before) await page.setViewportSize(before);
}

/** Signs a customer in the way a person does: phone, code from the (simulated) SMS, sign in. */
export async function signIn(page: Page, phone: string, shot?: string) {
  await page.getByLabel('手机号').fill(phone);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await page.getByText('您的验证码是').waitFor();
  if (shot) await screenshots(page, shot);
  await page.getByRole('button', { name: '填入验证码' }).click();
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

/** Signs a member of staff in at the desk's sign-in page, as they do: username, password, sign in. */
export async function staffSignIn(page: Page, username: string, password: string) {
  await page.goto('/staff/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/staff/login'));
}

export interface OrderShots { picker?: string; check?: string; /** Already on the plan's number picker (a link that leads there), not choosing from the plans. */ fromPicker?: boolean }

/** Orders a plan through the pages: choose the plan, pick a number, fill in, check, place. Returns the order id. */
/** Orders the plan through the pages and pays it with the Alipay simulator; the order page then shows it paid. */
export async function paidThroughPages(page: Page, planName: string): Promise<string> {
  const id = await orderThroughPages(page, planName);
  await page.getByRole('link', { name: '去支付' }).click();
  await page.locator('label', { hasText: '支付宝' }).click();
  await page.getByRole('button', { name: /^去支付/ }).click();
  await page.getByRole('button', { name: '确认支付' }).click();
  await page.getByRole('heading', { name: '已支付，待发货' }).waitFor();
  return id;
}

export async function orderThroughPages(page: Page, planName: string, shots: OrderShots = {}): Promise<string> {
  if (!shots.fromPicker) {
    await page.goto('/');
    await page.getByRole('button', { name: `选这个套餐：${planName}` }).click();
  }
  await page.getByRole('heading', { name: '选一个号码' }).waitFor();
  const numbers = page.getByRole('group', { name: '选择号码' }).locator('label');
  await numbers.first().waitFor();
  if (shots.picker) await screenshots(page, shots.picker);
  await numbers.first().click();
  await page.getByRole('button', { name: '下一步', exact: true }).click();
  await page.getByLabel('收件人姓名').fill('李雷');
  await page.getByLabel('身份证号').fill(RESIDENT_ID);
  await page.getByLabel('省份').fill('广东省');
  await page.getByLabel('城市').fill('深圳市');
  await page.getByLabel('区/县').fill('南山区');
  await page.getByLabel('详细地址').fill('科技园南路 1 号 3 栋 1201');
  await page.getByRole('button', { name: '下一步：核对订单' }).click();
  await page.getByRole('heading', { name: '核对订单' }).waitFor();
  await page.getByText('广东省 深圳市 南山区 科技园南路 1 号 3 栋 1201').waitFor();
  if (shots.check) await screenshots(page, shots.check);
  await page.getByRole('button', { name: '提交订单' }).click();
  await page.waitForURL(/\/orders\/[^/]+$/);
  return decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
}
