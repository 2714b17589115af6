/**
 * The bank lines of the remittance scenario, one builder per kind (see the mix and the noise in
 * bench/dataset/remittances.ts). Every builder returns the line and its true answer, or null
 * when no open item fits the kind any more (the caller then falls back to a clean payment).
 */
import type { CustomerPicker } from './remittance-book.ts';
import { PROCESSOR_ACCOUNTS, amountMinor, iban } from './remittance-book.ts';
import { OTHER_SENDERS, THIRD_PARTY_PAYERS, baseName, legalForm } from './remittance-names.ts';
import {
  CLEAN_STYLES,
  bankName,
  bookingDate,
  choose,
  line,
  listNumbers,
  payer,
  sumOpen,
  take,
  withNoise,
  writeNumber,
  type Actors,
  type Builder,
  type Built,
  type RefStyle,
  type RemittanceLineKind,
  type ScenarioLine,
} from './remittance-line-parts.ts';
import { addDays } from '../../src/shared/dates.ts';
import { formatAmount } from '../../src/shared/money.ts';

export type {
  Actors,
  LineTruth,
  RemittanceLineKind,
  ScenarioLine,
} from './remittance-line-parts.ts';

export function buildLine(
  a: Actors,
  picker: CustomerPicker,
  kind: RemittanceLineKind,
): ScenarioLine {
  const built = BUILDERS[kind](a, picker);
  if (built) return { ...built, kind };
  const clean = BUILDERS.clean(a, picker);
  if (clean) return { ...clean, kind: 'clean' };
  return { ...nonAr(a, picker)!, kind: 'nonAr' };
}

// ---------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------

function singleWithStyle(style: () => RefStyle | 'random'): Builder {
  return (a, picker) => {
    const got = picker.pick(a.rng, a.byCustomer, 1);
    if (!got) return null;
    const [item] = choose(a, got.items, 1);
    take(picker, [item!]);
    const it = a.openItems[item!]!;
    const chosen = style();
    const s = chosen === 'random' ? a.rng.weighted(CLEAN_STYLES) : chosen;
    const written =
      s === 'ach'
        ? `RMR*IV*${writeNumber(a, it, s)}*${formatAmount(it.openMinor, it.currency)}\\`
        : writeNumber(a, it, s);
    return line(a, {
      customer: got.customer,
      items: [item!],
      amount: it.openMinor,
      currency: it.currency,
      text: withNoise(a, got.customer, written, it.openMinor, it.currency),
      payer: payer(a, got.customer),
    });
  };
}

const clean = singleWithStyle(() => 'random');

const multiRef: Builder = (a, picker) => {
  const k = a.rng.weighted([
    [2, 40],
    [3, 25],
    [4, 15],
    [5, 10],
    [6, 10],
  ] as const);
  const got = picker.pick(a.rng, a.byCustomer, k);
  if (!got) return null;
  const items = choose(a, got.items, k);
  take(picker, items);
  const its = items.map((i) => a.openItems[i]!);
  const amount = sumOpen(a, items);
  return line(a, {
    customer: got.customer,
    items,
    amount,
    currency: its[0]!.currency,
    text: withNoise(
      a,
      got.customer,
      listNumbers(a, its, a.rng.chance(0.2)),
      amount,
      its[0]!.currency,
    ),
    payer: payer(a, got.customer),
  });
};

const GENERIC_TEXTS = [
  'PAYMENT',
  'ZAHLUNG',
  'SAMMELZAHLUNG',
  'Zahlung gem. Avis',
  'AP PAYMENT',
  'VENDOR PAYMENT RUN',
  'Payment for goods',
  'Überweisung',
  'ACH CREDIT',
  '',
];

const lumpNoRef: Builder = (a, picker) => {
  const { rng } = a;
  let got = picker.pick(rng, a.byCustomer, 2);
  if (!got) return null;
  let items: number[];
  if (rng.chance(0.4)) {
    // everything the customer owes: a customer whose items are all still unpaid, 2..8 of them
    const whole = picker.pick(rng, a.byCustomer, 2, () => true);
    const all = whole && a.byCustomer[whole.customer]!;
    if (whole && all && all.length <= 8 && whole.items.length === all.length) {
      got = whole;
      items = [...all];
    } else {
      items = choose(a, got.items, rng.int(2, Math.min(5, got.items.length)));
    }
  } else {
    items = choose(a, got.items, rng.int(2, Math.min(5, got.items.length)));
  }
  take(picker, items);
  const currency = a.openItems[items[0]!]!.currency;
  const amount = sumOpen(a, items);
  const text = rng.pick(GENERIC_TEXTS);
  return line(a, {
    customer: got.customer,
    items,
    amount,
    currency,
    text:
      text === '' && rng.chance(0.5) ? null : withNoise(a, got.customer, text, amount, currency),
    payer: payer(a, got.customer),
  });
};

function discountable(a: Actors, late: boolean) {
  const earliestBooking = addDays(a.asOf, -4);
  return (i: number) => {
    const it = a.openItems[i]!;
    if (it.discountDate === null || it.discountMinor <= 0n || it.openMinor !== it.amountMinor)
      return false;
    return late
      ? it.discountDate < earliestBooking && it.discountDate >= addDays(a.asOf, -40)
      : it.discountDate >= earliestBooking;
  };
}

const discount: Builder = (a, picker) => {
  const got = picker.pick(a.rng, a.byCustomer, 1, discountable(a, false));
  if (!got) return null;
  const items = choose(a, got.items, a.rng.chance(0.2) && got.items.length >= 2 ? 2 : 1);
  take(picker, items);
  const its = items.map((i) => a.openItems[i]!);
  const latest = its.map((it) => it.discountDate!).sort()[0]!;
  const earliest = its
    .map((it) => it.issueDate)
    .sort()
    .reverse()[0]!;
  const amount = its.reduce((s, it) => s + it.openMinor - it.discountMinor, 0n);
  const written =
    its.length === 1
      ? writeNumber(a, its[0]!, a.rng.chance(0.75) ? a.rng.weighted(CLEAN_STYLES) : 'missingPrefix')
      : listNumbers(a, its, false);
  const note = a.rng.chance(0.4)
    ? ` ${a.rng.pick(['abzgl. 2% Skonto', 'less 2% discount', 'SKONTO'])}`
    : '';
  return line(a, {
    customer: got.customer,
    items,
    amount,
    currency: its[0]!.currency,
    text: withNoise(a, got.customer, written + note, amount, its[0]!.currency),
    payer: payer(a, got.customer),
    booking: bookingDate(a, latest, earliest),
  });
};

const lateDiscount: Builder = (a, picker) => {
  const got = picker.pick(a.rng, a.byCustomer, 1, discountable(a, true));
  if (!got) return null;
  const [item] = choose(a, got.items, 1);
  take(picker, [item!]);
  const it = a.openItems[item!]!;
  const amount = it.openMinor - it.discountMinor;
  return line(a, {
    customer: got.customer,
    items: [item!],
    amount,
    currency: it.currency,
    text: withNoise(
      a,
      got.customer,
      `${writeNumber(a, it, a.rng.weighted(CLEAN_STYLES))} abzgl. Skonto`,
      amount,
      it.currency,
    ),
    payer: payer(a, got.customer),
  });
};

const shortPay: Builder = (a, picker) => {
  const { rng } = a;
  const k = rng.chance(0.75) ? 1 : rng.int(2, 3);
  const got = picker.pick(rng, a.byCustomer, k);
  if (!got) return null;
  const items = choose(a, got.items, k);
  take(picker, items);
  const its = items.map((i) => a.openItems[i]!);
  const last = its[its.length - 1]!;
  const deduction = rng.chance(0.35)
    ? BigInt(rng.int(500, 3_500)) // bank charges or a small fee, 5.00–35.00
    : (last.openMinor * BigInt(rng.int(5, 50))) / 100n;
  const cut = deduction < last.openMinor ? deduction : last.openMinor / 2n;
  const amount = sumOpen(a, items) - (cut > 0n ? cut : 1n);
  const written =
    its.length === 1
      ? writeNumber(a, its[0]!, rng.weighted(CLEAN_STYLES))
      : listNumbers(a, its, false);
  const note = rng.chance(0.5)
    ? ` ${rng.pick(['LESS DAMAGED GOODS', 'abzgl. Gebuehren', 'SHORT PAID PER CLAIM', 'minus Reklamation', 'LESS FREIGHT'])}`
    : '';
  return line(a, {
    customer: got.customer,
    items,
    amount,
    currency: last.currency,
    text: withNoise(a, got.customer, written + note, amount, last.currency),
    payer: payer(a, got.customer),
  });
};

const overpay: Builder = (a, picker) => {
  const { rng } = a;
  const credited = rng.chance(0.5);
  const got = picker.pick(
    rng,
    a.byCustomer,
    1,
    credited ? (i) => a.openItems[i]!.openMinor < a.openItems[i]!.amountMinor : undefined,
  );
  if (!got) return null;
  const [item] = choose(a, got.items, 1);
  take(picker, [item!]);
  const it = a.openItems[item!]!;
  let amount: bigint;
  if (credited) amount = it.amountMinor;
  else if (rng.chance(0.4)) {
    const unit = rng.chance(0.5) ? 1_000n : 10_000n;
    amount = ((it.openMinor + unit) / unit) * unit;
  } else amount = it.openMinor + (it.openMinor * BigInt(rng.int(1, 5))) / 100n + 1n;
  return line(a, {
    customer: got.customer,
    items: [item!],
    amount,
    currency: it.currency,
    text: withNoise(
      a,
      got.customer,
      writeNumber(a, it, rng.weighted(CLEAN_STYLES)),
      amount,
      it.currency,
    ),
    payer: payer(a, got.customer),
  });
};

function noReference(byName: boolean): Builder {
  return (a, picker) => {
    const got = picker.pick(a.rng, a.byCustomer, 1);
    if (!got) return null;
    const [item] = choose(a, got.items, 1);
    take(picker, [item!]);
    const it = a.openItems[item!]!;
    const p = a.profiles[got.customer]!;
    const text = a.rng.pick(GENERIC_TEXTS);
    const who = byName
      ? {
          counterpartyAccount: a.rng.chance(0.5) ? null : iban(a.rng),
          counterpartyName: bankName(a, p) ?? p.customer.name.toUpperCase(),
        }
      : payer(a, got.customer);
    return line(a, {
      customer: got.customer,
      items: [item!],
      amount: it.openMinor,
      currency: it.currency,
      text: text === '' ? null : withNoise(a, got.customer, text, it.openMinor, it.currency),
      payer: who,
    });
  };
}

const thirdParty: Builder = (a, picker) => {
  const { rng } = a;
  const got = picker.pick(rng, a.byCustomer, 1);
  if (!got) return null;
  const [item] = choose(a, got.items, 1);
  take(picker, [item!]);
  const it = a.openItems[item!]!;
  const who = rng.int(0, THIRD_PARTY_PAYERS.length - 1);
  const style = rng.chance(0.6)
    ? rng.weighted(CLEAN_STYLES)
    : rng.pick(['missingPrefix', 'zeros'] as const);
  const forWhom = rng.chance(0.5) ? `${a.profiles[got.customer]!.baseName.toUpperCase()} ` : '';
  return line(a, {
    customer: got.customer,
    items: [item!],
    amount: it.openMinor,
    currency: it.currency,
    text: withNoise(a, null, `${forWhom}${writeNumber(a, it, style)}`, it.openMinor, it.currency),
    payer: {
      counterpartyName: THIRD_PARTY_PAYERS[who]!,
      counterpartyAccount: who < 7 ? PROCESSOR_ACCOUNTS[who % 3]! : iban(rng),
    },
  });
};

/** A document number that is not open: paid earlier (a gap in the sequence) — a duplicate. */
function paidNumber(a: Actors): string {
  if (!a.numbers) a.numbers = new Set(a.openItems.map((it) => it.number));
  for (let attempt = 0; attempt < 50; attempt++) {
    const it = a.openItems[a.rng.int(0, a.openItems.length - 1)]!;
    const [prefix = '', digits = ''] = it.number.split('-');
    const n = String(Number(digits) + a.rng.pick([-2, -1, 1, 2])).padStart(digits.length, '0');
    const candidate = `${prefix}-${n}`;
    if (!a.numbers.has(candidate)) return candidate;
  }
  return 'INV-000000';
}

function nonAr(a: Actors, picker: CustomerPicker): Built | null {
  const { rng } = a;
  const kind = rng.weighted([
    ['otherSender', 30],
    ['misdirected', 20],
    ['duplicate', 20],
    ['prepayment', 15],
    ['transfer', 5],
    ['unknownPerson', 10],
  ] as const);
  const currency = rng.chance(0.95) ? 'EUR' : 'USD';
  const amount = rng.chance(0.3) ? BigInt(rng.int(1, 200)) * 5_000n : amountMinor(rng);
  const digits = () => String(rng.int(10_000, 9_999_999));
  const base = { customer: null, items: [], amount, currency };
  switch (kind) {
    case 'otherSender':
      return line(a, {
        ...base,
        text: rng.pick([
          `ERSTATTUNG ${a.asOf.slice(0, 4)} STNR ${rng.int(10, 99)}/${rng.int(100, 999)}/${digits()}`,
          `GUTSCHRIFT RECHNUNG ${digits()}`,
          `VISA SETTLEMENT BATCH ${digits()}`,
          `ZINSEN Q1 KONTO ${digits()}`,
          `REFUND ORDER ${digits()}`,
          `BONUS ${digits()} REBATE`,
        ]),
        payer: { counterpartyName: rng.pick(OTHER_SENDERS), counterpartyAccount: iban(rng) },
      });
    case 'misdirected': {
      const [form] = legalForm(rng);
      return line(a, {
        ...base,
        text: withNoise(
          a,
          null,
          rng.pick([
            `INVOICE ${digits()}`,
            `INV-${digits().padStart(7, '0')}`,
            `RG ${digits()}`,
            `Rechnung Nr. ${digits()}`,
          ]),
          amount,
          currency,
        ),
        payer: {
          counterpartyName: `${baseName(rng)} ${form}`.toUpperCase(),
          counterpartyAccount: iban(rng),
        },
      });
    }
    case 'duplicate':
    case 'prepayment': {
      const got = picker.pick(rng, a.byCustomer, 0);
      if (!got) return null;
      const p = a.profiles[got.customer]!;
      const text =
        kind === 'duplicate'
          ? paidNumber(a)
          : rng.pick([
              `ANZAHLUNG AUFTRAG ${digits()}`,
              `DEPOSIT ORDER ${digits()}`,
              `PREPAYMENT PO ${digits()}`,
              'VORAUSKASSE',
            ]);
      return line(a, {
        ...base,
        currency: p.currency,
        text: withNoise(a, got.customer, text, amount, p.currency),
        payer: payer(a, got.customer),
      });
    }
    case 'transfer':
      return line(a, {
        ...base,
        text: rng.pick(['UMBUCHUNG', 'INTERNAL TRANSFER', 'Uebertrag Festgeld']),
        payer: { counterpartyName: 'DUNWELL DEMO GMBH', counterpartyAccount: iban(rng) },
      });
    case 'unknownPerson':
      return line(a, {
        ...base,
        text: rng.chance(0.5) ? null : rng.pick(['Danke', 'Zahlung', 'payment', 'Miete Maerz']),
        payer: {
          counterpartyName: `${rng.pick(['MAX', 'ANNA', 'JOHN', 'MARIA'])} ${baseName(rng).split(' ')[0]!.toUpperCase()}`,
          counterpartyAccount: iban(rng),
        },
      });
  }
}

const BUILDERS: Record<RemittanceLineKind, Builder> = {
  clean,
  missingPrefix: singleWithStyle(() => 'missingPrefix'),
  zeros: singleWithStyle(() => 'zeros'),
  ocr: singleWithStyle(() => 'ocr'),
  multiRef,
  lumpNoRef,
  discount,
  lateDiscount,
  shortPay,
  overpay,
  accountOnly: noReference(false),
  nameOnly: noReference(true),
  thirdParty,
  nonAr,
};
