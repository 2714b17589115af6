// Dialogs for the actions on a document: void, write off, adjust, apply, refund, unapply, send.
import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import * as api from '../api.ts';
import type { ArApplication, ArDocument, RefundMethod } from '../api.ts';
import {
  REFUND_METHOD_LABELS,
  decimalToMinor,
  documentName,
  formatDate,
  formatMoney,
  minorToDecimal,
  readMoneyInput,
} from '../format.ts';
import { Dialog, isMissingRoute } from './ledger-ui.tsx';
import { ErrorBanner, Field, fieldErrorsOf, useIdempotencyKey } from './ui.tsx';

/** Everything a posting can change: documents, their history, accounts and ledger reports. */
export async function invalidateLedger(qc: ReturnType<typeof useQueryClient>) {
  await Promise.all([
    qc.invalidateQueries({ queryKey: ['documents'] }),
    qc.invalidateQueries({ queryKey: ['audit'] }),
    qc.invalidateQueries({ queryKey: ['customer-account'] }),
    qc.invalidateQueries({ queryKey: ['ledger'] }),
    qc.invalidateQueries({ queryKey: ['outbox'] }),
  ]);
}

/** A mutation with one idempotency key per submitted body that refreshes the ledger after. */
function useAction<B, R>(fn: (body: B, key: string) => Promise<R>, onDone: (result: R) => void) {
  const qc = useQueryClient();
  const idem = useIdempotencyKey();
  return useMutation({
    mutationFn: (body: B) => fn(body, idem.keyFor(body)),
    onSuccess: async (result) => {
      idem.reset();
      await invalidateLedger(qc);
      onDone(result);
    },
  });
}

function ActionForm({
  onSubmit,
  onClose,
  pending,
  error,
  submitLabel,
  danger,
  children,
}: {
  onSubmit: () => void;
  onClose: () => void;
  pending: boolean;
  error: unknown;
  submitLabel: string;
  danger?: boolean;
  children: ReactNode;
}) {
  return (
    <form
      className="dialog-form"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {error && Object.keys(fieldErrorsOf(error)).length === 0 ? (
        <ErrorBanner error={error} />
      ) : null}
      {children}
      <div className="form-actions">
        <button
          type="submit"
          className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`}
          disabled={pending}
        >
          {pending ? 'Working…' : submitLabel}
        </button>
        <button type="button" className="btn" onClick={onClose} disabled={pending}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ReasonField({
  value,
  onChange,
  error,
  required = true,
}: {
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
  required?: boolean;
}) {
  return (
    <Field label="Reason" required={required} error={error}>
      {(p) => (
        <textarea
          {...p}
          rows={2}
          maxLength={500}
          value={value}
          required={required}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

function DateField({
  value,
  onChange,
  error,
  label = 'Date',
}: {
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
  label?: string;
}) {
  return (
    <Field label={label} error={error} hint="Blank: today">
      {(p) => <input {...p} type="date" value={value} onChange={(e) => onChange(e.target.value)} />}
    </Field>
  );
}

interface DocDialogProps {
  doc: ArDocument;
  onClose: () => void;
  onDone: (message: string) => void;
}

export function VoidDialog({ doc, onClose, onDone }: DocDialogProps) {
  const [reason, setReason] = useState('');
  const [date, setDate] = useState('');
  const m = useAction(
    (b: { reason: string; date?: string | undefined }, key) => api.voidDocument(doc.id, b, key),
    () => onDone(`${documentName(doc.kind, doc.number)} was voided`),
  );
  const errs = fieldErrorsOf(m.error);
  return (
    <Dialog title={`Void ${documentName(doc.kind, doc.number)}`} onClose={onClose}>
      <p className="muted">
        Voiding takes back every application and posts the reversing journal entry on the void date.
        It cannot be undone.
      </p>
      <ActionForm
        onSubmit={() => m.mutate({ reason, date: date || undefined })}
        onClose={onClose}
        pending={m.isPending}
        error={m.error}
        submitLabel="Void document"
        danger
      >
        <ReasonField value={reason} onChange={setReason} error={errs.reason} />
        <DateField value={date} onChange={setDate} error={errs.date} label="Void date" />
      </ActionForm>
    </Dialog>
  );
}

export function WriteOffDialog({ doc, onClose, onDone }: DocDialogProps) {
  const [reason, setReason] = useState('');
  const [date, setDate] = useState('');
  const m = useAction(
    (b: { reason: string; date?: string | undefined }, key) => api.writeOffInvoice(doc.id, b, key),
    (w) => onDone(`Written off ${formatMoney(w.total)} ${w.currency} (${w.number ?? 'write-off'})`),
  );
  const errs = fieldErrorsOf(m.error);
  return (
    <Dialog title={`Write off ${documentName(doc.kind, doc.number)}`} onClose={onClose}>
      <p>
        The open balance of{' '}
        <strong>
          {formatMoney(doc.openBalance)} {doc.currency}
        </strong>{' '}
        goes to bad-debt expense.
      </p>
      <ActionForm
        onSubmit={() => m.mutate({ reason, date: date || undefined })}
        onClose={onClose}
        pending={m.isPending}
        error={m.error}
        submitLabel="Write off"
        danger
      >
        <ReasonField value={reason} onChange={setReason} error={errs.reason} />
        <DateField value={date} onChange={setDate} error={errs.date} />
      </ActionForm>
    </Dialog>
  );
}

export function AdjustmentDialog({ doc, onClose, onDone }: DocDialogProps) {
  const [direction, setDirection] = useState<'lower' | 'raise'>('lower');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [date, setDate] = useState('');
  const [accountCode, setAccountCode] = useState('');
  const [amountError, setAmountError] = useState<string | null>(null);
  const accounts = useQuery({ queryKey: ['ledger', 'accounts'], queryFn: api.listAccounts });
  const offsets = (accounts.data ?? []).filter(
    (a) => a.active && (a.type === 'revenue' || a.type === 'expense'),
  );
  const m = useAction(
    (
      b: {
        documentId: string;
        amount: string;
        reason: string;
        date?: string | undefined;
        accountCode?: string | undefined;
      },
      key,
    ) => api.createAdjustment(b, key),
    (a) => onDone(`Adjustment ${a.number ?? ''} posted`),
  );
  const errs = fieldErrorsOf(m.error);
  const submit = () => {
    const read = readMoneyInput(amount, doc.currency);
    if (!read.ok || read.value === null) {
      setAmountError(read.ok ? 'Required' : read.error);
      return;
    }
    setAmountError(null);
    m.mutate({
      documentId: doc.id,
      amount: direction === 'lower' ? `-${read.value}` : read.value,
      reason,
      date: date || undefined,
      accountCode: accountCode || undefined,
    });
  };
  return (
    <Dialog title={`Adjust ${documentName(doc.kind, doc.number)}`} onClose={onClose}>
      <ActionForm
        onSubmit={submit}
        onClose={onClose}
        pending={m.isPending}
        error={m.error}
        submitLabel="Post adjustment"
      >
        <div className="grid grid-2">
          <Field label="Effect">
            {(p) => (
              <select
                {...p}
                value={direction}
                onChange={(e) => setDirection(e.target.value as 'lower' | 'raise')}
              >
                <option value="lower">Lower what the customer owes</option>
                <option value="raise">Raise what the customer owes</option>
              </select>
            )}
          </Field>
          <Field label={`Amount (${doc.currency})`} required error={amountError ?? errs.amount}>
            {(p) => (
              <input
                {...p}
                className="num"
                inputMode="decimal"
                value={amount}
                onChange={(e) => setAmount(e.target.value)}
              />
            )}
          </Field>
          <Field label="Offset account" error={errs.accountCode}>
            {(p) => (
              <select {...p} value={accountCode} onChange={(e) => setAccountCode(e.target.value)}>
                <option value="">Default</option>
                {offsets.map((a) => (
                  <option key={a.code} value={a.code}>
                    {a.code} · {a.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <DateField value={date} onChange={setDate} error={errs.date} />
        </div>
        <ReasonField value={reason} onChange={setReason} error={errs.reason} />
      </ActionForm>
    </Dialog>
  );
}

function minOf(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function ApplyDialog({ doc, onClose, onDone }: DocDialogProps) {
  const open = useQuery({
    queryKey: ['documents', 'open-debits', doc.customerId],
    queryFn: () =>
      api.listDocuments({
        customerId: doc.customerId,
        kind: ['invoice', 'debit_memo'],
        status: ['open', 'partially_paid'],
        limit: 200,
      }),
  });
  const candidates = (open.data?.items ?? []).filter((d) => d.currency === doc.currency);
  const [invoiceId, setInvoiceId] = useState('');
  const [amount, setAmount] = useState('');
  const [date, setDate] = useState('');
  const [amountError, setAmountError] = useState<string | null>(null);
  const unapplied = decimalToMinor(doc.openBalance, doc.currency) ?? 0n;
  const pick = (id: string) => {
    setInvoiceId(id);
    const target = candidates.find((c) => c.id === id);
    const due = target ? decimalToMinor(target.openBalance, doc.currency) : null;
    setAmount(due !== null ? minorToDecimal(minOf(due, unapplied), doc.currency) : '');
  };
  const m = useAction(
    (b: { invoiceId: string; amount: string; date?: string | undefined }, key) =>
      api.applyCredit(doc.id, b, key),
    () => {
      const target = candidates.find((c) => c.id === invoiceId);
      onDone(
        `Applied ${formatMoney(amount)} ${doc.currency} to ${target?.number ?? 'the invoice'}`,
      );
    },
  );
  const errs = fieldErrorsOf(m.error);
  const submit = () => {
    const read = readMoneyInput(amount, doc.currency);
    if (!read.ok || read.value === null) {
      setAmountError(read.ok ? 'Required' : read.error);
      return;
    }
    setAmountError(null);
    m.mutate({ invoiceId, amount: read.value, date: date || undefined });
  };
  return (
    <Dialog title="Apply credit to an invoice" onClose={onClose}>
      <p>
        Unapplied on {documentName(doc.kind, doc.number)}:{' '}
        <strong>
          {formatMoney(doc.openBalance)} {doc.currency}
        </strong>
      </p>
      <ActionForm
        onSubmit={submit}
        onClose={onClose}
        pending={m.isPending}
        error={m.error}
        submitLabel="Apply"
      >
        <Field label="Invoice" required error={errs.invoiceId}>
          {(p) => (
            <select {...p} value={invoiceId} required onChange={(e) => pick(e.target.value)}>
              <option value="">
                {open.isPending
                  ? 'Loading…'
                  : candidates.length === 0
                    ? 'No open invoices for this customer'
                    : 'Choose an open invoice'}
              </option>
              {candidates.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.number} · due {formatDate(c.dueDate)} · open {formatMoney(c.openBalance)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="grid grid-2">
          <Field label={`Amount (${doc.currency})`} required error={amountError ?? errs.amount}>
            {(p) => (
              <input
                {...p}
                className="num"
                inputMode="decimal"
                value={amount}
                onChange={(e) => setAmount(e.target.value)}
              />
            )}
          </Field>
          <DateField value={date} onChange={setDate} error={errs.date} />
        </div>
      </ActionForm>
    </Dialog>
  );
}

const METHODS: RefundMethod[] = ['check', 'ach', 'wire', 'card', 'cash', 'other'];

export function RefundDialog({ doc, onClose, onDone }: DocDialogProps) {
  const [amount, setAmount] = useState(doc.openBalance);
  const [method, setMethod] = useState<RefundMethod>('check');
  const [reference, setReference] = useState('');
  const [reason, setReason] = useState('');
  const [date, setDate] = useState('');
  const [amountError, setAmountError] = useState<string | null>(null);
  const m = useAction(
    (b: Parameters<typeof api.createRefund>[0], key) => api.createRefund(b, key),
    (r) => onDone(`Refund ${r.number ?? ''} of ${formatMoney(r.total)} ${r.currency} posted`),
  );
  const errs = fieldErrorsOf(m.error);
  const submit = () => {
    const read = readMoneyInput(amount, doc.currency);
    if (!read.ok || read.value === null) {
      setAmountError(read.ok ? 'Required' : read.error);
      return;
    }
    setAmountError(null);
    m.mutate({
      creditDocumentId: doc.id,
      amount: read.value,
      method,
      reason,
      reference: reference.trim() || undefined,
      date: date || undefined,
    });
  };
  return (
    <Dialog title={`Refund ${documentName(doc.kind, doc.number)}`} onClose={onClose}>
      <ActionForm
        onSubmit={submit}
        onClose={onClose}
        pending={m.isPending}
        error={m.error}
        submitLabel="Post refund"
      >
        <div className="grid grid-2">
          <Field label={`Amount (${doc.currency})`} required error={amountError ?? errs.amount}>
            {(p) => (
              <input
                {...p}
                className="num"
                inputMode="decimal"
                value={amount}
                onChange={(e) => setAmount(e.target.value)}
              />
            )}
          </Field>
          <Field label="Method" required error={errs.method}>
            {(p) => (
              <select
                {...p}
                value={method}
                onChange={(e) => setMethod(e.target.value as RefundMethod)}
              >
                {METHODS.map((x) => (
                  <option key={x} value={x}>
                    {REFUND_METHOD_LABELS[x]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Reference" error={errs.reference}>
            {(p) => (
              <input
                {...p}
                maxLength={100}
                value={reference}
                onChange={(e) => setReference(e.target.value)}
              />
            )}
          </Field>
          <DateField value={date} onChange={setDate} error={errs.date} />
        </div>
        <ReasonField value={reason} onChange={setReason} error={errs.reason} />
      </ActionForm>
    </Dialog>
  );
}

export function UnapplyDialog({
  application,
  currency,
  onClose,
  onDone,
}: {
  application: ArApplication;
  currency: string;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const [reason, setReason] = useState('');
  const m = useAction(
    (b: { reason?: string | undefined }, key) => api.unapply(application.id, b, key),
    () => onDone(`Unapplied ${formatMoney(application.amount)} ${currency}`),
  );
  const errs = fieldErrorsOf(m.error);
  return (
    <Dialog title="Unapply" onClose={onClose}>
      <p>
        Take back{' '}
        <strong>
          {formatMoney(application.amount)} {currency}
        </strong>{' '}
        applied with {documentName(application.documentKind, application.documentNumber)} on{' '}
        {formatDate(application.date)}? Both documents get their open balance back.
      </p>
      <ActionForm
        onSubmit={() => m.mutate({ reason: reason.trim() || undefined })}
        onClose={onClose}
        pending={m.isPending}
        error={m.error}
        submitLabel="Unapply"
        danger
      >
        <ReasonField value={reason} onChange={setReason} error={errs.reason} required={false} />
      </ActionForm>
    </Dialog>
  );
}

function splitAddresses(text: string): string[] {
  return text
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const SEND_STATUS_TEXT: Record<api.SendResult['status'], string> = {
  sent: 'Sent',
  outbox: 'Kept in the outbox: no mail server is configured',
  sending: 'Sending…',
  failed: 'Failed',
};

export function SendDialog({ doc, onClose }: { doc: ArDocument; onClose: () => void }) {
  const [to, setTo] = useState('');
  const [cc, setCc] = useState('');
  const [message, setMessage] = useState('');
  const [result, setResult] = useState<api.SendResult | null>(null);
  const m = useAction(
    (
      b: { to?: string[] | undefined; cc?: string[] | undefined; message?: string | undefined },
      key,
    ) => api.sendInvoice(doc.id, b, key),
    (r) => setResult(r),
  );
  const errs = fieldErrorsOf(m.error);
  const title = `Send ${documentName(doc.kind, doc.number)} by e-mail`;
  if (result) {
    return (
      <Dialog title={title} onClose={onClose}>
        <div
          className={`alert ${result.status === 'failed' ? 'alert-error' : 'alert-info'}`}
          role="status"
          data-testid="send-result"
        >
          <strong>{SEND_STATUS_TEXT[result.status]}</strong>
          {result.error ? <> — {result.error}</> : null}
        </div>
        <dl className="facts facts-2">
          <div>
            <dt>To</dt>
            <dd>{result.to.join(', ')}</dd>
          </div>
          <div>
            <dt>Cc</dt>
            <dd>{result.cc.join(', ') || '—'}</dd>
          </div>
          <div className="span-2">
            <dt>Subject</dt>
            <dd>{result.subject}</dd>
          </div>
        </dl>
        <div className="form-actions">
          <button type="button" className="btn btn-primary" onClick={onClose}>
            Close
          </button>
        </div>
      </Dialog>
    );
  }
  if (isMissingRoute(m.error)) {
    return (
      <Dialog title={title} onClose={onClose}>
        <div className="alert alert-info" role="status">
          Sending invoices by e-mail is not available on this server yet.
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog title={title} onClose={onClose}>
      <ActionForm
        onSubmit={() =>
          m.mutate({
            to: to.trim() ? splitAddresses(to) : undefined,
            cc: cc.trim() ? splitAddresses(cc) : undefined,
            message: message.trim() || undefined,
          })
        }
        onClose={onClose}
        pending={m.isPending}
        error={m.error}
        submitLabel="Send"
      >
        <Field
          label="To"
          error={errs.to ?? errs['to.0']}
          hint="Blank: the customer's billing contacts. Separate addresses with commas."
        >
          {(p) => <input {...p} value={to} onChange={(e) => setTo(e.target.value)} />}
        </Field>
        <Field label="Cc" error={errs.cc ?? errs['cc.0']}>
          {(p) => <input {...p} value={cc} onChange={(e) => setCc(e.target.value)} />}
        </Field>
        <Field label="Message" error={errs.message}>
          {(p) => (
            <textarea
              {...p}
              rows={4}
              value={message}
              onChange={(e) => setMessage(e.target.value)}
            />
          )}
        </Field>
        <p className="muted small">The document is attached as a PDF.</p>
      </ActionForm>
    </Dialog>
  );
}
