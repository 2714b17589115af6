// Small pieces shared by the invoice, memo, account and ledger pages.
import { useEffect, useId, useRef } from 'react';
import type { ReactNode } from 'react';
import { Link } from '@tanstack/react-router';
import { ApiError } from '../api.ts';
import type { DocumentKind, DocumentStatus } from '../api.ts';
import { DOCUMENT_STATUS_LABELS, documentName, formatMoney, label } from '../format.ts';

const STATUS_TONES: Record<DocumentStatus, string> = {
  draft: 'neutral',
  open: 'info',
  partially_paid: 'warn',
  paid: 'ok',
  written_off: 'danger',
  voided: 'muted',
  unapplied: 'info',
  partially_applied: 'warn',
  applied: 'ok',
};

export function DocStatusBadge({ status }: { status: DocumentStatus }) {
  return (
    <span className={`badge badge-${STATUS_TONES[status] ?? 'neutral'}`} data-status={status}>
      {label(DOCUMENT_STATUS_LABELS, status)}
    </span>
  );
}

/** An amount from the API (a decimal string) with thousands separators; never a float. */
export function Money({
  value,
  currency,
  showCurrency = false,
}: {
  value: string | null | undefined;
  currency?: string | undefined;
  showCurrency?: boolean;
}) {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  return (
    <span className="money">
      {formatMoney(value)}
      {showCurrency && currency ? <span className="money-cur"> {currency}</span> : null}
    </span>
  );
}

/** A link to any AR document's page. */
export function DocLink({
  id,
  kind,
  number,
}: {
  id: string;
  kind: DocumentKind | string;
  number: string | null;
}) {
  return (
    <Link to="/documents/$id" params={{ id }} className="mono" onClick={(e) => e.stopPropagation()}>
      {documentName(kind, number)}
    </Link>
  );
}

/** A modal dialog on the native <dialog> element (focus trap, Escape to close). */
export function Dialog({
  title,
  onClose,
  children,
  wide,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const el = ref.current;
    if (el && !el.open) el.showModal();
    return () => el?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' dialog-wide' : ''}`}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <header className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="btn btn-ghost btn-sm" aria-label="Close" onClick={onClose}>
          ✕
        </button>
      </header>
      <div className="dialog-body">{children}</div>
    </dialog>
  );
}

/** True when the API answered that a route does not exist (a feature this server lacks). */
export function isMissingRoute(err: unknown): boolean {
  if (!(err instanceof ApiError)) return false;
  if (err.status === 405) return true;
  // The server's catch-all answers "No route GET /api/v1/…"; a missing record says otherwise.
  return err.status === 404 && (err.problem.detail ?? '').startsWith('No route');
}

/** Shown instead of a page whose API the server does not offer yet. */
export function NotAvailable({ what }: { what: string }) {
  return (
    <div className="alert alert-info" role="status">
      {what} is not available on this server yet.
    </div>
  );
}

/** Saves a Blob as a file the browser downloads. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** A labelled key figure in a header strip. */
export function Kpi({
  label: text,
  children,
  testId,
}: {
  label: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <div>
      <dt>{text}</dt>
      <dd className="num" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}
