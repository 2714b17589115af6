import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import * as api from '../api.ts';
import { useCurrentUser } from '../auth.ts';
import {
  CURRENCIES,
  PAYMENT_KIND_LABELS,
  PAYMENT_METHOD_LABELS,
  readMoneyInput,
  todayIso,
} from '../format.ts';
import * as pay from '../payments-api.ts';
import type { PaymentInput, PaymentKind, PaymentMethod } from '../payments-api.ts';
import { CustomerPicker } from '../components/CustomerPicker.tsx';
import type { PickedCustomer } from '../components/CustomerPicker.tsx';
import { PaymentAllocationEditor } from '../components/PaymentAllocationEditor.tsx';
import { allocationTotals, applicationsForApi } from '../components/PaymentAllocation.ts';
import type { AllocationRow } from '../components/PaymentAllocation.ts';
import {
  AmountField,
  ChoiceField,
  DateField,
  TextField,
  invalidateCash,
} from '../components/PaymentUi.tsx';
import {
  ErrorBanner,
  Field,
  Section,
  UnplacedErrors,
  fieldErrorsOf,
  useIdempotencyKey,
} from '../components/ui.tsx';

const PLACED = [
  'customerId',
  'kind',
  'method',
  'amount',
  'currency',
  'receivedDate',
  'reference',
  'payerName',
  'bankAccountId',
  'depositBatchId',
  'memo',
  'applications',
];
const KINDS: PaymentKind[] = ['receipt', 'prepayment'];
/** Paper that goes to the bank in a deposit batch. */
const BATCHED_METHODS = new Set<PaymentMethod>(['check', 'cash']);

export function PaymentNewPage({ customerId }: { customerId?: string | undefined }) {
  const preset = useQuery({
    queryKey: ['customers', 'detail', customerId],
    queryFn: () => api.getCustomer(customerId!),
    enabled: !!customerId,
  });
  if (customerId && preset.isPending) return null;
  const initial = preset.data
    ? { id: preset.data.id, accountNumber: preset.data.accountNumber, name: preset.data.name }
    : null;
  return <PaymentForm initialCustomer={initial} />;
}

function PaymentForm({ initialCustomer }: { initialCustomer: PickedCustomer | null }) {
  const user = useCurrentUser();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const idem = useIdempotencyKey();
  const [customer, setCustomer] = useState<PickedCustomer | null>(initialCustomer);
  const [kind, setKind] = useState<PaymentKind>('receipt');
  const [method, setMethod] = useState<PaymentMethod>('check');
  const [amount, setAmount] = useState('');
  const [chosenCurrency, setChosenCurrency] = useState(user.organization.baseCurrency);
  const [receivedDate, setReceivedDate] = useState(todayIso());
  const [reference, setReference] = useState('');
  const [payerName, setPayerName] = useState('');
  const [bankAccountId, setBankAccountId] = useState('');
  const [depositBatchId, setDepositBatchId] = useState('');
  const [memo, setMemo] = useState('');
  const [rows, setRows] = useState<AllocationRow[]>([]);
  const [tried, setTried] = useState(false);

  const customerDetail = useQuery({
    queryKey: ['customers', 'detail', customer?.id],
    queryFn: () => api.getCustomer(customer!.id),
    enabled: !!customer,
  });
  // A known customer pays in its billing currency; an unidentified receipt in the one chosen.
  const currency = customer ? (customerDetail.data?.currency ?? '') : chosenCurrency;
  const accounts = useQuery({ queryKey: ['bank-accounts'], queryFn: pay.listBankAccounts });
  const batches = useQuery({
    queryKey: ['deposit-batches', 'open'],
    queryFn: () => pay.listDepositBatches('open'),
  });
  const usableAccounts = (accounts.data ?? []).filter((a) => a.active && a.currency === currency);
  const openBatches = (batches.data ?? []).filter(
    (b) => b.currency === currency && (!bankAccountId || b.bankAccountId === bankAccountId),
  );

  const read = readMoneyInput(amount, currency || undefined);
  const received = read.ok ? read.value : null;
  const applying = !!customer && kind === 'receipt';
  const totals = allocationTotals(rows, received, receivedDate, currency);

  const save = useMutation({
    mutationFn: (body: PaymentInput) => pay.createPayment(body, idem.keyFor(body)),
    onSuccess: async (p) => {
      idem.reset();
      await invalidateCash(qc);
      await navigate({ to: '/payments/$id', params: { id: p.id } });
    },
  });
  const errors = fieldErrorsOf(save.error);
  const amountError = !read.ok
    ? read.error
    : tried && read.value === null
      ? 'Required'
      : errors.amount;

  const submit = () => {
    setTried(true);
    if (!read.ok || read.value === null || !currency) return;
    if (applying && (!totals.rowsValid || totals.overApplied)) return;
    save.mutate({
      customerId: customer?.id ?? null,
      kind,
      method,
      amount: read.value,
      currency,
      receivedDate,
      reference: reference.trim() || null,
      payerName: payerName.trim() || null,
      memo: memo.trim() || null,
      bankAccountId: bankAccountId || null,
      depositBatchId: depositBatchId || null,
      ...(applying && rows.length > 0
        ? { applications: applicationsForApi(rows, receivedDate, currency) }
        : {}),
    });
  };

  return (
    <div className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/payments">Payments</Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">New payment</span>
      </nav>
      <div className="page-header">
        <h1>New payment</h1>
      </div>
      <form className="payment-form" noValidate onSubmit={(e) => e.preventDefault()}>
        <Section title="Receipt">
          {save.error && Object.keys(errors).length === 0 ? (
            <ErrorBanner error={save.error} />
          ) : null}
          {Object.keys(errors).length > 0 ? (
            <div className="alert alert-error" role="alert">
              The payment was not recorded: correct the marked fields.
            </div>
          ) : null}
          <UnplacedErrors
            errors={errors}
            placed={[
              ...PLACED,
              ...Object.keys(errors).filter((k) => k.startsWith('applications.')),
            ]}
          />
          <div className="grid grid-4">
            <Field
              label="Customer"
              className="span-2"
              error={errors.customerId}
              hint={
                customer
                  ? undefined
                  : 'Blank: an unidentified receipt, held in suspense until a customer is named'
              }
            >
              {(p) => (
                <CustomerPicker
                  {...p}
                  value={customer}
                  onChange={(c) => {
                    setCustomer(c);
                    setRows([]);
                  }}
                />
              )}
            </Field>
            <ChoiceField
              label="Kind"
              options={KINDS}
              labels={PAYMENT_KIND_LABELS}
              value={kind}
              onChange={setKind}
              error={errors.kind}
            />
            <ChoiceField
              label="Method"
              required
              options={pay.PAYMENT_METHODS}
              labels={PAYMENT_METHOD_LABELS}
              value={method}
              onChange={setMethod}
              error={errors.method}
            />
            <AmountField
              label="Amount"
              required
              value={amount}
              onChange={setAmount}
              error={amountError}
            />
            {customer ? (
              <Field label="Currency" hint="The customer's billing currency">
                {(p) => <input {...p} value={currency} readOnly disabled />}
              </Field>
            ) : (
              <ChoiceField
                label="Currency"
                required
                options={CURRENCIES}
                labels={{}}
                value={chosenCurrency}
                onChange={setChosenCurrency}
                error={errors.currency}
              />
            )}
            <DateField
              label="Received date"
              required
              value={receivedDate}
              onChange={setReceivedDate}
              error={errors.receivedDate}
            />
            <TextField
              label={method === 'check' ? 'Check number' : 'Reference'}
              value={reference}
              onChange={setReference}
              error={errors.reference}
            />
            {!customer ? (
              <TextField
                label="Payer name"
                value={payerName}
                onChange={setPayerName}
                error={errors.payerName}
                hint="As on the check or the bank line"
              />
            ) : null}
            <Field label="Bank account" error={errors.bankAccountId}>
              {(p) => (
                <select
                  {...p}
                  value={bankAccountId}
                  onChange={(e) => {
                    setBankAccountId(e.target.value);
                    setDepositBatchId('');
                  }}
                >
                  <option value="">Default</option>
                  {usableAccounts.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name} · {a.identifier}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {BATCHED_METHODS.has(method) ? (
              <Field
                label="Deposit batch"
                error={errors.depositBatchId}
                hint={openBatches.length === 0 ? 'No open batch in this currency' : undefined}
              >
                {(p) => (
                  <select
                    {...p}
                    value={depositBatchId}
                    onChange={(e) => setDepositBatchId(e.target.value)}
                  >
                    <option value="">None</option>
                    {openBatches.map((b) => (
                      <option key={b.id} value={b.id}>
                        {b.number} · {b.bankAccountName}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            ) : null}
            <TextField
              label="Memo"
              className="span-2"
              maxLength={1000}
              value={memo}
              onChange={setMemo}
              error={errors.memo}
            />
          </div>
        </Section>

        {kind === 'receipt' ? (
          <Section title="Apply to open items">
            <PaymentAllocationEditor
              customerId={customer?.id ?? null}
              currency={currency}
              received={received}
              date={receivedDate}
              rows={rows}
              onChange={setRows}
              errors={errors}
              showAll={tried}
            />
          </Section>
        ) : (
          <p className="muted">
            A prepayment is held as a customer deposit and applied once invoices are raised.
          </p>
        )}

        <div className="form-actions sticky-actions">
          <button
            type="button"
            className="btn btn-primary"
            disabled={save.isPending}
            onClick={submit}
          >
            {save.isPending ? 'Recording…' : 'Record payment'}
          </button>
          <Link to="/payments" className="btn btn-ghost">
            Cancel
          </Link>
        </div>
      </form>
    </div>
  );
}
