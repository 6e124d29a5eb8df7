// The few pieces the door page is built of: a handful of inline icons, cards, buttons, notices. Plain
// elements styled by door.css, a few hundred bytes where a component library would be hundreds of KB.
import type { ButtonHTMLAttributes, ReactNode } from 'react';

const ICONS = {
  shield:
    'M12 2 4 5v6c0 5 3.4 9.7 8 11 4.6-1.3 8-6 8-11V5l-8-3Zm-1.2 14.2-3.5-3.5 1.4-1.4 2.1 2.1 4.9-4.9 1.4 1.4-6.3 6.3Z',
  home: 'M12 3 2 12h3v8h5v-6h4v6h5v-8h3L12 3Z',
  arrive:
    'M10 17l1.4-1.4L8.8 13H20v-2H8.8l2.6-2.6L10 7l-5 5 5 5ZM4 5h8V3H4a2 2 0 0 0-2 2v14c0 1.1.9 2 2 2h8v-2H4V5Z',
  leave:
    'M14 7l-1.4 1.4 2.6 2.6H4v2h11.2l-2.6 2.6L14 17l5-5-5-5Zm6 12h-8v2h8a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2h-8v2h8v14Z',
  help: 'M12 1a9 9 0 0 0-9 9v7a3 3 0 0 0 3 3h3v-8H5v-2a7 7 0 0 1 14 0v2h-4v8h4v1h-7v2h6a3 3 0 0 0 3-3V10a9 9 0 0 0-9-9Z',
  bell: 'M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2Zm6-6V11c0-3.1-1.6-5.6-4.5-6.3V4a1.5 1.5 0 0 0-3 0v.7C7.6 5.4 6 7.9 6 11v5l-2 2v1h16v-1l-2-2Z',
  back: 'M20 11H7.8l5.6-5.6L12 4l-8 8 8 8 1.4-1.4L7.8 13H20v-2Z',
  check: 'M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4L9 16.2Z',
  warn: 'M1 21h22L12 2 1 21Zm12-3h-2v-2h2v2Zm0-4h-2v-4h2v4Z',
  globe:
    'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm6.9 6h-3a15.7 15.7 0 0 0-1.4-3.6A8 8 0 0 1 18.9 8ZM12 4c.8 1.2 1.5 2.5 1.9 4h-3.8c.4-1.4 1.1-2.8 1.9-4ZM4.3 14a8.2 8.2 0 0 1 0-4h3.4a16.5 16.5 0 0 0 0 4H4.3Zm.8 2h3c.3 1.3.8 2.5 1.4 3.6A8 8 0 0 1 5.1 16Zm3-8h-3a8 8 0 0 1 4.3-3.6C8.9 5.5 8.4 6.7 8.1 8ZM12 20c-.8-1.2-1.5-2.5-1.9-4h3.8c-.4 1.4-1.1 2.8-1.9 4Zm2.3-6H9.7a14.7 14.7 0 0 1 0-4h4.6a14.7 14.7 0 0 1 0 4Zm.3 5.6c.6-1.1 1.1-2.3 1.4-3.6h3a8 8 0 0 1-4.4 3.6Zm1.7-5.6a16.5 16.5 0 0 0 0-4h3.4a8.2 8.2 0 0 1 0 4h-3.4Z',
} as const;

export type IconName = keyof typeof ICONS;

export function Icon({ name, className = 'icon' }: { name: IconName; className?: string }) {
  return (
    <svg className={className} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={ICONS[name]} fill="currentColor" />
    </svg>
  );
}

type Variant = 'primary' | 'default' | 'danger' | 'text';

export function Button({
  variant = 'default',
  block = false,
  busy = false,
  className = '',
  children,
  type = 'button',
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; block?: boolean; busy?: boolean }) {
  return (
    <button
      type={type}
      className={`btn btn-${variant}${block ? ' btn-block' : ''} ${className}`}
      aria-busy={busy || undefined}
      {...rest}
      disabled={rest.disabled || busy}
    >
      {busy && <span className="spinner spinner-small" aria-hidden="true" />}
      {children}
    </button>
  );
}

export function Card({
  children,
  className = '',
  testId,
}: {
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <section className={`card ${className}`} data-testid={testId}>
      {children}
    </section>
  );
}

export function Spinner({ label }: { label?: string }) {
  return (
    <div className="page-spin" role="status" aria-label={label}>
      <span className="spinner" />
    </div>
  );
}

/** A whole-card outcome: done, a warning (an unknown code), an error with what to do next. */
export function Outcome({
  kind,
  title,
  hint,
  action,
  testId,
}: {
  kind: 'success' | 'warning' | 'error';
  title: ReactNode;
  hint?: ReactNode;
  action?: ReactNode;
  testId?: string;
}) {
  return (
    <div className={`outcome outcome-${kind}`} data-testid={testId}>
      <Icon name={kind === 'success' ? 'check' : 'warn'} className="outcome-icon" />
      <div className="outcome-title">{title}</div>
      {hint && <div className="outcome-hint">{hint}</div>}
      {action && <div className="outcome-action">{action}</div>}
    </div>
  );
}

export function Notice({
  kind,
  title,
  children,
  testId,
}: {
  kind: 'success' | 'error';
  title: ReactNode;
  children?: ReactNode;
  testId?: string;
}) {
  return (
    <div
      className={`notice notice-${kind}`}
      role={kind === 'error' ? 'alert' : 'status'}
      data-testid={testId}
    >
      <div className="notice-title">{title}</div>
      {children && <div className="notice-body">{children}</div>}
    </div>
  );
}

/** The title of a form, with the way back to the page's choices. */
export function FormHeader({
  title,
  onBack,
  backLabel,
}: {
  title: string;
  onBack: () => void;
  backLabel: string;
}) {
  return (
    <div className="form-header">
      <button type="button" className="icon-button" onClick={onBack} aria-label={backLabel}>
        <Icon name="back" />
      </button>
      <h2 className="form-title">{title}</h2>
    </div>
  );
}
