import { useState } from 'react';
import type { ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ArApplication, DocumentKind } from '../api.ts';
import { useCanEdit, useCanManage } from '../auth.ts';
import {
  APPLICATION_VIA_LABELS,
  DEDUCTION_REASON_LABELS,
  DOCUMENT_KIND_LABELS,
  PAYMENT_KIND_LABELS,
  PAYMENT_METHOD_LABELS,
  REVERSAL_KIND_LABELS,
  decimalToMinor,
  formatDate,
  formatDateTime,
  formatMoney,
  label,
} from '../format.ts';
import * as pay from '../payments-api.ts';
import type { PaymentApplication, PaymentDetail } from '../payments-api.ts';
import { UnapplyDialog } from '../components/DocumentDialogs.tsx';
import { DocLink, Kpi, Money } from '../components/ledger-ui.tsx';
import {
  ApplyPaymentDialog,
  AssignCustomerDialog,
  RefundPaymentDialog,
  ReversePaymentDialog,
} from '../components/PaymentDialogs.tsx';
import { CashTable, cashColumns } from '../components/PaymentTable.tsx';
import {
  DeductionStatusBadge,
  FactList,
  Notice,
  PaymentStatusBadge,
  invalidateCash,
} from '../components/PaymentUi.tsx';
import { Empty, ErrorBanner, Section, Spinner } from '../components/ui.tsx';

export const paymentKey = (id: string) => ['payments', 'detail', id] as const;

type DialogName = 'apply' | 'assign' | 'reverse' | 'refund';

export function PaymentDetailPage({ id }: { id: string }) {
  const payment = useQuery({ queryKey: paymentKey(id), queryFn: () => pay.getPayment(id) });
  if (payment.isPending) return <Spinner label="Loading payment…" />;
  if (payment.error) {
    return (
      <div className="page">
        <p>
          <Link to="/payments">← Payments</Link>
        </p>
        <ErrorBanner error={payment.error} />
      </div>
    );
  }
  return <PaymentView payment={payment.data} />;
}

/** The payment's applications in the shape the shared unapply dialog takes. */
function asArApplication(a: PaymentApplication): ArApplication {
  return { ...a, documentKind: a.documentKind as DocumentKind, by: '' };
}

function PaymentView({ payment }: { payment: PaymentDetail }) {
  const editable = useCanEdit();
  const manager = useCanManage();
  const [dialog, setDialog] = useState<DialogName | null>(null);
  const [unapplying, setUnapplying] = useState<PaymentApplication | null>(null);
  const [notice, setNotice] = useState<{ text: string } | null>(null);
  const qc = useQueryClient();
  const done = (text: string) => {
    setDialog(null);
    setUnapplying(null);
    setNotice({ text });
    // The shared unapply dialog refreshes documents and the ledger, not the payment pages.
    void invalidateCash(qc);
  };
  const live = payment.status !== 'reversed';
  const unapplied = decimalToMinor(payment.unappliedAmount, payment.currency) ?? 0n;
  const held = decimalToMinor(payment.heldAmount, payment.currency) ?? 0n;

  const actions: ReactNode[] = [];
  const action = (name: DialogName, text: string, className = 'btn') =>
    actions.push(
      <button key={name} type="button" className={className} onClick={() => setDialog(name)}>
        {text}
      </button>,
    );
  if (editable && live && payment.customerId && unapplied > 0n) {
    action('apply', 'Apply to invoices', 'btn btn-primary');
  }
  if (editable && live && !payment.customerId) {
    action('assign', 'Assign customer', 'btn btn-primary');
  }
  if (manager && live && payment.customerId && unapplied > 0n) {
    action('refund', 'Refund unapplied');
  }
  if (editable && live) action('reverse', 'Reverse', 'btn btn-danger-text');

  const dialogProps = { payment, onClose: () => setDialog(null), onDone: done };
  return (
    <div className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/payments">Payments</Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">{payment.number}</span>
      </nav>
      <div className="page-header customer-header">
        <div>
          <h1>
            <span>
              {label(PAYMENT_KIND_LABELS, payment.kind)}{' '}
              <span className="mono doc-number" data-testid="payment-number">
                {payment.number}
              </span>
            </span>
            <span data-testid="payment-status">
              <PaymentStatusBadge status={payment.status} />
            </span>
          </h1>
          <div className="header-meta">
            {payment.customerId ? (
              <Link
                to="/customers/$id"
                params={{ id: payment.customerId }}
                search={{ tab: 'account' }}
              >
                {payment.customerName}
              </Link>
            ) : (
              <span className="badge badge-danger">Customer not identified</span>
            )}
            <span>{label(PAYMENT_METHOD_LABELS, payment.method)}</span>
            {payment.reference ? <span className="mono">{payment.reference}</span> : null}
            <span>Received {formatDate(payment.receivedDate)}</span>
          </div>
        </div>
        <dl className="kpis">
          <Kpi label="Amount" testId="payment-amount">
            <Money value={payment.amount} currency={payment.currency} showCurrency />
          </Kpi>
          <Kpi label="Applied" testId="payment-applied">
            <Money value={payment.appliedAmount} />
          </Kpi>
          <Kpi label="Unapplied" testId="payment-unapplied">
            <Money value={payment.unappliedAmount} />
          </Kpi>
          {held > 0n ? (
            <Kpi label={payment.customerId ? 'Held as deposit' : 'In suspense'}>
              <Money value={payment.heldAmount} />
            </Kpi>
          ) : null}
        </dl>
      </div>

      {actions.length > 0 ? (
        <div className="action-bar" role="toolbar" aria-label="Payment actions">
          {actions}
        </div>
      ) : null}
      <Notice notice={notice} />
      {payment.status === 'reversed' ? (
        <div className="alert alert-error" role="note" data-testid="reversal-note">
          Reversed on {formatDate(payment.reversedDate)}
          {payment.reversalKind ? ` (${label(REVERSAL_KIND_LABELS, payment.reversalKind)})` : ''}
          {payment.reversalReason ? `: ${payment.reversalReason}` : ''}
          {payment.feeDocumentId ? (
            <>
              {' '}
              ·{' '}
              <Link to="/documents/$id" params={{ id: payment.feeDocumentId }}>
                returned-item fee charged as a debit memo
              </Link>
            </>
          ) : null}
        </div>
      ) : null}

      <Section title="Details">
        <PaymentFacts payment={payment} />
      </Section>

      <Section title="Applications">
        <ApplicationsTable
          payment={payment}
          canUnapply={editable && live}
          onUnapply={setUnapplying}
        />
      </Section>

      {payment.deductions.length > 0 ? (
        <Section title="Deductions">
          <CashTable
            label="Deductions"
            columns={deductionColumns}
            data={payment.deductions}
            rowKey={(d) => d.id}
            rowTestId="deduction-row"
          />
        </Section>
      ) : null}

      {payment.documents.length > 0 ? (
        <Section title="Documents">
          <CashTable
            label="Documents"
            columns={documentColumns}
            data={payment.documents}
            rowKey={(d) => d.id}
            rowTestId="payment-document-row"
          />
        </Section>
      ) : null}

      {dialog === 'apply' ? <ApplyPaymentDialog {...dialogProps} /> : null}
      {dialog === 'assign' ? <AssignCustomerDialog {...dialogProps} /> : null}
      {dialog === 'reverse' ? <ReversePaymentDialog {...dialogProps} /> : null}
      {dialog === 'refund' ? <RefundPaymentDialog {...dialogProps} /> : null}
      {unapplying ? (
        <UnapplyDialog
          application={asArApplication(unapplying)}
          currency={payment.currency}
          onClose={() => setUnapplying(null)}
          onDone={done}
        />
      ) : null}
    </div>
  );
}

function PaymentFacts({ payment }: { payment: PaymentDetail }) {
  const line = payment.statementLine;
  const batch = payment.depositBatchNumber ? (
    <Link to="/cash/deposits" search={{ batch: payment.depositBatchId ?? undefined }}>
      {payment.depositBatchNumber}
    </Link>
  ) : null;
  const bankLine = line ? (
    <Link
      to="/cash/statements/$id"
      params={{ id: line.statementId }}
      search={{ line: line.id }}
      data-testid="statement-line-link"
    >
      Line {line.lineNo}
      {line.bookingDate ? ` of ${formatDate(line.bookingDate)}` : ''} · {formatMoney(line.amount)}
      {line.counterpartyName ? ` · ${line.counterpartyName}` : ''}
    </Link>
  ) : null;
  return (
    <FactList
      facts={[
        { label: 'Received', value: formatDate(payment.receivedDate) },
        { label: 'Method', value: label(PAYMENT_METHOD_LABELS, payment.method) },
        { label: 'Reference', value: payment.reference },
        { label: 'Payer', value: payment.payerName },
        { label: 'Payer account', value: payment.payerAccount },
        { label: 'Bank account', value: payment.bankAccountName },
        { label: 'Deposit batch', value: batch },
        { label: 'Bank statement line', value: bankLine },
        { label: 'External id', value: payment.externalId },
        {
          label: 'Created',
          value: `${formatDateTime(payment.createdAt)} by ${payment.createdBy}`,
        },
        { label: 'Memo', value: payment.memo, wide: true },
      ]}
    />
  );
}

function ApplicationsTable({
  payment,
  canUnapply,
  onUnapply,
}: {
  payment: PaymentDetail;
  canUnapply: boolean;
  onUnapply: (a: PaymentApplication) => void;
}) {
  if (payment.applications.length === 0) return <Empty>Nothing applied yet.</Empty>;
  const col = cashColumns<PaymentApplication>();
  const columns = col.columns([
    col.accessor('date', { header: 'Date', cell: (i) => formatDate(i.getValue()) }),
    col.accessor('documentNumber', {
      header: 'Applied to',
      cell: (i) => {
        const a = i.row.original;
        return <DocLink id={a.documentId} kind={a.documentKind} number={a.documentNumber} />;
      },
    }),
    col.accessor('via', { header: 'As', cell: (i) => label(APPLICATION_VIA_LABELS, i.getValue()) }),
    col.accessor('amount', {
      header: 'Amount',
      meta: { numeric: true },
      cell: (i) => <Money value={i.getValue()} />,
    }),
    col.accessor('reason', {
      header: 'Note',
      meta: { className: 'wrap' },
      cell: (i) => {
        const a = i.row.original;
        return (
          <>
            {a.reversesApplicationId ? (
              <span className="badge badge-neutral">Unapplication</span>
            ) : null}
            {a.reversed ? <span className="badge badge-neutral">Unapplied</span> : null}{' '}
            {i.getValue() ?? ''}
          </>
        );
      },
    }),
    col.display({
      id: 'actions',
      header: () => <span className="sr-only">Actions</span>,
      meta: { className: 'actions' },
      cell: (i) => {
        const a = i.row.original;
        if (!canUnapply || a.reversed || a.reversesApplicationId) return null;
        return (
          <button type="button" className="btn btn-sm" onClick={() => onUnapply(a)}>
            Unapply
          </button>
        );
      },
    }),
  ]);
  return (
    <CashTable
      label="Applications"
      columns={columns}
      data={payment.applications}
      rowKey={(a) => a.id}
      rowTestId="payment-application-row"
      rowClass={(a) => (a.reversed ? 'muted' : undefined)}
    />
  );
}

const dcol = cashColumns<PaymentDetail['deductions'][number]>();
const deductionColumns = dcol.columns([
  dcol.accessor('documentNumber', {
    header: 'Invoice',
    cell: (i) => <DocLink id={i.row.original.documentId} kind="invoice" number={i.getValue()} />,
  }),
  dcol.accessor('amount', {
    header: 'Deducted',
    meta: { numeric: true },
    cell: (i) => <Money value={i.getValue()} />,
  }),
  dcol.accessor('openAmount', {
    header: 'Open',
    meta: { numeric: true },
    cell: (i) => <Money value={i.getValue()} />,
  }),
  dcol.accessor('reasonCode', {
    header: 'Reason',
    cell: (i) => label(DEDUCTION_REASON_LABELS, i.getValue()),
  }),
  dcol.accessor('note', { header: 'Note', meta: { className: 'wrap' } }),
  dcol.accessor('status', {
    header: 'Status',
    cell: (i) => (
      <DeductionStatusBadge status={i.getValue()} resolution={i.row.original.resolution} />
    ),
  }),
]);

const ocol = cashColumns<PaymentDetail['documents'][number]>();
const documentColumns = ocol.columns([
  ocol.accessor('kind', { header: 'Kind', cell: (i) => label(DOCUMENT_KIND_LABELS, i.getValue()) }),
  ocol.accessor('number', {
    header: 'Document',
    cell: (i) => (
      <DocLink id={i.row.original.id} kind={i.row.original.kind} number={i.getValue()} />
    ),
  }),
  ocol.accessor('date', { header: 'Date', cell: (i) => formatDate(i.getValue()) }),
  ocol.accessor('amount', {
    header: 'Amount',
    meta: { numeric: true },
    cell: (i) => <Money value={i.getValue()} />,
  }),
  ocol.accessor('open', {
    header: 'Open',
    meta: { numeric: true },
    cell: (i) => <Money value={i.getValue()} />,
  }),
  ocol.accessor('state', { header: 'State', cell: (i) => label({}, i.getValue()) }),
]);
