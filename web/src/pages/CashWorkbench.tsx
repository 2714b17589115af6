// The cash-application workbench: the imported bank statements and the import itself.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useCanEdit } from '../auth.ts';
import { LINE_STATUS_LABELS, formatDate, formatDateTime } from '../format.ts';
import * as pay from '../payments-api.ts';
import { LINE_STATUSES, type LineStatus, type StatementSummary } from '../payments-api.ts';
import { CashStatementImport } from '../components/CashStatementImport.tsx';
import { Money, NotAvailable, isMissingRoute } from '../components/ledger-ui.tsx';
import { CashTable, cashColumns } from '../components/PaymentTable.tsx';
import { Empty, ErrorBanner, Section } from '../components/ui.tsx';

/** The statuses worth a glance in the list, in the order work goes. */
/** Every status but money going out. */
const COUNTED: LineStatus[] = LINE_STATUSES.filter((s) => s !== 'debit');

export function StatementCounts({ counts }: { counts: Partial<Record<LineStatus, number>> }) {
  return (
    <span className="status-counts">
      {COUNTED.filter((s) => (counts[s] ?? 0) > 0).map((s) => (
        <span key={s} className={`count count-${s}`} data-testid={`count-${s}`}>
          {counts[s]} {LINE_STATUS_LABELS[s]?.toLowerCase()}
        </span>
      ))}
    </span>
  );
}

const col = cashColumns<StatementSummary>();
const columns = col.columns([
  col.accessor('createdAt', {
    header: 'Imported',
    cell: (i) => formatDateTime(i.getValue()),
  }),
  col.accessor('fileName', {
    header: 'File',
    cell: (i) => (
      <span className="cell-name">
        {i.getValue() ?? <span className="muted">—</span>}
        <span className="cell-sub">{i.row.original.format}</span>
      </span>
    ),
  }),
  col.accessor('bankAccountName', {
    header: 'Bank account',
    cell: (i) => (
      <span className="cell-name">
        {i.getValue() ?? <span className="muted">Unknown</span>}
        <span className="cell-sub mono">{i.row.original.accountIdentifier}</span>
      </span>
    ),
  }),
  col.accessor('fromDate', {
    header: 'Period',
    cell: (i) => {
      const s = i.row.original;
      return s.fromDate ? `${formatDate(s.fromDate)} – ${formatDate(s.toDate)}` : '—';
    },
  }),
  col.accessor('creditTotal', {
    header: 'Credits',
    meta: { numeric: true },
    cell: (i) => <Money value={i.getValue()} />,
  }),
  col.accessor('currency', { header: 'Cur.' }),
  col.accessor('counts', {
    header: 'Lines',
    cell: (i) => (
      <span className="cell-name">
        <StatementCounts counts={i.getValue()} />
        {i.row.original.balanceProblem || i.row.original.controlProblems.length > 0 ? (
          <span className="badge badge-danger">Check the balances</span>
        ) : null}
      </span>
    ),
  }),
]);

export function CashWorkbenchPage() {
  const editable = useCanEdit();
  const navigate = useNavigate();
  const [bankAccountId, setBankAccountId] = useState('');
  const accounts = useQuery({ queryKey: ['bank-accounts'], queryFn: pay.listBankAccounts });
  const statements = useQuery({
    queryKey: ['bank-statements', 'list', bankAccountId],
    queryFn: () => pay.listStatements(bankAccountId || undefined),
  });
  const missing = isMissingRoute(statements.error);
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Cash application</h1>
          <div className="header-meta">
            Bank statements in; each credit matched to a customer and applied to their invoices.
          </div>
        </div>
      </div>
      {missing ? <NotAvailable what="Bank statement import" /> : null}
      {editable && !missing ? (
        <Section title="Import a bank statement">
          <CashStatementImport accounts={(accounts.data ?? []).filter((a) => a.active)} />
        </Section>
      ) : null}
      {!missing ? (
        <Section
          title="Statements"
          actions={
            <div className="field field-inline">
              <label htmlFor="statements-account">Bank account</label>
              <select
                id="statements-account"
                value={bankAccountId}
                onChange={(e) => setBankAccountId(e.target.value)}
              >
                <option value="">All</option>
                {(accounts.data ?? []).map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            </div>
          }
        >
          {statements.error ? <ErrorBanner error={statements.error} /> : null}
          <CashTable
            label="Bank statements"
            columns={columns}
            data={statements.data ?? []}
            rowKey={(s) => s.id}
            rowTestId="statement-row"
            onOpen={(s) => void navigate({ to: '/cash/statements/$id', params: { id: s.id } })}
            busy={statements.isFetching}
            footer={
              statements.data && statements.data.length === 0 ? (
                <Empty>No statements imported yet.</Empty>
              ) : null
            }
          />
        </Section>
      ) : null}
    </div>
  );
}
