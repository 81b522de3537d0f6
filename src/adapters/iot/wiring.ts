// The carrier's IoT platform as the composition root wires it: the OneLink adapter, pointed at the configured
// address, or in demo and tests at the fake OneLink on 127.0.0.1 in this process (its state kept under
// HAOKA_SIM_STATE_DIR when set), which holds the demo's IoT stock as the cards issued to our account. Production
// differs only in address and keys.
import { join } from 'node:path';
import type { Clock } from '../../app/platform/ports.ts';
import type { IotCarrierPort } from '../../app/iot/ports.ts';
import { IOT_STOCK } from '../../app/iot/catalog.ts';
import { OneLinkIotCarrier } from './onelink/carrier.ts';
import { OneLinkClient } from './onelink/client.ts';
import type { OneLinkConfig } from './onelink/config.ts';
import { FakeOneLink } from './onelink/fake.ts';
import { FakeOneLinkBook } from './onelink/fake-book.ts';

export interface IotWiring {
  carrier: IotCarrierPort | null;
  fake: FakeOneLink | null;
  close(): Promise<void>;
}

export interface IotWiringOptions {
  config: OneLinkConfig | null;
  clock: Clock;
  seed: number;
  simStateDir: string | null;
  /** Tests move a fake clock: the fake carries out jobs at once, and the adapter does not wait between questions. */
  instantJobs?: boolean;
}

export async function wireIotCarrier(o: IotWiringOptions): Promise<IotWiring> {
  if (!o.config) return { carrier: null, fake: null, close: async () => {} };
  let fake: FakeOneLink | null = null;
  let url = o.config.url;
  if (o.config.fake) {
    const ranges = IOT_STOCK.map((s) => ({ firstBody: s.first_body, firstNumber: s.first_number, size: s.size }));
    const book = new FakeOneLinkBook(o.clock, ranges, { journalPath: o.simStateDir ? join(o.simStateDir, 'onelink.db') : null, activationDelayMs: o.instantJobs ? 0 : 1500, seed: o.seed });
    fake = new FakeOneLink({ appid: o.config.appid, password: o.config.password }, book);
    url = await fake.start();
  }
  const client = new OneLinkClient({ url, appid: o.config.appid, password: o.config.password, timeoutMs: o.config.timeoutMs }, o.clock);
  // The demo's fake carries a job out 1.5 s after taking it: the adapter asks for up to 3.5 s, so that a batch is
  // usually answered in the same pass.
  const carrier = new OneLinkIotCarrier(client, o.instantJobs ? { pollIntervalMs: 0 } : { pollAttempts: 8, pollIntervalMs: 500 });
  return { carrier, fake, close: async () => { await fake?.stop(); } };
}
