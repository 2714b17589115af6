import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { ApiError, errorMessage, newIdempotencyKey } from '../api.ts';
import { RISK_LABELS, STATUS_LABELS, label } from '../format.ts';

// ---------- Form field ----------

interface FieldProps {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  required?: boolean;
  className?: string;
  /** Render prop receiving the id and aria attributes to spread on the control. */
  children: (props: {
    id: string;
    'aria-invalid'?: boolean;
    'aria-describedby'?: string;
  }) => ReactNode;
}

export function Field({ label: text, error, hint, required, className, children }: FieldProps) {
  const id = useId();
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const described = [error ? errId : null, hint ? hintId : null].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>
        {text}
        {required ? (
          <span className="req" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
      </label>
      {children({
        id,
        ...(error ? { 'aria-invalid': true } : {}),
        ...(described ? { 'aria-describedby': described } : {}),
      })}
      {hint ? (
        <div className="field-hint" id={hintId}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div className="field-error" id={errId} role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
}

// ---------- Badges ----------

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-status-${status}`}>{label(STATUS_LABELS, status)}</span>;
}

export function RiskBadge({ risk }: { risk: string | null }) {
  if (!risk) return <span className="muted">—</span>;
  return <span className={`badge badge-risk-${risk}`}>{label(RISK_LABELS, risk)}</span>;
}

export function Badge({
  tone,
  children,
}: {
  tone: 'neutral' | 'warn' | 'danger' | 'ok' | 'info';
  children: ReactNode;
}) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

// ---------- Feedback ----------

export function ErrorBanner({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const heading = title ?? null;
  return (
    <div className="alert alert-error" role="alert">
      {heading ? <strong>{heading}: </strong> : null}
      {errorMessage(error)}
    </div>
  );
}

/** Field errors that could not be placed next to a field of the form. */
export function UnplacedErrors({
  errors,
  placed,
}: {
  errors: Record<string, string>;
  placed: readonly string[];
}) {
  const rest = Object.entries(errors).filter(([k]) => !placed.includes(k));
  if (rest.length === 0) return null;
  return (
    <ul className="alert alert-error error-list" role="alert">
      {rest.map(([k, v]) => (
        <li key={k}>
          {k ? <code>{k}</code> : null} {v}
        </li>
      ))}
    </ul>
  );
}

export function Spinner({ label: text = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {text}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function Section({
  title,
  actions,
  children,
  id,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
  id?: string;
}) {
  const hid = useId();
  return (
    <section className="card" aria-labelledby={hid} id={id}>
      <header className="card-header">
        <h2 id={hid}>{title}</h2>
        {actions ? <div className="card-actions">{actions}</div> : null}
      </header>
      <div className="card-body">{children}</div>
    </section>
  );
}

// ---------- Hooks ----------

export function useDebounced<T>(value: T, delay = 300): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), delay);
    return () => clearTimeout(t);
  }, [value, delay]);
  return debounced;
}

/**
 * One Idempotency-Key per logical submission: submitting the same body again after a
 * failure (a retry) reuses the key; a changed body or a success starts a new one.
 */
export function useIdempotencyKey() {
  const ref = useRef<{ key: string; body: string } | null>(null);
  const keyFor = useCallback((body: unknown): string => {
    const serialized = JSON.stringify(body ?? null);
    if (ref.current && ref.current.body === serialized) return ref.current.key;
    const key = newIdempotencyKey();
    ref.current = { key, body: serialized };
    return key;
  }, []);
  const reset = useCallback(() => {
    ref.current = null;
  }, []);
  return { keyFor, reset };
}

export function fieldErrorsOf(err: unknown): Record<string, string> {
  return err instanceof ApiError ? err.fieldErrors : {};
}
