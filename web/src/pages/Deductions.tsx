// Deductions: short pays kept open on an invoice with a reason (pricing, shortage, …), waiting for
// the dispute workflow to resolve them. Each shows what it claimed and what the invoice still
// holds of it. Filtered by status and customer.
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { DEDUCTION_REASON_LABELS, formatDate, label } from '../format.ts';
import * as pay from '../payments-api.ts';
import type { Deduction, DeductionStatus } from '../payments-api.ts';
import { CustomerPicker, usePickedCustomer } from '../components/CustomerPicker.tsx';
import { DocLink, Money } from '../components/ledger-ui.tsx';
import { CashTable, MorePages, cashColumns } from '../components/PaymentTable.tsx';
import { DeductionStatusBadge } from '../components/PaymentUi.tsx';
import { Empty, ErrorBanner } from '../components/ui.tsx';

export interface DeductionsSearch {
  status?: DeductionStatus | undefined;
  customer?: string | undefined;
}

/** Rows shown at first and added by each "Load more". */
const PAGE_SIZE = 50;

const col = cashColumns<Deduction>();
const columns = col.columns([
  col.accessor('createdAt', { header: 'Date', cell: (i) => formatDate(i.getValue()) }),
  col.accessor('customerName', {
    header: 'Customer',
    cell: (i) => (
      <Link to="/customers/$id" params={{ id: i.row.original.customerId }}>
        {i.getValue()}
      </Link>
    ),
  }),
  col.accessor('documentNumber', {
    header: 'Invoice',
    cell: (i) => <DocLink id={i.row.original.documentId} kind="invoice" number={i.getValue()} />,
  }),
  col.accessor('paymentNumber', {
    header: 'Payment',
    cell: (i) => {
      const paymentId = i.row.original.paymentId;
      return paymentId ? (
        <Link to="/payments/$id" params={{ id: paymentId }} className="mono">
          {i.getValue() ?? 'Payment'}
        </Link>
      ) : (
        <span className="muted">—</span>
      );
    },
  }),
  col.accessor('reasonCode', {
    header: 'Reason',
    cell: (i) => (
      <span className="cell-name">
        {label(DEDUCTION_REASON_LABELS, i.getValue())}
        {i.row.original.note ? <span className="cell-sub">{i.row.original.note}</span> : null}
      </span>
    ),
    meta: { className: 'wrap' },
  }),
  col.accessor('amount', {
    header: 'Deducted',
    meta: { numeric: true },
    cell: (i) => <Money value={i.getValue()} />,
  }),
  col.accessor('openAmount', {
    header: 'Open',
    meta: { numeric: true },
    cell: (i) => <Money value={i.getValue()} />,
  }),
  col.accessor('currency', { header: 'Cur.' }),
  col.accessor('status', {
    header: 'Status',
    cell: (i) => (
      <DeductionStatusBadge status={i.getValue()} resolution={i.row.original.resolution} />
    ),
  }),
]);

interface Props {
  search: DeductionsSearch;
  setSearch: (update: (prev: DeductionsSearch) => DeductionsSearch, replace?: boolean) => void;
}

export function DeductionsPage({ search, setSearch }: Props) {
  const [customerValue, setChosen] = usePickedCustomer(search.customer);
  const params = { status: search.status, customerId: search.customer };
  const list = useInfiniteQuery({
    queryKey: ['payments', 'deductions', params],
    queryFn: ({ pageParam, signal }) =>
      pay.listDeductions({ ...params, limit: PAGE_SIZE, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const items = (list.data?.pages ?? []).flatMap((p) => p.items);
  const filter = (patch: Partial<DeductionsSearch>) => setSearch((s) => ({ ...s, ...patch }));
  const filtersActive = Object.values(search).some((v) => v !== undefined);

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Deductions</h1>
          <div className="header-meta">
            Short pays kept open on the invoice with a reason. Later payments or credits to the
            invoice bring a deduction down and settle it; a reversal or void resolves it.
          </div>
        </div>
      </div>

      <div className="toolbar" role="search" aria-label="Filter deductions">
        <div className="field field-inline customer-filter">
          <label htmlFor="deduction-customer">Customer</label>
          <CustomerPicker
            id="deduction-customer"
            value={customerValue}
            onChange={(c) => {
              setChosen(c);
              filter({ customer: c?.id });
            }}
          />
        </div>
        <div className="chips" role="group" aria-label="Status">
          <span className="chips-label" aria-hidden="true">
            Status
          </span>
          {(
            [
              [undefined, 'All'],
              ['open', 'Open'],
              ['settled', 'Settled'],
              ['resolved', 'Resolved'],
            ] as const
          ).map(([value, text]) => (
            <button
              key={text}
              type="button"
              className="chip"
              aria-pressed={search.status === value}
              onClick={() => filter({ status: value })}
            >
              {text}
            </button>
          ))}
        </div>
        {filtersActive ? (
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={() => {
              setChosen(null);
              setSearch(() => ({}));
            }}
          >
            Clear filters
          </button>
        ) : null}
      </div>

      {list.error ? <ErrorBanner error={list.error} /> : null}
      <CashTable
        label="Deductions"
        columns={columns}
        data={items}
        rowKey={(d) => d.id}
        rowTestId="deduction-row"
        busy={list.isFetching}
        footer={
          list.isPending ? (
            <div className="table-loading">Loading deductions…</div>
          ) : items.length === 0 ? (
            <Empty>
              {filtersActive ? 'No deductions match these filters.' : 'No deductions yet.'}
            </Empty>
          ) : null
        }
      />
      <MorePages shown={items.length} paging={list} />
    </div>
  );
}
