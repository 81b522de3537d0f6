import type { Notice as InboxNotice } from '../../../api.ts';
import { dateTime } from '../../../format.ts';

/** In-app messages as they were sent (like an SMS, they are kept in the words the customer received). */
export function NoticeList({ notices }: { notices: InboxNotice[] }) {
  return (
    <ul className="notices">
      {notices.map((n) => (
        <li key={n.id} className={n.read ? '' : 'unread'}>
          <p className="notice-head"><strong>{n.title}</strong><time dateTime={new Date(n.createdAt).toISOString()}>{dateTime(n.createdAt)}</time></p>
          <p>{n.body}</p>
        </li>
      ))}
    </ul>
  );
}
