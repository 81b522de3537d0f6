import type { ButtonHTMLAttributes, MouseEvent } from 'react';

type Variant = 'primary' | 'secondary' | 'danger' | 'danger-outline' | 'ghost';

/**
 * While busy a button ignores clicks but stays focusable: a disabled button would drop keyboard focus
 * to the page, and a dialog it opens could not give focus back to it.
 */
export function Button({ variant = 'primary', busy = false, block = false, className = '', onClick, children, ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; busy?: boolean; block?: boolean }) {
  const click = (e: MouseEvent<HTMLButtonElement>) => {
    if (busy) return e.preventDefault();
    onClick?.(e);
  };
  return (
    <button type="button" className={`btn btn-${variant}${block ? ' btn-block' : ''}${busy ? ' btn-busy' : ''} ${className}`} aria-disabled={busy || undefined} onClick={click} {...rest}>
      {busy && <span className="spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}
