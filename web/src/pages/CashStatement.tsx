// One bank statement in the workbench: its lines by status, the selected line's suggestions and
// the actions on it, and auto-apply for the whole statement.
import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useCanEdit } from '../auth.ts';
import { LINE_STATUS_LABELS, formatDate } from '../format.ts';
import * as pay from '../payments-api.ts';
import type { LineStatus, StatementLine, StatementSummary } from '../payments-api.ts';
import { CashLinePanel, scorePercent } from '../components/CashLinePanel.tsx';
import { StatementWarnings } from '../components/CashStatementImport.tsx';
import { Kpi, Money, NotAvailable, isMissingRoute } from '../components/ledger-ui.tsx';
import { CashTable, PagePager, cashColumns } from '../components/PaymentTable.tsx';
import { LineStatusBadge, Notice, useCashWrite } from '../components/PaymentUi.tsx';
import { Empty, ErrorBanner, Spinner } from '../components/ui.tsx';

export interface StatementSearch {
  line?: string | undefined;
  status?: LineStatus | undefined;
  /** 1-based page of the lines with this status; undefined is the first. */
  page?: number | undefined;
}

const PAGE_SIZE = pay.STATEMENT_LINES_PAGE;

/** How many lines the statement has with this status (all of them without one). */
function lineTotal(s: StatementSummary, status: LineStatus | undefined): number {
  if (status) return s.counts[status] ?? 0;
  return Object.values(s.counts).reduce((sum, n) => sum + n, 0);
}

const REMITTANCE_SHOWN = 70;

const col = cashColumns<StatementLine>();
const columns = col.columns([
  col.accessor('lineNo', { header: '#', meta: { className: 'muted' } }),
  col.accessor('bookingDate', { header: 'Date', cell: (i) => formatDate(i.getValue()) }),
  col.accessor('amount', {
    header: 'Amount',
    meta: { numeric: true },
    cell: (i) => <Money value={i.getValue()} />,
  }),
  col.accessor('counterpartyName', {
    header: 'From / remittance',
    meta: { className: 'wrap remittance' },
    cell: (i) => {
      const text = i.row.original.remittanceInfo ?? '';
      return (
        <span className="cell-name">
          {i.getValue() ?? <span className="muted">—</span>}
          {text ? (
            <span className="cell-sub">
              {text.length > REMITTANCE_SHOWN ? `${text.slice(0, REMITTANCE_SHOWN)}…` : text}
            </span>
          ) : null}
        </span>
      );
    },
  }),
  col.accessor('status', {
    header: 'Status / best match',
    cell: (i) => {
      const l = i.row.original;
      const best = l.suggestions[0];
      return (
        <span className="cell-name">
          <LineStatusBadge status={i.getValue()} />
          {l.paymentId ? (
            <Link
              to="/payments/$id"
              params={{ id: l.paymentId }}
              className="cell-sub mono"
              onClick={(e) => e.stopPropagation()}
            >
              {l.paymentNumber}
            </Link>
          ) : best ? (
            <span className="cell-sub">
              {best.customerName} · {scorePercent(best.score)}
            </span>
          ) : null}
        </span>
      );
    },
  }),
]);

interface Props {
  id: string;
  search: StatementSearch;
  setSearch: (update: (prev: StatementSearch) => StatementSearch, replace?: boolean) => void;
}

export function CashStatementPage({ id, search, setSearch }: Props) {
  const statement = useQuery({
    queryKey: ['bank-statements', 'detail', id],
    queryFn: () => pay.getStatement(id),
  });
  // Until the statement's counts are known the page asked for is fetched; then it is kept within
  // the pages there are (applying lines under a status filter makes that status shorter).
  const pages = statement.data
    ? Math.max(1, Math.ceil(lineTotal(statement.data, search.status) / PAGE_SIZE))
    : Infinity;
  const page = Math.min(search.page ?? 1, pages);
  const lines = useQuery({
    queryKey: ['bank-statements', 'lines', id, search.status, page],
    queryFn: ({ signal }) =>
      pay.listStatementLines(
        id,
        { status: search.status, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
        signal,
      ),
    placeholderData: keepPreviousData,
  });
  // a line linked from elsewhere (a payment, the reconciliation) may be on another page
  const onPage = lines.data?.some((l) => l.id === search.line) ?? false;
  const linked = useQuery({
    queryKey: ['bank-statements', 'lines', id, 'line', search.line],
    queryFn: ({ signal }) => pay.listStatementLines(id, { lineId: search.line! }, signal),
    enabled: Boolean(search.line) && lines.isSuccess && !onPage,
  });
  if (isMissingRoute(statement.error)) {
    return (
      <div className="page">
        <NotAvailable what="Bank statement import" />
      </div>
    );
  }
  if (statement.isPending) return <Spinner label="Loading statement…" />;
  if (statement.error) {
    return (
      <div className="page">
        <p>
          <Link to="/cash">← Cash application</Link>
        </p>
        <ErrorBanner error={statement.error} />
      </div>
    );
  }
  const s = statement.data;
  const items = lines.data ?? [];
  const selected =
    items.find((l) => l.id === search.line) ??
    linked.data?.find((l) => l.id === search.line) ??
    null;
  return (
    <div className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/cash">Cash application</Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">{s.fileName ?? 'Statement'}</span>
      </nav>
      <StatementHeader statement={s} />
      <StatementWarnings balanceProblem={s.balanceProblem} controlProblems={s.controlProblems} />
      <AutoApplyBar statementId={s.id} />
      <div className="chips" role="group" aria-label="Line status">
        <button
          type="button"
          className="chip"
          aria-pressed={!search.status}
          onClick={() => setSearch((x) => ({ ...x, status: undefined, page: undefined }), true)}
        >
          All {s.lineCount}
        </button>
        {pay.LINE_STATUSES.filter((st) => (s.counts[st] ?? 0) > 0 || st === search.status).map(
          (st) => (
            <button
              key={st}
              type="button"
              className="chip"
              aria-pressed={search.status === st}
              onClick={() => setSearch((x) => ({ ...x, status: st, page: undefined }), true)}
            >
              {LINE_STATUS_LABELS[st]} {s.counts[st] ?? 0}
            </button>
          ),
        )}
      </div>
      <div className="cash-workbench">
        <div className="cash-lines">
          {lines.error ? <ErrorBanner error={lines.error} /> : null}
          <CashTable
            label="Statement lines"
            columns={columns}
            data={items}
            rowKey={(l) => l.id}
            rowTestId="statement-line"
            selectedKey={search.line ?? null}
            onOpen={(l) => setSearch((x) => ({ ...x, line: l.id }), true)}
            busy={lines.isFetching}
            footer={
              lines.isPending ? (
                <div className="table-loading">Loading lines…</div>
              ) : items.length === 0 ? (
                <Empty>No lines with this status.</Empty>
              ) : null
            }
          />
          <PagePager
            label="Lines"
            page={page}
            pageSize={PAGE_SIZE}
            total={lineTotal(s, search.status)}
            busy={lines.isPlaceholderData}
            onPage={(p) =>
              setSearch((x) => ({ ...x, page: p === 1 ? undefined : p, line: undefined }))
            }
          />
        </div>
        <aside className="cash-panel" aria-label="Selected line">
          {selected ? (
            <CashLinePanel key={selected.id} line={selected} />
          ) : (
            <Empty>Select a line to see its matches.</Empty>
          )}
        </aside>
      </div>
    </div>
  );
}

function StatementHeader({ statement: s }: { statement: StatementSummary }) {
  return (
    <div className="page-header customer-header">
      <div>
        <h1>
          <span>Bank statement</span>
        </h1>
        <div className="header-meta">
          <span>{s.bankAccountName ?? 'Unknown account'}</span>
          {s.accountIdentifier ? <span className="mono">{s.accountIdentifier}</span> : null}
          {s.fromDate ? (
            <span>
              {formatDate(s.fromDate)} – {formatDate(s.toDate)}
            </span>
          ) : null}
          <span>{s.format}</span>
          <span>{s.lineCount} lines</span>
        </div>
      </div>
      <dl className="kpis">
        {s.openingBalance !== null ? (
          <Kpi label="Opening">
            <Money value={s.openingBalance} />
          </Kpi>
        ) : null}
        <Kpi label="Credits" testId="statement-credits">
          <Money value={s.creditTotal} />
        </Kpi>
        <Kpi label="Debits">
          <Money value={s.debitTotal} />
        </Kpi>
        {s.closingBalance !== null ? (
          <Kpi label="Closing">
            <Money value={s.closingBalance} currency={s.currency} showCurrency />
          </Kpi>
        ) : null}
      </dl>
    </div>
  );
}

function AutoApplyBar({ statementId }: { statementId: string }) {
  const editable = useCanEdit();
  const [notice, setNotice] = useState<{ text: string } | null>(null);
  const run = useCashWrite(
    (_: { statementId: string }, key) => pay.autoApply(statementId, key),
    (r) =>
      setNotice({
        text: `Auto-apply: ${r.applied} applied, ${r.suggested} suggested, ${r.unmatched} unmatched, ${r.reconciled} reconciled`,
      }),
  );
  if (!editable) return null;
  return (
    <>
      <div className="action-bar" role="toolbar" aria-label="Statement actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={run.isPending}
          onClick={() => run.mutate({ statementId })}
        >
          {run.isPending ? 'Matching…' : 'Auto-apply'}
        </button>
        <span className="muted small">
          Applies the lines whose best match is above the auto-match threshold; the rest get
          suggestions.
        </span>
      </div>
      {run.error ? <ErrorBanner error={run.error} title="Auto-apply failed" /> : null}
      <Notice notice={notice} />
    </>
  );
}
