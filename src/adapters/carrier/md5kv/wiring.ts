// The carrier as the composition root wires it: with HAOKA_CARRIER_URL, the client talks to the carrier there;
// without, the fake carrier is started on 127.0.0.1 in this process (its own port) and the same client is
// pointed at it, so that only the address and the keys differ. The fake's pushes go to our callback route.
import type { CarrierPort, Clock } from '../../../app/platform/ports.ts';
import { Md5kvCarrier } from './client.ts';
import { DEMO_CARRIER_APP_ID, type CarrierConfig } from './config.ts';
import { FakeCarrier } from './fake/fake-carrier.ts';
import { serveFakeCarrier } from './fake/server.ts';
import { PUSH_ACK_CODE } from './protocol.ts';

export const CARRIER_CALLBACK_PATH = '/api/v1/carrier/callback';

export interface CarrierWiring {
  carrier: CarrierPort;
  /** The fake carrier (tests and the demo's /sim pages drive it); null against a configured carrier. */
  fake: FakeCarrier | null;
  /** How the fake's pushes reach our callback route (set once the server is built). */
  attach(post: (path: string, body: string) => Promise<{ status: number; body: string }>): void;
  close(): Promise<void>;
}

export async function wireCarrier(opts: { config: CarrierConfig | null; secret: string; clock: Clock; seed: number; resendEveryMs?: number }): Promise<CarrierWiring> {
  if (opts.config) {
    const carrier = new Md5kvCarrier({ url: opts.config.url, appId: opts.config.appId, secret: opts.secret, clock: opts.clock });
    return { carrier, fake: null, attach: () => undefined, close: async () => undefined };
  }
  const fake = new FakeCarrier(DEMO_CARRIER_APP_ID, opts.secret, opts.clock, opts.seed);
  const server = await serveFakeCarrier(fake, opts.secret, opts.clock);
  const carrier = new Md5kvCarrier({ url: server.url, appId: DEMO_CARRIER_APP_ID, secret: opts.secret, clock: opts.clock });
  // The carrier sends unacknowledged pushes again on its own schedule (tests on a moved clock ask it themselves).
  const resender = opts.resendEveryMs ? setInterval(() => void fake.resendDue().catch(() => 0), opts.resendEveryMs) : null;
  resender?.unref();
  return {
    carrier,
    fake,
    attach(post) {
      fake.deliver = async (body) => {
        const res = await post(CARRIER_CALLBACK_PATH, body);
        return res.status === 200 && acknowledges(res.body);
      };
    },
    async close() {
      if (resender) clearInterval(resender);
      await server.close();
    },
  };
}

function acknowledges(body: string): boolean {
  try {
    return (JSON.parse(body) as { code?: unknown }).code === PUSH_ACK_CODE;
  } catch {
    return false;
  }
}
