// The warehouse as the platform meets it: parcels wait, get held on request (拦截发货), or leave with a
// tracking number. An interception is idempotent by its number and refused once the parcel has left.
import type { InterceptionAnswer, InterceptionRequest, WarehousePort } from '../../app/platform/ports.ts';

type ParcelStatus = 'waiting' | 'held' | 'shipped';

export class WarehouseSimulator implements WarehousePort {
  readonly parcels = new Map<string, { status: ParcelStatus; trackingNo: string | null }>();
  /** Answers given, by interception number: asking again gets the same answer. */
  readonly interceptions = new Map<string, InterceptionAnswer>();
  /** Scripting: the next N interception calls fail as an unreachable warehouse system does. */
  failNext = 0;
  /** Set by the composition root: how the warehouse reports a parcel that left. */
  onShipped: ((orderId: string, trackingNo: string) => Promise<void>) | null = null;
  /** Set by the composition root when waybills come from the courier's e-waybill system (Kuaidi100). */
  waybills: ((orderId: string) => Promise<string>) | null = null;
  private seq = 0;

  private parcel(orderId: string) {
    let p = this.parcels.get(orderId);
    if (!p) this.parcels.set(orderId, (p = { status: 'waiting', trackingNo: null }));
    return p;
  }

  async intercept(req: InterceptionRequest): Promise<InterceptionAnswer> {
    const known = this.interceptions.get(req.interceptNo);
    if (known) return known;
    if (this.failNext > 0) {
      this.failNext--;
      return { status: 'failed', error: 'WMS_UNAVAILABLE' };
    }
    const p = this.parcel(req.orderId);
    const answer: InterceptionAnswer = p.status === 'shipped' ? { status: 'refused', reason: 'already_shipped', trackingNo: p.trackingNo } : { status: 'accepted' };
    if (answer.status === 'accepted') p.status = 'held';
    this.interceptions.set(req.interceptNo, answer);
    return answer;
  }

  /**
   * The parcel leaves with the courier. A held parcel does not leave. With `report: false` the platform is
   * not told (scripts "the parcel already left" for the next interception to be refused).
   */
  async ship(orderId: string, opts: { report?: boolean } = {}): Promise<{ shipped: boolean; trackingNo: string | null }> {
    const p = this.parcel(orderId);
    if (p.status === 'held') return { shipped: false, trackingNo: null };
    if (p.status === 'waiting') {
      p.trackingNo = this.waybills ? await this.waybills(orderId) : `SF${String(++this.seq).padStart(10, '0')}`;
      p.status = 'shipped';
    }
    if (opts.report !== false && this.onShipped) await this.onShipped(orderId, p.trackingNo!);
    return { shipped: true, trackingNo: p.trackingNo };
  }
}
