// Alipay for the composition root. With an application in configuration: the SDK adapter against
// HAOKA_ALIPAY_GATEWAY. In demo without one: the fake gateway in this process on 127.0.0.1, with the demo app's and
// the fake's own key pairs (made at first start, kept in HAOKA_SIM_STATE_DIR), and the real adapter pointed at it,
// so the demo runs the code production runs. Otherwise (`simulator`): nothing here, and the in-process simulator
// stays (the test harness asks for it, to deliver notifications itself).
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../../config.ts';
import type { Clock } from '../../../app/platform/ports.ts';
import { SimJournal } from '../../sim/journal.ts';
import { keyPair } from '../wechat-fake/keys.ts';
import { FakeAlipayGateway } from '../alipay-fake/gateway.ts';
import { FakeAlipayState } from '../alipay-fake/state.ts';
import { AlipayAdapter } from './adapter.ts';
import type { AlipayConfig } from './config.ts';
import { readPrivateKey, readPublicKey } from './config.ts';

/** Where Alipay posts its notifications (a form, answered with the text `success`). */
export const ALIPAY_NOTIFY_PATH = '/api/v1/payments/alipay/notify';

/** The demo application (the sandbox-style ids of Alipay's own samples). */
export const DEMO_APP = { appId: '2014072300007148', sellerId: '2088101106499364' };

export interface AlipayChannel {
  port: AlipayAdapter | null;
  fake: { state: FakeAlipayState; gateway: FakeAlipayGateway } | null;
  attach(app: FastifyInstance): void;
  close(): Promise<void>;
}

export interface AlipayChannelOptions {
  use?: 'gateway' | 'simulator';
  seed?: number;
}

export async function alipayChannel(config: Config, clock: Clock, opts: AlipayChannelOptions = {}): Promise<AlipayChannel> {
  const none: AlipayChannel = { port: null, fake: null, attach() {}, async close() {} };
  if (opts.use === 'simulator') return none;
  const local = `http://127.0.0.1:${config.port}`;
  if (config.alipay) {
    if (config.mode === 'production' && !config.alipay.notifyBaseUrl) throw new Error('HAOKA_ALIPAY_NOTIFY_BASE_URL is required with an Alipay application: Alipay notifies that address.');
    return { ...none, port: new AlipayAdapter(config.alipay, clock, { notifyUrl: `${config.alipay.notifyBaseUrl ?? local}${ALIPAY_NOTIFY_PATH}` }) };
  }
  if (config.mode !== 'demo') return none;
  const app = keyPair(config.simStateDir, 'alipay-app');
  const alipay = keyPair(config.simStateDir, 'alipay-platform');
  const state = new FakeAlipayState({
    ...DEMO_APP, appPublicKey: readPublicKey(app.publicKeyPem)!, alipayPrivateKey: readPrivateKey(alipay.privateKeyPem)!,
  }, clock, { seed: opts.seed ?? 1, journal: config.simStateDir ? new SimJournal(join(config.simStateDir, 'alipay.db')) : null });
  const gateway = new FakeAlipayGateway(state);
  const cfg: AlipayConfig = {
    appId: DEMO_APP.appId, sellerId: DEMO_APP.sellerId, privateKeyPem: app.privateKeyPem, alipayPublicKeyPem: alipay.publicKeyPem, gateway: await gateway.start(), notifyBaseUrl: local,
  };
  // The customer's phone opens the cashier page at the fake (the trade exists from then on); the demo's
  // "pay in the app" page pays there.
  const port = new AlipayAdapter(cfg, clock, {
    notifyUrl: `${local}${ALIPAY_NOTIFY_PATH}`,
    openPage: async (url) => {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`the Alipay cashier page refused the payment (${res.status})`);
    },
    payUrlOf: (no) => `/sim/pay/alipay/${encodeURIComponent(no)}`,
  });
  return {
    port,
    fake: { state, gateway },
    attach(server) {
      // In this process the fake reaches our notify route without a socket, signature unchanged.
      state.transport = async (d) => {
        const res = await server.inject({ method: 'POST', url: new URL(d.url).pathname, headers: d.headers, payload: d.body });
        return res.body.trim() === 'success';
      };
      state.startTicking();
    },
    async close() {
      state.stopTicking();
      await gateway.stop();
    },
  };
}
