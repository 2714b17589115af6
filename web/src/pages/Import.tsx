import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import * as api from '../api.ts';
import type { ImportResult } from '../api.ts';
import { importOpenItems, OPEN_ITEMS_TEMPLATE_URL } from '../import-api.ts';
import { useCanManage } from '../auth.ts';
import { CURRENCIES, formatBytes } from '../format.ts';
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

/** The header names of the open-items template: invoices and memos still open at go-live. */
export const OPEN_ITEM_COLUMNS: { group: string; columns: ColumnHelp[] }[] = [
  {
    group: 'Open item',
    columns: [
      {
        name: 'customerAccount',
        required: true,
        note: 'The customer’s account number (or customerExternalId)',
      },
      {
        name: 'documentType',
        note: 'invoice (INV), credit memo (CM, credit note) or debit memo (DM); default invoice',
      },
      { name: 'number', note: 'The number in your ERP, kept (customers quote it)' },
      { name: 'issueDate', required: true, note: 'YYYY-MM-DD (an Excel date cell works too)' },
      { name: 'dueDate', note: 'YYYY-MM-DD; default from the payment terms' },
      {
        name: 'openAmount',
        required: true,
        note: 'Still open, e.g. 1200.00; negative on an invoice row = a credit, imported as a credit memo',
      },
      { name: 'originalAmount', note: 'Kept in the memo' },
      { name: 'currency', note: 'Default: the customer’s currency' },
      { name: 'paymentTerms', note: 'Default: the customer’s terms' },
      { name: 'poNumber', note: 'The customer’s purchase order' },
      {
        name: 'externalId',
        note: 'Id in your ERP; with number, how a re-import finds the item (one of the two needed)',
      },
      { name: 'memo', note: '' },
    ],
  },
];

type ImportKind = 'customers' | 'open_items';

const KINDS: Record<
  ImportKind,
  {
    title: string;
    label: string;
    columns: typeof IMPORT_COLUMNS;
    template: string;
    matching: string;
  }
> = {
  customers: {
    title: 'Import customers',
    label: 'Customers',
    columns: IMPORT_COLUMNS,
    template: api.IMPORT_TEMPLATE_URL,
    matching:
      'Rows update the customer with the same external id, else the same account number, so importing a file twice changes nothing.',
  },
  open_items: {
    title: 'Import open items',
    label: 'Open items / invoices (opening balances)',
    columns: OPEN_ITEM_COLUMNS,
    template: OPEN_ITEMS_TEMPLATE_URL,
    matching:
      'Each row is an invoice, credit memo or debit memo still open in your previous system, posted against the opening-balance account. A row with the external id (else the number) of an item imported before leaves it unchanged, or updates its due date, PO number or memo; a different amount is an error, corrected with a credit or debit memo.',
  },
};

const fieldsOf = (kind: ImportKind) =>
  KINDS[kind].columns.flatMap((g) => g.columns.map((c) => c.name));

/** Splits one CSV line on the delimiter, honouring double quotes. */
function splitCsvLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cur += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === delimiter) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out;
}

/** The header row of a CSV file (BOM stripped; delimiter `,`, `;` or tab, whichever is used). */
export async function readCsvHeaders(file: File): Promise<string[]> {
  const text = (await file.slice(0, 64 * 1024).text()).replace(/^\uFEFF/, '');
  // The first line, ignoring line breaks inside quotes.
  let end = text.length;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) {
      end = i;
      break;
    }
  }
  const line = text.slice(0, end);
  const counts = [',', ';', '\t'].map((d) => ({ d, n: splitCsvLine(line, d).length }));
  const best = counts.reduce((a, b) => (b.n > a.n ? b : a));
  return splitCsvLine(line, best.d)
    .map((h) => h.trim())
    .filter((h) => h !== '');
}

const isUnknownColumn = (e: { line: number; message: string }) =>
  e.line === 1 && e.message.startsWith('Unknown column');

function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Saves the error list as a CSV file, built in the browser. */
function downloadErrorsCsv(result: ImportResult, fileName: string | undefined): void {
  const lines = [
    'line,field,message',
    ...result.errors.map((e) => [String(e.line), e.field ?? '', e.message].map(csvCell).join(',')),
  ];
  const blob = new Blob([`${lines.join('\r\n')}\r\n`], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${(fileName ?? 'import').replace(/\.[^.]+$/, '')}-errors.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function ImportPage() {
  const canImport = useCanManage();
  const qc = useQueryClient();
  const [kind, setKind] = useState<ImportKind>('customers');
  const [file, setFile] = useState<File | null>(null);
  const [partial, setPartial] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  // Column mapping, shown once a dry run finds columns it does not know.
  const [csvHeaders, setCsvHeaders] = useState<string[] | null>(null);
  const [unknownHeaders, setUnknownHeaders] = useState<string[]>([]);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [defaultCurrency, setDefaultCurrency] = useState('');
  const [defaultTerms, setDefaultTerms] = useState('');
  const idem = useIdempotencyKey();

  useEffect(() => {
    let live = true;
    setCsvHeaders(null);
    if (file && !/\.xlsx$/i.test(file.name)) {
      readCsvHeaders(file).then(
        (h) => live && setCsvHeaders(h),
        () => live && setCsvHeaders(null),
      );
    }
    return () => {
      live = false;
    };
  }, [file]);

  const run = useMutation({
    mutationFn: ({ f, dry }: { f: File; dry: boolean }) => {
      const mode = partial ? 'partial' : 'all_or_nothing';
      const chosen = Object.fromEntries(Object.entries(mapping).filter(([, v]) => v !== ''));
      const options = {
        mapping: chosen,
        defaultCurrency: defaultCurrency.trim().toUpperCase() || undefined,
        defaultTerms: defaultTerms.trim() || undefined,
      };
      const key = idem.keyFor({
        kind,
        name: f.name,
        size: f.size,
        modified: f.lastModified,
        dry,
        mode,
        options,
      });
      return kind === 'open_items'
        ? importOpenItems(f, dry, key, mode, options)
        : api.importCustomers(f, dry, key, mode, options);
    },
    onMutate: () => setResult(null),
    onSuccess: async (res) => {
      idem.reset();
      setResult(res);
      const unknown = res.errors.filter(isUnknownColumn).map((e) => e.field ?? '');
      if (unknown.length > 0) {
        setUnknownHeaders((prev) => [...new Set([...prev, ...unknown.filter((h) => h)])]);
      }
      if (!res.dryRun) {
        await qc.invalidateQueries({ queryKey: ['customers'] });
        if (kind === 'open_items') {
          await qc.invalidateQueries({ queryKey: ['documents'] });
          await qc.invalidateQueries({ queryKey: ['ledger'] });
          await qc.invalidateQueries({ queryKey: ['customer-account'] });
        }
      }
    },
  });

  function start(dry: boolean) {
    if (!file) {
      setFileError('Choose a CSV or XLSX file first');
      return;
    }
    if (file.size > api.IMPORT_MAX_BYTES) {
      setFileError(
        `This file is ${formatBytes(file.size)}; the limit is ${formatBytes(api.IMPORT_MAX_BYTES)}. Split it into smaller files.`,
      );
      return;
    }
    run.mutate({ f: file, dry });
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    start(true);
  }

  function chooseKind(next: ImportKind) {
    setKind(next);
    setResult(null);
    setUnknownHeaders([]);
    setMapping({});
    run.reset();
  }

  const pendingDry = run.isPending && run.variables?.dry === true;
  const pendingReal = run.isPending && run.variables?.dry === false;

  return (
    <div className="page">
      <div className="page-header">
        <h1>{KINDS[kind].title}</h1>
        <a className="btn" href={KINDS[kind].template} download>
          Download template (CSV)
        </a>
      </div>
      <div className="import-layout">
        <div>
          <Section title="Upload">
            {!canImport ? (
              <div className="alert alert-info">Only managers and admins can import data.</div>
            ) : (
              <form onSubmit={submit} className="import-form" noValidate>
                <fieldset className="form-group">
                  <legend>What to import</legend>
                  <div className="check-row">
                    {(Object.keys(KINDS) as ImportKind[]).map((k) => (
                      <label className="check" key={k}>
                        <input
                          type="radio"
                          name="import-kind"
                          checked={kind === k}
                          disabled={run.isPending}
                          onChange={() => chooseKind(k)}
                        />
                        {KINDS[k].label}
                      </label>
                    ))}
                  </div>
                </fieldset>
                <div className={`field${fileError ? ' field-invalid' : ''}`}>
                  <label htmlFor="import-file">CSV or XLSX file</label>
                  <input
                    id="import-file"
                    type="file"
                    accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    aria-describedby={fileError ? 'import-file-err' : undefined}
                    onChange={(e) => {
                      const f = e.target.files?.[0] ?? null;
                      setFile(f);
                      setFileError(
                        f && f.size > api.IMPORT_MAX_BYTES
                          ? `This file is ${formatBytes(f.size)}; the limit is ${formatBytes(api.IMPORT_MAX_BYTES)}. Split it into smaller files.`
                          : null,
                      );
                      setResult(null);
                      setUnknownHeaders([]);
                      setMapping({});
                      run.reset();
                    }}
                  />
                  {file ? (
                    <div className="field-hint">
                      {file.name} · {formatBytes(file.size)}
                    </div>
                  ) : (
                    <div className="field-hint">
                      Up to {formatBytes(api.IMPORT_MAX_BYTES)} (about 100,000 rows)
                    </div>
                  )}
                  {fileError ? (
                    <div className="field-error" id="import-file-err" role="alert">
                      {fileError}
                    </div>
                  ) : null}
                </div>
                {unknownHeaders.length > 0 ? (
                  <ColumnMapping
                    headers={
                      csvHeaders && csvHeaders.length > 0
                        ? [...new Set([...csvHeaders, ...unknownHeaders])]
                        : unknownHeaders
                    }
                    unknown={unknownHeaders}
                    mapping={mapping}
                    fields={fieldsOf(kind)}
                    onChange={(h, v) => setMapping((m) => ({ ...m, [h]: v }))}
                    defaultCurrency={defaultCurrency}
                    setDefaultCurrency={setDefaultCurrency}
                    defaultTerms={defaultTerms}
                    setDefaultTerms={setDefaultTerms}
                  />
                ) : null}
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
          {result ? <ImportResultView result={result} fileName={file?.name} /> : null}
        </div>

        <aside>
          <Section title="Accepted columns">
            <p className="small">
              The first row names the columns. Names match ignoring case, spaces and punctuation
              (&ldquo;Account No.&rdquo; is <code>accountNumber</code>); common synonyms such as
              &ldquo;Terms&rdquo;, &ldquo;Invoice No&rdquo; or &ldquo;Balance&rdquo; are understood.{' '}
              {KINDS[kind].matching}
            </p>
            <table className="data-table compact" aria-label="Accepted columns">
              <thead>
                <tr>
                  <th scope="col">Column</th>
                  <th scope="col">Notes</th>
                </tr>
              </thead>
              {KINDS[kind].columns.map((g) => (
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

function ColumnMapping({
  headers,
  unknown,
  mapping,
  fields,
  onChange,
  defaultCurrency,
  setDefaultCurrency,
  defaultTerms,
  setDefaultTerms,
}: {
  headers: string[];
  unknown: string[];
  mapping: Record<string, string>;
  fields: string[];
  onChange: (header: string, value: string) => void;
  defaultCurrency: string;
  setDefaultCurrency: (v: string) => void;
  defaultTerms: string;
  setDefaultTerms: (v: string) => void;
}) {
  return (
    <fieldset className="form-group column-mapping">
      <legend>Column mapping</legend>
      <p className="small muted">
        Some columns were not recognised. Choose the field each file column holds, or ignore it,
        then run the dry run again.
      </p>
      <table className="data-table compact" aria-label="Column mapping">
        <thead>
          <tr>
            <th scope="col">File column</th>
            <th scope="col">Field</th>
          </tr>
        </thead>
        <tbody>
          {headers.map((h) => {
            const isUnknown = unknown.includes(h);
            const id = `map-${h}`;
            return (
              <tr key={h} data-testid="mapping-row">
                <td>
                  <label htmlFor={id}>
                    <code>{h}</code>
                  </label>
                  {isUnknown ? (
                    <>
                      {' '}
                      <Badge tone="warn">Unknown</Badge>
                    </>
                  ) : null}
                </td>
                <td>
                  <select
                    id={id}
                    aria-label={`Field for column ${h}`}
                    value={mapping[h] ?? ''}
                    onChange={(e) => onChange(h, e.target.value)}
                  >
                    <option value="">{isUnknown ? '— Choose —' : '(automatic)'}</option>
                    <option value="ignore">Ignore this column</option>
                    {fields.map((f) => (
                      <option key={f} value={f}>
                        {f}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="grid grid-2">
        <div className="field">
          <label htmlFor="import-default-currency">Default currency</label>
          <input
            id="import-default-currency"
            className="mono upper"
            list="import-currencies"
            maxLength={3}
            value={defaultCurrency}
            onChange={(e) => setDefaultCurrency(e.target.value)}
          />
          <datalist id="import-currencies">
            {CURRENCIES.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
          <div className="field-hint">For rows without a currency</div>
        </div>
        <div className="field">
          <label htmlFor="import-default-terms">Default payment terms</label>
          <input
            id="import-default-terms"
            className="mono"
            maxLength={20}
            value={defaultTerms}
            onChange={(e) => setDefaultTerms(e.target.value)}
          />
          <div className="field-hint">A payment-terms code, e.g. NET30</div>
        </div>
      </div>
    </fieldset>
  );
}

const ERRORS_PER_PAGE = 100;

function ImportResultView({
  result,
  fileName,
}: {
  result: ImportResult;
  fileName?: string | undefined;
}) {
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(result.errors.length / ERRORS_PER_PAGE));
  const shown = result.errors.slice(page * ERRORS_PER_PAGE, (page + 1) * ERRORS_PER_PAGE);
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
        {'failed' in result && typeof result.failed === 'number' ? (
          <div className={result.failed ? 'has-errors' : undefined}>
            <dt>Failed rows</dt>
            <dd data-testid="count-failed">{result.failed}</dd>
          </div>
        ) : null}
        <div className={result.errors.length ? 'has-errors' : undefined}>
          <dt>Errors</dt>
          <dd data-testid="count-errors">{result.errors.length}</dd>
        </div>
      </dl>
      {result.errors.length > 0 ? (
        <>
          <div className="toolbar">
            <p className="small muted">
              Line 1 is the header row. Fix these rows and run again
              {result.rejected ? '; nothing was saved.' : '.'}
            </p>
            <button
              type="button"
              className="btn btn-sm"
              onClick={() => downloadErrorsCsv(result, fileName)}
            >
              Download errors as CSV
            </button>
          </div>
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
              {shown.map((e, i) => (
                <tr key={`${e.line}-${e.field ?? ''}-${i}`} data-testid="import-error-row">
                  <td className="num">{e.line}</td>
                  <td>{e.field ? <code>{e.field}</code> : <span className="muted">—</span>}</td>
                  <td className="wrap">{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {pages > 1 ? (
            <div className="pager" aria-label="Error pages">
              <button
                type="button"
                className="btn btn-sm"
                disabled={page === 0}
                onClick={() => setPage((p) => p - 1)}
              >
                ‹ Previous
              </button>
              <span className="small" data-testid="error-page">
                Errors {page * ERRORS_PER_PAGE + 1}–
                {Math.min(result.errors.length, (page + 1) * ERRORS_PER_PAGE)} of{' '}
                {result.errors.length}
              </span>
              <button
                type="button"
                className="btn btn-sm"
                disabled={page >= pages - 1}
                onClick={() => setPage((p) => p + 1)}
              >
                Next ›
              </button>
            </div>
          ) : null}
        </>
      ) : result.dryRun ? (
        <p className="ok-text">No errors. Choose Import to save these changes.</p>
      ) : null}
    </Section>
  );
}
