/**
 * Adversarial bank lines against small books: no suggestion at or above the auto-apply
 * threshold (0.90) may put the money on the wrong customer or documents. A miss (< 0.90) is
 * acceptable; a wrong auto-apply is not. Each case was found by review.
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

/** What would be applied automatically: customer, score, documents. */
function auto(out: Suggestion[]) {
  return out
    .filter((s) => s.score >= THRESHOLD)
    .map((s) => ({
      customerId: s.customerId,
      score: s.score,
      docs: s.allocations.map((a) => a.documentId),
    }));
}

const cust = (id: string, name: string, accountNumber: string | null = null): MatchCustomer => ({
  id,
  name,
  accountNumber,
});

/**
 * A payment of 1,234.56 known by the payer's name alone: customer `a` (named `customerName`)
 * owes exactly that on INV-2001; the other customer (`other`, Beta by default) owes 999.00.
 */
function byNameAlone(customerName: string, bankName: string, other = cust('b', 'Beta Farms Ltd')) {
  return match(
    [cust('a', customerName), other],
    [
      item('a', 'INV-2001', 123456n),
      item('a', 'INV-2002', 50010n),
      item(other.id, 'INV-3000', 99900n),
    ],
    { amountMinor: 123456n, counterpartyName: bankName, remittanceInfo: 'Zahlung' },
  );
}

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

describe('digits that belong to an address, a phone, an IBAN or a date', () => {
  // four customers owe the same flat fee; an unknown payer writes digits that are one's invoice
  const customers = [
    cust('a', 'Alpha Tools GmbH'),
    cust('b', 'Beta Farms Ltd'),
    cust('c', 'Gamma Bau AG'),
    cust('d', 'Delta Druck GmbH'),
  ];
  const fees = [
    item('a', 'INV-80600', 50000n),
    item('b', 'INV-80331', 50000n),
    item('b', 'INV-20260310', 50000n),
    item('c', 'INV-3704', 50000n),
    item('d', 'INV-80500', 50000n),
  ];
  const paid = (remittanceInfo: string) =>
    match(customers, fees, {
      amountMinor: 50000n,
      counterpartyName: 'Max Mustermann',
      remittanceInfo,
    });

  it.each([
    ['a postcode', 'Beitrag Max Mustermann, Hauptstr. 5, 80331 München'],
    ['a phone number', 'Max Mustermann Tel. 0891 80331'],
    ['a block of an IBAN', 'Konto DE89 3704 0044 0532 0130 00'],
    ['a date written as digits', 'Zahlung vom 20260310'],
  ])('%s names no invoice: "%s"', (_, text) => {
    expect(wrongAutoApplies(paid(text), null)).toEqual([]);
  });

  it('the same digits on their own are still an invoice number', () => {
    const [best] = paid('Zahlung 80331');
    expect(best?.customerId).toBe('b');
    expect(best?.score).toBeGreaterThanOrEqual(THRESHOLD);
  });
});

describe('payer names that resemble a customer but are another company', () => {
  it('a word that begins another ("Sun" / "Sunrise") is another word', () => {
    const out = match([cust('a', 'Sunrise Media GmbH')], [item('a', 'INV-1', 123456n)], {
      amountMinor: 123456n,
      counterpartyName: 'Sun Media GmbH',
    });
    expect(wrongAutoApplies(out, null)).toEqual([]);
  });

  it('one letter short at the end ("Schmid" / "Schmidt") is no strong payer', () => {
    const out = match([cust('a', 'Schmidt GmbH')], [item('a', 'INV-1', 77777n)], {
      amountMinor: 77777n,
      counterpartyName: 'Schmid GmbH',
    });
    expect(wrongAutoApplies(out, null)).toEqual([]);
  });

  it('a long name with its legal form was not cut by the bank', () => {
    const customers = [cust('a', 'Stadtwerke Musterstadt Netz GmbH')];
    const items = [item('a', 'INV-1', 123456n)];
    const out = match(customers, items, {
      amountMinor: 123456n,
      counterpartyName: 'Stadtwerke Musterstadt GmbH',
    });
    expect(wrongAutoApplies(out, null)).toEqual([]);
    // cut by the bank at 27 characters, it is still the customer
    const cut = match(customers, items, {
      amountMinor: 123456n,
      counterpartyName: 'STADTWERKE MUSTERSTADT NETZ',
    });
    expect(cut[0]?.customerId).toBe('a');
    expect(cut[0]?.score).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it('"Mueller GmbH & Co. KG" is not "Müller GmbH", even with its customer number as a postcode', () => {
    const customers = [
      cust('a', 'Müller GmbH', 'C80331'),
      cust('b', 'Mueller GmbH & Co. KG', 'C10001'),
    ];
    const items = [item('a', 'INV-1', 123456n), item('b', 'INV-2', 99999n)];
    const out = match(customers, items, {
      amountMinor: 123456n,
      counterpartyName: 'Mueller GmbH & Co. KG',
      remittanceInfo: 'Hauptstr. 1, 80331 Muenchen',
    });
    expect(wrongAutoApplies(out, 'b')).toEqual([]);
  });
});

describe('a one-character slip that is another customer number', () => {
  // Kept on purpose (review F asked otherwise): with dense numbering a slip is often some other
  // customer's open document (in bench:match-engine's book 1,580 of 3,976 slips, 40 %, are).
  // The known payer and its invoice of exactly the amount outweigh a number whose amount does
  // not fit. When the other document owes the amount too, the two tie and neither is applied
  // (see "coincidences that stay below the threshold").
  it('goes to the known payer whose invoice owes exactly the amount', () => {
    const customers = [cust('a', 'Anker Handels GmbH'), cust('b', 'Birke Handels GmbH')];
    const items = [item('a', 'INV-10040', 11900n), item('b', 'INV-10041', 33300n)];
    const hints: PayerHint[] = [{ customerId: 'a', account: 'DE111', name: null }];
    const out = match(
      customers,
      items,
      { amountMinor: 11900n, counterpartyAccount: 'DE111', remittanceInfo: 'INV-10041' },
      hints,
    );
    expect(out[0]?.customerId).toBe('a');
    expect(out[0]?.allocations.map((a) => a.documentId)).toEqual(['doc-INV-10040']);
  });
});

describe('the amount equals another item than the one the text names', () => {
  // found in bench:match: an overpay of the named invoice equal to another open item
  const customers = [cust('a', 'Prairie Feinmechanik Inc.')];
  const items = [item('a', 'INV-040312', 45624n), item('a', 'INV-385088', 80041n)];
  const hints: PayerHint[] = [{ customerId: 'a', account: 'FR111', name: null }];

  it('is not applied to the item of that amount, and says why', () => {
    const out = match(
      customers,
      items,
      { amountMinor: 80041n, counterpartyAccount: 'FR111', remittanceInfo: 'INV-040312' },
      hints,
    );
    expect(out.filter((s) => s.score >= THRESHOLD)).toEqual([]);
    const byAmount = out.find((s) => s.allocations[0]?.documentId === 'doc-INV-385088');
    expect(byAmount?.evidence).toContain(
      'The remittance names INV-040312, which this answer leaves out',
    );
  });

  it('without the number it is', () => {
    const [best] = match(
      customers,
      items,
      { amountMinor: 80041n, counterpartyAccount: 'FR111', remittanceInfo: 'Zahlung' },
      hints,
    );
    expect(best?.allocations.map((a) => a.documentId)).toEqual(['doc-INV-385088']);
    expect(best?.score).toBeGreaterThanOrEqual(THRESHOLD);
  });
});

describe('a named invoice short-paid with the exact amount of another (reviews G and H)', () => {
  // A strong payer reuses last month's transfer template: the text still says INV-1001
  // (1,190.00, still open), the amount is exactly the new INV-1002 (238.00). Both answers are
  // doubtful; neither may be applied alone. With Beta's RE-1001 of the same 238.00 (the same
  // digits in another number series, a standard fee), Alpha's two doubted answers still count
  // as rivals at what they had, so Beta's "digits, exact, contra" 0.90 does not win alone.
  const customers = [cust('a', 'Alpha Tools GmbH', 'C10001'), cust('b', 'Beta Farms Ltd')];
  it.each([
    ['INV-1001', 'INV-3000', 50000n],
    ['Rechnung 1001', 'INV-3000', 50000n],
    ['INV-1001', 'RE-1001', 23800n],
    ['Rechnung 1001', 'RE-1001', 23800n],
  ])('"%s", Beta owing %s: nothing is applied', (remittanceInfo, betaNumber, betaOpen) => {
    const items = [
      item('a', 'INV-1001', 119000n),
      item('a', 'INV-1002', 23800n),
      item('a', 'INV-0990', 33333n),
      item('b', betaNumber, betaOpen),
    ];
    const out = match(customers, items, {
      amountMinor: 23800n,
      counterpartyName: 'Alpha Tools GmbH',
      remittanceInfo,
    });
    expect(auto(out)).toEqual([]);
  });
});

describe('document numbers written "D-…" or "CH-…" are no postcodes (found by review G)', () => {
  it('a parent pays its subsidiary\'s "RG D-10234": not auto-applied to the parent\'s own item', () => {
    // Beta Holding (strong payer by name) pays Alpha's invoice D-10234 and names it; Beta owes
    // the same amount on D-10290: read as a postcode, "D-10234" would leave the amount alone
    // to put the money on Beta.
    const out = match(
      [cust('a', 'Alpha Tools GmbH'), cust('b', 'Beta Holding GmbH')],
      [item('a', 'D-10234', 119000n), item('b', 'D-10290', 119000n)],
      { amountMinor: 119000n, counterpartyName: 'Beta Holding GmbH', remittanceInfo: 'RG D-10234' },
    );
    expect(auto(out).filter((s) => s.customerId !== 'a')).toEqual([]);
  });

  it('"RG D-10234" with the exact amount and an unknown payer is found', () => {
    const out = match(
      [cust('a', 'Alpha Tools GmbH'), cust('b', 'Beta Farms Ltd')],
      [item('a', 'D-10234', 119000n), item('b', 'D-10290', 50000n)],
      { amountMinor: 119000n, counterpartyName: 'Max Mustermann', remittanceInfo: 'RG D-10234' },
    );
    expect(auto(out)).toEqual([
      { customerId: 'a', score: expect.any(Number), docs: ['doc-D-10234'] },
    ]);
  });

  it('"Rechnung CH-4711" with the exact amount is found', () => {
    const out = match(
      [cust('a', 'Alpha Tools GmbH'), cust('b', 'Beta Farms Ltd')],
      [item('a', 'CH-4711', 120000n), item('b', 'CH-4712', 120000n)],
      { amountMinor: 120000n, remittanceInfo: 'Rechnung CH-4711' },
    );
    expect(auto(out)).toEqual([
      { customerId: 'a', score: expect.any(Number), docs: ['doc-CH-4711'] },
    ]);
  });
});

describe('ordinary bank spellings of a name stay strong (found by review G)', () => {
  const amountOnly = (customerName: string, bankName: string) =>
    byNameAlone(customerName, bankName);
  const applied = [{ customerId: 'a', score: expect.any(Number), docs: ['doc-INV-2001'] }];

  it('a name cut at 27 characters whose last fragment reads as a legal form ("… SE" of "Service")', () => {
    // "Gebäudereinigung Krause Service" cut by the bank at 27 → "GEBAEUDEREINIGUNG KRAUSE SE":
    // "SE" looks like a legal form, but at a full name field it may be a cut word. Read so, the
    // name is a medium payer (review H: "… TRADING CO" is as likely a real form), so the
    // amount alone is suggested, not applied.
    const out = amountOnly('Gebäudereinigung Krause Service', 'GEBAEUDEREINIGUNG KRAUSE SE');
    expect(auto(out)).toEqual([]);
    expect(out[0]?.allocations.map((a) => a.documentId)).toEqual(['doc-INV-2001']);
  });

  it('a plural s missing ("ACME SOLUTION LTD" for "Acme Solutions Ltd")', () => {
    expect(auto(amountOnly('Acme Solutions Ltd', 'ACME SOLUTIONZ LTD'))).toEqual(applied);
    expect(auto(amountOnly('Acme Solutions Ltd', 'ACME SOLUTION LTD'))).toEqual(applied);
  });

  it('"NORDWEST INDUSTRIE GMBH" for "Nordwest Industries GmbH"', () => {
    expect(auto(amountOnly('Nordwest Industries GmbH', 'NORDWEST INDUSTRIE GMBH'))).toEqual(
      applied,
    );
  });
});

describe('a bank name with more legal form than the customer record (a decision, see review G)', () => {
  // "Müller Logistik GmbH & Co. KG" is another legal entity than "Müller Logistik GmbH" (often
  // its general partner). Master data sometimes leaves "& Co. KG" out; then a payment known by
  // the name alone waits for a person, and one that names its invoice is still applied.
  const customers = [cust('a', 'Müller Logistik GmbH')];
  const items = [item('a', 'INV-2001', 123456n), item('a', 'INV-2002', 50010n)];
  const bank = { amountMinor: 123456n, counterpartyName: 'MUELLER LOGISTIK GMBH & CO. KG' };

  it('by amount alone: suggested, not applied', () => {
    const out = match(customers, items, { ...bank, remittanceInfo: 'Zahlung' });
    expect(auto(out)).toEqual([]);
    expect(out[0]?.allocations.map((a) => a.documentId)).toEqual(['doc-INV-2001']);
  });

  it('with its invoice named: applied', () => {
    const out = match(customers, items, { ...bank, remittanceInfo: 'INV-2001' });
    expect(auto(out)).toEqual([
      { customerId: 'a', score: expect.any(Number), docs: ['doc-INV-2001'] },
    ]);
  });
});

describe('names that resemble a customer but are another company (review H)', () => {
  // 27 characters written in full: "CO", "AG", "SA" is the payer's legal form, not a fragment
  // of the customer's next word; and surnames that differ by a final S
  it.each([
    ['JOHNSON BROTHERS TRADING CO', 'Johnson Brothers Trading Consultants Ltd'],
    ['HOFFMANN SICHERHEIT NORD AG', 'Hoffmann Sicherheit Nord Agentur GmbH'],
    ['DUPONT TRANSPORTS EUROPE SA', 'Dupont Transports Europe Sanitaire SARL'],
    ['Peter Elektro GmbH', 'Peters Elektro GmbH'],
    ['Thoma Bau GmbH', 'Thomas Bau GmbH'],
    ['Robert Plumbing Ltd', 'Roberts Plumbing Ltd'],
  ])('"%s" (not a customer) is no strong payer for "%s"', (bankName, customerName) => {
    expect(wrongAutoApplies(byNameAlone(customerName, bankName), null)).toEqual([]);
  });

  // the payer is a customer by its exact name and owes something else: the look-alike must not
  // join it in a group that gives the money to the one whose item has the amount
  it.each([
    [
      'JOHNSON BROTHERS TRADING CO',
      'Johnson Brothers Trading Co',
      'Johnson Brothers Trading Consultants Ltd',
    ],
    ['Peter Elektro GmbH', 'Peter Elektro GmbH', 'Peters Elektro GmbH'],
  ])('"%s", customer "%s", does not pay the item of "%s"', (bankName, payerName, otherName) => {
    const out = byNameAlone(otherName, bankName, cust('c', payerName));
    expect(wrongAutoApplies(out, 'c')).toEqual([]);
  });
});
