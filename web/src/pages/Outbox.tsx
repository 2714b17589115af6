import { useState } from 'react';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import * as api from '../api.ts';
import type { OutboxStatus } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { DocLink, NotAvailable, isMissingRoute } from '../components/ledger-ui.tsx';
import { Empty, ErrorBanner, Section, Spinner } from '../components/ui.tsx';

const STATUS_TEXT: Record<OutboxStatus, string> = {
  sent: 'Sent',
  outbox: 'In outbox',
  sending: 'Sending',
  failed: 'Failed',
};
const STATUS_TONE: Record<OutboxStatus, string> = {
  sent: 'ok',
  outbox: 'warn',
  sending: 'info',
  failed: 'danger',
};

function OutboxBadge({ status }: { status: OutboxStatus }) {
  return (
    <span className={`badge badge-${STATUS_TONE[status] ?? 'neutral'}`}>
      {STATUS_TEXT[status] ?? status}
    </span>
  );
}

export function OutboxPage() {
  const [status, setStatus] = useState<OutboxStatus | ''>('');
  const [selected, setSelected] = useState<string | null>(null);
  const list = useInfiniteQuery({
    queryKey: ['outbox', 'list', status],
    queryFn: ({ pageParam, signal }) =>
      api.listOutbox({ status: status || undefined, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const items = (list.data?.pages ?? []).flatMap((p) => p.items);

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Outbox</h1>
          <div className="header-meta">E-mails sent from Dunwell, and those waiting to go.</div>
        </div>
      </div>
      {isMissingRoute(list.error) ? (
        <NotAvailable what="The outbox" />
      ) : (
        <>
          <div className="toolbar" role="search" aria-label="Filter e-mails">
            <div className="field field-inline">
              <label htmlFor="ob-status">Status</label>
              <select
                id="ob-status"
                value={status}
                onChange={(e) => setStatus(e.target.value as OutboxStatus | '')}
              >
                <option value="">All</option>
                <option value="sent">Sent</option>
                <option value="outbox">In outbox</option>
                <option value="sending">Sending</option>
                <option value="failed">Failed</option>
              </select>
            </div>
          </div>
          {list.error ? <ErrorBanner error={list.error} /> : null}
          <div className={`table-wrap${list.isFetching ? ' is-fetching' : ''}`}>
            <table className="data-table clickable" aria-label="E-mails">
              <thead>
                <tr>
                  <th scope="col">Created</th>
                  <th scope="col">Status</th>
                  <th scope="col">To</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Document</th>
                  <th scope="col">Customer</th>
                  <th scope="col">Sent</th>
                </tr>
              </thead>
              <tbody>
                {items.map((m) => (
                  <tr
                    key={m.id}
                    data-testid="outbox-row"
                    aria-selected={selected === m.id}
                    className={selected === m.id ? 'selected' : undefined}
                    onClick={() => setSelected(m.id)}
                  >
                    <td className="nowrap">{formatDateTime(m.createdAt)}</td>
                    <td>
                      <OutboxBadge status={m.status} />
                    </td>
                    <td>{m.to.join(', ')}</td>
                    <td className="wrap">
                      {m.subject}
                      {m.error ? <span className="cell-sub field-error">{m.error}</span> : null}
                    </td>
                    <td>
                      {m.documentId ? (
                        <DocLink id={m.documentId} kind="invoice" number={m.documentNumber} />
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td>{m.customerName ?? ''}</td>
                    <td className="nowrap">{formatDateTime(m.sentAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {list.isPending ? <div className="table-loading">Loading e-mails…</div> : null}
            {list.data && items.length === 0 ? <Empty>No e-mails.</Empty> : null}
          </div>
          {list.hasNextPage ? (
            <div className="pager">
              <span />
              <button
                type="button"
                className="btn btn-sm"
                disabled={list.isFetchingNextPage}
                onClick={() => void list.fetchNextPage()}
              >
                Load more
              </button>
            </div>
          ) : null}
          {selected ? <OutboxDetail id={selected} onClose={() => setSelected(null)} /> : null}
        </>
      )}
    </div>
  );
}

function OutboxDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const msg = useQuery({
    queryKey: ['outbox', 'detail', id],
    queryFn: () => api.getOutboxMessage(id),
  });
  return (
    <Section
      title="E-mail"
      actions={
        <button type="button" className="btn btn-ghost btn-sm" onClick={onClose}>
          Close
        </button>
      }
    >
      {msg.error ? <ErrorBanner error={msg.error} /> : null}
      {msg.isPending ? <Spinner /> : null}
      {msg.data ? (
        <div data-testid="outbox-detail">
          <dl className="facts">
            <div>
              <dt>Status</dt>
              <dd>
                <OutboxBadge status={msg.data.status} />
              </dd>
            </div>
            <div>
              <dt>To</dt>
              <dd>{msg.data.to.join(', ')}</dd>
            </div>
            <div>
              <dt>Cc</dt>
              <dd>{msg.data.cc.join(', ') || '—'}</dd>
            </div>
            <div>
              <dt>By</dt>
              <dd>{msg.data.createdBy}</dd>
            </div>
            <div className="span-2">
              <dt>Subject</dt>
              <dd>{msg.data.subject}</dd>
            </div>
            <div>
              <dt>Attachment</dt>
              <dd>
                {msg.data.attachmentName ? (
                  <a href={api.outboxAttachmentUrl(id)} target="_blank" rel="noreferrer">
                    {msg.data.attachmentName}
                  </a>
                ) : (
                  '—'
                )}
              </dd>
            </div>
            {msg.data.error ? (
              <div>
                <dt>Error</dt>
                <dd className="field-error">{msg.data.error}</dd>
              </div>
            ) : null}
          </dl>
          <pre className="mail-body">{msg.data.bodyText}</pre>
        </div>
      ) : null}
    </Section>
  );
}
