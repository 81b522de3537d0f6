import { api } from '../../api.ts';
import { useLoad } from '../../hooks.ts';
import { errorText, useI18n } from '../../i18n/index.ts';
import { Empty, Loading, Notice } from '../../ui/notice.tsx';
import { NoticeList } from './order/notices.tsx';

export function InboxPage() {
  const { t } = useI18n();
  const { data, error } = useLoad(() => api.notifications(), [], () => 10_000);
  return (
    <section>
      <h1>{t('inbox.title')}</h1>
      {error ? <Notice tone="error">{errorText(t, error)}</Notice> : null}
      {!data && !error && <Loading label={t('common.loading')} />}
      {data && data.notifications.length === 0 && <Empty title={t('inbox.empty')} />}
      {data && data.notifications.length > 0 && <div className="card"><NoticeList notices={data.notifications} /></div>}
    </section>
  );
}
