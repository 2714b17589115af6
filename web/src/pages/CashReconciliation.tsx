// Bank credits against receipts, day by day, for one bank account: what the bank shows, what
// was recorded, what was matched, and what is left on either side.
import { Fragment, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { PAYMENT_METHOD_LABELS, formatDate, formatMoney, label, todayIso } from '../format.ts';
import * as pay from '../payments-api.ts';
import type { CashReconciliationDay } from '../payments-api.ts';
import { Money, NotAvailable, isMissingRoute } from '../components/ledger-ui.tsx';
import { DateField } from '../components/PaymentUi.tsx';
import { Empty, ErrorBanner, Field, Spinner } from '../components/ui.tsx';

const FIGURES = ['bankCredits', 'receipts', 'matched', 'difference'] as const;

/** The first day of the month of an ISO date: the default start of the range. */
function monthStart(date: string): string {
  return `${date.slice(0, 8)}01`;
}

const isZero = (v: string) => /^-?0*(\.0*)?$/.test(v);

export function CashReconciliationPage() {
  const [chosenAccount, setChosenAccount] = useState('');
  const [from, setFrom] = useState(monthStart(todayIso()));
  const [to, setTo] = useState(todayIso());
  const [open, setOpen] = useState<Set<string>>(new Set());
  const accounts = useQuery({ queryKey: ['bank-accounts'], queryFn: pay.listBankAccounts });
  const bankAccountId = chosenAccount || accounts.data?.find((a) => a.active)?.id || '';
  const report = useQuery({
    queryKey: ['cash-reconciliation', bankAccountId, from, to],
    queryFn: () => pay.getCashReconciliation({ bankAccountId, from, to }),
    enabled: !!bankAccountId && !!from && !!to,
    placeholderData: keepPreviousData,
  });
  const toggle = (date: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(date)) next.delete(date);
      else next.add(date);
      return next;
    });
  const data = report.data;

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Cash reconciliation</h1>
          <div className="header-meta">
            Each day's bank credits against the receipts recorded for the account.
          </div>
        </div>
      </div>
      <div className="toolbar" role="group" aria-label="Reconciliation range">
        <Field label="Bank account" className="field-inline">
          {(p) => (
            <select {...p} value={bankAccountId} onChange={(e) => setChosenAccount(e.target.value)}>
              {(accounts.data ?? []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} · {a.identifier} ({a.currency})
                </option>
              ))}
            </select>
          )}
        </Field>
        <DateField label="From" className="field-inline" value={from} onChange={setFrom} />
        <DateField label="To" className="field-inline" value={to} onChange={setTo} />
      </div>
      {accounts.data && accounts.data.length === 0 ? <Empty>No bank accounts yet.</Empty> : null}
      {isMissingRoute(report.error) ? <NotAvailable what="Cash reconciliation" /> : null}
      {report.error && !isMissingRoute(report.error) ? <ErrorBanner error={report.error} /> : null}
      {report.isFetching && !data ? <Spinner /> : null}
      {data ? (
        <div className={`table-wrap${report.isFetching ? ' is-fetching' : ''}`}>
          <table className="data-table" aria-label="Cash reconciliation">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col" className="num">
                  Bank credits
                </th>
                <th scope="col" className="num">
                  Receipts
                </th>
                <th scope="col" className="num">
                  Matched
                </th>
                <th scope="col" className="num">
                  Difference
                </th>
                <th scope="col">Unmatched</th>
              </tr>
            </thead>
            <tbody>
              {data.days.map((d) => (
                <DayRows
                  key={d.date}
                  day={d}
                  currency={data.currency}
                  expanded={open.has(d.date)}
                  onToggle={() => toggle(d.date)}
                />
              ))}
              {data.days.length === 0 ? (
                <tr>
                  <td colSpan={6}>
                    <Empty>No bank lines or receipts in this range.</Empty>
                  </td>
                </tr>
              ) : null}
            </tbody>
            <tfoot>
              <tr className="total-row" data-testid="rec-total">
                <td>Total {data.currency}</td>
                {FIGURES.map((f) => (
                  <td key={f} className="num">
                    {formatMoney(data.totals[f])}
                  </td>
                ))}
                <td />
              </tr>
            </tfoot>
          </table>
        </div>
      ) : null}
    </div>
  );
}

function DayRows({
  day,
  currency,
  expanded,
  onToggle,
}: {
  day: CashReconciliationDay;
  currency: string;
  expanded: boolean;
  onToggle: () => void;
}) {
  const unmatched = day.unmatchedBankLines.length + day.unmatchedReceipts.length;
  const elsewhere = day.matchedOnOtherDays.length;
  const shown = [
    unmatched > 0 ? `${unmatched} unmatched` : null,
    elsewhere > 0 ? `${elsewhere} on another day` : null,
  ]
    .filter(Boolean)
    .join(', ');
  const off = !isZero(day.difference);
  return (
    <Fragment>
      <tr data-testid="rec-day" className={off ? 'rec-off' : undefined}>
        <td>{formatDate(day.date)}</td>
        <td className="num">
          <Money value={day.bankCredits} />
        </td>
        <td className="num">
          <Money value={day.receipts} />
        </td>
        <td className="num">
          <Money value={day.matched} />
        </td>
        <td className={`num${off ? ' overdue' : ''}`} data-testid="rec-day-difference">
          <Money value={day.difference} />
        </td>
        <td>
          {shown ? (
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              aria-expanded={expanded}
              onClick={onToggle}
            >
              {expanded ? 'Hide' : 'Show'} {shown}
            </button>
          ) : (
            <span className="ok-text">All matched</span>
          )}
        </td>
      </tr>
      {expanded ? (
        <tr className="rec-detail">
          <td />
          <td colSpan={5}>
            <div className="rec-lists">
              <div>
                <h3>Bank lines without a receipt</h3>
                {day.unmatchedBankLines.length === 0 ? (
                  <p className="muted">None</p>
                ) : (
                  <ul>
                    {day.unmatchedBankLines.map((l) => (
                      <li key={l.lineId}>
                        <Link
                          to="/cash/statements/$id"
                          params={{ id: l.statementId }}
                          search={{ line: l.lineId }}
                        >
                          {formatMoney(l.amount)} {currency}
                        </Link>{' '}
                        {l.counterpartyName ?? 'unknown payer'}
                        {l.remittanceInfo ? (
                          <span className="muted"> · {l.remittanceInfo}</span>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
              <div>
                <h3>Receipts not seen at the bank</h3>
                {day.unmatchedReceipts.length === 0 ? (
                  <p className="muted">None</p>
                ) : (
                  <ul>
                    {day.unmatchedReceipts.map((r) => (
                      <li key={r.paymentId ?? r.depositBatchId ?? r.number}>
                        <ReceiptLink
                          number={r.number}
                          paymentId={r.paymentId}
                          depositBatchId={r.depositBatchId}
                        />{' '}
                        <strong>
                          {formatMoney(r.amount)} {currency}
                        </strong>{' '}
                        {r.paymentId ? label(PAYMENT_METHOD_LABELS, r.method) : 'deposit batch'}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
              {elsewhere > 0 ? (
                <div data-testid="rec-other-days">
                  <h3>Matched on another day</h3>
                  <ul>
                    {day.matchedOnOtherDays.map((m) => (
                      <li key={`${m.side}-${m.paymentId ?? m.depositBatchId ?? m.number}`}>
                        <ReceiptLink
                          number={m.number}
                          paymentId={m.paymentId}
                          depositBatchId={m.depositBatchId}
                        />{' '}
                        <strong>
                          {formatMoney(m.amount)} {currency}
                        </strong>{' '}
                        {m.side === 'bank'
                          ? `at the bank today, recorded on ${formatDate(m.otherDate)}`
                          : `recorded today, at the bank on ${formatDate(m.otherDate)}`}
                      </li>
                    ))}
                  </ul>
                </div>
              ) : null}
            </div>
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}

/** A receipt's page, or a deposit batch's. */
function ReceiptLink({
  number,
  paymentId,
  depositBatchId,
}: {
  number: string;
  paymentId: string | null;
  depositBatchId: string | null;
}) {
  return paymentId ? (
    <Link to="/payments/$id" params={{ id: paymentId }} className="mono">
      {number}
    </Link>
  ) : (
    <Link to="/cash/deposits" search={{ batch: depositBatchId ?? undefined }} className="mono">
      {number}
    </Link>
  );
}
