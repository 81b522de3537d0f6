import type { ReactNode } from 'react';

/** A row's button: a short word on screen, the full name (which order, which plan) for screen readers and tests. */
export function RowLabel({ short, full }: { short: ReactNode; full: string }) {
  return (
    <>
      <span aria-hidden="true">{short}</span>
      <span className="sr-only">{full}</span>
    </>
  );
}
