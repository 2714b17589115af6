import type { JournalEntry } from '../api.ts';
import { DOCUMENT_KIND_LABELS, formatDate, formatDateTime, formatMoney, label } from '../format.ts';
import { Empty } from './ui.tsx';

const ENTRY_KIND_LABELS: Record<string, string> = {
  ...DOCUMENT_KIND_LABELS,
  application: 'Application',
  unapplication: 'Unapplication',
  void: 'Void',
};

/** Journal entries, one small debit/credit table each, in posting order. */
export function JournalEntries({ entries }: { entries: JournalEntry[] }) {
  if (entries.length === 0) return <Empty>No journal entries (a draft posts nothing).</Empty>;
  return (
    <div className="journal">
      {entries.map((e) => (
        <div key={e.id} className="journal-entry" data-testid="journal-entry">
          <div className="journal-head">
            <strong>{formatDate(e.date)}</strong>
            <span className="badge badge-neutral">{label(ENTRY_KIND_LABELS, e.kind)}</span>
            <span>{e.description}</span>
            {e.reversesEntryId ? <span className="muted">(reverses an earlier entry)</span> : null}
            <span className="muted small journal-recorded" title="Recorded at">
              {formatDateTime(e.recordedAt)}
            </span>
          </div>
          <div className="table-scroll">
            <table className="data-table compact" aria-label={`Journal entry ${e.description}`}>
              <thead>
                <tr>
                  <th scope="col">Account</th>
                  <th scope="col">Name</th>
                  <th scope="col" className="num">
                    Debit
                  </th>
                  <th scope="col" className="num">
                    Credit
                  </th>
                </tr>
              </thead>
              <tbody>
                {e.lines.map((l, i) => (
                  <tr key={i} data-testid="journal-line">
                    <td className="mono">{l.accountCode}</td>
                    <td>{l.accountName}</td>
                    <td className="num">{isZero(l.debit) ? '' : formatMoney(l.debit)}</td>
                    <td className="num">{isZero(l.credit) ? '' : formatMoney(l.credit)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ))}
    </div>
  );
}

function isZero(decimal: string): boolean {
  return /^-?0+(\.0+)?$/.test(decimal);
}
