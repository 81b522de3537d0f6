import type { Notice as InboxNotice } from '../../../api.ts';
import { dateTime } from '../../../format.ts';
import { useI18n } from '../../../i18n/index.ts';
import { Link } from '../../../router.tsx';

/** In-app messages as they were sent (like an SMS, they are kept in the words the customer received). */
export function NoticeList({ notices, linkOrders = false }: { notices: InboxNotice[]; linkOrders?: boolean }) {
  const { t } = useI18n();
  return (
    <ul className="notices">
      {notices.map((n) => (
        <li key={n.id} className={n.read ? '' : 'unread'}>
          <p className="notice-head">
            {!n.read && <span className="sr-only">{t('inbox.unread')}</span>}
            <strong>{n.title}</strong>
            <time dateTime={new Date(n.createdAt).toISOString()}>{dateTime(n.createdAt)}</time>
          </p>
          <p>{n.body}</p>
          {linkOrders && n.orderId && <p><Link to={`/orders/${encodeURIComponent(n.orderId)}`}>{t('inbox.toOrder', { id: n.orderId })}</Link></p>}
        </li>
      ))}
    </ul>
  );
}
