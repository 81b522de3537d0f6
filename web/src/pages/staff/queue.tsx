import { useI18n } from '../../i18n/index.ts';
import { Empty } from '../../ui/notice.tsx';

/** The agent console: cancellation requests ordered by time left in the review SLA, filled by the review flow. */
export function QueuePage() {
  const { t } = useI18n();
  return (
    <section>
      <h1>{t('staff.nav.queue')}</h1>
      <div className="card">
        <Empty title={t('staff.queue.empty')}><p className="muted">{t('staff.queue.lead')}</p></Empty>
      </div>
    </section>
  );
}
