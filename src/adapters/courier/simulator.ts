// A courier as the platform meets it (modelled on SF / YTO open APIs): waybills, tracking pushes to a
// signed callback, and interception (快递拦截) that is answered later, by callback, once per parcel.
// Deterministic: seeded nonces, numbered waybills; tests drive each step and may hold a delivery back to
// send it late, twice, or out of order.
import { isError, type DomainError } from '../../domain/errors.ts';
import { courierPushBody, parsePush } from '../../app/platform/push-schemas.ts';
import type { Clock, CourierInterceptAnswer, CourierNotice, CourierPort, TrackingKind } from '../../app/platform/ports.ts';
import { SeededRandom } from '../sim/random.ts';
import type { SignedDelivery } from '../payment/simulator.ts';
import { signCallback, verifyCallback } from '../sim/signed-callback.ts';

type ParcelStatus = 'created' | TrackingKind | 'returning';

interface SimParcel {
  orderId: string | null;
  status: ParcelStatus;
  interception: { interceptNo: string; answered: boolean } | null;
}

export class CourierSimulator implements CourierPort {
  readonly parcels = new Map<string, SimParcel>();
  /** Interception calls received, by parcel: one interception per parcel, however often we ask. */
  readonly interceptCalls = new Map<string, number>();
  /** Scripting: the next N interception calls fail as an unreachable courier API does. */
  failNext = 0;
  /** Scripting: the next N interceptions are refused even though the parcel is still on its way. */
  refuseNext = 0;
  /** Set by the composition root: how a signed callback reaches the platform; true when acknowledged. */
  deliver: ((d: SignedDelivery) => Promise<boolean>) | null = null;
  private seq = 0;
  private readonly rnd: SeededRandom;

  constructor(private readonly secret: string, private readonly clock: Clock, seed = 1) {
    this.rnd = new SeededRandom(seed ^ 0x5f3759df);
  }

  private parcel(trackingNo: string): SimParcel {
    let p = this.parcels.get(trackingNo);
    if (!p) this.parcels.set(trackingNo, (p = { orderId: null, status: 'created', interception: null }));
    return p;
  }

  async createWaybill(req: { orderId: string }): Promise<{ trackingNo: string }> {
    const trackingNo = `YT${String(++this.seq).padStart(11, '0')}`;
    this.parcels.set(trackingNo, { orderId: req.orderId, status: 'created', interception: null });
    return { trackingNo };
  }

  async intercept(req: { interceptNo: string; trackingNo: string }): Promise<CourierInterceptAnswer> {
    this.interceptCalls.set(req.trackingNo, (this.interceptCalls.get(req.trackingNo) ?? 0) + 1);
    const p = this.parcel(req.trackingNo);
    if (p.interception) return { status: 'received' };
    if (this.failNext > 0) {
      this.failNext--;
      return { status: 'failed', error: 'COURIER_API_UNAVAILABLE' };
    }
    p.interception = { interceptNo: req.interceptNo, answered: false };
    return { status: 'received' };
  }

  /**
   * The courier answers the interceptions it holds: accepted while the parcel is still on its way (it turns
   * back), refused once it was delivered. Returns the signed callbacks (sent too, unless `send` is false).
   */
  async answerInterceptions(opts: { send?: boolean } = {}): Promise<SignedDelivery[]> {
    const out: SignedDelivery[] = [];
    for (const [trackingNo, p] of this.parcels) {
      if (!p.interception || p.interception.answered) continue;
      p.interception.answered = true;
      const refused = p.status === 'delivered' || this.refuseNext > 0;
      if (refused && p.status !== 'delivered') this.refuseNext--;
      if (!refused) p.status = 'returning';
      out.push(await this.push(trackingNo, refused ? 'interception_refused' : 'interception_accepted', { ...opts, detail: refused ? 'PARCEL_ALREADY_DELIVERED' : p.interception.interceptNo }));
    }
    return out;
  }

  /** A tracking event happens to the parcel; the courier pushes it (signed). `at` backdates the scan time. */
  async event(trackingNo: string, kind: TrackingKind, opts: { send?: boolean; at?: number } = {}): Promise<SignedDelivery> {
    const p = this.parcel(trackingNo);
    // A parcel turned back is not delivered to the customer any more.
    if (!(kind === 'delivered' && p.status === 'returning')) p.status = kind;
    return this.push(trackingNo, kind, opts);
  }

  /** The same event pushed again, as couriers do until acknowledged: same body, fresh signature and nonce. */
  async resend(d: SignedDelivery, opts: { send?: boolean } = {}): Promise<SignedDelivery> {
    const again = signCallback(this.secret, 'courier', d.body, this.clock.now(), this.rnd.hex(32));
    if (opts.send !== false && this.deliver) await this.deliver(again);
    return again;
  }

  private async push(trackingNo: string, kind: CourierNotice['kind'], opts: { send?: boolean; at?: number; detail?: string }): Promise<SignedDelivery> {
    const occurredAt = opts.at ?? this.clock.now();
    const body = JSON.stringify({ event_id: `${trackingNo}:${kind}`, tracking_no: trackingNo, kind, occurred_at: occurredAt, detail: opts.detail ?? null });
    const d = signCallback(this.secret, 'courier', body, this.clock.now(), this.rnd.hex(32));
    if (opts.send !== false && this.deliver) await this.deliver(d);
    return d;
  }

  verifyCallback(headers: Record<string, string | string[] | undefined>, rawBody: string, now: number): CourierNotice | DomainError {
    const v = verifyCallback(this.secret, 'courier', headers, rawBody, now);
    if ('kind' in v) return v;
    const b = parsePush(courierPushBody, v.body);
    if (isError(b)) return b;
    return { nonce: v.nonce, eventId: b.event_id, trackingNo: b.tracking_no, kind: b.kind, occurredAt: b.occurred_at, detail: b.detail };
  }
}
