// The selected bank line in the workbench: what the bank says, the matcher's suggestions with
// their evidence, and the actions (accept, split / apply manually, unidentified, ignore, link).
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useCanEdit } from '../auth.ts';
import { PAYMENT_METHOD_LABELS, formatDate, formatMoney, label, todayIso } from '../format.ts';
import * as pay from '../payments-api.ts';
import type { LineAction, StatementLine, Suggestion } from '../payments-api.ts';
import { CustomerPicker } from './CustomerPicker.tsx';
import type { PickedCustomer } from './CustomerPicker.tsx';
import { DocLink, Money } from './ledger-ui.tsx';
import { PaymentAllocationEditor } from './PaymentAllocationEditor.tsx';
import { allocationTotals, applicationsForApi, rowsFromAllocations } from './PaymentAllocation.ts';
import type { AllocationRow } from './PaymentAllocation.ts';
import {
  ActionDialog,
  FactList,
  LineStatusBadge,
  Notice,
  TextField,
  useCashWrite,
} from './PaymentUi.tsx';
import { ErrorBanner, Field, fieldErrorsOf, UnplacedErrors, useDebounced } from './ui.tsx';

/** A matcher score (0–1) as a whole percentage: "92 %". Not money: a float is fine here. */
export function scorePercent(score: number): string {
  return `${Math.round(score * 100)} %`;
}

const OPEN_STATUSES = new Set(['unmatched', 'suggested']);
const REOPENABLE = new Set(['ignored', 'duplicate']);

type Result = Awaited<ReturnType<typeof pay.lineAction>>;

function outcome(action: LineAction, result: Result): string {
  const payment = result.payment;
  switch (action.kind) {
    case 'accept':
    case 'apply':
      return payment ? `Applied as ${payment.number}` : 'Applied';
    case 'unidentified':
      return payment
        ? `Recorded as unidentified receipt ${payment.number}, held in suspense`
        : 'Recorded as an unidentified receipt';
    case 'ignore':
      return 'Line ignored';
    case 'reopen':
      return 'Line reopened';
    case 'link':
      return 'Line tied to the receipt';
  }
}

type Mode =
  | { kind: 'none' }
  | { kind: 'manual'; customer: PickedCustomer | null; rows: AllocationRow[] }
  | { kind: 'ignore' }
  | { kind: 'unidentified' }
  | { kind: 'link' };

export function CashLinePanel({ line }: { line: StatementLine }) {
  const editable = useCanEdit();
  const [mode, setMode] = useState<Mode>({ kind: 'none' });
  const [notice, setNotice] = useState<{ text: string } | null>(null);
  const act = useCashWrite(
    (a: LineAction, key) => pay.lineAction(line.id, a, key),
    (result, action) => {
      setMode({ kind: 'none' });
      setNotice({ text: outcome(action, result) });
    },
  );
  const open = OPEN_STATUSES.has(line.status);
  const manual = (s?: Suggestion) =>
    setMode({
      kind: 'manual',
      customer: s ? { id: s.customerId, accountNumber: '', name: s.customerName } : null,
      rows: s ? rowsFromAllocations(s.allocations, line.currency) : [],
    });
  const close = () => setMode({ kind: 'none' });

  return (
    <section className="card line-panel" data-testid="line-panel">
      <header className="card-header">
        <h2>
          Line {line.lineNo} ·{' '}
          <span data-testid="line-amount">
            {formatMoney(line.amount)} {line.currency}
          </span>
        </h2>
        <span data-testid="line-status">
          <LineStatusBadge status={line.status} />
        </span>
      </header>
      <div className="card-body">
        <LineFacts line={line} />
        {editable && (open || REOPENABLE.has(line.status)) ? (
          <div className="action-bar line-actions" role="toolbar" aria-label="Line actions">
            {open ? (
              <>
                <button type="button" className="btn" onClick={() => manual()}>
                  Apply manually
                </button>
                <button type="button" className="btn" onClick={() => setMode({ kind: 'link' })}>
                  Link to a receipt
                </button>
                <button
                  type="button"
                  className="btn"
                  onClick={() => setMode({ kind: 'unidentified' })}
                >
                  Unidentified
                </button>
                <button
                  type="button"
                  className="btn btn-danger-text"
                  onClick={() => setMode({ kind: 'ignore' })}
                >
                  Ignore
                </button>
              </>
            ) : (
              <button
                type="button"
                className="btn"
                disabled={act.isPending}
                onClick={() => act.mutate({ kind: 'reopen', body: {} })}
              >
                Reopen
              </button>
            )}
          </div>
        ) : null}
        <Notice notice={notice} />
        {act.error && mode.kind === 'none' ? (
          <>
            <ErrorBanner error={act.error} />
            <UnplacedErrors errors={fieldErrorsOf(act.error)} placed={[]} />
          </>
        ) : null}
        {open ? (
          <Suggestions
            line={line}
            editable={editable}
            pending={act.isPending}
            onAccept={(index) => act.mutate({ kind: 'accept', body: { suggestion: index } })}
            onSplit={manual}
          />
        ) : null}
      </div>
      {mode.kind === 'manual' ? (
        <ManualApplyDialog
          line={line}
          customer={mode.customer}
          rows={mode.rows}
          onChange={(customer, rows) => setMode({ kind: 'manual', customer, rows })}
          mutation={act}
          onClose={close}
        />
      ) : null}
      {mode.kind === 'ignore' ? <IgnoreDialog mutation={act} onClose={close} /> : null}
      {mode.kind === 'unidentified' ? (
        <ActionDialog
          title="Record as an unidentified receipt"
          intro={
            <p>
              The {formatMoney(line.amount)} {line.currency} from{' '}
              {line.counterpartyName ?? 'an unknown payer'} become a receipt held in unapplied-cash
              suspense, until someone names the customer on the payment's page.
            </p>
          }
          submitLabel="Record unidentified receipt"
          mutation={act}
          onSubmit={() => act.mutate({ kind: 'unidentified', body: {} })}
          onClose={close}
        >
          {null}
        </ActionDialog>
      ) : null}
      {mode.kind === 'link' ? <LinkDialog line={line} mutation={act} onClose={close} /> : null}
    </section>
  );
}

function LineFacts({ line }: { line: StatementLine }) {
  const mono = (text: string | null) => (text ? <span className="mono">{text}</span> : null);
  const payment = line.paymentId ? (
    <Link to="/payments/$id" params={{ id: line.paymentId }} className="mono">
      {line.paymentNumber}
    </Link>
  ) : null;
  return (
    <FactList
      narrow
      facts={[
        { label: 'Booked', value: formatDate(line.bookingDate) || '—' },
        { label: 'Value date', value: formatDate(line.valueDate) || '—' },
        { label: 'From', value: line.counterpartyName ?? '—' },
        { label: 'Account', value: mono(line.counterpartyAccount) ?? '—' },
        {
          label: 'Remittance',
          value: <span className="remittance-full">{line.remittanceInfo ?? '—'}</span>,
          wide: true,
        },
        { label: 'End-to-end id', value: mono(line.endToEndId) },
        { label: 'Bank reference', value: mono(line.bankReference) },
        { label: 'Transaction code', value: line.typeCode },
        { label: 'Payment', value: payment },
        { label: 'Note', value: line.statusNote, wide: true },
      ]}
    />
  );
}

function Suggestions({
  line,
  editable,
  pending,
  onAccept,
  onSplit,
}: {
  line: StatementLine;
  editable: boolean;
  pending: boolean;
  onAccept: (index: number) => void;
  onSplit: (s: Suggestion) => void;
}) {
  if (line.suggestions.length === 0) {
    return (
      <p className="muted" data-testid="no-suggestions">
        No customer matches this line. Apply it manually, or record it as unidentified.
      </p>
    );
  }
  return (
    <ol className="suggestions" aria-label="Suggestions">
      {line.suggestions.map((s, index) => (
        <li key={`${s.customerId}-${index}`} className="suggestion" data-testid="suggestion">
          <div className="suggestion-head">
            <Link to="/customers/$id" params={{ id: s.customerId }} className="suggestion-name">
              {s.customerName}
            </Link>
            <span className="badge badge-info" data-testid="suggestion-score">
              {scorePercent(s.score)}
            </span>
          </div>
          <ul className="evidence" aria-label="Evidence">
            {s.evidence.map((e) => (
              <li key={e} data-testid="evidence">
                {e}
              </li>
            ))}
          </ul>
          {s.allocations.length > 0 ? (
            <table className="data-table compact" aria-label="Proposed allocation">
              <thead>
                <tr>
                  <th scope="col">Invoice</th>
                  <th scope="col" className="num">
                    Open
                  </th>
                  <th scope="col" className="num">
                    Pay
                  </th>
                  <th scope="col" className="num">
                    Discount
                  </th>
                </tr>
              </thead>
              <tbody>
                {s.allocations.map((a) => (
                  <tr key={a.documentId} data-testid="suggestion-allocation">
                    <td>
                      <DocLink id={a.documentId} kind="invoice" number={a.number} />
                    </td>
                    <td className="num">{formatMoney(a.open)}</td>
                    <td className="num">{formatMoney(a.amount)}</td>
                    <td className="num">{formatMoney(a.discount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <p className="small muted">
            Unapplied after: <Money value={s.unapplied} /> · short: <Money value={s.shortPay} />
          </p>
          {editable ? (
            <div className="suggestion-actions">
              <button
                type="button"
                className="btn btn-primary btn-sm"
                disabled={pending}
                onClick={() => onAccept(index)}
              >
                Accept
              </button>
              <button type="button" className="btn btn-sm" onClick={() => onSplit(s)}>
                Split / apply manually
              </button>
            </div>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

function ManualApplyDialog({
  line,
  customer,
  rows,
  onChange,
  mutation,
  onClose,
}: {
  line: StatementLine;
  customer: PickedCustomer | null;
  rows: AllocationRow[];
  onChange: (customer: PickedCustomer | null, rows: AllocationRow[]) => void;
  mutation: { isPending: boolean; error: unknown; mutate: (a: LineAction) => void };
  onClose: () => void;
}) {
  const [tried, setTried] = useState(false);
  const date = line.bookingDate ?? todayIso();
  const totals = allocationTotals(rows, line.amount, date, line.currency);
  const errors = fieldErrorsOf(mutation.error);
  const submit = () => {
    setTried(true);
    if (!customer || !totals.rowsValid || totals.overApplied) return;
    mutation.mutate({
      kind: 'apply',
      body: {
        customerId: customer.id,
        applications: applicationsForApi(rows, date, line.currency),
      },
    });
  };
  return (
    <ActionDialog
      placed={['customerId']}
      title={`Apply line ${line.lineNo} manually`}
      intro={
        <p>
          {formatMoney(line.amount)} {line.currency} from{' '}
          {line.counterpartyName ?? 'an unknown payer'}
          {line.remittanceInfo ? <span className="muted"> · {line.remittanceInfo}</span> : null}
        </p>
      }
      submitLabel="Apply line"
      mutation={mutation}
      onSubmit={submit}
      onClose={onClose}
      wide
    >
      <Field
        label="Customer"
        required
        error={errors.customerId ?? (tried && !customer ? 'Choose a customer' : undefined)}
      >
        {(p) => (
          <CustomerPicker {...p} value={customer} onChange={(c) => onChange(c, c ? rows : [])} />
        )}
      </Field>
      <PaymentAllocationEditor
        customerId={customer?.id ?? null}
        currency={line.currency}
        received={line.amount}
        receivedLabel="Bank line"
        date={date}
        rows={rows}
        onChange={(r) => onChange(customer, r)}
        errors={errors}
        showAll={tried}
      />
      {customer && rows.length === 0 ? (
        <p className="muted small">
          Nothing allocated: the whole amount stays unapplied on the customer's account.
        </p>
      ) : null}
    </ActionDialog>
  );
}

function IgnoreDialog({
  mutation,
  onClose,
}: {
  mutation: { isPending: boolean; error: unknown; mutate: (a: LineAction) => void };
  onClose: () => void;
}) {
  const [reason, setReason] = useState('');
  return (
    <ActionDialog
      placed={['reason']}
      title="Ignore this line"
      intro={
        <p className="muted">
          An ignored line is not cash application's business (a transfer between own accounts, a
          refund received…). It can be reopened.
        </p>
      }
      submitLabel="Ignore line"
      tone="danger"
      mutation={mutation}
      onSubmit={() => mutation.mutate({ kind: 'ignore', body: { reason } })}
      onClose={onClose}
    >
      <TextField
        label="Reason"
        required
        multiline
        value={reason}
        onChange={setReason}
        error={fieldErrorsOf(mutation.error).reason}
      />
    </ActionDialog>
  );
}

function LinkDialog({
  line,
  mutation,
  onClose,
}: {
  line: StatementLine;
  mutation: { isPending: boolean; error: unknown; mutate: (a: LineAction) => void };
  onClose: () => void;
}) {
  const [text, setText] = useState(line.bankReference ?? '');
  const [paymentId, setPaymentId] = useState('');
  const q = useDebounced(text.trim(), 300);
  const found = useQuery({
    queryKey: ['payments', 'list', { q, limit: 20, link: true }],
    queryFn: ({ signal }) => pay.listPayments({ q: q || undefined, limit: 20 }, signal),
  });
  // a line is tied only to a receipt of its amount
  const candidates = (found.data?.items ?? []).filter(
    (p) => p.currency === line.currency && p.amount === line.amount && p.status !== 'reversed',
  );
  return (
    <ActionDialog
      title="Link to an existing receipt"
      intro={
        <p className="muted">
          For a receipt already recorded (a check keyed in before the bank reported it): the line is
          reconciled with it, no second payment is made.
        </p>
      }
      submitLabel="Link"
      mutation={mutation}
      onSubmit={() => paymentId && mutation.mutate({ kind: 'link', body: { paymentId } })}
      onClose={onClose}
      wide
    >
      <TextField
        label="Search receipts"
        value={text}
        onChange={setText}
        hint="Number, reference or payer"
      />
      <fieldset className="form-group link-candidates">
        <legend>
          Receipts of {formatMoney(line.amount)} {line.currency}
        </legend>
        {candidates.length === 0 ? (
          <p className="muted">{found.isPending ? 'Searching…' : 'No receipts match.'}</p>
        ) : (
          candidates.map((p) => (
            <label key={p.id} className="check">
              <input
                type="radio"
                name="link-payment"
                checked={paymentId === p.id}
                onChange={() => setPaymentId(p.id)}
              />
              <span className="mono">{p.number}</span> {formatDate(p.receivedDate)} ·{' '}
              {formatMoney(p.amount)} · {label(PAYMENT_METHOD_LABELS, p.method)} ·{' '}
              {p.customerName ?? p.payerName ?? 'unidentified'}
            </label>
          ))
        )}
      </fieldset>
    </ActionDialog>
  );
}
