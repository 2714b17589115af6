/**
 * Adversarial bank lines against small books: no suggestion at or above the auto-apply
 * threshold (0.90) may put the money on the wrong customer or documents. A miss (< 0.90) is
 * acceptable; a wrong auto-apply is not. Each case was found by review; the cases still open
 * (names that begin another, digits that are postcodes or phone numbers against an amount
 * several customers owe) are listed in the note with what fixing them cost.
 */
import { describe, expect, it } from 'vitest';
import { MatchIndex } from '../../src/modules/banking/matching/match-index.ts';
import { item, line } from './support/match-book.ts';
import type {
  MatchCustomer,
  MatchLine,
  OpenItem,
  PayerHint,
  Suggestion,
} from '../../src/modules/banking/matching/types.ts';

const THRESHOLD = 0.9;

function match(
  customers: MatchCustomer[],
  openItems: OpenItem[],
  l: Partial<MatchLine>,
  payerHints: PayerHint[] = [],
): Suggestion[] {
  const index = new MatchIndex(
    { openItems, customers, payerHints },
    { autoApplyThreshold: THRESHOLD },
  );
  return index.match(line(l));
}

/** Suggestions that would be auto-applied to anyone but `rightCustomer`. */
function wrongAutoApplies(out: Suggestion[], rightCustomer: string | null) {
  return out
    .filter((s) => s.score >= THRESHOLD && s.customerId !== rightCustomer)
    .map((s) => ({
      customerId: s.customerId,
      score: s.score,
      docs: s.allocations.map((a) => a.documentId),
      evidence: s.evidence,
    }));
}

const cust = (id: string, name: string, accountNumber: string | null = null): MatchCustomer => ({
  id,
  name,
  accountNumber,
});

describe('one customer-number match quoted twice', () => {
  it('"Rechnung 10023 / Ref 10023" naming Beta\'s invoice does not make Alpha (customer no. C10023) a strong payer', () => {
    const customers = [
      cust('a', 'Alpha Tools GmbH', 'C10023'),
      cust('b', 'Beta Farms Ltd', 'C10099'),
    ];
    const items = [
      item('a', 'INV-20001', 48000n),
      item('a', 'INV-20002', 12000n),
      item('b', 'INV-10023', 55555n),
      item('b', 'INV-10024', 60000n),
    ];
    // Beta short-pays its invoice 10023; Alpha happens to owe 480.00 on another invoice
    const out = match(customers, items, {
      amountMinor: 48000n,
      remittanceInfo: 'Rechnung 10023 / Ref 10023',
    });
    expect(wrongAutoApplies(out, 'b')).toEqual([]);
    // the same line quoting the number once stays below the threshold: the repetition is no new evidence
    const once = match(customers, items, { amountMinor: 48000n, remittanceInfo: 'Rechnung 10023' });
    expect(wrongAutoApplies(once, 'b')).toEqual([]);
  });
});

describe('a long remittance text', () => {
  it('"INV-100431" cut at 1,000 characters to "INV-1004" names another customer\'s invoice', () => {
    const pad = 'x'.repeat(1000 - 'INV-1004'.length - 1);
    const out = match(
      [cust('a', 'Alpha Tools GmbH'), cust('b', 'Beta Farms Ltd')],
      [item('a', 'INV-100431', 11900n), item('b', 'INV-1004', 11900n)],
      { amountMinor: 11900n, remittanceInfo: `${pad} INV-100431` },
    );
    expect(wrongAutoApplies(out, 'a')).toEqual([]);
  });
});

describe('coincidences that stay below the threshold', () => {
  const customers = [
    cust('a', 'Alpha Tools GmbH', 'C10001'),
    cust('b', 'Beta Farms Ltd', 'C10002'),
  ];

  it('an amount equal to an unrelated customer item, nothing else: below threshold', () => {
    const out = match(customers, [item('b', 'INV-1', 40000n)], {
      amountMinor: 40000n,
      counterpartyName: 'Gamma GmbH',
    });
    expect(wrongAutoApplies(out, null)).toEqual([]);
  });

  it('a one-digit typo that is another customer invoice with the same amount, payer known: held as ambiguous', () => {
    const names = ['Anker', 'Birke'];
    const cs = names.map((n, k) => cust(`c${k}`, `${n} Handels GmbH`));
    const out = match(cs, [item('c0', 'INV-10040', 11900n), item('c1', 'INV-10041', 11900n)], {
      amountMinor: 11900n,
      counterpartyName: 'Anker Handels GmbH',
      remittanceInfo: 'INV-10041',
    });
    expect(wrongAutoApplies(out, 'c0')).toEqual([]);
  });

  it('a line in another currency than the named document', () => {
    const out = match(
      customers,
      [item('a', 'INV-8001', 40000n, { currency: 'USD' }), item('b', 'INV-8002', 40000n)],
      {
        amountMinor: 40000n,
        currency: 'USD',
        counterpartyName: 'Beta Farms Ltd',
        remittanceInfo: 'INV-8002',
      },
    );
    expect(wrongAutoApplies(out, 'b')).toEqual([]);
  });
});
