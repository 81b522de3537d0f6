import { useEffect } from 'react';
import { api, type Notice as InboxNotice } from '../../api.ts';
import { useLoad } from '../../hooks.ts';
import { errorText, useI18n } from '../../i18n/index.ts';
import { Empty, Loading, Notice } from '../../ui/notice.tsx';
import { NoticeList } from './order/notices.tsx';

/** What has not been read yet comes first; within each, the newest first. */
export function unreadFirst(list: InboxNotice[]): InboxNotice[] {
  return [...list].sort((a, b) => Number(a.read) - Number(b.read) || b.createdAt - a.createdAt || b.id - a.id);
}

export function InboxPage() {
  const { t } = useI18n();
  const { data, error } = useLoad(() => api.notifications(), [], () => 10_000);
  // Shown once as unread (highlighted, first), then marked read: the next refresh lists them as read.
  const unread = data?.notifications.filter((n) => !n.read).map((n) => n.id) ?? [];
  const unreadKey = unread.join(',');
  useEffect(() => {
    if (unread.length > 0) api.markRead(unread.slice(0, 100)).catch(() => undefined);
  }, [unreadKey]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <section>
      <h1>{t('inbox.title')}</h1>
      {error ? <Notice tone="error">{errorText(t, error)}</Notice> : null}
      {!data && !error && <Loading label={t('common.loading')} />}
      {data && data.notifications.length === 0 && <Empty title={t('inbox.empty')} />}
      {data && data.notifications.length > 0 && <div className="card"><NoticeList notices={unreadFirst(data.notifications)} linkOrders /></div>}
    </section>
  );
}
