// Kuaidi100 as the composition root wires it: production talks to Kuaidi100 with the configured account; demo
// starts the fake Kuaidi100 on 127.0.0.1 (its parcels kept under HAOKA_SIM_STATE_DIR when set) and points the
// same adapter at it, so that only the address and the keys differ.
import { join } from 'node:path';
import type { Kuaidi100Config } from '../../../config-kuaidi100.ts';
import { Kuaidi100Courier } from './client.ts';
import { DEMO_KUAIDI100 } from './fake/demo-account.ts';
import { FakeKuaidi100 } from './fake/fake-kuaidi100.ts';
import { serveFakeKuaidi100, type FakeKuaidi100Server } from './fake/server.ts';

export const KUAIDI100_CALLBACK_PATH = '/api/v1/courier/kuaidi100/callback';

export interface Kuaidi100Wiring {
  courier: Kuaidi100Courier;
  /** The fake, in demo; null against the real Kuaidi100. */
  fake: FakeKuaidi100 | null;
  close(): Promise<void>;
}

export async function wireKuaidi100(opts: {
  mode: 'demo' | 'production';
  config: Kuaidi100Config | null;
  clock: { now(): number };
  seed: number;
  simStateDir: string | null;
  /** Where we listen, for the callback address of a demo without HAOKA_KUAIDI100_CALLBACK_URL. */
  port: number;
}): Promise<Kuaidi100Wiring> {
  const c = opts.config;
  if (opts.mode === 'production') {
    if (!c || !c.callbackUrl) throw new Error('Kuaidi100 needs its configuration in production (config-kuaidi100.ts)');
    const courier = new Kuaidi100Courier({ ...c, callbackUrl: c.callbackUrl }, opts.clock);
    return { courier, fake: null, close: async () => {} };
  }
  const account = { key: c?.key ?? DEMO_KUAIDI100.key, customer: c?.customer ?? DEMO_KUAIDI100.customer, secret: c?.secret ?? DEMO_KUAIDI100.secret };
  const fake = new FakeKuaidi100(account, opts.clock, { seed: opts.seed, journalPath: opts.simStateDir ? join(opts.simStateDir, 'kuaidi100.db') : null });
  let server: FakeKuaidi100Server;
  try {
    server = await serveFakeKuaidi100(fake);
  } catch (e) {
    fake.close();
    throw e;
  }
  const courier = new Kuaidi100Courier({
    key: account.key, customer: account.customer, secret: account.secret, salt: c?.salt ?? DEMO_KUAIDI100.salt,
    pollEndpoint: server.url, apiEndpoint: server.url, company: c?.company ?? 'shunfeng', partnerId: c?.partnerId ?? null,
    callbackUrl: c?.callbackUrl ?? `http://127.0.0.1:${opts.port}${KUAIDI100_CALLBACK_PATH}`,
  }, opts.clock);
  return {
    courier, fake,
    async close() {
      await server.close();
      fake.close();
    },
  };
}
