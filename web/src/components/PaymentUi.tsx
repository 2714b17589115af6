// Pieces shared by the payment, cash-application, deposit and reconciliation pages.
import type { ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  DEDUCTION_STATUS_LABELS,
  LINE_STATUS_LABELS,
  PAYMENT_STATUS_LABELS,
  label,
} from '../format.ts';
import type { DeductionStatus, LineStatus, PaymentStatus } from '../payments-api.ts';
import { invalidateLedger } from './DocumentDialogs.tsx';
import { Dialog } from './ledger-ui.tsx';
import { ErrorBanner, Field, fieldErrorsOf, UnplacedErrors, useIdempotencyKey } from './ui.tsx';

type Tone = 'neutral' | 'info' | 'warn' | 'ok' | 'danger' | 'muted';

const PAYMENT_TONES: Record<PaymentStatus, Tone> = {
  unidentified: 'danger',
  unapplied: 'info',
  partially_applied: 'warn',
  applied: 'ok',
  reversed: 'muted',
};

const LINE_TONES: Record<LineStatus, Tone> = {
  unmatched: 'danger',
  suggested: 'warn',
  applied: 'ok',
  reconciled: 'ok',
  ignored: 'muted',
  duplicate: 'muted',
  debit: 'neutral',
};

export function PaymentStatusBadge({ status }: { status: PaymentStatus }) {
  return (
    <span className={`badge badge-${PAYMENT_TONES[status] ?? 'neutral'}`} data-status={status}>
      {label(PAYMENT_STATUS_LABELS, status)}
    </span>
  );
}

export function LineStatusBadge({ status }: { status: LineStatus }) {
  return (
    <span className={`badge badge-${LINE_TONES[status] ?? 'neutral'}`} data-status={status}>
      {label(LINE_STATUS_LABELS, status)}
    </span>
  );
}

export function DeductionStatusBadge({
  status,
  resolution,
}: {
  status: DeductionStatus;
  resolution?: string | null;
}) {
  return (
    <span
      className={`badge badge-${status === 'open' ? 'warn' : 'ok'}`}
      data-status={status}
      title={resolution ?? undefined}
    >
      {label(DEDUCTION_STATUS_LABELS, status)}
    </span>
  );
}

/** Everything a receipt can change: its own pages, the documents it paid, the bank side. */
export async function invalidateCash(qc: ReturnType<typeof useQueryClient>) {
  await Promise.all([
    invalidateLedger(qc),
    ...['payments', 'bank-statements', 'deposit-batches', 'cash-reconciliation'].map((k) =>
      qc.invalidateQueries({ queryKey: [k] }),
    ),
  ]);
}

/**
 * A write with one idempotency key per submitted body (a retry after a failure reuses it),
 * refreshing the cash pages once it succeeded.
 */
export function useCashWrite<B, R>(
  write: (body: B, key: string) => Promise<R>,
  onDone: (result: R, body: B) => void,
) {
  const qc = useQueryClient();
  const idem = useIdempotencyKey();
  return useMutation({
    mutationFn: (body: B) => write(body, idem.keyFor(body)),
    onSuccess: async (result, body) => {
      idem.reset();
      await invalidateCash(qc);
      onDone(result, body);
    },
  });
}

/** A modal with one form: what the action does, its fields, and submit / cancel. */
export function ActionDialog({
  title,
  intro,
  submitLabel,
  mutation,
  onSubmit,
  onClose,
  tone = 'primary',
  wide,
  placed = [],
  children,
}: {
  title: string;
  intro?: ReactNode;
  submitLabel: string;
  mutation: { isPending: boolean; error: unknown };
  onSubmit: () => void;
  onClose: () => void;
  tone?: 'primary' | 'danger';
  wide?: boolean;
  /** the fields whose errors the form shows next to them; any other error is listed on top */
  placed?: readonly string[];
  children: ReactNode;
}) {
  const fieldErrors = fieldErrorsOf(mutation.error);
  const unplaced = Object.keys(fieldErrors).filter((k) => !placed.includes(k));
  const banner = mutation.error && (Object.keys(fieldErrors).length === 0 || unplaced.length > 0);
  return (
    <Dialog title={title} onClose={onClose} wide={wide ?? false}>
      {intro ? <div className="dialog-intro">{intro}</div> : null}
      <form
        className="dialog-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!mutation.isPending) onSubmit();
        }}
      >
        {banner ? <ErrorBanner error={mutation.error} /> : null}
        <UnplacedErrors errors={fieldErrors} placed={placed} />
        {children}
        <footer className="form-actions">
          <button type="submit" className={`btn btn-${tone}`} disabled={mutation.isPending}>
            {mutation.isPending ? 'Working…' : submitLabel}
          </button>
          <button type="button" className="btn" disabled={mutation.isPending} onClick={onClose}>
            Cancel
          </button>
        </footer>
      </form>
    </Dialog>
  );
}

/** One labelled fact of a record; `wide` ones take two columns. */
export interface Fact {
  label: string;
  value: ReactNode;
  wide?: boolean;
}

/** Facts as label over value in a grid; empty values are left out. */
export function FactList({ facts, narrow }: { facts: (Fact | null | false)[]; narrow?: boolean }) {
  const shown = facts.filter((f): f is Fact => !!f && f.value !== null && f.value !== '');
  return (
    <dl className={narrow ? 'facts facts-2' : 'facts'}>
      {shown.map((fact) => (
        <div key={fact.label} className={fact.wide ? 'span-2' : undefined}>
          <dt>{fact.label}</dt>
          <dd>{fact.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A notice under the action bar after an action: green, or red for a failure. */
export function Notice({ notice }: { notice: { text: string; error?: boolean } | null }) {
  if (!notice) return null;
  return (
    <div
      className={`alert ${notice.error ? 'alert-error' : 'alert-success'}`}
      role="status"
      data-testid="notice"
    >
      {notice.text}
    </div>
  );
}

// ---------- Form fields (a Field with its one control) ----------

interface FieldBase {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | null | undefined;
  hint?: ReactNode;
  required?: boolean;
  className?: string;
}

const fieldProps = (f: FieldBase) => ({
  label: f.label,
  error: f.error ?? undefined,
  hint: f.hint,
  required: f.required ?? false,
  ...(f.className ? { className: f.className } : {}),
});

/** An amount typed as text (read later with readMoneyInput): right-aligned, decimal keyboard. */
export function AmountField(f: FieldBase) {
  return (
    <Field {...fieldProps(f)}>
      {(p) => (
        <input
          {...p}
          className="num"
          inputMode="decimal"
          value={f.value}
          onChange={(e) => f.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

export function TextField(f: FieldBase & { maxLength?: number; multiline?: boolean }) {
  return (
    <Field {...fieldProps(f)}>
      {(p) =>
        f.multiline ? (
          <textarea
            {...p}
            rows={2}
            maxLength={f.maxLength ?? 500}
            value={f.value}
            onChange={(e) => f.onChange(e.target.value)}
          />
        ) : (
          <input
            {...p}
            maxLength={f.maxLength ?? 200}
            value={f.value}
            onChange={(e) => f.onChange(e.target.value)}
          />
        )
      }
    </Field>
  );
}

export function DateField(f: FieldBase) {
  return (
    <Field {...fieldProps(f)}>
      {(p) => (
        <input {...p} type="date" value={f.value} onChange={(e) => f.onChange(e.target.value)} />
      )}
    </Field>
  );
}

/** A select over fixed codes shown by their labels; `blank` adds a first empty option. */
export function ChoiceField<K extends string>(
  f: Omit<FieldBase, 'onChange'> & {
    options: readonly K[];
    labels: Record<string, string>;
    onChange: (value: K) => void;
    blank?: string;
  },
) {
  return (
    <Field {...fieldProps({ ...f, onChange: () => undefined })}>
      {(p) => (
        <select {...p} value={f.value} onChange={(e) => f.onChange(e.target.value as K)}>
          {f.blank !== undefined ? <option value="">{f.blank}</option> : null}
          {f.options.map((o) => (
            <option key={o} value={o}>
              {f.labels[o] ?? o}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
