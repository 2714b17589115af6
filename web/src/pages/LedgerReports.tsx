// Trial balance, GL reconciliation and the journal export.
import { Fragment, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import * as api from '../api.ts';
import type { TrialBalance } from '../api.ts';
import { DOCUMENT_KIND_LABELS, formatDate, formatMoney, label, todayIso } from '../format.ts';
import { DocLink } from '../components/ledger-ui.tsx';
import { Empty, ErrorBanner, Section, Spinner } from '../components/ui.tsx';

function AsOfPicker({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  return (
    <div className="toolbar" role="group" aria-label="Report date">
      <div className="field field-inline">
        <label htmlFor="as-of">As of</label>
        <input
          id="as-of"
          type="date"
          value={value}
          max="9999-12-31"
          onChange={(e) => onChange(e.target.value)}
        />
      </div>
      {value ? (
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => onChange('')}>
          Today
        </button>
      ) : (
        <span className="muted small">Blank: end of today</span>
      )}
    </div>
  );
}

function isZero(decimal: string): boolean {
  return /^-?0+(\.0+)?$/.test(decimal);
}

function byCurrency(tb: TrialBalance) {
  const groups = new Map<string, TrialBalance['accounts']>();
  for (const a of tb.accounts) {
    const list = groups.get(a.currency) ?? [];
    list.push(a);
    groups.set(a.currency, list);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

export function TrialBalancePage() {
  const [asOf, setAsOf] = useState('');
  const tb = useQuery({
    queryKey: ['ledger', 'trial-balance', asOf],
    queryFn: () => api.getTrialBalance(asOf || undefined),
    placeholderData: keepPreviousData,
  });
  const data = tb.data;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Trial balance</h1>
          <div className="header-meta">
            Balances of every account at the end of {data ? formatDate(data.asOf) : 'the day'}, per
            currency.
          </div>
        </div>
      </div>
      <AsOfPicker value={asOf} onChange={setAsOf} />
      {tb.error ? <ErrorBanner error={tb.error} /> : null}
      {tb.isPending ? <Spinner /> : null}
      {data ? (
        <>
          <dl className="kpis report-kpis">
            {data.totals.map((t) => {
              const balanced = t.debit === t.credit;
              return (
                <div key={t.currency} data-testid="tb-total">
                  <dt>{t.currency}</dt>
                  <dd>
                    <span data-testid="tb-debit">{formatMoney(t.debit)}</span> Dr ={' '}
                    <span data-testid="tb-credit">{formatMoney(t.credit)}</span> Cr{' '}
                    <span className={`badge ${balanced ? 'badge-ok' : 'badge-danger'}`}>
                      {balanced ? 'Balanced' : 'Out of balance'}
                    </span>
                  </dd>
                </div>
              );
            })}
          </dl>
          {data.accounts.length === 0 ? (
            <Empty>Nothing posted yet.</Empty>
          ) : (
            <div className={`table-wrap${tb.isFetching ? ' is-fetching' : ''}`}>
              <table className="data-table" aria-label="Trial balance">
                <thead>
                  <tr>
                    <th scope="col">Account</th>
                    <th scope="col">Name</th>
                    <th scope="col">GL code</th>
                    <th scope="col">Type</th>
                    <th scope="col" className="num">
                      Debit
                    </th>
                    <th scope="col" className="num">
                      Credit
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {byCurrency(data).map(([currency, rows]) => {
                    const total = data.totals.find((t) => t.currency === currency);
                    return (
                      <Fragment key={currency}>
                        <tr className="group-row">
                          <th scope="rowgroup" colSpan={6}>
                            {currency}
                          </th>
                        </tr>
                        {rows.map((a) => (
                          <tr key={`${currency}-${a.code}`} data-testid="tb-row">
                            <td className="mono">{a.code}</td>
                            <td>{a.name}</td>
                            <td className="mono">{a.glCode ?? <span className="muted">—</span>}</td>
                            <td>{a.type}</td>
                            <td className="num">{isZero(a.debit) ? '' : formatMoney(a.debit)}</td>
                            <td className="num">{isZero(a.credit) ? '' : formatMoney(a.credit)}</td>
                          </tr>
                        ))}
                        {total ? (
                          <tr className="total-row">
                            <td colSpan={4}>Total {currency}</td>
                            <td className="num">{formatMoney(total.debit)}</td>
                            <td className="num">{formatMoney(total.credit)}</td>
                          </tr>
                        ) : null}
                      </Fragment>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : null}
    </div>
  );
}

export function GlReconciliationPage() {
  const [asOf, setAsOf] = useState('');
  const [explain, setExplain] = useState(false);
  const rec = useQuery({
    queryKey: ['ledger', 'gl-reconciliation', asOf, explain],
    queryFn: () => api.getGlReconciliation(asOf || undefined, explain),
    placeholderData: keepPreviousData,
  });
  const data = rec.data;
  const ties = data
    ? data.byCurrency.every((c) => isZero(c.difference)) && isZero(data.difference)
    : false;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>GL reconciliation</h1>
          <div className="header-meta">
            The AR sub-ledger (open documents) against the AR control account.
          </div>
        </div>
      </div>
      <AsOfPicker value={asOf} onChange={setAsOf} />
      <label className="check explain-toggle">
        <input type="checkbox" checked={explain} onChange={(e) => setExplain(e.target.checked)} />
        List per-document differences even when the totals agree
      </label>
      {rec.error ? <ErrorBanner error={rec.error} /> : null}
      {rec.isPending ? <Spinner /> : null}
      {data ? (
        <>
          <div
            className={`tie-state ${ties ? 'tie-ok' : 'tie-bad'}`}
            role="status"
            data-testid="tie-state"
          >
            <strong>{ties ? '✓ Ties out' : '✗ Does not tie'}</strong>
            <span>
              at the end of {formatDate(data.asOf)} · difference{' '}
              <span data-testid="rec-difference">{formatMoney(data.difference)}</span>{' '}
              {data.currency}
            </span>
          </div>
          <Section title="By currency">
            {data.byCurrency.length === 0 ? (
              <Empty>Nothing posted yet.</Empty>
            ) : (
              <table className="data-table" aria-label="Reconciliation by currency">
                <thead>
                  <tr>
                    <th scope="col">Currency</th>
                    <th scope="col" className="num">
                      Sub-ledger
                    </th>
                    <th scope="col" className="num">
                      Control account
                    </th>
                    <th scope="col" className="num">
                      Difference
                    </th>
                    <th scope="col" className="num">
                      Documents
                    </th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
                  {data.byCurrency.map((c) => (
                    <tr key={c.currency} data-testid="rec-row">
                      <td>{c.currency}</td>
                      <td className="num">{formatMoney(c.subledgerBalance)}</td>
                      <td className="num">{formatMoney(c.controlBalance)}</td>
                      <td className="num">{formatMoney(c.difference)}</td>
                      <td className="num">{c.documents}</td>
                      <td>
                        {isZero(c.difference) ? (
                          <span className="badge badge-ok">Ties out</span>
                        ) : (
                          <span className="badge badge-danger">Does not tie</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
          {data.explanations.length > 0 || explain ? (
            <Section title="Explanations">
              {data.explanations.length === 0 ? (
                <Empty>No document differs from its ledger postings.</Empty>
              ) : (
                <table className="data-table" aria-label="Explanations">
                  <thead>
                    <tr>
                      <th scope="col">Document</th>
                      <th scope="col">Kind</th>
                      <th scope="col">Currency</th>
                      <th scope="col" className="num">
                        Document balance
                      </th>
                      <th scope="col" className="num">
                        Ledger balance
                      </th>
                      <th scope="col" className="num">
                        Difference
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.explanations.map((e, i) => (
                      <tr key={`${e.documentId ?? 'none'}-${i}`} data-testid="explanation-row">
                        <td>
                          {e.documentId ? (
                            <DocLink id={e.documentId} kind={e.kind ?? ''} number={e.number} />
                          ) : (
                            <span className="muted">No document</span>
                          )}
                        </td>
                        <td>{e.kind ? label(DOCUMENT_KIND_LABELS, e.kind) : '—'}</td>
                        <td>{e.currency}</td>
                        <td className="num">{formatMoney(e.documentBalance)}</td>
                        <td className="num">{formatMoney(e.ledgerBalance)}</td>
                        <td className="num">{formatMoney(e.difference)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </Section>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

function firstOfMonth(iso: string): string {
  return `${iso.slice(0, 8)}01`;
}

export function JournalExportPage() {
  const today = todayIso();
  const [from, setFrom] = useState(firstOfMonth(today));
  const [to, setTo] = useState(today);
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to);
  const ordered = valid && from <= to;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Journal export</h1>
          <div className="header-meta">
            Every journal line dated in the period, with the GL code each account maps to, for the
            general ledger.
          </div>
        </div>
      </div>
      <Section title="Period">
        <div className="grid grid-4">
          <div className="field">
            <label htmlFor="j-from">From</label>
            <input id="j-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          </div>
          <div className={`field${valid && !ordered ? ' field-invalid' : ''}`}>
            <label htmlFor="j-to">To</label>
            <input
              id="j-to"
              type="date"
              value={to}
              aria-invalid={valid && !ordered ? true : undefined}
              onChange={(e) => setTo(e.target.value)}
            />
            {valid && !ordered ? (
              <div className="field-error" role="alert">
                The end is before the start
              </div>
            ) : null}
          </div>
        </div>
        <div className="form-actions">
          {ordered ? (
            <>
              <a className="btn btn-primary" href={api.journalExportUrl(from, to, 'csv')} download>
                Download CSV
              </a>
              <a className="btn" href={api.journalExportUrl(from, to, 'xlsx')} download>
                Download XLSX
              </a>
            </>
          ) : (
            <span className="muted">Choose a start and an end date.</span>
          )}
        </div>
      </Section>
    </div>
  );
}
