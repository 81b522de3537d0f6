import type { OrderEvent } from '../../../api.ts';
import { dateTime } from '../../../format.ts';
import { isKey, useI18n } from '../../../i18n/index.ts';
import { Badge } from '../../../ui/badge.tsx';
import { auditReason } from './words.tsx';

/** Every action on the order, oldest first: who (you, an agent, the system), when, why, manual or automatic. */
export function Timeline({ events, staff = false }: { events: OrderEvent[]; staff?: boolean }) {
  const { t } = useI18n();
  return (
    <ol className="timeline">
      {events.map((e) => {
        const action = `event.${e.action}`;
        const actor = staff ? `actorStaff.${e.actorType}` : `actor.${e.actorType}`;
        return (
          <li key={e.id}>
            <p className="timeline-head">
              <strong>{isKey(action) ? t(action) : e.action}</strong>
              {e.automatic && <Badge tone="grey">{t('event.automatic')}</Badge>}
            </p>
            <p className="muted">
              <time dateTime={new Date(e.at).toISOString()}>{dateTime(e.at)}</time> · {isKey(actor) ? t(actor) : e.actorType}{staff ? ` ${e.actorId}` : ''}
              {e.reason ? ` · ${auditReason(t, e.reason)}` : ''}
            </p>
          </li>
        );
      })}
    </ol>
  );
}
