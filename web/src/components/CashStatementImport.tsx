// Uploads a bank statement (camt.05x, MT940, BAI2, lockbox, CSV) and says what came of it:
// created or already imported, the balance check, the file's own control totals.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { ApiError } from '../api.ts';
import { formatBytes, formatDate, formatDateTime, formatMoney } from '../format.ts';
import * as pay from '../payments-api.ts';
import type { BankAccount, StatementImport } from '../payments-api.ts';
import { useCashWrite } from './PaymentUi.tsx';
import { ErrorBanner } from './ui.tsx';

/** The problem+json lines of a refused file ("line 12: amount is not a number"). */
function FileErrors({ error }: { error: unknown }) {
  if (!(error instanceof ApiError) || !error.problem.errors?.length) {
    return <ErrorBanner error={error} title="The file was not imported" />;
  }
  return (
    <div className="alert alert-error" role="alert" data-testid="import-errors">
      <strong>The file was not imported: </strong>
      {error.message}
      <ul className="error-list">
        {error.problem.errors.slice(0, 50).map((e, i) => (
          <li key={i}>
            {e.line ? <code>line {e.line}</code> : null}{' '}
            {e.path ? <code>{problemPath(e.path)}</code> : null} {e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

const problemPath = (path: string | (string | number)[]) =>
  Array.isArray(path) ? path.join('.') : path;

export function StatementWarnings({
  balanceProblem,
  controlProblems,
}: {
  balanceProblem: string | null;
  controlProblems: string[];
}) {
  if (!balanceProblem && controlProblems.length === 0) return null;
  return (
    <div
      className="alert alert-error statement-warnings"
      role="alert"
      data-testid="statement-warnings"
    >
      {balanceProblem ? (
        <p>
          <strong>The balances do not add up:</strong> {balanceProblem}
        </p>
      ) : null}
      {controlProblems.length > 0 ? (
        <>
          <strong>The file's control totals disagree with its lines:</strong>
          <ul>
            {controlProblems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

/** What one statement of the file brought: its period, totals and lines set aside. */
function StatementOutcome({
  s,
  many,
}: {
  s: StatementImport['statements'][number];
  many: boolean;
}) {
  const duplicates = s.counts.duplicate ?? 0;
  return (
    <>
      {many ? (
        <strong>
          {s.bankAccountName} ({s.currency}):{' '}
        </strong>
      ) : null}
      {s.created ? (
        <>
          {many ? '' : 'Imported '}
          {s.lineCount} {s.lineCount === 1 ? 'line' : 'lines'}
          {s.fromDate ? ` from ${formatDate(s.fromDate)} to ${formatDate(s.toDate)}` : ''}: credits{' '}
          {formatMoney(s.creditTotal)}, debits {formatMoney(s.debitTotal)} {s.currency}
          {duplicates > 0
            ? `; ${duplicates} ${duplicates === 1 ? 'line was' : 'lines were'} set aside as already imported in an earlier statement`
            : ''}
          .
        </>
      ) : (
        <>
          <strong>Already imported</strong> on {formatDateTime(s.createdAt)}
          {s.fileName ? ` (${s.fileName})` : ''}: nothing was added.
        </>
      )}{' '}
      <Link to="/cash/statements/$id" params={{ id: s.id }}>
        Open the statement
      </Link>
    </>
  );
}

function ImportOutcome({ result }: { result: StatementImport }) {
  const many = result.statements.length > 1;
  const fresh = result.statements.filter((s) => s.created).length;
  const { match } = result;
  return (
    <div data-testid="import-result">
      <div className={`alert ${result.created ? 'alert-success' : 'alert-info'}`} role="status">
        {many ? (
          <>
            {result.statements.length} statements in this file, {fresh} new:
            <ul data-testid="import-statements">
              {result.statements.map((s) => (
                <li key={s.id}>
                  <StatementOutcome s={s} many />
                </li>
              ))}
            </ul>
          </>
        ) : (
          <StatementOutcome s={result.statements[0] ?? { ...result }} many={false} />
        )}
        {result.created ? (
          <p>
            New receipts: {match.suggested} with a suggested customer, {match.unmatched} unmatched,{' '}
            {match.reconciled} reconciled with receipts already recorded.
          </p>
        ) : null}
      </div>
      {result.statements.map((s) => (
        <StatementWarnings
          key={s.id}
          balanceProblem={s.balanceProblem}
          controlProblems={s.controlProblems}
        />
      ))}
    </div>
  );
}

export function CashStatementImport({ accounts }: { accounts: BankAccount[] }) {
  const [file, setFile] = useState<File | null>(null);
  const [bankAccountId, setBankAccountId] = useState('');
  const [mappingId, setMappingId] = useState('');
  const [result, setResult] = useState<StatementImport | null>(null);
  const mappings = useQuery({
    queryKey: ['bank-file-mappings'],
    queryFn: pay.listBankFileMappings,
  });
  const usable = (mappings.data ?? []).filter(
    (m) => !bankAccountId || m.bankAccountId === bankAccountId,
  );
  const tooBig = !!file && file.size > pay.STATEMENT_MAX_BYTES;
  const upload = useCashWrite(
    (b: { file: File; bankAccountId: string; mappingId: string }, key) =>
      pay.importStatement(
        b.file,
        { bankAccountId: b.bankAccountId || undefined, mappingId: b.mappingId || undefined },
        key,
      ),
    setResult,
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (file && !tooBig) upload.mutate({ file, bankAccountId, mappingId });
  };
  return (
    <form className="statement-import" onSubmit={submit} noValidate>
      <div className="cash-form-row">
        <div className={`field field-inline${tooBig ? ' field-invalid' : ''}`}>
          <label htmlFor="statement-file">Statement file</label>
          <input
            id="statement-file"
            type="file"
            accept=".xml,.sta,.mt940,.940,.txt,.bai,.bai2,.csv,.zip,.gz"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setResult(null);
              upload.reset();
            }}
          />
        </div>
        <div className="field field-inline">
          <label htmlFor="statement-account">Bank account</label>
          <select
            id="statement-account"
            value={bankAccountId}
            onChange={(e) => {
              setBankAccountId(e.target.value);
              setMappingId('');
            }}
          >
            <option value="">From the file</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} · {a.identifier}
              </option>
            ))}
          </select>
        </div>
        {usable.length > 0 ? (
          <div className="field field-inline">
            <label htmlFor="statement-mapping">CSV / lockbox mapping</label>
            <select
              id="statement-mapping"
              value={mappingId}
              onChange={(e) => setMappingId(e.target.value)}
            >
              <option value="">None (camt, MT940, BAI2)</option>
              {usable.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name} ({m.kind === 'csv' ? 'CSV' : 'lockbox'})
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <button
          type="submit"
          className="btn btn-primary"
          disabled={!file || tooBig || upload.isPending}
        >
          {upload.isPending ? 'Importing…' : 'Import statement'}
        </button>
      </div>
      {file ? (
        <div className={tooBig ? 'field-error' : 'field-hint'}>
          {file.name} · {formatBytes(file.size)}
          {tooBig ? ` — the limit is ${formatBytes(pay.STATEMENT_MAX_BYTES)}` : ''}
        </div>
      ) : null}
      {upload.error ? <FileErrors error={upload.error} /> : null}
      {result ? <ImportOutcome result={result} /> : null}
    </form>
  );
}
