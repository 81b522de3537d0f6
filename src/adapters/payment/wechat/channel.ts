// WeChat Pay for the composition root. With a merchant account in configuration: the API v3 adapter against
// HAOKA_WECHAT_GATEWAY. In demo without one: the fake gateway in this process on 127.0.0.1, with the demo
// merchant's and the fake's own key pairs (made at first start, kept in HAOKA_SIM_STATE_DIR), and the real
// adapter pointed at it, so the demo runs the code production runs. Otherwise (`simulator`): nothing here, and
// the in-process simulator stays (the test harness asks for it, to deliver notifications itself).
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../../config.ts';
import type { Clock } from '../../../app/platform/ports.ts';
import { SimJournal } from '../../sim/journal.ts';
import { WechatPayAdapter } from './adapter.ts';
import type { WechatConfig } from './config.ts';
import { publicKeyOf, privateKeyOf } from './signing.ts';
import { FakeWechatGateway } from '../wechat-fake/gateway.ts';
import { FakeWechatState } from '../wechat-fake/state.ts';
import { keyPair } from '../wechat-fake/keys.ts';

export const PAYMENT_CALLBACK_PATH = '/api/v1/payments/callback/wechat';
export const REFUND_CALLBACK_PATH = '/api/v1/refunds/callback/wechat';

/** The demo merchant (the ids printed in WeChat Pay's own samples). */
export const DEMO_MERCHANT = { mchId: '1900000100', appId: 'wxd678efh567hg6787', certSerial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1', publicKeyId: 'PUB_KEY_ID_0119000001002024120700000001' };

export interface WechatChannel {
  /** The adapter, or null when the in-process simulator stays. */
  port: WechatPayAdapter | null;
  /** The in-process fake (demo), or null. */
  fake: { state: FakeWechatState; gateway: FakeWechatGateway } | null;
  /** Once the server exists: the fake notifies through our real callback routes and keeps its own time. */
  attach(app: FastifyInstance): void;
  close(): Promise<void>;
}

export interface WechatChannelOptions {
  /** `simulator`: keep the in-process simulator (tests that deliver notifications themselves). Default: the gateway. */
  use?: 'gateway' | 'simulator';
  /** The API v3 key of the demo merchant when one is configured (HAOKA_WECHAT_APIV3_KEY). */
  demoApiV3Key?: string | null;
  seed?: number;
}

export async function wechatChannel(config: Config, clock: Clock, opts: WechatChannelOptions = {}): Promise<WechatChannel> {
  const none: WechatChannel = { port: null, fake: null, attach() {}, async close() {} };
  if (opts.use === 'simulator') return none;
  const local = `http://127.0.0.1:${config.port}`;
  if (config.wechat) {
    if (config.mode === 'production' && !config.wechat.notifyBaseUrl) throw new Error('HAOKA_WECHAT_NOTIFY_BASE_URL is required with a WeChat Pay merchant account: WeChat Pay notifies that address.');
    return { ...none, port: new WechatPayAdapter(config.wechat, clock, { notifyUrls: notifyUrls(config.wechat.notifyBaseUrl ?? local) }) };
  }
  if (config.mode !== 'demo') return none;
  const merchant = keyPair(config.simStateDir, 'wechat-merchant');
  const platform = keyPair(config.simStateDir, 'wechat-platform');
  const apiV3Key = opts.demoApiV3Key ?? createHash('sha256').update('haoka-demo-wechat-apiv3').digest('hex').slice(0, 32);
  const state = new FakeWechatState({
    mchId: DEMO_MERCHANT.mchId, appId: DEMO_MERCHANT.appId, certSerial: DEMO_MERCHANT.certSerial, publicKeyId: DEMO_MERCHANT.publicKeyId, apiV3Key,
    merchantPublicKey: publicKeyOf(merchant.publicKeyPem), platformPrivateKey: privateKeyOf(platform.privateKeyPem),
  }, clock, { seed: (opts.seed ?? 1) + 1, journal: config.simStateDir ? new SimJournal(join(config.simStateDir, 'wechat.db')) : null });
  const gateway = new FakeWechatGateway(state);
  const base = await gateway.start();
  const cfg: WechatConfig = {
    ...DEMO_MERCHANT, privateKeyPem: merchant.privateKeyPem, apiV3Key, publicKeyPem: platform.publicKeyPem, gateway: base, notifyBaseUrl: local,
  };
  // The customer's "pay in the app" page of the demo pays at the fake.
  const port = new WechatPayAdapter(cfg, clock, { notifyUrls: notifyUrls(local), payUrlOf: (no) => `/sim/pay/wechat/${encodeURIComponent(no)}` });
  return {
    port,
    fake: { state, gateway },
    attach(app) {
      // In this process the fake reaches our callback routes without a socket, signature and encryption unchanged.
      state.transport = async (d) => {
        const res = await app.inject({ method: 'POST', url: new URL(d.url).pathname, headers: d.headers, payload: d.body });
        return res.statusCode >= 200 && res.statusCode < 300;
      };
      state.startTicking();
    },
    async close() {
      state.stopTicking();
      await gateway.stop();
    },
  };
}

function notifyUrls(base: string): { payment: string; refund: string } {
  return { payment: `${base}${PAYMENT_CALLBACK_PATH}`, refund: `${base}${REFUND_CALLBACK_PATH}` };
}
