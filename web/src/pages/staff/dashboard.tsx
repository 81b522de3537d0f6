import { useI18n } from '../../i18n/index.ts';
import { Empty } from '../../ui/notice.tsx';

/** The operator dashboard: cancellations by state and reason, SLA compliance, refund times, filled as data arrives. */
export function DashboardPage() {
  const { t } = useI18n();
  return (
    <section>
      <h1>{t('staff.nav.dashboard')}</h1>
      <div className="card">
        <Empty title={t('staff.dashboard.empty')}><p className="muted">{t('staff.dashboard.lead')}</p></Empty>
      </div>
    </section>
  );
}
