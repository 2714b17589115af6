import { useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useBlocker, useNavigate } from '@tanstack/react-router';
import * as api from '../api.ts';
import type { MemoInput } from '../api.ts';
import { documentName, formatDate, formatMoney, readMoneyInput, todayIso } from '../format.ts';
import { CustomerPicker } from '../components/CustomerPicker.tsx';
import type { PickedCustomer } from '../components/CustomerPicker.tsx';
import { invalidateLedger } from '../components/DocumentDialogs.tsx';
import { LinesEditor, linesForApi, newLine } from '../components/LinesEditor.tsx';
import type { LineDraft } from '../components/LinesEditor.tsx';
import {
  ErrorBanner,
  Field,
  Section,
  Spinner,
  UnplacedErrors,
  fieldErrorsOf,
  useIdempotencyKey,
} from '../components/ui.tsx';

export type MemoKind = 'credit_memo' | 'debit_memo';

export interface MemoSearch {
  kind?: MemoKind | undefined;
  invoice?: string | undefined;
  customer?: string | undefined;
}

export function validateMemoSearch(raw: Record<string, unknown>): MemoSearch {
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return {
    kind:
      raw.kind === 'debit_memo'
        ? 'debit_memo'
        : raw.kind === 'credit_memo'
          ? 'credit_memo'
          : undefined,
    invoice: str(raw.invoice),
    customer: str(raw.customer),
  };
}

const PLACED = [
  'customerId',
  'currency',
  'invoiceId',
  'amount',
  'lines',
  'reason',
  'issueDate',
  'accountCode',
  'memo',
];

export function MemoFormPage({ search }: { search: MemoSearch }) {
  const invoice = useQuery({
    queryKey: ['documents', 'detail', search.invoice],
    queryFn: () => api.getDocument(search.invoice!),
    enabled: !!search.invoice,
  });
  const customer = useQuery({
    queryKey: ['customers', 'detail', search.customer],
    queryFn: () => api.getCustomer(search.customer!),
    enabled: !!search.customer && !search.invoice,
  });
  if (
    (search.invoice && invoice.isPending) ||
    (search.customer && !search.invoice && customer.isPending)
  ) {
    return <Spinner />;
  }
  if (invoice.error) return <ErrorBanner error={invoice.error} />;
  const picked: PickedCustomer | null = invoice.data
    ? {
        id: invoice.data.customerId,
        accountNumber: invoice.data.customerAccountNumber,
        name: invoice.data.customerName,
      }
    : customer.data
      ? {
          id: customer.data.id,
          accountNumber: customer.data.accountNumber,
          name: customer.data.name,
        }
      : null;
  return (
    <MemoForm
      key={`${search.invoice ?? ''}-${search.customer ?? ''}`}
      initialKind={search.kind ?? 'credit_memo'}
      initialCustomer={picked}
      initialInvoice={invoice.data?.id ?? ''}
    />
  );
}

function MemoForm({
  initialKind,
  initialCustomer,
  initialInvoice,
}: {
  initialKind: MemoKind;
  initialCustomer: PickedCustomer | null;
  initialInvoice: string;
}) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const idem = useIdempotencyKey();
  const [kind, setKind] = useState<MemoKind>(initialKind);
  const [customer, setCustomer] = useState<PickedCustomer | null>(initialCustomer);
  const [invoiceId, setInvoiceId] = useState(initialInvoice);
  const [mode, setMode] = useState<'amount' | 'lines'>('amount');
  const [amount, setAmount] = useState('');
  const [lines, setLines] = useState<LineDraft[]>(() => [newLine()]);
  const [reason, setReason] = useState('');
  const [issueDate, setIssueDate] = useState(todayIso());
  const [accountCode, setAccountCode] = useState('');
  const [memo, setMemo] = useState('');
  const [amountError, setAmountError] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const leaving = useRef(false);
  const dirty = !!(amount || reason || memo || lines.some((l) => l.description || l.unitPrice));

  const customerDetail = useQuery({
    queryKey: ['customers', 'detail', customer?.id],
    queryFn: () => api.getCustomer(customer!.id),
    enabled: !!customer,
  });
  const currency = customerDetail.data?.currency ?? '';
  const invoices = useQuery({
    queryKey: ['documents', 'memo-targets', customer?.id],
    queryFn: () =>
      api.listDocuments({
        customerId: customer!.id,
        kind: ['invoice', 'debit_memo'],
        status: ['open', 'partially_paid', 'paid'],
        limit: 200,
      }),
    enabled: !!customer,
  });
  const accounts = useQuery({ queryKey: ['ledger', 'accounts'], queryFn: api.listAccounts });
  const revenueAccounts = (accounts.data ?? []).filter((a) => a.type === 'revenue' && a.active);
  const offsetAccounts = (accounts.data ?? []).filter(
    (a) => a.active && (a.type === 'revenue' || a.type === 'expense'),
  );
  const linked = (invoices.data?.items ?? []).find((d) => d.id === invoiceId);

  const save = useMutation({
    mutationFn: (body: MemoInput) => api.createMemo(kind, body, idem.keyFor({ kind, body })),
    onSuccess: async (doc, sent) => {
      idem.reset();
      leaving.current = true;
      await invalidateLedger(qc);
      // A credit linked to an invoice is applied at once: show the invoice with its new balance.
      const target = kind === 'credit_memo' && sent.invoiceId ? sent.invoiceId : doc.id;
      await navigate({ to: '/documents/$id', params: { id: target } });
    },
  });

  useBlocker({
    shouldBlockFn: ({ next }) => {
      if (!dirty || leaving.current || save.isPending || next.pathname === '/login') return false;
      return !window.confirm('You have unsaved changes to this memo. Leave without saving?');
    },
    enableBeforeUnload: () => dirty && !leaving.current,
  });

  const submit = () => {
    setSubmitted(true);
    const body: MemoInput = {
      customerId: customer?.id ?? '',
      invoiceId: invoiceId || null,
      reason: reason.trim(),
      issueDate: issueDate || undefined,
      memo: memo.trim() || null,
    };
    if (mode === 'amount') {
      const read = readMoneyInput(amount, currency);
      if (!read.ok || read.value === null) {
        setAmountError(read.ok ? 'Required' : read.error);
        return;
      }
      setAmountError(null);
      body.amount = read.value;
      if (accountCode) body.accountCode = accountCode;
    } else {
      body.lines = linesForApi(lines);
    }
    save.mutate(body);
  };
  const errors = fieldErrorsOf(save.error);
  const kindLabel = kind === 'credit_memo' ? 'credit memo' : 'debit memo';

  return (
    <div className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/invoices">Invoices and memos</Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">New {kindLabel}</span>
      </nav>
      <div className="page-header">
        <h1>New {kindLabel}</h1>
      </div>
      <form className="memo-form" noValidate onSubmit={(e) => e.preventDefault()}>
        <Section title="Memo">
          {save.error ? <ErrorBanner error={save.error} /> : null}
          <UnplacedErrors
            errors={errors}
            placed={[...PLACED, ...Object.keys(errors).filter((k) => k.startsWith('lines.'))]}
          />
          <fieldset className="form-group">
            <legend>Kind</legend>
            <div className="check-row">
              <label className="check">
                <input
                  type="radio"
                  name="memo-kind"
                  checked={kind === 'credit_memo'}
                  onChange={() => setKind('credit_memo')}
                />
                Credit memo (the customer owes less)
              </label>
              <label className="check">
                <input
                  type="radio"
                  name="memo-kind"
                  checked={kind === 'debit_memo'}
                  onChange={() => setKind('debit_memo')}
                />
                Debit memo (the customer owes more)
              </label>
            </div>
          </fieldset>
          <div className="grid grid-4">
            <Field
              label="Customer"
              required
              className="span-2"
              error={errors.customerId ?? errors.currency}
            >
              {(p) => (
                <CustomerPicker
                  {...p}
                  value={customer}
                  onChange={(c) => {
                    setCustomer(c);
                    setInvoiceId('');
                  }}
                />
              )}
            </Field>
            <Field
              label="Invoice"
              className="span-2"
              error={errors.invoiceId}
              hint={
                kind === 'credit_memo'
                  ? 'A credit memo linked to an invoice is applied to it at once.'
                  : 'The invoice this debit memo corrects (optional).'
              }
            >
              {(p) => (
                <select
                  {...p}
                  value={invoiceId}
                  disabled={!customer}
                  onChange={(e) => setInvoiceId(e.target.value)}
                >
                  <option value="">None</option>
                  {(invoices.data?.items ?? []).map((d) => (
                    <option key={d.id} value={d.id}>
                      {documentName(d.kind, d.number)} · {formatDate(d.issueDate)} · open{' '}
                      {formatMoney(d.openBalance)} {d.currency}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Issue date" error={errors.issueDate}>
              {(p) => (
                <input
                  {...p}
                  type="date"
                  value={issueDate}
                  onChange={(e) => setIssueDate(e.target.value)}
                />
              )}
            </Field>
            <Field label="Reason" required className="span-3" error={errors.reason}>
              {(p) => (
                <input
                  {...p}
                  maxLength={500}
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                />
              )}
            </Field>
          </div>
          <fieldset className="form-group">
            <legend>Amount</legend>
            <div className="check-row">
              <label className="check">
                <input
                  type="radio"
                  name="memo-mode"
                  checked={mode === 'amount'}
                  onChange={() => setMode('amount')}
                />
                One amount
              </label>
              <label className="check">
                <input
                  type="radio"
                  name="memo-mode"
                  checked={mode === 'lines'}
                  onChange={() => setMode('lines')}
                />
                Lines (quantity, price, tax)
              </label>
            </div>
          </fieldset>
          {mode === 'amount' ? (
            <div className="grid grid-4">
              <Field
                label={`Amount${currency ? ` (${currency})` : ''}`}
                required
                error={amountError ?? errors.amount}
                hint={
                  linked && kind === 'credit_memo'
                    ? `Open on ${linked.number}: ${formatMoney(linked.openBalance)}`
                    : undefined
                }
              >
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
              <Field label="Offset account" error={errors.accountCode}>
                {(p) => (
                  <select
                    {...p}
                    value={accountCode}
                    onChange={(e) => setAccountCode(e.target.value)}
                  >
                    <option value="">Default revenue</option>
                    {offsetAccounts.map((a) => (
                      <option key={a.code} value={a.code}>
                        {a.code} · {a.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
          ) : currency ? (
            <LinesEditor
              lines={lines}
              onChange={setLines}
              currency={currency}
              errors={errors}
              showAll={submitted}
              revenueAccounts={revenueAccounts}
            />
          ) : (
            <p className="muted">Choose a customer first: the lines are priced in its currency.</p>
          )}
          <Field label="Memo (internal)" error={errors.memo}>
            {(p) => (
              <input
                {...p}
                maxLength={2000}
                value={memo}
                onChange={(e) => setMemo(e.target.value)}
              />
            )}
          </Field>
        </Section>
        <div className="form-actions">
          <button
            type="button"
            className="btn btn-primary"
            disabled={save.isPending || !customer}
            onClick={submit}
          >
            {save.isPending ? 'Posting…' : `Post ${kindLabel}`}
          </button>
          <Link to="/invoices" className="btn btn-ghost">
            Cancel
          </Link>
        </div>
      </form>
    </div>
  );
}
