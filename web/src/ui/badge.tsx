import type { ReactNode } from 'react';

export type Tone = 'green' | 'amber' | 'grey' | 'blue' | 'red';

export function Badge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}
