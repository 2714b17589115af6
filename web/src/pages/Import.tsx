import { useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import * as api from '../api.ts';
import type { ImportResult } from '../api.ts';
import { useCanManage } from '../auth.ts';
import { formatBytes } from '../format.ts';
import { Badge, ErrorBanner, Section, useIdempotencyKey } from '../components/ui.tsx';

interface ColumnHelp {
  name: string;
  required?: boolean;
  note: string;
}

/** The header names of the server's template file, grouped for reading. */
export const IMPORT_COLUMNS: { group: string; columns: ColumnHelp[] }[] = [
  {
    group: 'Customer',
    columns: [
      { name: 'accountNumber', required: true, note: 'Your account number, e.g. C-10001' },
      { name: 'name', required: true, note: 'Display name' },
      { name: 'legalName', note: 'Defaults to name' },
      { name: 'currency', required: true, note: 'ISO 4217 code, e.g. USD' },
      { name: 'creditLimit', note: 'Decimal amount, e.g. 25000.00' },
      { name: 'paymentTerms', required: true, note: 'A payment-terms code, e.g. NET30' },
      { name: 'riskClass', note: 'low, medium or high' },
      { name: 'status', note: 'active, credit_hold, agency or closed' },
      { name: 'statusReason', note: 'Why the status is what it is' },
      { name: 'collectorEmail', note: 'A Dunwell user (email or name)' },
      { name: 'salesRepEmail', note: 'A Dunwell user (email or name)' },
      { name: 'parentAccountNumber', note: 'Account number of the parent customer' },
      { name: 'externalId', note: 'Id in your ERP; matched before account number' },
    ],
  },
  {
    group: 'Contact (optional)',
    columns: [
      { name: 'contactName', note: 'Needed with any other contact column' },
      { name: 'contactEmail', note: '' },
      { name: 'contactPhone', note: '' },
      { name: 'contactTitle', note: '' },
    ],
  },
  {
    group: 'Address (optional)',
    columns: [
      { name: 'addressLine1', note: 'With city and country' },
      { name: 'addressLine2', note: '' },
      { name: 'city', note: '' },
      { name: 'region', note: 'State or province' },
      { name: 'postalCode', note: '' },
      { name: 'country', note: 'Two-letter code, e.g. US' },
    ],
  },
];

export function ImportPage() {
  const canImport = useCanManage();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [partial, setPartial] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const idem = useIdempotencyKey();

  const run = useMutation({
    mutationFn: ({ f, dry }: { f: File; dry: boolean }) => {
      const mode = partial ? 'partial' : 'all_or_nothing';
      const key = idem.keyFor({ name: f.name, size: f.size, modified: f.lastModified, dry, mode });
      return api.importCustomers(f, dry, key, mode);
    },
    onMutate: () => setResult(null),
    onSuccess: async (res) => {
      idem.reset();
      setResult(res);
      if (!res.dryRun) await qc.invalidateQueries({ queryKey: ['customers'] });
    },
  });

  function start(dry: boolean) {
    if (!file) {
      setFileError('Choose a CSV or XLSX file first');
      return;
    }
    run.mutate({ f: file, dry });
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    start(true);
  }

  const pendingDry = run.isPending && run.variables?.dry === true;
  const pendingReal = run.isPending && run.variables?.dry === false;

  return (
    <div className="page">
      <div className="page-header">
        <h1>Import customers</h1>
        <a className="btn" href={api.IMPORT_TEMPLATE_URL} download>
          Download template (CSV)
        </a>
      </div>
      <div className="import-layout">
        <div>
          <Section title="Upload">
            {!canImport ? (
              <div className="alert alert-info">Only managers and admins can import customers.</div>
            ) : (
              <form onSubmit={submit} className="import-form" noValidate>
                <div className={`field${fileError ? ' field-invalid' : ''}`}>
                  <label htmlFor="import-file">CSV or XLSX file</label>
                  <input
                    id="import-file"
                    type="file"
                    accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    aria-describedby={fileError ? 'import-file-err' : undefined}
                    onChange={(e) => {
                      setFile(e.target.files?.[0] ?? null);
                      setFileError(null);
                      setResult(null);
                      run.reset();
                    }}
                  />
                  {file ? (
                    <div className="field-hint">
                      {file.name} · {formatBytes(file.size)}
                    </div>
                  ) : null}
                  {fileError ? (
                    <div className="field-error" id="import-file-err" role="alert">
                      {fileError}
                    </div>
                  ) : null}
                </div>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={partial}
                    onChange={(e) => setPartial(e.target.checked)}
                  />
                  Save the valid rows even if other rows have errors
                </label>
                <p className="small muted">
                  <strong>Dry run</strong> checks every row and counts what would change, saving
                  nothing. <strong>Import</strong> saves;{' '}
                  {partial
                    ? 'rows with errors are skipped and listed.'
                    : 'if any row has an error, nothing is saved.'}
                </p>
                <div className="form-actions">
                  <button type="submit" className="btn btn-primary" disabled={run.isPending}>
                    {pendingDry ? 'Checking…' : 'Dry run'}
                  </button>
                  <button
                    type="button"
                    className="btn"
                    disabled={run.isPending}
                    onClick={() => start(false)}
                  >
                    {pendingReal ? 'Importing…' : 'Import'}
                  </button>
                </div>
              </form>
            )}
          </Section>

          {run.error ? <ErrorBanner error={run.error} /> : null}
          {result ? <ImportResultView result={result} /> : null}
        </div>

        <aside>
          <Section title="Accepted columns">
            <p className="small">
              The first row names the columns. Names match ignoring case, spaces and punctuation
              (&ldquo;Account No.&rdquo; is <code>accountNumber</code>); common synonyms such as
              &ldquo;Terms&rdquo; or &ldquo;Zip&rdquo; are understood. Rows update the customer with
              the same external id, else the same account number, so importing a file twice changes
              nothing.
            </p>
            <table className="data-table compact" aria-label="Accepted columns">
              <thead>
                <tr>
                  <th scope="col">Column</th>
                  <th scope="col">Notes</th>
                </tr>
              </thead>
              {IMPORT_COLUMNS.map((g) => (
                <tbody key={g.group}>
                  <tr className="group-row">
                    <th scope="rowgroup" colSpan={2}>
                      {g.group}
                    </th>
                  </tr>
                  {g.columns.map((c) => (
                    <tr key={c.name}>
                      <td className="nowrap">
                        <code>{c.name}</code>
                        {c.required ? (
                          <span className="req" title="required">
                            {' '}
                            *
                          </span>
                        ) : null}
                      </td>
                      <td className="wrap">{c.note}</td>
                    </tr>
                  ))}
                </tbody>
              ))}
            </table>
            <p className="small muted">* required</p>
          </Section>
        </aside>
      </div>
    </div>
  );
}

function ImportResultView({ result }: { result: ImportResult }) {
  const title = result.dryRun
    ? 'Dry run result'
    : result.rejected
      ? 'Import rejected'
      : 'Import result';
  const badge = result.dryRun ? (
    <Badge tone="info">Nothing was saved</Badge>
  ) : result.rejected ? (
    <Badge tone="danger">Nothing was saved</Badge>
  ) : (
    <Badge tone={result.errors.length ? 'warn' : 'ok'}>Saved</Badge>
  );
  const would = result.dryRun || result.rejected;
  return (
    <Section title={title} actions={badge}>
      <dl className="import-counts" data-testid="import-counts">
        {result.total !== undefined ? (
          <div>
            <dt>Rows</dt>
            <dd data-testid="count-total">{result.total}</dd>
          </div>
        ) : null}
        <div>
          <dt>{would ? 'Would create' : 'Created'}</dt>
          <dd data-testid="count-created">{result.created}</dd>
        </div>
        <div>
          <dt>{would ? 'Would update' : 'Updated'}</dt>
          <dd data-testid="count-updated">{result.updated}</dd>
        </div>
        <div>
          <dt>Unchanged</dt>
          <dd data-testid="count-unchanged">{result.unchanged}</dd>
        </div>
        <div className={result.errors.length ? 'has-errors' : undefined}>
          <dt>Errors</dt>
          <dd data-testid="count-errors">{result.errors.length}</dd>
        </div>
      </dl>
      {result.errors.length > 0 ? (
        <>
          <p className="small muted">
            Line 1 is the header row. Fix these rows and run again
            {result.rejected ? '; nothing was saved.' : '.'}
          </p>
          <table className="data-table" aria-label="Import errors">
            <thead>
              <tr>
                <th scope="col" className="num">
                  Line
                </th>
                <th scope="col">Field</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {result.errors.map((e, i) => (
                <tr key={`${e.line}-${e.field ?? ''}-${i}`} data-testid="import-error-row">
                  <td className="num">{e.line}</td>
                  <td>{e.field ? <code>{e.field}</code> : <span className="muted">—</span>}</td>
                  <td className="wrap">{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : result.dryRun ? (
        <p className="ok-text">No errors. Choose Import to save these changes.</p>
      ) : null}
    </Section>
  );
}
