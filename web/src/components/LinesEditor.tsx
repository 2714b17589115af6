// The editable lines of an invoice or memo, with live totals computed exactly (bigint) by the
// same rule as the server. The server's figures are the truth once saved.
import type { LedgerAccount, LineInput } from '../api.ts';
import { formatMoney, minorToDecimal, priceLine, readDecimal } from '../format.ts';
import type { LineFieldErrors } from '../format.ts';

export interface LineDraft {
  key: string;
  description: string;
  quantity: string;
  unitPrice: string;
  taxRate: string;
  accountCode: string;
}

let lineSeq = 0;
export function newLine(partial: Partial<Omit<LineDraft, 'key'>> = {}): LineDraft {
  lineSeq += 1;
  return {
    key: `line-${lineSeq}`,
    description: '',
    quantity: '1',
    unitPrice: '',
    taxRate: '',
    accountCode: '',
    ...partial,
  };
}

/** The lines as the API takes them (numbers without thousands separators). */
export function linesForApi(lines: LineDraft[]): LineInput[] {
  const plain = (s: string, decimals: number) => {
    const r = readDecimal(s, decimals);
    return r.ok ? r.text : s.trim();
  };
  return lines.map((l) => ({
    description: l.description.trim(),
    quantity: plain(l.quantity, 12),
    unitPrice: plain(l.unitPrice, 12),
    ...(l.taxRate.trim() ? { taxRate: plain(l.taxRate, 12) } : {}),
    ...(l.accountCode ? { accountCode: l.accountCode } : {}),
  }));
}

export interface LineTotals {
  subtotal: string | null;
  tax: string | null;
  total: string | null;
  perLine: ({ amount: string; tax: string } | { errors: LineFieldErrors })[];
}

export function computeTotals(lines: LineDraft[], currency: string): LineTotals {
  let subtotal = 0n;
  let tax = 0n;
  let complete = lines.length > 0;
  const perLine = lines.map((l) => {
    const r = priceLine(l, currency);
    if (!r.ok) {
      complete = false;
      return { errors: r.errors };
    }
    subtotal += r.price.amountMinor;
    tax += r.price.taxMinor;
    return {
      amount: minorToDecimal(r.price.amountMinor, currency),
      tax: minorToDecimal(r.price.taxMinor, currency),
    };
  });
  return {
    subtotal: complete ? minorToDecimal(subtotal, currency) : null,
    tax: complete ? minorToDecimal(tax, currency) : null,
    total: complete ? minorToDecimal(subtotal + tax, currency) : null,
    perLine,
  };
}

interface Props {
  lines: LineDraft[];
  onChange: (lines: LineDraft[]) => void;
  currency: string;
  /** Server field errors keyed "lines.0.quantity". */
  errors: Record<string, string>;
  /** Show the client-side checks of every line (after a first submit attempt). */
  showAll: boolean;
  revenueAccounts: LedgerAccount[];
  disabled?: boolean;
}

export function LinesEditor({
  lines,
  onChange,
  currency,
  errors,
  showAll,
  revenueAccounts,
  disabled,
}: Props) {
  const totals = computeTotals(lines, currency);
  const update = (i: number, patch: Partial<LineDraft>) =>
    onChange(lines.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  const showAccounts = revenueAccounts.length > 1;

  return (
    <div className="lines-editor">
      <div className="table-scroll">
        <table className="data-table lines-table" aria-label="Invoice lines">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Description</th>
              <th scope="col" className="num">
                Quantity
              </th>
              <th scope="col" className="num">
                Unit price
              </th>
              <th scope="col" className="num">
                Tax %
              </th>
              {showAccounts ? <th scope="col">Revenue account</th> : null}
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col" className="num">
                Tax
              </th>
              <th scope="col" className="actions">
                <span className="sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l, i) => {
              const priced = totals.perLine[i];
              const local = priced && 'errors' in priced ? priced.errors : {};
              const err = (field: 'description' | 'quantity' | 'unitPrice' | 'taxRate') => {
                const server = errors[`lines.${i}.${field}`];
                if (server) return server;
                if (field === 'description')
                  return showAll && !l.description.trim() ? 'Required' : undefined;
                const value = l[field];
                // Blank fields are only flagged once the form was submitted.
                if (!showAll && value.trim() === '') return undefined;
                return local[field];
              };
              const cell = (
                field: 'description' | 'quantity' | 'unitPrice' | 'taxRate',
                labelText: string,
                extra: { className?: string; inputMode?: 'decimal'; placeholder?: string } = {},
              ) => {
                const e = err(field);
                const id = `${l.key}-${field}`;
                return (
                  <td className={e ? 'field-invalid' : undefined}>
                    <label htmlFor={id} className="sr-only">
                      {`Line ${i + 1} ${labelText}`}
                    </label>
                    <input
                      id={id}
                      value={l[field]}
                      disabled={disabled}
                      aria-invalid={e ? true : undefined}
                      aria-describedby={e ? `${id}-err` : undefined}
                      onChange={(ev) => update(i, { [field]: ev.target.value })}
                      {...extra}
                    />
                    {e ? (
                      <div className="field-error" id={`${id}-err`}>
                        {e}
                      </div>
                    ) : null}
                  </td>
                );
              };
              return (
                <tr key={l.key} data-testid="line-row">
                  <td className="muted">{i + 1}</td>
                  {cell('description', 'description', { className: 'line-desc' })}
                  {cell('quantity', 'quantity', { className: 'num', inputMode: 'decimal' })}
                  {cell('unitPrice', 'unit price', { className: 'num', inputMode: 'decimal' })}
                  {cell('taxRate', 'tax rate', {
                    className: 'num',
                    inputMode: 'decimal',
                    placeholder: '0',
                  })}
                  {showAccounts ? (
                    <td className={errors[`lines.${i}.accountCode`] ? 'field-invalid' : undefined}>
                      <label htmlFor={`${l.key}-acct`} className="sr-only">
                        {`Line ${i + 1} revenue account`}
                      </label>
                      <select
                        id={`${l.key}-acct`}
                        value={l.accountCode}
                        disabled={disabled}
                        onChange={(e) => update(i, { accountCode: e.target.value })}
                      >
                        <option value="">Default</option>
                        {revenueAccounts.map((a) => (
                          <option key={a.code} value={a.code}>
                            {a.code} · {a.name}
                          </option>
                        ))}
                      </select>
                      {errors[`lines.${i}.accountCode`] ? (
                        <div className="field-error">{errors[`lines.${i}.accountCode`]}</div>
                      ) : null}
                    </td>
                  ) : null}
                  <td className="num" data-testid="line-amount">
                    {priced && 'amount' in priced ? formatMoney(priced.amount) : '—'}
                  </td>
                  <td className="num" data-testid="line-tax">
                    {priced && 'tax' in priced ? formatMoney(priced.tax) : '—'}
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      className="btn btn-ghost btn-sm"
                      aria-label={`Remove line ${i + 1}`}
                      disabled={disabled || lines.length === 1}
                      onClick={() => onChange(lines.filter((_, j) => j !== i))}
                    >
                      ✕
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {errors.lines ? (
        <div className="field-error" role="alert">
          {errors.lines}
        </div>
      ) : null}
      <div className="lines-footer">
        <button
          type="button"
          className="btn btn-sm"
          disabled={disabled || lines.length >= 500}
          onClick={() => onChange([...lines, newLine()])}
        >
          + Add line
        </button>
        <dl className="totals" aria-label="Totals" aria-live="polite">
          <div>
            <dt>Subtotal</dt>
            <dd data-testid="form-subtotal">
              {totals.subtotal ? formatMoney(totals.subtotal) : '—'}
            </dd>
          </div>
          <div>
            <dt>Tax</dt>
            <dd data-testid="form-tax">{totals.tax ? formatMoney(totals.tax) : '—'}</dd>
          </div>
          <div className="totals-strong">
            <dt>Total</dt>
            <dd data-testid="form-total">
              {totals.total ? `${formatMoney(totals.total)} ${currency}` : '—'}
            </dd>
          </div>
        </dl>
      </div>
    </div>
  );
}
