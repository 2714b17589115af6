import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import * as api from '../api.ts';
import { errorMessage } from '../api.ts';
import { DOCUMENT_KIND_LABELS, formatDate, formatMoney, label } from '../format.ts';
import { DocLink, DocStatusBadge, Money, isMissingRoute, saveBlob } from './ledger-ui.tsx';
import { Empty, ErrorBanner, Section, Spinner } from './ui.tsx';

const ENTRY_LABELS: Record<string, string> = {
  ...DOCUMENT_KIND_LABELS,
  application: 'Application',
  unapplication: 'Unapplication',
  void: 'Void',
};

/** The customer's account: balances, every posting with the running balance, open items. */
export function CustomerAccountSection({
  customer,
  editable,
}: {
  customer: api.Customer;
  editable: boolean;
}) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [downloading, setDownloading] = useState(false);
  const account = useQuery({
    queryKey: ['customer-account', customer.id, from, to],
    queryFn: () =>
      api.getCustomerAccount(customer.id, { from: from || undefined, to: to || undefined }),
  });
  const open = useQuery({
    queryKey: ['documents', 'open', customer.id],
    queryFn: () =>
      api.listDocuments({
        customerId: customer.id,
        status: ['open', 'partially_paid', 'unapplied', 'partially_applied'],
        limit: 200,
      }),
  });

  const statement = useQuery({
    queryKey: ['customer-account', customer.id, 'statement', to],
    queryFn: () => api.getStatement(customer.id, to || undefined),
    retry: false,
  });

  async function downloadStatement() {
    setNotice(null);
    setDownloading(true);
    try {
      const asOf = to || undefined;
      const { blob, filename } = await api.fetchFile(api.statementPdfUrl(customer.id, asOf));
      saveBlob(blob, filename ?? `statement-${customer.accountNumber}.pdf`);
    } catch (err) {
      setNotice(
        isMissingRoute(err)
          ? 'Statements are not available on this server yet.'
          : errorMessage(err),
      );
    } finally {
      setDownloading(false);
    }
  }

  const a = account.data;
  return (
    <>
      <Section
        title="Account"
        actions={
          <>
            {editable ? (
              <>
                <Link to="/invoices/new" search={{ customer: customer.id }} className="btn btn-sm">
                  New invoice
                </Link>
                <Link
                  to="/memos/new"
                  search={{ kind: 'credit_memo', customer: customer.id }}
                  className="btn btn-sm"
                >
                  New credit memo
                </Link>
              </>
            ) : null}
            <button
              type="button"
              className="btn btn-sm"
              disabled={downloading}
              onClick={() => void downloadStatement()}
            >
              {downloading ? 'Preparing…' : 'Statement (PDF)'}
            </button>
          </>
        }
      >
        <div className="toolbar toolbar-flat" role="group" aria-label="Period">
          <div className="field field-inline">
            <label htmlFor="acct-from">From</label>
            <input
              id="acct-from"
              type="date"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
            />
          </div>
          <div className="field field-inline">
            <label htmlFor="acct-to">To</label>
            <input id="acct-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
          </div>
          {a ? (
            <span className="muted small">
              {formatDate(a.from)} – {formatDate(a.to)}
            </span>
          ) : null}
        </div>
        {notice ? (
          <div className="alert alert-info" role="status">
            {notice}
          </div>
        ) : null}
        {account.error ? <ErrorBanner error={account.error} /> : null}
        {account.isPending ? <Spinner /> : null}
        {a ? (
          <>
            <dl className="kpis account-kpis">
              <div>
                <dt>Opening balance</dt>
                <dd className="num" data-testid="opening-balance">
                  {formatMoney(a.openingBalance)} {a.currency}
                </dd>
              </div>
              <div>
                <dt>Closing balance</dt>
                <dd className="num" data-testid="closing-balance">
                  {formatMoney(a.closingBalance)} {a.currency}
                </dd>
              </div>
            </dl>
            {statement.data ? <Aging statement={statement.data} /> : null}
            {a.activity.length === 0 ? (
              <Empty>No postings in this period.</Empty>
            ) : (
              <div className="table-scroll">
                <table className="data-table" aria-label="Account activity">
                  <thead>
                    <tr>
                      <th scope="col">Date</th>
                      <th scope="col">Kind</th>
                      <th scope="col">Document</th>
                      <th scope="col">Description</th>
                      <th scope="col" className="num">
                        Debit
                      </th>
                      <th scope="col" className="num">
                        Credit
                      </th>
                      <th scope="col" className="num">
                        Balance
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    <tr className="muted">
                      <td>{formatDate(a.from)}</td>
                      <td colSpan={5}>Opening balance</td>
                      <td className="num">{formatMoney(a.openingBalance)}</td>
                    </tr>
                    {a.activity.map((row) => (
                      <tr key={row.entryId} data-testid="activity-row">
                        <td>{formatDate(row.date)}</td>
                        <td>{label(ENTRY_LABELS, row.kind)}</td>
                        <td>
                          {row.documentId ? (
                            <DocLink
                              id={row.documentId}
                              kind={row.kind}
                              number={row.documentNumber}
                            />
                          ) : (
                            <span className="muted">—</span>
                          )}
                        </td>
                        <td className="wrap">{row.description}</td>
                        <td className="num">{isZero(row.debit) ? '' : formatMoney(row.debit)}</td>
                        <td className="num">{isZero(row.credit) ? '' : formatMoney(row.credit)}</td>
                        <td className="num" data-testid="running-balance">
                          {formatMoney(row.balance)}
                        </td>
                      </tr>
                    ))}
                    <tr className="total-row">
                      <td>{formatDate(a.to)}</td>
                      <td colSpan={5}>Closing balance</td>
                      <td className="num">{formatMoney(a.closingBalance)}</td>
                    </tr>
                  </tbody>
                </table>
              </div>
            )}
          </>
        ) : null}
      </Section>

      <Section title="Open documents">
        {open.error ? <ErrorBanner error={open.error} /> : null}
        {open.isPending ? (
          <Spinner />
        ) : (open.data?.items.length ?? 0) === 0 ? (
          <Empty>Nothing open.</Empty>
        ) : (
          <div className="table-scroll">
            <table className="data-table" aria-label="Open documents">
              <thead>
                <tr>
                  <th scope="col">Document</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Issue date</th>
                  <th scope="col">Due date</th>
                  <th scope="col" className="num">
                    Total
                  </th>
                  <th scope="col" className="num">
                    Open
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Days overdue
                  </th>
                </tr>
              </thead>
              <tbody>
                {open.data!.items.map((d) => (
                  <tr key={d.id} data-testid="open-document-row">
                    <td>
                      <DocLink id={d.id} kind={d.kind} number={d.number} />
                    </td>
                    <td>{label(DOCUMENT_KIND_LABELS, d.kind)}</td>
                    <td>{formatDate(d.issueDate)}</td>
                    <td>{formatDate(d.dueDate) || '—'}</td>
                    <td className="num">
                      <Money value={d.total} />
                    </td>
                    <td className="num">
                      {d.direction < 0 ? '−' : ''}
                      <Money value={d.openBalance} />
                    </td>
                    <td>
                      <DocStatusBadge status={d.status} />
                    </td>
                    <td className="num">
                      {d.overdue ? <span className="overdue">{d.daysOverdue}</span> : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
    </>
  );
}

const AGING_BUCKETS: [keyof api.Statement['aging'], string][] = [
  ['current', 'Current'],
  ['days1to30', '1–30 days'],
  ['days31to60', '31–60 days'],
  ['days61to90', '61–90 days'],
  ['over90', 'Over 90 days'],
];

/** What is open at the statement date, by how far past due it is. */
function Aging({ statement }: { statement: api.Statement }) {
  return (
    <dl className="kpis account-kpis aging" aria-label="Aging" data-testid="aging">
      {AGING_BUCKETS.map(([key, text]) => (
        <div key={key} className={key !== 'current' && !isZero(statement.aging[key]) ? 'late' : ''}>
          <dt>{text}</dt>
          <dd className="num">{formatMoney(statement.aging[key])}</dd>
        </div>
      ))}
      <div>
        <dt>Open at {formatDate(statement.asOf)}</dt>
        <dd className="num">
          {formatMoney(statement.balance)} {statement.currency}
        </dd>
      </div>
    </dl>
  );
}

function isZero(decimal: string): boolean {
  return /^-?0+(\.0+)?$/.test(decimal);
}
