// The arithmetic of allocating a receipt to open items: exact, on bigint minor units, by the
// same rules the server applies (cash + discount ≤ open; a discount outside its window or above
// the offer needs a reason; what stays open is a short pay: left open, a deduction or a write-off).
import { decimalToMinor, minorToDecimal, readMoneyInput } from '../format.ts';
import type { ApplicationInput, DeductionReason, OpenItem } from '../payments-api.ts';

export type ShortPayChoice = 'leave' | 'deduction' | 'write_off';

export interface AllocationRow {
  item: OpenItem;
  /** What the person typed. */
  amount: string;
  discount: string;
  discountReason: string;
  shortPay: ShortPayChoice;
  reasonCode: DeductionReason | '';
  note: string;
}

export type RowErrors = Partial<
  Record<'amount' | 'discount' | 'discountReason' | 'reasonCode', string>
>;

export interface RowFigures {
  cash: bigint;
  discount: bigint;
  /** What stays open on the item after cash and discount; null while the row is invalid. */
  rest: bigint | null;
  /** The discount needs a reason (outside the window or above the offer). */
  discountNeedsReason: boolean;
  /** What of the discount the terms do not offer on the date (0 while they are unknown). */
  unearned: bigint;
  errors: RowErrors;
}

export interface AllocationTotals {
  received: bigint | null;
  allocated: bigint;
  discounts: bigint;
  unapplied: bigint | null;
  short: bigint;
  rowsValid: boolean;
  overApplied: boolean;
}

const minor = (value: string | null | undefined, currency: string): bigint =>
  (value ? decimalToMinor(value, currency) : null) ?? 0n;

const minOf = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** The discount the item offers if paid on `date` (0 outside the window or when unknown). */
export function discountInWindow(item: OpenItem, date: string, currency: string): bigint {
  if (!item.discountDate || !date || date > item.discountDate) return 0n;
  return minor(item.discountAmount, currency);
}

/** A new row for the item: its whole open balance, net of the discount when in the window. */
export function newAllocationRow(
  item: OpenItem,
  date: string,
  currency: string,
  cashMinor?: bigint,
): AllocationRow {
  const open = minor(item.open, currency);
  const offered = discountInWindow(item, date, currency);
  const net = open - offered;
  const cash = cashMinor === undefined ? net : minOf(cashMinor, open);
  // A discount goes with paying the rest in full, not with a part payment.
  const discount = cash >= net ? offered : 0n;
  return {
    item,
    amount: minorToDecimal(cash, currency),
    discount: discount > 0n ? minorToDecimal(discount, currency) : '',
    discountReason: '',
    shortPay: 'leave',
    reasonCode: '',
    note: '',
  };
}

function readMinor(text: string, currency: string): { value: bigint } | { error: string } {
  const read = readMoneyInput(text, currency);
  if (!read.ok) return { error: read.error };
  return { value: read.value === null ? 0n : minor(read.value, currency) };
}

export function rowFigures(row: AllocationRow, date: string, currency: string): RowFigures {
  const errors: RowErrors = {};
  const cashRead = readMinor(row.amount, currency);
  const discountRead = readMinor(row.discount, currency);
  if ('error' in cashRead) errors.amount = cashRead.error;
  if ('error' in discountRead) errors.discount = discountRead.error;
  const cash = 'value' in cashRead ? cashRead.value : 0n;
  const discount = 'value' in discountRead ? discountRead.value : 0n;
  const open = minor(row.item.open, currency);
  if (!errors.amount && !errors.discount) {
    if (cash + discount === 0n) errors.amount = 'Enter an amount';
    else if (cash + discount > open)
      errors.amount = `More than the ${minorToDecimal(open, currency)} open`;
  }
  // Unknown discount terms (detail not loaded): the server is the judge.
  const known = row.item.discountDate !== undefined;
  const offered = discountInWindow(row.item, date, currency);
  const discountNeedsReason = known && discount > 0n && (offered === 0n || discount > offered);
  if (discountNeedsReason && !row.discountReason.trim()) {
    errors.discountReason =
      offered === 0n
        ? row.item.discountDate
          ? `The discount window closed on ${row.item.discountDate}: give a reason`
          : 'No early-payment discount on this item: give a reason'
        : `More than the ${minorToDecimal(offered, currency)} offered: give a reason`;
  }
  const valid = !errors.amount && !errors.discount;
  const rest = valid ? open - cash - discount : null;
  if (rest !== null && rest > 0n && row.shortPay === 'deduction' && !row.reasonCode) {
    errors.reasonCode = 'Choose a reason';
  }
  const unearned = known ? discount - minOf(discount, offered) : 0n;
  return { cash, discount, rest, discountNeedsReason, unearned, errors };
}

export function allocationTotals(
  rows: readonly AllocationRow[],
  received: string | null,
  date: string,
  currency: string,
): AllocationTotals {
  let allocated = 0n;
  let discounts = 0n;
  let short = 0n;
  let rowsValid = true;
  for (const row of rows) {
    const f = rowFigures(row, date, currency);
    if (Object.keys(f.errors).length > 0) rowsValid = false;
    allocated += f.cash;
    discounts += f.discount;
    if (f.rest !== null && f.rest > 0n) short += f.rest;
  }
  const receivedMinor = received === null ? null : decimalToMinor(received, currency);
  const unapplied = receivedMinor === null ? null : receivedMinor - allocated;
  return {
    received: receivedMinor,
    allocated,
    discounts,
    unapplied,
    short,
    rowsValid,
    overApplied: unapplied !== null && unapplied < 0n,
  };
}

/** Due date first (items without one by issue date), then number: the order of "oldest first". */
export function oldestFirst(a: OpenItem, b: OpenItem): number {
  const da = a.dueDate ?? a.issueDate;
  const db = b.dueDate ?? b.issueDate;
  if (da !== db) return da < db ? -1 : 1;
  if (a.issueDate !== b.issueDate) return a.issueDate < b.issueDate ? -1 : 1;
  return (a.number ?? '').localeCompare(b.number ?? '');
}

/**
 * Spreads what is not yet allocated over the open items, oldest first: rows already chosen are
 * topped up to their open balance, further items are added. `candidates` must carry their
 * discount terms (an item's discount is taken only when its rest is paid in full).
 */
export function fillOldestFirst(
  rows: readonly AllocationRow[],
  candidates: readonly OpenItem[],
  received: string,
  date: string,
  currency: string,
): AllocationRow[] {
  const totals = allocationTotals(rows, received, date, currency);
  let remaining = totals.unapplied ?? 0n;
  const next = [...rows];
  const ordered = [...candidates].sort(oldestFirst);
  for (const item of ordered) {
    if (remaining <= 0n) break;
    const index = next.findIndex((r) => r.item.id === item.id);
    if (index < 0) {
      const row = newAllocationRow(item, date, currency, remaining);
      remaining -= minor(row.amount, currency);
      next.push(row);
      continue;
    }
    const row = next[index]!;
    const f = rowFigures(row, date, currency);
    if (f.rest === null || f.rest <= 0n) continue;
    const take = minOf(f.rest, remaining);
    next[index] = { ...row, amount: minorToDecimal(f.cash + take, currency) };
    remaining -= take;
  }
  return next;
}

/** The rows as the API takes them (call once the rows are valid). */
export function applicationsForApi(
  rows: readonly AllocationRow[],
  date: string,
  currency: string,
): ApplicationInput[] {
  return rows.map((row) => {
    const f = rowFigures(row, date, currency);
    const line: ApplicationInput = {
      invoiceId: row.item.id,
      amount: minorToDecimal(f.cash, currency),
    };
    if (f.discount > 0n) line.discount = minorToDecimal(f.discount, currency);
    if (row.discountReason.trim()) line.discountReason = row.discountReason.trim();
    if (f.rest !== null && f.rest > 0n && row.shortPay !== 'leave') {
      line.shortPay = {
        action: row.shortPay,
        ...(row.reasonCode ? { reasonCode: row.reasonCode } : {}),
        ...(row.note.trim() ? { note: row.note.trim() } : {}),
      };
    }
    return line;
  });
}

/** Rows from a matcher's proposal (the workbench's suggestions). */
export function rowsFromAllocations(
  allocations: readonly {
    documentId: string;
    number: string | null;
    dueDate: string | null;
    amount: string;
    discount: string;
    open: string;
  }[],
  currency: string,
): AllocationRow[] {
  return allocations.map((a) => ({
    item: {
      id: a.documentId,
      kind: 'invoice',
      number: a.number,
      issueDate: '',
      dueDate: a.dueDate,
      currency,
      open: a.open,
      poNumber: null,
    },
    amount: a.amount,
    discount: minor(a.discount, currency) > 0n ? a.discount : '',
    discountReason: '',
    shortPay: 'leave',
    reasonCode: '',
    note: '',
  }));
}
