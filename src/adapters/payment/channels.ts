// The three simulated channels, built together: each with its own seed, and, when a state directory is
// configured, its own journal so that it remembers payments and refunds across our restarts.
import { join } from 'node:path';
import type { Clock } from '../../app/platform/ports.ts';
import { SimJournal } from '../sim/journal.ts';
import { AlipaySimulator } from './alipay.ts';
import { BankTransferSimulator } from './bank.ts';
import { WechatPaySimulator } from './wechat.ts';

export interface ChannelSimulators {
  alipay: AlipaySimulator;
  wechat: WechatPaySimulator;
  bank: BankTransferSimulator;
}

export function createChannelSimulators(secret: string, clock: Clock, seed: number, stateDir: string | null): ChannelSimulators {
  const journal = (name: string) => (stateDir ? new SimJournal(join(stateDir, `${name}.db`)) : null);
  return {
    alipay: new AlipaySimulator(secret, clock, { seed, journal: journal('alipay') }),
    wechat: new WechatPaySimulator(secret, clock, { seed: seed + 1, journal: journal('wechat') }),
    bank: new BankTransferSimulator(secret, clock, { seed: seed + 2, journal: journal('bank') }),
  };
}
