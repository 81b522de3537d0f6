// The bank channel for the composition root: with the bank's interface in configuration, the adapter against it;
// otherwise null, and the batch simulator stays (demo, tests, and a production that offers the bank through its
// notification key alone).
import type { Config } from '../../../config.ts';
import type { Clock } from '../../../app/platform/ports.ts';
import { BankGatewayAdapter } from './adapter.ts';

/** Where the bank posts its payment notifications. */
export const BANK_NOTIFY_PATH = '/api/v1/payments/callback/bank';

export function bankPort(config: Config, key: string, clock: Clock): BankGatewayAdapter | null {
  const b = config.bank;
  if (!b) return null;
  if (config.mode === 'production' && !b.notifyBaseUrl) throw new Error('HAOKA_BANK_NOTIFY_BASE_URL is required with the bank interface: the bank notifies that address.');
  return new BankGatewayAdapter(b, key, clock, { notifyUrl: `${b.notifyBaseUrl ?? `http://127.0.0.1:${config.port}`}${BANK_NOTIFY_PATH}` });
}
