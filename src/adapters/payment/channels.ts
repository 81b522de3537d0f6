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

/** Each channel's notification key (and WeChat Pay's API v3 key; null: derived from its notification key). */
export interface ChannelKeys {
  alipay: string;
  wechat: string;
  wechatApiV3: string | null;
  bank: string;
}

export function createChannelSimulators(keys: ChannelKeys, clock: Clock, seed: number, stateDir: string | null): ChannelSimulators {
  const journal = (name: string) => (stateDir ? new SimJournal(join(stateDir, `${name}.db`)) : null);
  return {
    alipay: new AlipaySimulator(keys.alipay, clock, { seed, journal: journal('alipay') }),
    wechat: new WechatPaySimulator(keys.wechat, clock, { seed: seed + 1, journal: journal('wechat'), apiV3Key: keys.wechatApiV3 }),
    bank: new BankTransferSimulator(keys.bank, clock, { seed: seed + 2, journal: journal('bank') }),
  };
}
