import { useEffect, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import * as api from '../api.ts';
import type { CustomerSort, CustomerSummary } from '../api.ts';
import { useCanEdit } from '../auth.ts';
import { CURRENCIES, RISK_LABELS, STATUS_LABELS, formatDate, formatMoney } from '../format.ts';
import { Empty, ErrorBanner, RiskBadge, StatusBadge, useDebounced } from '../components/ui.tsx';

export interface CustomersSearch {
  q?: string | undefined;
  status?: api.CustomerStatus | undefined;
  risk?: api.RiskClass | undefined;
  currency?: string | undefined;
  collector?: string | undefined;
  sort?: CustomerSort | undefined;
  limit?: number | undefined;
  /** Cursor stack: the last entry is the cursor of the page shown; empty = first page. */
  cursors?: string[] | undefined;
}

const SORTS: readonly CustomerSort[] = [
  'name',
  '-name',
  'accountNumber',
  '-accountNumber',
  'creditLimit',
  '-creditLimit',
  'createdAt',
  '-createdAt',
];
const STATUSES = ['active', 'credit_hold', 'agency', 'closed'] as const;
const RISKS = ['low', 'medium', 'high'] as const;
export const DEFAULT_SORT: CustomerSort = 'name';
export const DEFAULT_LIMIT = 50;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

export function validateCustomersSearch(raw: Record<string, unknown>): CustomersSearch {
  const status = str(raw.status);
  const risk = str(raw.risk);
  const sort = str(raw.sort);
  const limitNum = Number(raw.limit);
  const cursors = Array.isArray(raw.cursors)
    ? raw.cursors.filter((c): c is string => typeof c === 'string')
    : undefined;
  return {
    q: str(raw.q),
    status: STATUSES.find((s) => s === status),
    risk: RISKS.find((r) => r === risk),
    currency: str(raw.currency),
    collector: str(raw.collector),
    sort: SORTS.find((s) => s === sort),
    limit: Number.isInteger(limitNum) && limitNum > 0 && limitNum <= 200 ? limitNum : undefined,
    cursors: cursors && cursors.length > 0 ? cursors : undefined,
  };
}

// Column definitions live at module scope so the table's inputs stay stable.
const features = tableFeatures({
  columnMeta: {} as {
    sortKey?: 'name' | 'accountNumber' | 'creditLimit' | 'createdAt';
    numeric?: boolean;
  },
});
const col = createColumnHelper<typeof features, CustomerSummary>();
const columns = col.columns([
  col.accessor('accountNumber', {
    header: 'Account',
    meta: { sortKey: 'accountNumber' },
    cell: (info) => (
      <Link
        to="/customers/$id"
        params={{ id: info.row.original.id }}
        className="mono"
        onClick={(e) => e.stopPropagation()}
      >
        {info.getValue()}
      </Link>
    ),
  }),
  col.accessor('name', {
    header: 'Name',
    meta: { sortKey: 'name' },
    cell: (info) => <span title={info.row.original.legalName ?? undefined}>{info.getValue()}</span>,
  }),
  col.accessor('status', {
    header: 'Status',
    cell: (info) => <StatusBadge status={info.getValue()} />,
  }),
  col.accessor('currency', { header: 'Cur.' }),
  col.accessor('creditLimit', {
    header: 'Credit limit',
    meta: { sortKey: 'creditLimit', numeric: true },
    cell: (info) => {
      const v = info.getValue();
      return v === null ? <span className="muted">—</span> : formatMoney(v);
    },
  }),
  col.accessor('paymentTerms', { header: 'Terms' }),
  col.accessor('riskClass', {
    header: 'Risk',
    cell: (info) => <RiskBadge risk={info.getValue()} />,
  }),
  col.accessor((row) => row.collector?.name ?? null, {
    id: 'collector',
    header: 'Collector',
    cell: (info) => info.getValue() ?? <span className="muted">Unassigned</span>,
  }),
  col.accessor('createdAt', {
    header: 'Created',
    meta: { sortKey: 'createdAt' },
    cell: (info) => formatDate(info.getValue()),
  }),
]);
const noRows: CustomerSummary[] = [];

interface Props {
  search: CustomersSearch;
  setSearch: (update: (prev: CustomersSearch) => CustomersSearch, replace?: boolean) => void;
}

export function CustomersListPage({ search, setSearch }: Props) {
  const navigate = useNavigate();
  const editable = useCanEdit();
  const sort = search.sort ?? DEFAULT_SORT;
  const limit = search.limit ?? DEFAULT_LIMIT;
  const cursors = search.cursors ?? [];
  const cursor = cursors[cursors.length - 1];

  // Debounced search box writing into the URL.
  const [text, setText] = useState(search.q ?? '');
  const debounced = useDebounced(text, 300);
  useEffect(() => {
    const q = debounced.trim() || undefined;
    if (q !== search.q) setSearch((s) => ({ ...s, q, cursors: undefined }), true);
  }, [debounced]);
  useEffect(() => {
    // Keep the box in sync when the URL changes (back/forward).
    if ((search.q ?? '') !== debounced.trim()) setText(search.q ?? '');
  }, [search.q]);

  const params: api.CustomerListParams = {
    search: search.q,
    status: search.status,
    riskClass: search.risk,
    currency: search.currency,
    collectorId: search.collector,
    sort,
    limit,
    cursor,
  };
  const list = useQuery({
    queryKey: ['customers', 'list', params],
    queryFn: ({ signal }) => api.listCustomers(params, signal),
    placeholderData: keepPreviousData,
  });
  const users = useQuery({ queryKey: ['users'], queryFn: api.listUsers, staleTime: 5 * 60_000 });

  const table = useTable({ features, columns, data: list.data?.items ?? noRows });

  const filter = (patch: Partial<CustomersSearch>) =>
    setSearch((s) => ({ ...s, ...patch, cursors: undefined }));

  const toggleSort = (key: string) => {
    const next = (sort === key ? `-${key}` : key) as CustomerSort;
    filter({ sort: next });
  };

  const filtersActive = !!(
    search.q ||
    search.status ||
    search.risk ||
    search.currency ||
    search.collector
  );
  const items = list.data?.items ?? [];
  const start = list.data ? cursors.length * limit : 0;

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Customers</h1>
        </div>
        {editable ? (
          <Link to="/customers/new" className="btn btn-primary">
            New customer
          </Link>
        ) : null}
      </div>

      <div className="toolbar" role="search" aria-label="Filter customers">
        <div className="field field-inline grow">
          <label htmlFor="cust-search" className="sr-only">
            Search customers
          </label>
          <input
            id="cust-search"
            type="search"
            placeholder="Search name, account number, external id…"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <div className="field field-inline">
          <label htmlFor="f-status">Status</label>
          <select
            id="f-status"
            value={search.status ?? ''}
            onChange={(e) =>
              filter({ status: (e.target.value || undefined) as CustomersSearch['status'] })
            }
          >
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="f-risk">Risk</label>
          <select
            id="f-risk"
            value={search.risk ?? ''}
            onChange={(e) =>
              filter({ risk: (e.target.value || undefined) as CustomersSearch['risk'] })
            }
          >
            <option value="">All</option>
            {RISKS.map((r) => (
              <option key={r} value={r}>
                {RISK_LABELS[r]}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="f-currency">Currency</label>
          <select
            id="f-currency"
            value={search.currency ?? ''}
            onChange={(e) => filter({ currency: e.target.value || undefined })}
          >
            <option value="">All</option>
            {CURRENCIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
            {search.currency && !(CURRENCIES as readonly string[]).includes(search.currency) ? (
              <option value={search.currency}>{search.currency}</option>
            ) : null}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="f-collector">Collector</label>
          <select
            id="f-collector"
            value={search.collector ?? ''}
            onChange={(e) => filter({ collector: e.target.value || undefined })}
          >
            <option value="">All</option>
            {(users.data ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </div>
        {filtersActive ? (
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={() => {
              setText('');
              setSearch((s) => ({ sort: s.sort, limit: s.limit }));
            }}
          >
            Clear filters
          </button>
        ) : null}
      </div>

      {list.error ? <ErrorBanner error={list.error} /> : null}

      <div
        className={`table-wrap${list.isFetching ? ' is-fetching' : ''}`}
        aria-busy={list.isFetching}
      >
        <table className="data-table clickable" aria-label="Customers">
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const meta = header.column.columnDef.meta;
                  const key = meta?.sortKey;
                  const dir = key
                    ? sort === key
                      ? 'ascending'
                      : sort === `-${key}`
                        ? 'descending'
                        : undefined
                    : undefined;
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      className={meta?.numeric ? 'num' : undefined}
                      aria-sort={key ? (dir ?? 'none') : undefined}
                    >
                      {key ? (
                        <button type="button" className="sort-btn" onClick={() => toggleSort(key)}>
                          <table.FlexRender header={header} />
                          <span className="sort-ind" aria-hidden="true">
                            {dir === 'ascending' ? '▲' : dir === 'descending' ? '▼' : '↕'}
                          </span>
                        </button>
                      ) : (
                        <table.FlexRender header={header} />
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr
                key={row.original.id}
                data-testid="customer-row"
                onClick={() => navigate({ to: '/customers/$id', params: { id: row.original.id } })}
              >
                {row.getAllCells().map((cell) => (
                  <td
                    key={cell.id}
                    className={cell.column.columnDef.meta?.numeric ? 'num' : undefined}
                  >
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {list.isPending ? <div className="table-loading">Loading customers…</div> : null}
        {list.data && items.length === 0 ? (
          <Empty>{filtersActive ? 'No customers match these filters.' : 'No customers yet.'}</Empty>
        ) : null}
      </div>

      <div className="pager">
        <span className="muted" aria-live="polite" data-testid="page-range">
          {items.length > 0 ? `Showing ${start + 1}–${start + items.length}` : ''}
          {cursors.length > 0 ? ` · page ${cursors.length + 1}` : ''}
        </span>
        <div className="pager-controls">
          <label htmlFor="page-size" className="muted">
            Rows
          </label>
          <select
            id="page-size"
            value={limit}
            onChange={(e) =>
              filter({
                limit:
                  Number(e.target.value) === DEFAULT_LIMIT ? undefined : Number(e.target.value),
              })
            }
          >
            {[...new Set([25, 50, 100, limit])]
              .sort((a, b) => a - b)
              .map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
          </select>
          <button
            type="button"
            className="btn btn-sm"
            disabled={cursors.length === 0}
            onClick={() => setSearch((s) => ({ ...s, cursors: cursors.slice(0, -1) }))}
          >
            ‹ Previous
          </button>
          <button
            type="button"
            className="btn btn-sm"
            disabled={!list.data?.nextCursor || list.isPlaceholderData}
            onClick={() => {
              const next = list.data?.nextCursor;
              if (next) setSearch((s) => ({ ...s, cursors: [...cursors, next] }));
            }}
          >
            Next ›
          </button>
        </div>
      </div>
    </div>
  );
}
