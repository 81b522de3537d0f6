// SMS and app push behave like gateways (they accept, may fail, and keep what they sent); the in-app
// channel is the customer's inbox in the store.
import type { NotifierPort, OutgoingMessage } from '../../app/platform/ports.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from '../../app/platform/ports.ts';

const KEEP = 1000;

export class NotifierSimulator implements NotifierPort {
  /** What the SMS and push gateways accepted, newest last (bounded). */
  readonly sent: OutgoingMessage[] = [];
  private readonly keys = new Set<string>();
  /** Scripting: the next N sends fail as a gateway outage would. */
  failNext = 0;

  constructor(private readonly store: Store, private readonly clock: Clock) {}

  async send(msg: OutgoingMessage): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error(`${msg.channel} gateway unavailable`);
    }
    if (msg.channel === 'inapp') {
      await this.store.platform.insertNotifications([{
        customer_id: msg.customerId, order_id: msg.orderId, channel: 'inapp', template: msg.template, title: msg.title, body: msg.body,
        created_at: this.clock.now(), read_at: null, dedupe_key: msg.key,
      }]);
      return;
    }
    if (this.keys.has(msg.key)) return;
    this.keys.add(msg.key);
    this.sent.push(msg);
    if (this.sent.length > KEEP) this.keys.delete(this.sent.shift()!.key);
  }

  /** The SMS a phone received, newest first (the demo shows sign-in codes from here). */
  smsTo(phone: string): OutgoingMessage[] {
    return this.sent.filter((m) => m.channel === 'sms' && m.phone === phone).reverse();
  }
}
