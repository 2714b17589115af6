// Chooses the open items a receipt pays and how much of each: used by the new-payment form, the
// payment page and the cash-application workbench. Totals are exact (PaymentAllocation.ts).
import { Fragment, useEffect, useState } from 'react';
import { keepPreviousData, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import * as api from '../api.ts';
import type { ArDocument } from '../api.ts';
import { useCanManage } from '../auth.ts';
import {
  DEDUCTION_REASON_LABELS,
  decimalToMinor,
  documentName,
  formatDate,
  formatMoney,
  minorToDecimal,
} from '../format.ts';
import * as pay from '../payments-api.ts';
import type { DeductionReason, OpenItem } from '../payments-api.ts';
import { DocLink } from './ledger-ui.tsx';
import { Empty, ErrorBanner, useDebounced } from './ui.tsx';
import {
  allocationTotals,
  discountInWindow,
  fillOldestFirst,
  newAllocationRow,
  oldestFirst,
  rowFigures,
} from './PaymentAllocation.ts';
import type { AllocationRow, ShortPayChoice } from './PaymentAllocation.ts';

/** Unselected open items shown before "Show all". */
const FIRST_ITEMS = 15;
const detailKey = (id: string) => ['documents', 'detail', id] as const;

function withTerms(item: OpenItem, doc: ArDocument): OpenItem {
  return {
    ...item,
    issueDate: doc.issueDate,
    dueDate: doc.dueDate,
    discountDate: doc.discountDate,
    discountAmount: doc.discountAmount,
  };
}

interface Props {
  customerId: string | null;
  currency: string;
  /** What there is to allocate (decimal string), null while it is not a valid amount. */
  received: string | null;
  receivedLabel?: string;
  /** The application date: it decides whether an early-payment discount is in its window. */
  date: string;
  rows: AllocationRow[];
  onChange: (rows: AllocationRow[]) => void;
  /** Server field errors keyed "applications.0.amount". */
  errors: Record<string, string>;
  /** Show every client-side check (after a first submit attempt). */
  showAll: boolean;
}

export function PaymentAllocationEditor(props: Props) {
  const { customerId, currency, received, date, rows, onChange, errors, showAll } = props;
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const [expanded, setExpanded] = useState(false);
  const [filling, setFilling] = useState(false);
  const [fillError, setFillError] = useState<unknown>(null);
  const q = useDebounced(text.trim(), 300);

  const open = useQuery({
    queryKey: ['documents', 'open-items', customerId, q],
    queryFn: ({ signal }) => pay.listOpenItems(customerId!, q || undefined, signal),
    enabled: !!customerId,
    placeholderData: keepPreviousData,
  });
  const candidates = (open.data?.items ?? [])
    .filter((i) => i.currency === currency)
    .sort(oldestFirst);
  const chosen = new Set(rows.map((r) => r.item.id));
  const unselected = candidates.filter((c) => !chosen.has(c.id));
  const shown = expanded ? unselected : unselected.slice(0, FIRST_ITEMS);

  // The list does not carry discount terms: the documents' details do (cached per document).
  const needTerms = [...rows.map((r) => r.item), ...shown]
    .filter((i) => i.discountDate === undefined)
    .map((i) => i.id);
  const details = useQueries({
    queries: needTerms.map((id) => ({
      queryKey: detailKey(id),
      queryFn: () => api.getDocument(id),
      staleTime: 60_000,
    })),
  });
  const loaded = new Map<string, ArDocument>();
  for (const d of details) if (d.data) loaded.set(d.data.id, d.data);
  const known = (item: OpenItem): OpenItem => {
    const doc = item.discountDate === undefined ? loaded.get(item.id) : undefined;
    return doc ? withTerms(item, doc) : item;
  };
  const loadedCount = loaded.size;
  useEffect(() => {
    // Rows chosen before their terms arrived (a matcher's proposal) get them now.
    if (rows.some((r) => r.item.discountDate === undefined && loaded.has(r.item.id))) {
      onChange(rows.map((r) => ({ ...r, item: known(r.item) })));
    }
  }, [loadedCount]);

  const termsOf = async (item: OpenItem): Promise<OpenItem> => {
    if (item.discountDate !== undefined) return item;
    const doc = await qc.fetchQuery({
      queryKey: detailKey(item.id),
      queryFn: () => api.getDocument(item.id),
      staleTime: 60_000,
    });
    return withTerms(item, doc);
  };

  const select = async (item: OpenItem) => {
    setFillError(null);
    try {
      const full = await termsOf(item);
      onChange([...rows, newAllocationRow(full, date, currency)]);
    } catch (err) {
      setFillError(err);
    }
  };
  const update = (index: number, patch: Partial<AllocationRow>) =>
    onChange(rows.map((r, j) => (j === index ? { ...r, ...patch } : r)));

  const fill = async () => {
    if (received === null) return;
    setFilling(true);
    setFillError(null);
    try {
      const order = [...rows.map((r) => r.item), ...unselected].sort(oldestFirst);
      let next = rows;
      for (const item of order) {
        const left = allocationTotals(next, received, date, currency).unapplied ?? 0n;
        if (left <= 0n) break;
        next = fillOldestFirst(next, [await termsOf(item)], received, date, currency);
      }
      onChange(next);
    } catch (err) {
      setFillError(err);
    } finally {
      setFilling(false);
    }
  };

  const totals = allocationTotals(rows, received, date, currency);
  const money = (v: bigint | null) => (v === null ? '—' : formatMoney(minorToDecimal(v, currency)));
  const canFill = !!customerId && totals.unapplied !== null && totals.unapplied > 0n && !filling;

  if (!customerId) {
    return <p className="muted">Choose the customer to see its open invoices.</p>;
  }
  return (
    <div className="alloc-editor">
      <div className="toolbar toolbar-flat alloc-toolbar">
        <div className="field field-inline grow">
          <label htmlFor="alloc-search" className="sr-only">
            Search open items
          </label>
          <input
            id="alloc-search"
            type="search"
            placeholder="Search open items by number or PO…"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <button
          type="button"
          className="btn btn-sm"
          disabled={!canFill}
          onClick={() => void fill()}
        >
          {filling ? 'Allocating…' : 'Apply remaining oldest first'}
        </button>
        {rows.length > 0 ? (
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => onChange([])}>
            Clear allocation
          </button>
        ) : null}
      </div>
      {open.error ? <ErrorBanner error={open.error} /> : null}
      {fillError ? <ErrorBanner error={fillError} /> : null}
      {errors.applications ? (
        <div className="alert alert-error" role="alert">
          {errors.applications}
        </div>
      ) : null}
      <div className="table-scroll">
        <table className="data-table alloc-table" aria-label="Open items">
          <thead>
            <tr>
              <th scope="col" className="actions">
                <span className="sr-only">Selected</span>
              </th>
              <th scope="col">Item</th>
              <th scope="col">Due</th>
              <th scope="col" className="num">
                Open
              </th>
              <th scope="col">Discount available</th>
              <th scope="col" className="num">
                Pay
              </th>
              <th scope="col" className="num">
                Discount
              </th>
              <th scope="col" className="num">
                Short
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <ChosenRow
                key={row.item.id}
                row={row}
                index={i}
                currency={currency}
                date={date}
                errors={errors}
                showAll={showAll}
                onUpdate={(patch) => update(i, patch)}
                onRemove={() => onChange(rows.filter((_, j) => j !== i))}
              />
            ))}
            {shown.map((raw) => {
              const item = known(raw);
              const name = documentName(item.kind, item.number);
              return (
                <tr key={item.id} data-testid="open-item-row">
                  <td className="actions">
                    <input
                      type="checkbox"
                      checked={false}
                      aria-label={`Select ${name}`}
                      onChange={() => void select(item)}
                    />
                  </td>
                  <td>
                    <DocLink id={item.id} kind={item.kind} number={item.number} />
                  </td>
                  <td>{formatDate(item.dueDate) || <span className="muted">—</span>}</td>
                  <td className="num">{formatMoney(item.open)}</td>
                  <td>
                    <DiscountTerms item={item} date={date} currency={currency} />
                  </td>
                  <td className="num muted" colSpan={3} />
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {open.isPending ? <div className="table-loading">Loading open items…</div> : null}
      {open.data && rows.length === 0 && unselected.length === 0 ? (
        <Empty>{q ? 'No open items match.' : `No open ${currency} items for this customer.`}</Empty>
      ) : null}
      {!expanded && unselected.length > FIRST_ITEMS ? (
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setExpanded(true)}>
          Show all {unselected.length}
          {open.data?.more ? '+' : ''} open items
        </button>
      ) : null}
      <dl className="totals alloc-totals" aria-label="Allocation totals" aria-live="polite">
        <div>
          <dt>{props.receivedLabel ?? 'Received'}</dt>
          <dd data-testid="alloc-received">{money(totals.received)}</dd>
        </div>
        <div>
          <dt>Allocated</dt>
          <dd data-testid="alloc-allocated">{money(totals.allocated)}</dd>
        </div>
        {totals.discounts > 0n ? (
          <div>
            <dt>Discounts</dt>
            <dd data-testid="alloc-discounts">{money(totals.discounts)}</dd>
          </div>
        ) : null}
        <div className={`totals-strong${totals.overApplied ? ' totals-bad' : ''}`}>
          <dt>Unapplied</dt>
          <dd data-testid="alloc-unapplied">
            {money(totals.unapplied)} {currency}
          </dd>
        </div>
        <div>
          <dt>Short</dt>
          <dd data-testid="alloc-short">{money(totals.short)}</dd>
        </div>
      </dl>
      {totals.overApplied ? (
        <div className="field-error" role="alert">
          The allocation is {money(-(totals.unapplied ?? 0n))} {currency} more than there is to
          apply.
        </div>
      ) : null}
    </div>
  );
}

function DiscountTerms({
  item,
  date,
  currency,
}: {
  item: OpenItem;
  date: string;
  currency: string;
}) {
  if (item.discountDate === undefined) return <span className="muted">…</span>;
  const offered = decimalToMinor(item.discountAmount ?? '0', currency) ?? 0n;
  if (!item.discountDate || offered === 0n) return <span className="muted">—</span>;
  const inWindow = discountInWindow(item, date, currency) > 0n;
  return (
    <span className={inWindow ? 'ok-text' : 'muted'} data-testid="discount-terms">
      {formatMoney(item.discountAmount)} until {formatDate(item.discountDate)}
      {inWindow ? '' : ' (closed)'}
    </span>
  );
}

const SHORT_PAY_LABELS: Record<ShortPayChoice, string> = {
  leave: 'Leave open on the invoice',
  deduction: 'Deduction (to be resolved)',
  write_off: 'Write off',
};

function ChosenRow({
  row,
  index,
  currency,
  date,
  errors,
  showAll,
  onUpdate,
  onRemove,
}: {
  row: AllocationRow;
  index: number;
  currency: string;
  date: string;
  errors: Record<string, string>;
  showAll: boolean;
  onUpdate: (patch: Partial<AllocationRow>) => void;
  onRemove: () => void;
}) {
  const manager = useCanManage();
  const settings = useQuery({
    queryKey: ['cash-settings'],
    queryFn: pay.getCashSettings,
    staleTime: 5 * 60_000,
  });
  const f = rowFigures(row, date, currency);
  const item = row.item;
  const name = documentName(item.kind, item.number);
  const path = `applications.${index}`;
  const err = (field: keyof typeof f.errors, server: string, typed: string) =>
    errors[`${path}.${server}`] ?? (showAll || typed.trim() !== '' ? f.errors[field] : undefined);
  const amountError = errors[`${path}.invoiceId`] ?? err('amount', 'amount', row.amount);
  const discountError = err('discount', 'discount', row.discount);
  const rest = f.rest ?? 0n;
  // a currency without a tolerance of its own has none: any write-off is a manager's
  const tolerance = settings.data ? pay.toleranceIn(settings.data, currency) : undefined;
  const toleranceMinor =
    tolerance === undefined ? null : tolerance === null ? 0n : decimalToMinor(tolerance, currency);
  const restAboveTolerance = toleranceMinor !== null && rest > toleranceMinor;
  const showSub = rest > 0n || f.discountNeedsReason || !!errors[`${path}.shortPay`];
  const cellId = `alloc-${item.id}`;
  return (
    <Fragment>
      <tr className="selected" data-testid="alloc-row">
        <td className="actions">
          <input type="checkbox" checked aria-label={`Select ${name}`} onChange={onRemove} />
        </td>
        <td>
          <DocLink id={item.id} kind={item.kind} number={item.number} />
        </td>
        <td>{formatDate(item.dueDate) || <span className="muted">—</span>}</td>
        <td className="num">{formatMoney(item.open)}</td>
        <td>
          <DiscountTerms item={item} date={date} currency={currency} />
        </td>
        <td className={`num${amountError ? ' field-invalid' : ''}`}>
          <label htmlFor={`${cellId}-amount`} className="sr-only">
            {`Amount for ${name}`}
          </label>
          <input
            id={`${cellId}-amount`}
            className="num"
            inputMode="decimal"
            value={row.amount}
            aria-invalid={amountError ? true : undefined}
            onChange={(e) => onUpdate({ amount: e.target.value })}
          />
          {amountError ? <div className="field-error">{amountError}</div> : null}
        </td>
        <td className={`num${discountError ? ' field-invalid' : ''}`}>
          <label htmlFor={`${cellId}-discount`} className="sr-only">
            {`Discount for ${name}`}
          </label>
          <input
            id={`${cellId}-discount`}
            className="num"
            inputMode="decimal"
            placeholder="0"
            value={row.discount}
            aria-invalid={discountError ? true : undefined}
            onChange={(e) => onUpdate({ discount: e.target.value })}
          />
          {discountError ? <div className="field-error">{discountError}</div> : null}
        </td>
        <td className="num" data-testid="alloc-row-short">
          {f.rest === null ? '—' : formatMoney(minorToDecimal(f.rest, currency))}
        </td>
      </tr>
      {showSub ? (
        <tr className="alloc-sub">
          <td />
          <td colSpan={7}>
            <div className="alloc-sub-fields">
              {rest > 0n ? (
                <ShortPayFields
                  row={row}
                  name={name}
                  cellId={cellId}
                  errors={{
                    reasonCode:
                      errors[`${path}.shortPay.reasonCode`] ??
                      (showAll ? f.errors.reasonCode : undefined),
                    shortPay: errors[`${path}.shortPay`],
                  }}
                  writeOffBlocked={row.shortPay === 'write_off' && restAboveTolerance && !manager}
                  tolerance={tolerance}
                  currency={currency}
                  onUpdate={onUpdate}
                />
              ) : null}
              {f.discountNeedsReason ? (
                <TextCell
                  id={`${cellId}-discount-reason`}
                  label={`Discount reason for ${name}`}
                  visibleLabel="Discount reason"
                  value={row.discountReason}
                  error={
                    errors[`${path}.discountReason`] ??
                    (showAll ? f.errors.discountReason : undefined) ??
                    undefined
                  }
                  hint={f.errors.discountReason && !showAll ? f.errors.discountReason : undefined}
                  onChange={(v) => onUpdate({ discountReason: v })}
                />
              ) : null}
              {!manager && toleranceMinor !== null && f.unearned > toleranceMinor ? (
                <div className="field-error" role="alert" data-testid="discount-blocked">
                  {`The discount goes ${minorToDecimal(f.unearned, currency)} beyond what the terms offer, ${aboveTolerance(tolerance, currency)}: only a manager can grant it.`}
                </div>
              ) : null}
            </div>
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}

function ShortPayFields({
  row,
  name,
  cellId,
  errors,
  writeOffBlocked,
  tolerance,
  currency,
  onUpdate,
}: {
  row: AllocationRow;
  name: string;
  cellId: string;
  errors: { reasonCode?: string | undefined; shortPay?: string | undefined };
  writeOffBlocked: boolean;
  /** null: the currency has no tolerance */
  tolerance: string | null | undefined;
  currency: string;
  onUpdate: (patch: Partial<AllocationRow>) => void;
}) {
  return (
    <>
      <div className="field field-inline">
        <label htmlFor={`${cellId}-short`}>Short pay</label>
        <select
          id={`${cellId}-short`}
          aria-label={`Short pay on ${name}`}
          value={row.shortPay}
          onChange={(e) => onUpdate({ shortPay: e.target.value as ShortPayChoice })}
        >
          {(Object.keys(SHORT_PAY_LABELS) as ShortPayChoice[]).map((k) => (
            <option key={k} value={k}>
              {SHORT_PAY_LABELS[k]}
            </option>
          ))}
        </select>
      </div>
      {row.shortPay === 'deduction' ? (
        <div className={`field field-inline${errors.reasonCode ? ' field-invalid' : ''}`}>
          <label htmlFor={`${cellId}-reason`}>Reason</label>
          <select
            id={`${cellId}-reason`}
            aria-label={`Deduction reason for ${name}`}
            value={row.reasonCode}
            aria-invalid={errors.reasonCode ? true : undefined}
            onChange={(e) => onUpdate({ reasonCode: e.target.value as DeductionReason | '' })}
          >
            <option value="">Choose…</option>
            {pay.DEDUCTION_REASONS.map((r) => (
              <option key={r} value={r}>
                {DEDUCTION_REASON_LABELS[r]}
              </option>
            ))}
          </select>
          {errors.reasonCode ? <div className="field-error">{errors.reasonCode}</div> : null}
        </div>
      ) : null}
      {row.shortPay !== 'leave' ? (
        <TextCell
          id={`${cellId}-note`}
          label={`Short-pay note for ${name}`}
          visibleLabel="Note"
          value={row.note}
          onChange={(v) => onUpdate({ note: v })}
        />
      ) : null}
      {writeOffBlocked ? (
        <div className="field-error" role="alert">
          {`The short pay is ${aboveTolerance(tolerance, currency)}: only a manager can write it off. Keep it as a deduction instead.`}
        </div>
      ) : null}
      {errors.shortPay ? <div className="field-error">{errors.shortPay}</div> : null}
    </>
  );
}

function TextCell({
  id,
  label,
  visibleLabel,
  value,
  error,
  hint,
  onChange,
}: {
  id: string;
  label: string;
  visibleLabel: string;
  value: string;
  error?: string | undefined;
  hint?: string | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <div className={`field field-inline grow${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{visibleLabel}</label>
      <input
        id={id}
        aria-label={label}
        maxLength={500}
        value={value}
        aria-invalid={error ? true : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {error ? <div className="field-error">{error}</div> : null}
      {!error && hint ? <div className="field-hint">{hint}</div> : null}
    </div>
  );
}

/** Why AR staff may not give this much away: the currency's tolerance, or that it has none. */
function aboveTolerance(tolerance: string | null | undefined, currency: string): string {
  return tolerance === null || tolerance === undefined
    ? `in ${currency}, which has no short-pay tolerance`
    : `above the ${formatMoney(tolerance)} ${currency} tolerance`;
}
