/**
 * The allocation editor's figures for one invoice (web/src/components/PaymentAllocation.ts):
 * which part of a discount the terms do not offer (what needs a reason, and a manager above
 * the tolerance), and which short-pay tolerance applies to a payment's currency.
 */
import { describe, expect, it } from 'vitest';
import { rowFigures, type AllocationRow } from '../../web/src/components/PaymentAllocation.ts';
import { toleranceIn, type CashSettings, type OpenItem } from '../../web/src/payments-api.ts';

const item = (over: Partial<OpenItem> = {}): OpenItem => ({
  id: 'i1',
  kind: 'invoice',
  number: 'INV-1',
  issueDate: '2026-11-10',
  dueDate: '2026-12-10',
  currency: 'EUR',
  open: '1000.00',
  poNumber: null,
  discountDate: '2026-11-20',
  discountAmount: '20.00',
  ...over,
});
const row = (amount: string, discount: string, over: Partial<OpenItem> = {}): AllocationRow => ({
  item: item(over),
  amount,
  discount,
  discountReason: '',
  shortPay: 'leave',
  reasonCode: '',
  note: '',
});

describe('rowFigures: the discount the terms do not offer', () => {
  it('is nothing inside the window up to the offer', () => {
    const f = rowFigures(row('980.00', '20.00'), '2026-11-20', 'EUR');
    expect([f.unearned, f.discountNeedsReason, f.rest]).toEqual([0n, false, 0n]);
  });
  it('is what goes beyond the offer inside the window', () => {
    const f = rowFigures(row('976.00', '24.00'), '2026-11-19', 'EUR');
    expect([f.unearned, f.discountNeedsReason]).toEqual([400n, true]);
    expect(f.errors.discountReason).toContain('More than the 20.00 offered');
  });
  it('is the whole discount after the window closed, or without terms', () => {
    expect(rowFigures(row('980.00', '20.00'), '2026-11-21', 'EUR').unearned).toBe(2000n);
    const none = rowFigures(row('990.00', '10.00', { discountDate: null }), '2026-11-15', 'EUR');
    expect([none.unearned, none.discountNeedsReason]).toEqual([1000n, true]);
  });
  it('is left to the server while the terms are not loaded', () => {
    const f = rowFigures(
      row('980.00', '20.00', { discountDate: undefined, discountAmount: undefined }),
      '2026-11-30',
      'EUR',
    );
    expect([f.unearned, f.discountNeedsReason]).toEqual([0n, false]);
  });
});

describe('toleranceIn', () => {
  const settings: CashSettings = {
    baseCurrency: 'USD',
    shortPayTolerance: '5.00',
    shortPayTolerances: [{ currency: 'JPY', amount: '800' }],
    autoMatchThreshold: '0.90',
  };
  it("reads the base currency's and each other currency's own, and none for the rest", () => {
    expect(toleranceIn(settings, 'USD')).toBe('5.00');
    expect(toleranceIn(settings, 'JPY')).toBe('800');
    expect(toleranceIn(settings, 'KWD')).toBeNull();
  });
});
