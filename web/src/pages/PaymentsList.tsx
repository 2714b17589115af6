import { useEffect, useState } from 'react';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useCanEdit } from '../auth.ts';
import { PAYMENT_METHOD_LABELS, PAYMENT_STATUS_LABELS, formatDate, label } from '../format.ts';
import * as pay from '../payments-api.ts';
import type { PaymentMethod, PaymentStatus, PaymentSummary } from '../payments-api.ts';
import { CustomerPicker, usePickedCustomer } from '../components/CustomerPicker.tsx';
import { Money } from '../components/ledger-ui.tsx';
import { CashTable, MorePages, cashColumns } from '../components/PaymentTable.tsx';
import { PaymentStatusBadge } from '../components/PaymentUi.tsx';
import { Empty, ErrorBanner, useDebounced } from '../components/ui.tsx';

export interface PaymentsSearch {
  status?: PaymentStatus | undefined;
  method?: PaymentMethod | undefined;
  customer?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  q?: string | undefined;
}

const isoDate = (v: unknown) =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined;
const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

export function validatePaymentsSearch(raw: Record<string, unknown>): PaymentsSearch {
  return {
    status: pay.PAYMENT_STATUSES.find((s) => s === raw.status),
    method: pay.PAYMENT_METHODS.find((m) => m === raw.method),
    customer: text(raw.customer),
    from: isoDate(raw.from),
    to: isoDate(raw.to),
    q: text(raw.q),
  };
}

const col = cashColumns<PaymentSummary>();
export const paymentColumns = col.columns([
  col.accessor('number', {
    header: 'Number',
    cell: (info) => (
      <Link
        to="/payments/$id"
        params={{ id: info.row.original.id }}
        className="mono"
        onClick={(e) => e.stopPropagation()}
      >
        {info.getValue()}
      </Link>
    ),
  }),
  col.accessor('receivedDate', { header: 'Received', cell: (info) => formatDate(info.getValue()) }),
  col.accessor('customerName', {
    header: 'Customer',
    cell: (info) => {
      const p = info.row.original;
      return (
        <span className="cell-name">
          {info.getValue() ?? <span className="muted">Not identified</span>}
          {p.payerName && p.payerName !== p.customerName ? (
            <span className="cell-sub">Payer: {p.payerName}</span>
          ) : null}
        </span>
      );
    },
  }),
  col.accessor('method', {
    header: 'Method',
    cell: (info) => (
      <span className="cell-name">
        {label(PAYMENT_METHOD_LABELS, info.getValue())}
        {info.row.original.reference ? (
          <span className="cell-sub mono">{info.row.original.reference}</span>
        ) : null}
      </span>
    ),
  }),
  col.accessor('amount', {
    header: 'Amount',
    meta: { numeric: true },
    cell: (info) => <Money value={info.getValue()} />,
  }),
  col.accessor('unappliedAmount', {
    header: 'Unapplied',
    meta: { numeric: true },
    cell: (info) => <Money value={info.getValue()} />,
  }),
  col.accessor('currency', { header: 'Cur.' }),
  col.accessor('status', {
    header: 'Status',
    cell: (info) => <PaymentStatusBadge status={info.getValue()} />,
  }),
]);

interface Props {
  search: PaymentsSearch;
  setSearch: (update: (prev: PaymentsSearch) => PaymentsSearch, replace?: boolean) => void;
}

export function PaymentsListPage({ search, setSearch }: Props) {
  const navigate = useNavigate();
  const editable = useCanEdit();
  const [typed, setTyped] = useState(search.q ?? '');
  const debounced = useDebounced(typed, 300);
  useEffect(() => {
    const q = debounced.trim() || undefined;
    if (q !== search.q) setSearch((s) => ({ ...s, q }), true);
  }, [debounced]);

  const [customerValue, setChosen] = usePickedCustomer(search.customer);

  const params: pay.PaymentListParams = {
    status: search.status,
    method: search.method,
    customerId: search.customer,
    from: search.from,
    to: search.to,
    q: search.q,
    limit: 50,
  };
  const list = useInfiniteQuery({
    queryKey: ['payments', 'list', params],
    queryFn: ({ pageParam, signal }) => pay.listPayments({ ...params, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const items = (list.data?.pages ?? []).flatMap((p) => p.items);
  const filter = (patch: Partial<PaymentsSearch>) => setSearch((s) => ({ ...s, ...patch }));
  const filtersActive = Object.values(search).some((v) => v !== undefined);

  return (
    <div className="page">
      <div className="page-header">
        <h1>Payments</h1>
        {editable ? (
          <Link to="/payments/new" className="btn btn-primary">
            New payment
          </Link>
        ) : null}
      </div>

      <div className="toolbar" role="search" aria-label="Filter payments">
        <div className="field field-inline grow">
          <label htmlFor="pay-search" className="sr-only">
            Search payments
          </label>
          <input
            id="pay-search"
            type="search"
            placeholder="Search number, reference, payer…"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
          />
        </div>
        <div className="field field-inline customer-filter">
          <label htmlFor="pay-customer">Customer</label>
          <CustomerPicker
            id="pay-customer"
            value={customerValue}
            onChange={(c) => {
              setChosen(c);
              filter({ customer: c?.id });
            }}
          />
        </div>
        <div className="field field-inline">
          <label htmlFor="pay-method">Method</label>
          <select
            id="pay-method"
            value={search.method ?? ''}
            onChange={(e) => filter({ method: (e.target.value || undefined) as PaymentMethod })}
          >
            <option value="">Any</option>
            {pay.PAYMENT_METHODS.map((m) => (
              <option key={m} value={m}>
                {PAYMENT_METHOD_LABELS[m]}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="pay-from">Received from</label>
          <input
            id="pay-from"
            type="date"
            value={search.from ?? ''}
            onChange={(e) => filter({ from: e.target.value || undefined })}
          />
        </div>
        <div className="field field-inline">
          <label htmlFor="pay-to">to</label>
          <input
            id="pay-to"
            type="date"
            value={search.to ?? ''}
            onChange={(e) => filter({ to: e.target.value || undefined })}
          />
        </div>
        <div className="chips" role="group" aria-label="Status">
          <span className="chips-label" aria-hidden="true">
            Status
          </span>
          {pay.PAYMENT_STATUSES.map((st) => (
            <button
              key={st}
              type="button"
              className="chip"
              aria-pressed={search.status === st}
              onClick={() => filter({ status: search.status === st ? undefined : st })}
            >
              {PAYMENT_STATUS_LABELS[st]}
            </button>
          ))}
        </div>
        {filtersActive ? (
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={() => {
              setTyped('');
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
        label="Payments"
        columns={paymentColumns}
        data={items}
        rowKey={(p) => p.id}
        rowTestId="payment-row"
        onOpen={(p) => void navigate({ to: '/payments/$id', params: { id: p.id } })}
        busy={list.isFetching && !list.isFetchingNextPage}
        footer={
          list.isPending ? (
            <div className="table-loading">Loading payments…</div>
          ) : items.length === 0 ? (
            <Empty>{filtersActive ? 'No payments match these filters.' : 'No payments yet.'}</Empty>
          ) : null
        }
      />
      <MorePages shown={items.length} paging={list} />
    </div>
  );
}
