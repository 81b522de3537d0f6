import { Link } from '../router.tsx';
import { useI18n } from '../i18n/index.ts';
import { Empty } from '../ui/notice.tsx';

export function NotFound() {
  const { t } = useI18n();
  return (
    <Empty title={t('notFound.title')}>
      <Link to="/" className="btn btn-secondary">{t('notFound.home')}</Link>
    </Empty>
  );
}
