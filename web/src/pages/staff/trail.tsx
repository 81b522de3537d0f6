// The order's audit trail at the desk, in words: what happened, who did it (customer, agent, system, courier,
// carrier, warehouse), by hand or automatically, when (Beijing time), and why. The server keeps terse
// machine reasons ("CR1 review: note", "R1 refused: 卡面破损"); they are read here, never shown raw.
import type { OrderEvent } from '../../api.ts';
import { dateTime, yuan } from '../../format.ts';
import { isKey, useI18n, type T } from '../../i18n/index.ts';
import { Badge } from '../../ui/badge.tsx';
import { reasonLabel } from '../customer/order/apply-cancel.tsx';

const fen = (s: string) => yuan(Number(s));

/** The event's "why" in words; null when there is nothing to add beyond the action itself. */
export function whyText(t: T, e: Pick<OrderEvent, 'action' | 'reason'>): string | null {
  const r = e.reason?.trim();
  if (!r) return null;
  const word = (k: string, fallback: string) => (isKey(k) ? t(k) : fallback);
  let m: RegExpMatchArray | null;
  switch (e.action) {
    case 'request.opened': {
      m = r.match(/^\S+ (\S+)(?:: (.*?))?( \[priority\])?( \[urgent\])?$/);
      if (!m) break;
      const parts = [t('trail.why.reason', { reason: reasonLabel(t, m[1]!) })];
      if (m[2]) parts.push(t('trail.why.words', { text: m[2] }));
      if (m[3]) parts.push(t('queue.priority'));
      if (m[4]) parts.push(t('request.urgent'));
      return parts.join(' · ');
    }
    case 'request.approved':
      m = r.match(/^\S+ (\S+)(?:: (.*))?$/);
      if (!m) break;
      return [word(`trail.path.${m[1]}`, m[1]!), m[2] ? t('trail.why.note', { text: m[2] }) : ''].filter(Boolean).join(' · ');
    case 'request.rejected':
    case 'request.superseded':
      m = r.match(/^\S+?:? (.*)$/);
      return m ? (m[1]!.startsWith('interception refused') ? t('trail.why.interceptionRefused') : m[1]!.replace(/^parcel shipped (\S+)$/, (_x, no: string) => t('trail.why.shipped', { no }))) : null;
    case 'request.claimed':
    case 'request.reassigned':
      m = r.match(/-> (\S+)$/);
      return m ? t('trail.why.assignee', { who: m[1]! }) : null;
    case 'request.escalated':
      m = r.match(/(review_sla_warning|review_sla_breach)$/);
      return m ? t(`trail.why.${m[1] as 'review_sla_warning' | 'review_sla_breach'}`) : null;
    case 'request.identity_verified':
      m = r.match(/ (resident_id|screenshot)$/);
      return m ? t(`identityMethod.${m[1] as 'resident_id' | 'screenshot'}`) : null;
    case 'request.identity_failed':
      m = r.match(/attempt (\d+) of (\d+)/);
      return m ? t('trail.why.attempt', { n: m[1]!, of: m[2]! }) : null;
    case 'order.paid':
    case 'payment.late_refund_started':
      m = r.match(/^(alipay|wechat|bank):(.+)$/);
      return m ? `${t(`channel.${m[1] as 'alipay'}`)} · ${m[2]}` : null;
    case 'order.cancelled':
    case 'order.intercepted':
      if (/ express_refund$/.test(r)) return t('trail.why.express');
      if (/^CR/.test(r)) return t('trail.why.request');
      break;
    case 'closure.requested':
    case 'order.account_closed':
      m = r.match(/penalty (\d+) fen(?:, (\d+) months left)?/);
      return m ? (m[2] ? t('trail.why.penaltyMonths', { amount: fen(m[1]!), n: m[2] }) : t('trail.why.penalty', { amount: fen(m[1]!) })) : null;
    case 'return.passed':
      m = r.match(/refund due (\S+)\.\.(\S+)$/);
      return m ? t('trail.why.refundDue', { from: m[1]!, to: m[2]! }) : null;
    case 'return.refused':
      m = r.match(/refused: (.*)$/);
      return m ? m[1]! : null;
    case 'return.shipped_back':
      m = r.match(/^\S+ (\S+)$/);
      return m ? t('trail.why.returnTracking', { no: m[1]! }) : null;
    case 'return.requested': {
      // "RT1 number_not_liked: words"; returns from before reasons were asked carry only their id.
      m = r.match(/^\S+ (\S+)(?:: (.*))?$/);
      if (!m) return null;
      const parts = [t('trail.why.returnReason', { reason: reasonLabel(t, m[1]!) })];
      if (m[2]) parts.push(t('trail.why.words', { text: m[2] }));
      return parts.join(' · ');
    }
    case 'return.followed_up':
    case 'return.closed_unreceived':
    case 'return.received':
    case 'request.marked_urgent':
    case 'request.interception_resent':
    case 'request.intercepted':
    case 'request.completed':
    case 'request.withdrawn':
    case 'request.screenshot_attached':
    case 'number.released':
    case 'warehouse.restocked':
      return null;
  }
  if (e.action.startsWith('refund.')) {
    m = r.match(/^\S+ (alipay|wechat|bank) (\d+) fen/);
    if (m) return `${t(`channel.${m[1] as 'alipay'}`)} · ${fen(m[2]!)}`;
    return null;
  }
  for (const k of [`closeReason.${r}`, `cancelReason.${r}`]) if (isKey(k)) return t(k);
  return r;
}

/** Who acted: the customer, an agent (by id), or one of the outside parties the system speaks for. */
export function actorText(t: T, e: Pick<OrderEvent, 'actorType' | 'actorId'>): string {
  if (e.actorType === 'system') {
    const k = `trail.actor.${e.actorId}`;
    return isKey(k) ? t(k) : t('actorStaff.system');
  }
  const k = `actorStaff.${e.actorType}`;
  const who = isKey(k) ? t(k) : e.actorType;
  return e.actorType === 'customer' ? who : `${who} ${e.actorId}`;
}

/** Events whose reason is a record (which payment, which refund, which parcel) rather than a cause. */
const DETAIL_ONLY = /^(order\.paid|payment\.|refund\.|return\.shipped_back|sms\.)/;

export function StaffTrail({ events }: { events: OrderEvent[] }) {
  const { t } = useI18n();
  return (
    <ol className="timeline" data-testid="audit-trail">
      {events.map((e) => {
        const action = `event.${e.action}`;
        const why = whyText(t, e);
        return (
          <li key={e.id}>
            <p className="timeline-head">
              <strong>{isKey(action) ? t(action) : t('trail.unknown')}</strong>
              <Badge tone={e.automatic ? 'grey' : 'blue'}>{e.automatic ? t('event.automatic') : t('trail.manual')}</Badge>
            </p>
            <p className="muted">
              <time dateTime={new Date(e.at).toISOString()}>{t('trail.at', { time: dateTime(e.at) })}</time> · {actorText(t, e)}
            </p>
            {why && <p className="trail-why">{t(DETAIL_ONLY.test(e.action) ? 'trail.detail' : 'trail.why', { text: why })}</p>}
          </li>
        );
      })}
    </ol>
  );
}
