/** Open items and bank lines for the matcher's in-memory tests. */
import type { MatchLine, OpenItem } from '../../../src/modules/banking/matching/types.ts';
import type { IsoDate } from '../../../src/shared/dates.ts';

export const d = (s: string) => s as IsoDate;

let nextItem = 0;
/** An open item of `customerId`, its id from its number; due dates spread over March. */
export function item(
  customerId: string,
  number: string,
  openMinor: bigint,
  extra: Partial<OpenItem> = {},
) {
  nextItem++;
  return {
    id: `doc-${number}`,
    customerId,
    number,
    poNumber: null,
    currency: 'EUR',
    openMinor,
    amountMinor: openMinor,
    issueDate: d('2026-02-01'),
    dueDate: d(`2026-03-${String(1 + (nextItem % 28)).padStart(2, '0')}`),
    discountDate: null,
    discountMinor: 0n,
    ...extra,
  } satisfies OpenItem;
}

/** A EUR bank line booked 2026-03-10 with nothing else known but `extra`. */
export function line(extra: Partial<MatchLine>): MatchLine {
  return {
    amountMinor: 0n,
    currency: 'EUR',
    bookingDate: d('2026-03-10'),
    valueDate: null,
    counterpartyName: null,
    counterpartyAccount: null,
    remittanceInfo: null,
    endToEndId: null,
    ...extra,
  };
}
