// A channel this deployment does not offer (a production channel left unconfigured) takes no payment.
import { fail, type DomainError } from '../../domain/errors.ts';
import { PAYMENT_CHANNELS, type PaymentChannel } from '../../domain/order.ts';
import type { Deps } from './deps.ts';

export function offeredChannelsOf(deps: Pick<Deps, 'offeredChannels'>): readonly PaymentChannel[] {
  return deps.offeredChannels ?? PAYMENT_CHANNELS;
}

export function refuseUnoffered(deps: Pick<Deps, 'offeredChannels'>, channel: PaymentChannel): DomainError | null {
  const offered = offeredChannelsOf(deps);
  return offered.includes(channel) ? null : fail('PAYMENT.CHANNEL_NOT_OFFERED', `Payments through ${channel} are not offered here.`, { channel, offered: [...offered] });
}
