import { useEffect, useMemo, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useBlocker, useNavigate } from '@tanstack/react-router';
import * as api from '../api.ts';
import type { ArDocument, InvoiceInput, PaymentTerm } from '../api.ts';
import { currencyExponent, formatMoney, todayIso, trimZeros } from '../format.ts';
import { CustomerPicker } from '../components/CustomerPicker.tsx';
import type { PickedCustomer } from '../components/CustomerPicker.tsx';
import { invalidateLedger } from '../components/DocumentDialogs.tsx';
import { LinesEditor, computeTotals, linesForApi, newLine } from '../components/LinesEditor.tsx';
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

interface FormState {
  customer: PickedCustomer | null;
  issueDate: string;
  paymentTerms: string;
  dueDate: string;
  poNumber: string;
  salesOrderRef: string;
  externalId: string;
  memo: string;
  lines: LineDraft[];
}

const PLACED = [
  'customerId',
  'currency',
  'issueDate',
  'paymentTerms',
  'dueDate',
  'poNumber',
  'salesOrderRef',
  'externalId',
  'memo',
  'lines',
];

function fromDraft(doc: ArDocument, terms: PaymentTerm[]): FormState {
  // A due date that merely follows from the terms stays blank, so it moves with the issue date.
  const computed = dueFromTerms(
    doc.issueDate,
    terms.find((t) => t.code === doc.termsCode),
  );
  return {
    customer: {
      id: doc.customerId,
      accountNumber: doc.customerAccountNumber,
      name: doc.customerName,
    },
    issueDate: doc.issueDate,
    paymentTerms: doc.termsCode ?? '',
    dueDate: doc.dueDate && doc.dueDate !== computed ? doc.dueDate : '',
    poNumber: doc.poNumber ?? '',
    salesOrderRef: doc.salesOrderRef ?? '',
    externalId: doc.externalId ?? '',
    memo: doc.memo ?? '',
    lines: doc.lines.map((l) =>
      newLine({
        description: l.description,
        quantity: trimZeros(l.quantity),
        unitPrice: trimZeros(l.unitPrice, currencyExponent(doc.currency)),
        taxRate: trimZeros(l.taxRate) === '0' ? '' : trimZeros(l.taxRate),
        accountCode: l.accountCode,
      }),
    ),
  };
}

function emptyForm(): FormState {
  return {
    customer: null,
    issueDate: todayIso(),
    paymentTerms: '',
    dueDate: '',
    poNumber: '',
    salesOrderRef: '',
    externalId: '',
    memo: '',
    lines: [newLine()],
  };
}

/** What the form would send, for the dirty check (line keys left out). */
function snapshot(f: FormState): string {
  return JSON.stringify({ ...f, customer: f.customer?.id ?? null, lines: linesForApi(f.lines) });
}

/** The due date the terms give (the server computes the same; shown as a hint). */
function dueFromTerms(issueDate: string, terms: PaymentTerm | undefined): string | null {
  if (!terms || !/^\d{4}-\d{2}-\d{2}$/.test(issueDate)) return null;
  const d = new Date(`${issueDate}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return null;
  if (terms.type === 'eom') d.setUTCMonth(d.getUTCMonth() + 1, 0);
  d.setUTCDate(d.getUTCDate() + terms.netDays);
  return d.toISOString().slice(0, 10);
}

export function InvoiceFormPage({ id, customerId }: { id?: string; customerId?: string }) {
  const draft = useQuery({
    queryKey: ['documents', 'detail', id],
    queryFn: () => api.getDocument(id!),
    enabled: !!id,
  });
  const preset = useQuery({
    queryKey: ['customers', 'detail', customerId],
    queryFn: () => api.getCustomer(customerId!),
    enabled: !!customerId && !id,
  });
  const terms = useQuery({
    queryKey: ['payment-terms'],
    queryFn: api.listPaymentTerms,
    staleTime: 5 * 60_000,
  });
  if (id && (draft.isPending || terms.isPending)) return <Spinner label="Loading draft…" />;
  if (id && draft.error) return <ErrorBanner error={draft.error} />;
  if (!id && customerId && preset.isPending) return <Spinner />;
  if (draft.data && draft.data.state !== 'draft') {
    return (
      <div className="page">
        <div className="alert alert-info">
          This invoice is posted; correct it with a credit memo, a debit memo or a void.{' '}
          <Link to="/documents/$id" params={{ id: draft.data.id }}>
            Back to the invoice
          </Link>
        </div>
      </div>
    );
  }
  const initial = draft.data ? fromDraft(draft.data, terms.data ?? []) : emptyForm();
  if (!draft.data && preset.data) {
    initial.customer = {
      id: preset.data.id,
      accountNumber: preset.data.accountNumber,
      name: preset.data.name,
    };
  }
  return <InvoiceForm key={id ?? 'new'} initial={initial} draftId={id} />;
}

function InvoiceForm({ initial, draftId }: { initial: FormState; draftId?: string | undefined }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const idem = useIdempotencyKey();
  const [form, setForm] = useState<FormState>(initial);
  const [submitted, setSubmitted] = useState(false);
  const initialSnapshot = useMemo(() => snapshot(initial), [initial]);
  const leaving = useRef(false);

  const customer = useQuery({
    queryKey: ['customers', 'detail', form.customer?.id],
    queryFn: () => api.getCustomer(form.customer!.id),
    enabled: !!form.customer,
  });
  const terms = useQuery({
    queryKey: ['payment-terms'],
    queryFn: api.listPaymentTerms,
    staleTime: 5 * 60_000,
  });
  const accounts = useQuery({ queryKey: ['ledger', 'accounts'], queryFn: api.listAccounts });
  const revenueAccounts = (accounts.data ?? []).filter((a) => a.type === 'revenue' && a.active);
  const currency = customer.data?.currency ?? '';

  // Picking a customer brings its terms (the currency always follows the customer). Terms filled
  // in this way do not count as an unsaved change.
  const lastCustomer = useRef(initial.customer?.id ?? null);
  const autoTerms = useRef<string | null>(null);
  useEffect(() => {
    const c = customer.data;
    if (!c) return;
    if (c.id !== lastCustomer.current || !form.paymentTerms) {
      lastCustomer.current = c.id;
      autoTerms.current = c.paymentTerms;
      setForm((f) => ({ ...f, paymentTerms: c.paymentTerms }));
    }
  }, [customer.data]);
  const dirty =
    snapshot({
      ...form,
      paymentTerms:
        form.paymentTerms === autoTerms.current ? initial.paymentTerms : form.paymentTerms,
    }) !== initialSnapshot;

  const save = useMutation({
    mutationFn: async (post: boolean) => {
      const body: InvoiceInput = {
        customerId: form.customer?.id ?? '',
        issueDate: form.issueDate,
        currency,
        paymentTerms: form.paymentTerms || undefined,
        dueDate: form.dueDate || undefined,
        lines: linesForApi(form.lines),
        poNumber: form.poNumber.trim() || null,
        salesOrderRef: form.salesOrderRef.trim() || null,
        externalId: form.externalId.trim() || null,
        memo: form.memo.trim() || null,
      };
      if (!draftId) {
        const full = { ...body, draft: !post };
        return api.createInvoice(full, idem.keyFor(full));
      }
      const updated = await api.updateDraftInvoice(draftId, body);
      return post ? api.postInvoice(draftId, idem.keyFor({ post: draftId })) : updated;
    },
    onSuccess: async (doc) => {
      idem.reset();
      leaving.current = true;
      await invalidateLedger(qc);
      await navigate({ to: '/documents/$id', params: { id: doc.id } });
    },
  });

  useBlocker({
    shouldBlockFn: ({ next }) => {
      if (!dirty || leaving.current || save.isPending) return false;
      if (next.pathname === '/login') return false;
      return !window.confirm('You have unsaved changes to this invoice. Leave without saving?');
    },
    enableBeforeUnload: () => dirty && !leaving.current,
  });

  const errors = fieldErrorsOf(save.error);
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) =>
    setForm((f) => ({ ...f, [k]: v }));
  const chosenTerms = (terms.data ?? []).find((t) => t.code === form.paymentTerms);
  const computedDue = dueFromTerms(form.issueDate, chosenTerms);
  const totals = currency ? computeTotals(form.lines, currency) : null;
  const submit = (post: boolean) => {
    setSubmitted(true);
    save.mutate(post);
  };

  return (
    <div className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/invoices">Invoices and memos</Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">{draftId ? 'Edit draft' : 'New invoice'}</span>
      </nav>
      <div className="page-header">
        <h1>{draftId ? 'Edit draft invoice' : 'New invoice'}</h1>
      </div>
      <form
        className="invoice-form"
        noValidate
        // Enter in a field must not post an invoice: only the buttons submit.
        onSubmit={(e) => e.preventDefault()}
      >
        <Section title="Invoice">
          {save.error && Object.keys(errors).length === 0 ? (
            <ErrorBanner error={save.error} />
          ) : null}
          {Object.keys(errors).length > 0 ? (
            <div className="alert alert-error" role="alert">
              The invoice was not saved: correct the marked fields.
            </div>
          ) : null}
          <UnplacedErrors
            errors={errors}
            placed={[...PLACED, ...Object.keys(errors).filter((k) => k.startsWith('lines.'))]}
          />
          <div className="grid grid-4">
            <Field
              label="Customer"
              required
              className="span-2"
              error={errors.customerId ?? errors.currency}
            >
              {(p) => (
                <CustomerPicker {...p} value={form.customer} onChange={(c) => set('customer', c)} />
              )}
            </Field>
            <Field label="Currency" hint="The customer's billing currency">
              {(p) => <input {...p} value={currency} readOnly disabled />}
            </Field>
            <Field label="Issue date" required error={errors.issueDate}>
              {(p) => (
                <input
                  {...p}
                  type="date"
                  value={form.issueDate}
                  onChange={(e) => set('issueDate', e.target.value)}
                />
              )}
            </Field>
            <Field label="Payment terms" error={errors.paymentTerms}>
              {(p) => (
                <select
                  {...p}
                  value={form.paymentTerms}
                  onChange={(e) => set('paymentTerms', e.target.value)}
                >
                  {form.paymentTerms === '' ? <option value="">Customer's terms</option> : null}
                  {(terms.data ?? []).map((t) => (
                    <option key={t.code} value={t.code}>
                      {t.code} · {t.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field
              label="Due date"
              error={errors.dueDate}
              hint={computedDue ? `Blank: ${computedDue} from the terms` : 'Blank: from the terms'}
            >
              {(p) => (
                <input
                  {...p}
                  type="date"
                  value={form.dueDate}
                  onChange={(e) => set('dueDate', e.target.value)}
                />
              )}
            </Field>
            <Field label="PO number" error={errors.poNumber}>
              {(p) => (
                <input
                  {...p}
                  maxLength={100}
                  value={form.poNumber}
                  onChange={(e) => set('poNumber', e.target.value)}
                />
              )}
            </Field>
            <Field label="Sales order" error={errors.salesOrderRef}>
              {(p) => (
                <input
                  {...p}
                  maxLength={100}
                  value={form.salesOrderRef}
                  onChange={(e) => set('salesOrderRef', e.target.value)}
                />
              )}
            </Field>
            <Field label="External id" error={errors.externalId}>
              {(p) => (
                <input
                  {...p}
                  maxLength={100}
                  value={form.externalId}
                  onChange={(e) => set('externalId', e.target.value)}
                />
              )}
            </Field>
            <Field label="Memo" className="span-3" error={errors.memo}>
              {(p) => (
                <input
                  {...p}
                  maxLength={2000}
                  value={form.memo}
                  onChange={(e) => set('memo', e.target.value)}
                />
              )}
            </Field>
          </div>
          {chosenTerms && chosenTerms.discountPercent && Number(chosenTerms.discountDays) > 0 ? (
            <p className="muted small">
              {chosenTerms.name}: {String(chosenTerms.discountPercent)} % early-payment discount
              within {chosenTerms.discountDays} days
              {totals?.total ? ` (on ${formatMoney(totals.total)} ${currency})` : ''}.
            </p>
          ) : null}
        </Section>

        <Section title="Lines">
          {currency ? (
            <LinesEditor
              lines={form.lines}
              onChange={(lines) => set('lines', lines)}
              currency={currency}
              errors={errors}
              showAll={submitted}
              revenueAccounts={revenueAccounts}
            />
          ) : (
            <p className="muted">Choose a customer first: the lines are priced in its currency.</p>
          )}
        </Section>

        <div className="form-actions sticky-actions">
          <button
            type="button"
            className="btn btn-primary"
            disabled={save.isPending || !form.customer}
            onClick={() => submit(true)}
          >
            {save.isPending && save.variables
              ? 'Posting…'
              : draftId
                ? 'Save and post'
                : 'Post invoice'}
          </button>
          <button
            type="button"
            className="btn"
            disabled={save.isPending || !form.customer}
            onClick={() => submit(false)}
          >
            {save.isPending && !save.variables ? 'Saving…' : 'Save as draft'}
          </button>
          {draftId ? (
            <Link to="/documents/$id" params={{ id: draftId }} className="btn btn-ghost">
              Cancel
            </Link>
          ) : (
            <Link to="/invoices" className="btn btn-ghost">
              Cancel
            </Link>
          )}
          {dirty ? (
            <span className="muted small" data-testid="form-dirty">
              Unsaved changes
            </span>
          ) : null}
        </div>
      </form>
    </div>
  );
}
