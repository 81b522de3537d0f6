import { useState, type ReactNode } from 'react';
import { useAction } from '../hooks.ts';
import { errorText, useI18n } from '../i18n/index.ts';
import { Button } from './button.tsx';
import { Dialog } from './dialog.tsx';
import { Notice } from './notice.tsx';

/**
 * A staff action behind a confirmation: the button opens a dialog that says what will happen (and may ask for a
 * reason or note); only the dialog's confirm button acts. `act` returns false to keep the dialog open.
 */
export function ConfirmAction({ label, title, confirmLabel, variant = 'primary', children, act, disabled }: {
  label: ReactNode; title: ReactNode; confirmLabel: ReactNode; variant?: 'primary' | 'danger' | 'secondary';
  children?: ReactNode; act: (key: string) => Promise<unknown | false>; disabled?: boolean;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const running = useAction();
  const confirm = async () => {
    const r = await running.run(act);
    if (r !== undefined && r !== false) setOpen(false);
  };
  return (
    <>
      <Button variant={variant === 'danger' ? 'danger-outline' : variant} onClick={() => setOpen(true)} disabled={disabled}>{label}</Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={title}
        actions={<>
          <Button variant="secondary" onClick={() => setOpen(false)} data-autofocus>{t('confirm.back')}</Button>
          <Button variant={variant === 'secondary' ? 'primary' : variant} onClick={confirm} busy={running.busy}>{confirmLabel}</Button>
        </>}>
        {children}
        {running.error ? <Notice tone="error">{errorText(t, running.error)}</Notice> : null}
      </Dialog>
    </>
  );
}
