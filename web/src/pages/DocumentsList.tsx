import { useEffect, useState } from 'react';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import * as api from '../api.ts';
import type { ArDocumentSummary, DocumentKind, DocumentStatus } from '../api.ts';
import { useCanEdit } from '../auth.ts';
import { DOCUMENT_KIND_LABELS, DOCUMENT_STATUS_LABELS, formatDate, label } from '../format.ts';
import { CustomerPicker } from '../components/CustomerPicker.tsx';
import type { PickedCustomer } from '../components/CustomerPicker.tsx';
import { DocLink, DocStatusBadge, Money } from '../components/ledger-ui.tsx';
import { Empty, ErrorBanner, useDebounced } from '../components/ui.tsx';

export const LIST_KINDS = ['invoice', 'credit_memo', 'debit_memo', 'all'] as const;
export type ListKind = (typeof LIST_KINDS)[number];

export interface DocumentsSearch {
  kind?: ListKind | undefined;
  status?: DocumentStatus[] | undefined;
  overdue?: boolean | undefined;
  customer?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  q?: string | undefined;
}

const KIND_TABS: { id: ListKind; label: string }[] = [
  { id: 'invoice', label: 'Invoices' },
  { id: 'credit_memo', label: 'Credit memos' },
  { id: 'debit_memo', label: 'Debit memos' },
  { id: 'all', label: 'All documents' },
];

const DEBIT_STATUSES: DocumentStatus[] = [
  'draft',
  'open',
  'partially_paid',
  'paid',
  'written_off',
  'voided',
];
const CREDIT_STATUSES: DocumentStatus[] = ['unapplied', 'partially_applied', 'applied', 'voided'];
const ALL_STATUSES = [...new Set([...DEBIT_STATUSES, ...CREDIT_STATUSES])];

function statusesFor(kind: ListKind): DocumentStatus[] {
  if (kind === 'credit_memo') return CREDIT_STATUSES;
  if (kind === 'all') return ALL_STATUSES;
  return DEBIT_STATUSES;
}

const isoDate = (v: unknown) =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined;

export function validateDocumentsSearch(raw: Record<string, unknown>): DocumentsSearch {
  const kind = LIST_KINDS.find((k) => k === raw.kind);
  const rawStatus = Array.isArray(raw.status)
    ? raw.status
    : typeof raw.status === 'string'
      ? raw.status.split(',')
      : [];
  const status = ALL_STATUSES.filter((s) => rawStatus.includes(s));
  return {
    kind: kind === 'invoice' ? undefined : kind,
    status: status.length > 0 ? status : undefined,
    overdue: raw.overdue === true || raw.overdue === 'true' ? true : undefined,
    customer: typeof raw.customer === 'string' && raw.customer ? raw.customer : undefined,
    from: isoDate(raw.from),
    to: isoDate(raw.to),
    q: typeof raw.q === 'string' && raw.q ? raw.q : undefined,
  };
}

const features = tableFeatures({ columnMeta: {} as { numeric?: boolean } });
const col = createColumnHelper<typeof features, ArDocumentSummary>();
const columns = col.columns([
  col.accessor('number', {
    header: 'Number',
    cell: (info) => {
      const d = info.row.original;
      return (
        <span className="cell-name">
          <DocLink id={d.id} kind={d.kind} number={d.number} />
          {d.kind !== 'invoice' ? (
            <span className="cell-sub">{label(DOCUMENT_KIND_LABELS, d.kind)}</span>
          ) : null}
        </span>
      );
    },
  }),
  col.accessor('customerName', {
    header: 'Customer',
    cell: (info) => (
      <span className="cell-name">
        {info.getValue()}
        <span className="cell-sub mono">{info.row.original.customerAccountNumber}</span>
      </span>
    ),
  }),
  col.accessor('issueDate', { header: 'Issue date', cell: (info) => formatDate(info.getValue()) }),
  col.accessor('dueDate', {
    header: 'Due date',
    cell: (info) => formatDate(info.getValue()) || <span className="muted">—</span>,
  }),
  col.accessor('total', {
    header: 'Total',
    meta: { numeric: true },
    cell: (info) => (
      <>
        {info.row.original.direction < 0 ? '−' : ''}
        <Money value={info.getValue()} />
      </>
    ),
  }),
  col.accessor('openBalance', {
    header: 'Open balance',
    meta: { numeric: true },
    cell: (info) => <Money value={info.getValue()} />,
  }),
  col.accessor('currency', { header: 'Cur.' }),
  col.accessor('status', {
    header: 'Status',
    cell: (info) => <DocStatusBadge status={info.getValue()} />,
  }),
  col.accessor('daysOverdue', {
    header: 'Days overdue',
    meta: { numeric: true },
    cell: (info) =>
      info.row.original.overdue ? (
        <span className="overdue">{info.getValue()}</span>
      ) : (
        <span className="muted">—</span>
      ),
  }),
]);
const noRows: ArDocumentSummary[] = [];
const PAGE_SIZE = 50;

interface Props {
  search: DocumentsSearch;
  setSearch: (update: (prev: DocumentsSearch) => DocumentsSearch, replace?: boolean) => void;
}

export function DocumentsListPage({ search, setSearch }: Props) {
  const navigate = useNavigate();
  const editable = useCanEdit();
  const kind = search.kind ?? 'invoice';

  const [text, setText] = useState(search.q ?? '');
  const debounced = useDebounced(text, 300);
  useEffect(() => {
    const q = debounced.trim() || undefined;
    if (q !== search.q) setSearch((s) => ({ ...s, q }), true);
  }, [debounced]);
  useEffect(() => {
    if ((search.q ?? '') !== debounced.trim()) setText(search.q ?? '');
  }, [search.q]);

  // The customer filter shows the picked customer's name; after a reload it is fetched.
  const [picked, setPicked] = useState<PickedCustomer | null>(null);
  const customer = useQuery({
    queryKey: ['customers', 'detail', search.customer],
    queryFn: () => api.getCustomer(search.customer!),
    enabled: !!search.customer && picked?.id !== search.customer,
  });
  const shownCustomer =
    picked?.id === search.customer
      ? picked
      : customer.data && customer.data.id === search.customer
        ? customer.data
        : null;

  const params: api.DocumentListParams = {
    kind: kind === 'all' ? undefined : [kind as DocumentKind],
    status: search.status,
    overdue: search.overdue,
    customerId: search.customer,
    from: search.from,
    to: search.to,
    q: search.q,
    limit: PAGE_SIZE,
  };
  const list = useInfiniteQuery({
    queryKey: ['documents', 'list', params],
    queryFn: ({ pageParam, signal }) => api.listDocuments({ ...params, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const items = (list.data?.pages ?? []).flatMap((p) => p.items);
  const table = useTable({ features, columns, data: list.data ? items : noRows });

  const filter = (patch: Partial<DocumentsSearch>) => setSearch((s) => ({ ...s, ...patch }));
  const toggleStatus = (st: DocumentStatus) => {
    const current = search.status ?? [];
    const next = current.includes(st) ? current.filter((x) => x !== st) : [...current, st];
    filter({ status: next.length > 0 ? next : undefined });
  };
  const filtersActive = !!(
    search.q ||
    search.status ||
    search.overdue ||
    search.customer ||
    search.from ||
    search.to
  );

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Invoices and memos</h1>
        </div>
        {editable ? (
          <div className="card-actions">
            <Link to="/memos/new" search={{ kind: 'credit_memo' }} className="btn">
              New credit memo
            </Link>
            <Link to="/invoices/new" className="btn btn-primary">
              New invoice
            </Link>
          </div>
        ) : null}
      </div>

      <div className="tabs" role="tablist" aria-label="Document kind">
        {KIND_TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={kind === t.id}
            className={`tab${kind === t.id ? ' active' : ''}`}
            onClick={() =>
              setSearch((s) => ({
                ...s,
                kind: t.id === 'invoice' ? undefined : t.id,
                // statuses of another kind make no sense here
                status: s.status?.filter((x) => statusesFor(t.id).includes(x)),
              }))
            }
          >
            {t.label}
          </button>
        ))}
      </div>

      <div className="toolbar" role="search" aria-label="Filter documents">
        <div className="field field-inline grow">
          <label htmlFor="doc-search" className="sr-only">
            Search documents
          </label>
          <input
            id="doc-search"
            type="search"
            placeholder="Search number, PO, customer…"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <div className="field field-inline customer-filter">
          <label htmlFor="doc-customer">Customer</label>
          <CustomerPicker
            id="doc-customer"
            value={
              shownCustomer
                ? {
                    id: shownCustomer.id,
                    accountNumber: shownCustomer.accountNumber,
                    name: shownCustomer.name,
                  }
                : null
            }
            onChange={(c) => {
              setPicked(c);
              filter({ customer: c?.id });
            }}
          />
        </div>
        <div className="field field-inline">
          <label htmlFor="doc-from">Issued from</label>
          <input
            id="doc-from"
            type="date"
            value={search.from ?? ''}
            onChange={(e) => filter({ from: e.target.value || undefined })}
          />
        </div>
        <div className="field field-inline">
          <label htmlFor="doc-to">to</label>
          <input
            id="doc-to"
            type="date"
            value={search.to ?? ''}
            onChange={(e) => filter({ to: e.target.value || undefined })}
          />
        </div>
        <label className="check">
          <input
            type="checkbox"
            checked={!!search.overdue}
            onChange={(e) => filter({ overdue: e.target.checked || undefined })}
          />
          Overdue only
        </label>
        <div className="chips" role="group" aria-label="Status">
          <span className="chips-label" aria-hidden="true">
            Status
          </span>
          {statusesFor(kind).map((st) => (
            <button
              key={st}
              type="button"
              className="chip"
              aria-pressed={(search.status ?? []).includes(st)}
              onClick={() => toggleStatus(st)}
            >
              {label(DOCUMENT_STATUS_LABELS, st)}
            </button>
          ))}
        </div>
        {filtersActive ? (
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={() => {
              setText('');
              setPicked(null);
              setSearch((s) => ({ kind: s.kind }));
            }}
          >
            Clear filters
          </button>
        ) : null}
      </div>

      {list.error ? <ErrorBanner error={list.error} /> : null}

      <div
        className={`table-wrap${list.isFetching && !list.isFetchingNextPage ? ' is-fetching' : ''}`}
        aria-busy={list.isFetching}
      >
        <table className="data-table clickable" aria-label="Documents">
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => (
                  <th
                    key={header.id}
                    scope="col"
                    className={header.column.columnDef.meta?.numeric ? 'num' : undefined}
                  >
                    <table.FlexRender header={header} />
                  </th>
                ))}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr
                key={row.original.id}
                data-testid="document-row"
                onClick={() => navigate({ to: '/documents/$id', params: { id: row.original.id } })}
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
        {list.isPending ? <div className="table-loading">Loading documents…</div> : null}
        {list.data && items.length === 0 ? (
          <Empty>{filtersActive ? 'No documents match these filters.' : 'No documents yet.'}</Empty>
        ) : null}
      </div>

      <div className="pager">
        <span className="muted" aria-live="polite" data-testid="doc-count">
          {items.length > 0 ? `Showing ${items.length}${list.hasNextPage ? '+' : ''}` : ''}
        </span>
        {list.hasNextPage ? (
          <button
            type="button"
            className="btn btn-sm"
            disabled={list.isFetchingNextPage || list.isPlaceholderData}
            onClick={() => void list.fetchNextPage()}
          >
            {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        ) : null}
      </div>
    </div>
  );
}
