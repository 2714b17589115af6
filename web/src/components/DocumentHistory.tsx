import { useQueries, useQuery } from '@tanstack/react-query';
import * as api from '../api.ts';
import type { ArDocument, AuditEntry } from '../api.ts';
import { formatDateTime, formatMoney } from '../format.ts';
import { Empty, ErrorBanner, Section, Spinner } from './ui.tsx';

export const documentAuditKey = (id: string) => ['audit', 'document', id] as const;

/** At most this many applications have their own audit entries merged into the history. */
const MAX_APPLICATION_HISTORIES = 20;

const ACTION_LABELS: Record<string, string> = {
  create: 'Created',
  update_draft: 'Draft edited',
  delete_draft: 'Draft deleted',
  post: 'Posted',
  void: 'Voided',
  apply: 'Applied',
  unapply: 'Unapplied',
  email: 'E-mailed',
  sent: 'E-mail sent',
  send_failed: 'E-mail failed',
};

const AMOUNT_FIELDS = new Set(['amount', 'total', 'subtotal', 'tax', 'openBalance']);

function showValue(field: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'string') return AMOUNT_FIELDS.has(field) ? formatMoney(v) : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return '—';
    if (v.every((x) => typeof x === 'string')) return v.join(', ');
    return `${v.length} item${v.length === 1 ? '' : 's'}`;
  }
  return JSON.stringify(v);
}

function humanize(field: string): string {
  const words = field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The fields an audit entry recorded after the change (ids of other records left out). */
function facts(entry: AuditEntry): [string, string][] {
  const after = entry.after ?? entry.before ?? {};
  return Object.entries(after)
    .filter(([k]) => !/Id$|^id$|^lines$|^version$/.test(k))
    .slice(0, 8)
    .map(([k, v]) => [humanize(k), showValue(k, v)]);
}

/** The audit trail of a document and of the applications that touched it, newest first. */
export function DocumentHistory({ doc }: { doc: ArDocument }) {
  const own = useQuery({
    queryKey: documentAuditKey(doc.id),
    queryFn: () => api.listAudit(doc.kind, doc.id),
  });
  const applicationIds = doc.applications.slice(0, MAX_APPLICATION_HISTORIES).map((a) => a.id);
  const applications = useQueries({
    queries: applicationIds.map((id) => ({
      queryKey: ['audit', 'application', id],
      queryFn: () => api.listAudit('application', id),
      staleTime: 60_000,
    })),
  });
  const rows = [
    ...(own.data?.items ?? []),
    ...applications.flatMap((q) => q.data?.items ?? []),
  ].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));

  return (
    <Section title="History">
      {own.error ? <ErrorBanner error={own.error} /> : null}
      {own.isPending ? (
        <Spinner />
      ) : rows.length === 0 ? (
        <Empty>No history.</Empty>
      ) : (
        <div className="table-scroll">
          <table className="data-table audit" aria-label="Document history">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id} data-testid="history-row">
                  <td className="nowrap">{formatDateTime(e.at)}</td>
                  <td className="nowrap">{e.actor?.name ?? 'System'}</td>
                  <td className="nowrap">
                    {ACTION_LABELS[e.action] ?? e.action}
                    {e.entityType === 'application' ? (
                      <span className="cell-sub">application</span>
                    ) : null}
                  </td>
                  <td className="wrap">
                    <ul className="diff">
                      {facts(e).map(([k, v]) => (
                        <li key={k}>
                          <span className="diff-field">{k}</span> <span>{v}</span>
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
