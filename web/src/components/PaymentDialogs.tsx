// The actions on a payment: apply to invoices, assign the customer, reverse, refund.
import { useState } from 'react';
import * as api from '../api.ts';
import {
  REFUND_METHOD_LABELS,
  REVERSAL_KIND_LABELS,
  currencyExponent,
  formatMoney,
  readMoneyInput,
  todayIso,
} from '../format.ts';
import * as pay from '../payments-api.ts';
import type { PaymentDetail, ReversalKind } from '../payments-api.ts';
import { CustomerPicker } from './CustomerPicker.tsx';
import type { PickedCustomer } from './CustomerPicker.tsx';
import { PaymentAllocationEditor } from './PaymentAllocationEditor.tsx';
import { allocationTotals, applicationsForApi } from './PaymentAllocation.ts';
import type { AllocationRow } from './PaymentAllocation.ts';
import {
  ActionDialog,
  AmountField,
  ChoiceField,
  DateField,
  TextField,
  useCashWrite,
} from './PaymentUi.tsx';
import { Field, fieldErrorsOf } from './ui.tsx';

interface PaymentDialogProps {
  payment: PaymentDetail;
  onClose: () => void;
  onDone: (message: string) => void;
}

const amountOf = (p: PaymentDetail) => `${formatMoney(p.amount)} ${p.currency}`;

export function ApplyPaymentDialog({ payment, onClose, onDone }: PaymentDialogProps) {
  const [rows, setRows] = useState<AllocationRow[]>([]);
  const [date, setDate] = useState('');
  const [tried, setTried] = useState(false);
  const m = useCashWrite(
    (b: { date?: string | undefined; applications: pay.ApplicationInput[] }, key) =>
      pay.applyPayment(payment.id, b, key),
    (p) => onDone(`Applied; ${formatMoney(p.unappliedAmount)} ${p.currency} left unapplied`),
  );
  const applyDate = date || todayIso();
  const totals = allocationTotals(rows, payment.unappliedAmount, applyDate, payment.currency);
  const submit = () => {
    setTried(true);
    if (rows.length === 0 || !totals.rowsValid || totals.overApplied) return;
    m.mutate({
      date: date || undefined,
      applications: applicationsForApi(rows, applyDate, payment.currency),
    });
  };
  const errs = fieldErrorsOf(m.error);
  return (
    <ActionDialog
      placed={['date']}
      title={`Apply ${payment.number} to invoices`}
      intro={
        <p>
          Unapplied on this payment:{' '}
          <strong>
            {formatMoney(payment.unappliedAmount)} {payment.currency}
          </strong>
        </p>
      }
      submitLabel="Apply"
      mutation={m}
      onSubmit={submit}
      onClose={onClose}
      wide
    >
      <div className="grid grid-4">
        <DateField
          label="Application date"
          value={date}
          onChange={setDate}
          error={errs.date}
          hint="Blank: today"
        />
      </div>
      <PaymentAllocationEditor
        customerId={payment.customerId}
        currency={payment.currency}
        received={payment.unappliedAmount}
        receivedLabel="Available to apply"
        date={applyDate}
        rows={rows}
        onChange={setRows}
        errors={errs}
        showAll={tried}
      />
      {tried && rows.length === 0 ? (
        <div className="field-error" role="alert">
          Choose at least one open item.
        </div>
      ) : null}
    </ActionDialog>
  );
}

export function AssignCustomerDialog({ payment, onClose, onDone }: PaymentDialogProps) {
  const [customer, setCustomer] = useState<PickedCustomer | null>(null);
  const [tried, setTried] = useState(false);
  const m = useCashWrite(
    (b: { customerId: string }, key) => pay.assignCustomer(payment.id, b, key),
    (p) => onDone(`${p.number} now belongs to ${p.customerName ?? 'the customer'}`),
  );
  const errs = fieldErrorsOf(m.error);
  return (
    <ActionDialog
      placed={['customerId']}
      title={`Assign ${payment.number} to a customer`}
      intro={
        <p>
          The {amountOf(payment)} leave unapplied-cash suspense for the customer's account, ready to
          apply to their invoices.
        </p>
      }
      submitLabel="Assign customer"
      mutation={m}
      onSubmit={() => {
        setTried(true);
        if (customer) m.mutate({ customerId: customer.id });
      }}
      onClose={onClose}
    >
      <Field
        label="Customer"
        required
        error={errs.customerId ?? (tried && !customer ? 'Choose a customer' : undefined)}
      >
        {(p) => <CustomerPicker {...p} value={customer} onChange={setCustomer} />}
      </Field>
    </ActionDialog>
  );
}

export function ReversePaymentDialog({ payment, onClose, onDone }: PaymentDialogProps) {
  const [kind, setKind] = useState<ReversalKind>('nsf');
  const [reason, setReason] = useState('');
  const [date, setDate] = useState('');
  const [fee, setFee] = useState('');
  const [feeError, setFeeError] = useState<string | null>(null);
  const m = useCashWrite(
    (b: pay.ReverseInput, key) => pay.reversePayment(payment.id, b, key),
    (p) => onDone(`${p.number} was reversed`),
  );
  const errs = fieldErrorsOf(m.error);
  const submit = () => {
    const read = readMoneyInput(fee, payment.currency);
    if (!read.ok) {
      setFeeError(read.error);
      return;
    }
    setFeeError(null);
    m.mutate({ kind, reason, date: date || undefined, fee: read.value ?? undefined });
  };
  return (
    <ActionDialog
      placed={['kind', 'date', 'fee', 'reason']}
      title={`Reverse ${payment.number}`}
      intro={
        <p className="muted">
          The {amountOf(payment)} go back out of the bank account; every invoice it paid gets its
          balance back, its discounts and short-pay write-offs are undone. This cannot be undone.
        </p>
      }
      submitLabel="Reverse payment"
      tone="danger"
      mutation={m}
      onSubmit={submit}
      onClose={onClose}
    >
      <div className="grid grid-2">
        <ChoiceField
          label="Why it came back"
          required
          options={pay.REVERSAL_KINDS}
          labels={REVERSAL_KIND_LABELS}
          value={kind}
          onChange={setKind}
          error={errs.kind}
        />
        <DateField
          label="Reversal date"
          value={date}
          onChange={setDate}
          error={errs.date}
          hint="Blank: today"
        />
        <AmountField
          label={`Returned-item fee (${payment.currency})`}
          value={fee}
          onChange={setFee}
          error={feeError ?? errs.fee}
          hint="Optional: charged to the customer as a debit memo"
        />
      </div>
      <TextField
        label="Reason"
        required
        multiline
        value={reason}
        onChange={setReason}
        error={errs.reason}
      />
    </ActionDialog>
  );
}

const REFUND_METHODS: api.RefundMethod[] = ['check', 'ach', 'wire', 'card', 'cash', 'other'];

export function RefundPaymentDialog({ payment, onClose, onDone }: PaymentDialogProps) {
  const [amount, setAmount] = useState(payment.unappliedAmount);
  const [method, setMethod] = useState<api.RefundMethod>('ach');
  const [reference, setReference] = useState('');
  const [reason, setReason] = useState('');
  const [amountError, setAmountError] = useState<string | null>(null);
  const m = useCashWrite(
    (b: pay.PaymentRefundInput, key) => pay.refundPayment(payment.id, b, key),
    (_result, body) =>
      onDone(
        `Refunded ${formatMoney(body.amount, currencyExponent(payment.currency))} ${payment.currency}`,
      ),
  );
  const errs = fieldErrorsOf(m.error);
  const submit = () => {
    const read = readMoneyInput(amount, payment.currency);
    if (!read.ok || read.value === null) {
      setAmountError(read.ok ? 'Required' : read.error);
      return;
    }
    setAmountError(null);
    m.mutate({ amount: read.value, method, reason, reference: reference.trim() || undefined });
  };
  return (
    <ActionDialog
      placed={['amount', 'method', 'reference', 'reason']}
      title={`Refund unapplied cash of ${payment.number}`}
      intro={
        <p>
          Unapplied:{' '}
          <strong>
            {formatMoney(payment.unappliedAmount)} {payment.currency}
          </strong>
        </p>
      }
      submitLabel="Post refund"
      mutation={m}
      onSubmit={submit}
      onClose={onClose}
    >
      <div className="grid grid-2">
        <AmountField
          label={`Amount (${payment.currency})`}
          required
          value={amount}
          onChange={setAmount}
          error={amountError ?? errs.amount}
        />
        <ChoiceField
          label="Method"
          required
          options={REFUND_METHODS}
          labels={REFUND_METHOD_LABELS}
          value={method}
          onChange={setMethod}
          error={errs.method}
        />
        <TextField
          label="Reference"
          value={reference}
          onChange={setReference}
          error={errs.reference}
        />
      </div>
      <TextField
        label="Reason"
        required
        multiline
        value={reason}
        onChange={setReason}
        error={errs.reason}
      />
    </ActionDialog>
  );
}
