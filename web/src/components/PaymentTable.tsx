// One TanStack table for the cash pages (payments, statement lines, deposits, accounts): column
// definitions in, a plain data table out, rows optionally clickable and selectable.
import type { ReactNode } from 'react';
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import type { ColumnDef, RowData } from '@tanstack/react-table';

export const cashFeatures = tableFeatures({
  columnMeta: {} as { numeric?: boolean; className?: string },
});
type CashFeatures = typeof cashFeatures;

/** The column helper for a CashTable of `T` rows. */
export function cashColumns<T extends RowData>() {
  return createColumnHelper<CashFeatures, T>();
}

interface Props<T extends RowData> {
  label: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each column keeps its own value type
  columns: ColumnDef<CashFeatures, T, any>[];
  data: T[];
  rowKey: (row: T) => string;
  rowTestId?: string;
  onOpen?: (row: T) => void;
  selectedKey?: string | null;
  rowClass?: (row: T) => string | undefined;
  /** Under the table: loading, empty or paging notes. */
  footer?: ReactNode;
  busy?: boolean;
}

const cellClass = (meta: { numeric?: boolean; className?: string } | undefined) =>
  [meta?.numeric ? 'num' : '', meta?.className ?? ''].join(' ').trim() || undefined;

export function CashTable<T extends RowData>(props: Props<T>) {
  const { columns, data, onOpen, selectedKey } = props;
  const table = useTable({ features: cashFeatures, columns, data });
  const [headerGroup] = table.getHeaderGroups();
  return (
    <div className={`table-wrap${props.busy ? ' is-fetching' : ''}`} aria-busy={props.busy}>
      <table className={`data-table${onOpen ? ' clickable' : ''}`} aria-label={props.label}>
        <thead>
          <tr>
            {(headerGroup?.headers ?? []).map((h) => (
              <th key={h.id} scope="col" className={cellClass(h.column.columnDef.meta)}>
                <table.FlexRender header={h} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.getRowModel().rows.map((r) => {
            const key = props.rowKey(r.original);
            const classes = [key === selectedKey ? 'selected' : '', props.rowClass?.(r.original)]
              .filter(Boolean)
              .join(' ');
            return (
              <tr
                key={key}
                className={classes || undefined}
                data-testid={props.rowTestId}
                aria-current={key === selectedKey ? 'true' : undefined}
                onClick={onOpen ? () => onOpen(r.original) : undefined}
                // a row that opens something is reached with Tab and opened with Enter or Space
                tabIndex={onOpen ? 0 : undefined}
                onKeyDown={
                  onOpen
                    ? (e) => {
                        if (e.target !== e.currentTarget) return;
                        if (e.key === 'Enter' || e.key === ' ') {
                          e.preventDefault();
                          onOpen(r.original);
                        }
                      }
                    : undefined
                }
              >
                {r.getAllCells().map((c) => (
                  <td key={c.id} className={cellClass(c.column.columnDef.meta)}>
                    <table.FlexRender cell={c} />
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      {props.footer}
    </div>
  );
}

/** Under a cursor-paged list: how many rows are shown, and the button for the next page. */
export function MorePages({
  shown,
  paging,
}: {
  shown: number;
  paging: {
    hasNextPage: boolean;
    isFetchingNextPage: boolean;
    isPlaceholderData: boolean;
    fetchNextPage: () => Promise<unknown>;
  };
}) {
  const loading = paging.isFetchingNextPage;
  const count = shown === 0 ? '' : `Showing ${shown}${paging.hasNextPage ? '+' : ''}`;
  return (
    <div className="pager">
      <span className="muted" aria-live="polite">
        {count}
      </span>
      {paging.hasNextPage ? (
        <button
          type="button"
          className="btn btn-sm"
          disabled={loading || paging.isPlaceholderData}
          onClick={() => void paging.fetchNextPage()}
        >
          {loading ? 'Loading…' : 'Load more'}
        </button>
      ) : null}
    </div>
  );
}

/** Under an offset-paged list of known size: the rows shown, and first / previous / next / last. */
export function PagePager({
  label,
  page,
  pageSize,
  total,
  onPage,
  busy,
}: {
  /** What the rows are, for the range ("Lines 101–200 of 650"). */
  label: string;
  /** 1-based. */
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  busy?: boolean;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  const go = (p: number) => () => onPage(Math.min(pages, Math.max(1, p)));
  return (
    <div className="pager" aria-label={`${label} pages`}>
      <span className="muted" aria-live="polite" data-testid="page-range">
        {total > 0 ? `${label} ${first}–${last} of ${total}` : ''}
        {pages > 1 ? ` · page ${page} of ${pages}` : ''}
      </span>
      {pages > 1 ? (
        <div className="pager-controls">
          <button type="button" className="btn btn-sm" disabled={busy || page <= 1} onClick={go(1)}>
            « First
          </button>
          <button
            type="button"
            className="btn btn-sm"
            disabled={busy || page <= 1}
            onClick={go(page - 1)}
          >
            ‹ Previous
          </button>
          <button
            type="button"
            className="btn btn-sm"
            disabled={busy || page >= pages}
            onClick={go(page + 1)}
          >
            Next ›
          </button>
          <button
            type="button"
            className="btn btn-sm"
            disabled={busy || page >= pages}
            onClick={go(pages)}
          >
            Last »
          </button>
        </div>
      ) : null}
    </div>
  );
}
