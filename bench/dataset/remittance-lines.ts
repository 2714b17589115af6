/**
 * The bank lines of the remittance scenario, one builder per kind (see the mix and the noise in
 * bench/dataset/remittances.ts). Every builder returns the line and its true answer, or null
 * when no open item fits the kind any more (the caller then falls back to a clean payment).
 */
import type { Random } from '../../src/modules/demo/index.ts';
import type { OpenItem } from '../../src/modules/banking/matching/types.ts';
import { addDays, type IsoDate } from '../../src/shared/dates.ts';
import { formatAmount } from '../../src/shared/money.ts';
import { OTHER_SENDERS, THIRD_PARTY_PAYERS, baseName, legalForm } from './remittance-names.ts';
import {
  PROCESSOR_ACCOUNTS,
  amountMinor,
  iban,
  type CustomerPicker,
  type CustomerProfile,
} from './remittance-book.ts';
import type { MatchLine } from '../../src/modules/banking/matching/types.ts';

export type RemittanceLineKind =
  | 'clean'
  | 'missingPrefix'
  | 'zeros'
  | 'ocr'
  | 'multiRef'
  | 'lumpNoRef'
  | 'discount'
  | 'lateDiscount'
  | 'shortPay'
  | 'overpay'
  | 'accountOnly'
  | 'nameOnly'
  | 'thirdParty'
  | 'nonAr';

export type LineTruth = { customerId: string; documentIds: string[] } | null;
export type ScenarioLine = MatchLine & { kind: RemittanceLineKind; truth: LineTruth };

export type Actors = {
  rng: Random;
  profiles: readonly CustomerProfile[];
  openItems: readonly OpenItem[];
  asOf: IsoDate;
  /** item indexes per customer, due date ascending */
  byCustomer: readonly number[][];
  /** every document number in the book (built on first use) */
  numbers?: Set<string>;
};

/** SEPA unstructured remittance information holds 140 characters. */
const SEPA_TEXT_LIMIT = 140;

type Built = Omit<ScenarioLine, 'kind'>;
type Builder = (a: Actors, picker: CustomerPicker) => Built | null;

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
// Pieces
// ---------------------------------------------------------------------------

function bookingDate(a: Actors, latest: IsoDate = a.asOf, earliest?: IsoDate): IsoDate {
  const from = earliest && earliest > addDays(a.asOf, -4) ? earliest : addDays(a.asOf, -4);
  const to = latest < a.asOf ? latest : a.asOf;
  if (to <= from) return to;
  const span = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
  return addDays(from, a.rng.int(0, span));
}

function dates(a: Actors, booking: IsoDate) {
  return { bookingDate: booking, valueDate: a.rng.chance(0.7) ? booking : addDays(booking, -1) };
}

/** The payer's name as a bank line shows it. */
function bankName(a: Actors, p: CustomerProfile): string | null {
  const { rng } = a;
  const legal = p.customer.name;
  const variant = rng.weighted([
    ['upper', 40],
    ['noForm', 15],
    ['cut', 10],
    ['formSpelling', 10],
    ['asFiled', 10],
    ['umlauts', 7],
    ['typo', 5],
    ['none', 3],
  ] as const);
  switch (variant) {
    case 'upper':
      return legal.toUpperCase();
    case 'noForm':
      return p.baseName.toUpperCase();
    case 'cut':
      return legal.toUpperCase().slice(0, rng.pick([27, 35]));
    case 'formSpelling':
      return p.legalFormVariants.length > 0
        ? `${p.baseName} ${rng.pick(p.legalFormVariants)}`.toUpperCase()
        : legal.toUpperCase();
    case 'asFiled':
      return legal;
    case 'umlauts':
      return legal
        .toUpperCase()
        .replace(/Ä/g, 'AE')
        .replace(/Ö/g, 'OE')
        .replace(/Ü/g, 'UE')
        .replace(/ß/g, 'SS');
    case 'typo':
      return typo(rng, legal.toUpperCase());
    case 'none':
      return null;
  }
}

/** Two neighbouring letters swapped, or one dropped, in a word of 5+ letters. */
function typo(rng: Random, text: string): string {
  const words = text.split(' ');
  const long = words.map((w, i) => [w, i] as const).filter(([w]) => /^[A-Z]{5,}$/.test(w));
  if (long.length === 0) return text;
  const [word, i] = rng.pick(long);
  const at = rng.int(1, word.length - 2);
  words[i] = rng.chance(0.5)
    ? word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2)
    : word.slice(0, at) + word.slice(at + 1);
  return words.join(' ');
}

/** Who the bank says paid: the customer's account (or its parent's) and name. */
function payer(a: Actors, customer: number) {
  const { rng } = a;
  const p = a.profiles[customer]!;
  if (p.paidBy !== null && rng.chance(0.8)) {
    const parent = a.profiles[p.paidBy]!;
    return { counterpartyAccount: parent.accounts[0]!, counterpartyName: bankName(a, parent) };
  }
  const account = p.accounts.length > 1 && rng.chance(0.3) ? p.accounts[1]! : p.accounts[0]!;
  return { counterpartyAccount: account, counterpartyName: bankName(a, p) };
}

type RefStyle =
  'printed' | 'compact' | 'spaced' | 'keyword' | 'ach' | 'missingPrefix' | 'zeros' | 'ocr';

const CLEAN_STYLES: ReadonlyArray<readonly [RefStyle, number]> = [
  ['printed', 55],
  ['compact', 12],
  ['spaced', 10],
  ['keyword', 15],
  ['ach', 8],
];

/** How the payer writes one document number. */
function writeNumber(a: Actors, it: OpenItem, style: RefStyle): string {
  const { rng } = a;
  const [prefix = '', digits = ''] = it.number.split('-');
  const core = digits.replace(/^0+/, '') || '0';
  switch (style) {
    case 'printed':
    case 'ach':
      return it.number;
    case 'compact':
      return `${prefix}${digits}`;
    case 'spaced':
      return `${prefix} ${digits}`;
    case 'keyword':
      return `${rng.pick(['Invoice', 'Inv.', 'Rechnung', 'RE', 'Facture', 'Inv#'])} ${it.number}`;
    case 'missingPrefix': {
      const bare = rng.chance(0.5) ? digits : core;
      return rng.chance(0.5)
        ? bare
        : `${rng.pick(['Invoice', 'Rechnung', 'RE:', 'Rg.', 'Inv#', 'Nr.'])} ${bare}`;
    }
    case 'zeros':
      return rng.chance(0.6)
        ? `${prefix}${rng.pick(['-', '', ' '])}${core}`
        : `${prefix}-0${digits}`;
    case 'ocr':
      return `${prefix}-${ocrSlip(rng, digits)}`;
  }
}

const SHAPES: Readonly<Record<string, string>> = { '0': 'O', '1': 'I', '5': 'S', '8': 'B' };
const SIMILAR_DIGITS: Readonly<Record<string, string>> = {
  '0': '8',
  '1': '7',
  '2': '7',
  '3': '8',
  '4': '9',
  '5': '6',
  '6': '5',
  '7': '1',
  '8': '3',
  '9': '4',
};

/** One slip in the significant digits: a letter for a digit, a wrong, swapped, lost or doubled digit. */
function ocrSlip(rng: Random, digits: string): string {
  const lead = digits.length - (digits.replace(/^0+/, '').length || 1);
  const at = rng.int(lead, digits.length - 1);
  const d = digits[at]!;
  const slip = rng.weighted([
    ['letter', 25],
    ['substitute', 30],
    ['transpose', 25],
    ['drop', 10],
    ['double', 10],
  ] as const);
  const before = digits.slice(0, at);
  const after = digits.slice(at + 1);
  switch (slip) {
    case 'letter':
      return SHAPES[d] ? before + SHAPES[d] + after : before + SIMILAR_DIGITS[d]! + after;
    case 'substitute':
      return before + SIMILAR_DIGITS[d]! + after;
    case 'transpose': {
      if (at + 1 < digits.length && digits[at + 1] !== d) {
        return before + digits[at + 1] + d + digits.slice(at + 2);
      }
      return before + SIMILAR_DIGITS[d]! + after;
    }
    case 'drop':
      return before + after;
    case 'double':
      return before + d + d + after;
  }
}

function listNumbers(a: Actors, items: readonly OpenItem[], mangleOne: boolean): string {
  const { rng } = a;
  const mangled = mangleOne ? rng.int(0, items.length - 1) : -1;
  const style = rng.weighted([
    ['full', 55],
    ['prefixOnce', 25],
    ['ach', 10],
    ['bare', 10],
  ] as const);
  const sep = rng.pick([', ', ' ', '; ', '/', ' + ']);
  const parts = items.map((it, i) => {
    const [prefix = '', digits = ''] = it.number.split('-');
    if (i === mangled) return writeNumber(a, it, rng.pick(['missingPrefix', 'zeros'] as const));
    if (style === 'full' || style === 'ach') return it.number;
    if (style === 'prefixOnce') return i === 0 ? `${prefix} ${digits}` : digits;
    return digits;
  });
  if (style === 'ach') {
    return items
      .map((it, i) => `RMR*IV*${parts[i]}*${formatAmount(it.openMinor, it.currency)}\\`)
      .join(' ');
  }
  return `${rng.pick(['', 'RE ', 'Invoices ', 'Rechnungen ', 'PAYMENT '])}${parts.join(sep)}`;
}

/** Voucher numbers, dates, tags and amounts that payers and banks add to the text. */
function withNoise(
  a: Actors,
  customer: number | null,
  core: string,
  amount: bigint,
  currency: string,
): string {
  const { rng } = a;
  const parts = [core];
  if (rng.chance(0.25)) {
    parts.push(
      rng.pick([
        `VOM ${a.asOf.slice(8, 10)}.${a.asOf.slice(5, 7)}.${a.asOf.slice(0, 4)}`,
        `DATE ${a.asOf}`,
        `DATUM ${a.asOf.slice(8, 10)}.${a.asOf.slice(5, 7)}.${a.asOf.slice(2, 4)}`,
      ]),
    );
  }
  if (rng.chance(0.2)) {
    const voucher = String(rng.int(100_000, 99_999_999));
    parts.push(
      rng.pick([
        `AVIS ${voucher}`,
        `BELEG-NR. ${voucher}`,
        `PAYMENT ADVICE ${voucher}`,
        `ZAHLUNGSREF ${voucher}`,
        `DOC ${voucher}`,
      ]),
    );
  }
  if (customer !== null && rng.chance(0.08)) {
    const number = a.profiles[customer]!.customer.accountNumber!;
    parts.push(
      rng.pick([
        `KD-NR. ${number}`,
        `CUSTOMER ${number.slice(1).replace(/^0+/, '')}`,
        `Kundennr ${number.slice(1)}`,
      ]),
    );
  }
  if (rng.chance(0.1)) {
    const shown = formatAmount(amount, currency);
    parts.push(rng.chance(0.5) ? `BETRAG ${shown.replace('.', ',')} ${currency}` : `AMT ${shown}`);
  }
  let text = parts.join(' ');
  if (rng.chance(0.15)) text = `EREF+${rng.int(1000, 99999)} SVWZ+${text}`;
  return text.slice(0, SEPA_TEXT_LIMIT);
}

function endToEnd(a: Actors): string | null {
  const { rng } = a;
  const r = rng.next();
  if (r < 0.65) return 'NOTPROVIDED';
  if (r < 0.9) return `E2E${a.asOf.replace(/-/g, '')}${rng.int(100_000, 999_999)}`;
  return null;
}

function line(
  a: Actors,
  spec: {
    customer: number | null;
    items: readonly number[];
    amount: bigint;
    currency: string;
    text: string | null;
    payer: { counterpartyName: string | null; counterpartyAccount: string | null };
    booking?: IsoDate;
  },
): Built {
  return {
    amountMinor: spec.amount,
    currency: spec.currency,
    ...dates(a, spec.booking ?? bookingDate(a)),
    ...spec.payer,
    remittanceInfo: spec.text,
    endToEndId: endToEnd(a),
    truth:
      spec.customer === null
        ? null
        : {
            customerId: a.profiles[spec.customer]!.customer.id,
            documentIds: spec.items.map((i) => a.openItems[i]!.id),
          },
  };
}

/** Oldest first 60 % of the time, otherwise any of them. */
function choose(a: Actors, free: readonly number[], count: number): number[] {
  if (a.rng.chance(0.6)) return free.slice(0, count);
  const pool = [...free];
  const out: number[] = [];
  while (out.length < count && pool.length > 0)
    out.push(pool.splice(a.rng.int(0, pool.length - 1), 1)[0]!);
  return out.sort((x, y) => free.indexOf(x) - free.indexOf(y));
}

function take(picker: CustomerPicker, items: readonly number[]) {
  for (const i of items) picker.used.add(i);
}

const sumOpen = (a: Actors, items: readonly number[]) =>
  items.reduce((s, i) => s + a.openItems[i]!.openMinor, 0n);

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
