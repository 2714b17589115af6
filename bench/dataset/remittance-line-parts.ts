/**
 * The pieces bank lines of the remittance scenario are made of: dates, the payer as the bank
 * shows it, document numbers as payers write them (and mistype them), text noise, and the
 * line with its true answer. The builders per kind are in remittance-lines.ts.
 */
import type { Random } from '../../src/modules/demo/index.ts';
import type { MatchLine, OpenItem } from '../../src/modules/banking/matching/types.ts';
import { addDays, daysBetween, type IsoDate } from '../../src/shared/dates.ts';
import { formatAmount } from '../../src/shared/money.ts';
import type { CustomerPicker, CustomerProfile } from './remittance-book.ts';

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

export type Built = Omit<ScenarioLine, 'kind'>;
export type Builder = (a: Actors, picker: CustomerPicker) => Built | null;

export function bookingDate(a: Actors, latest: IsoDate = a.asOf, earliest?: IsoDate): IsoDate {
  const from = earliest && earliest > addDays(a.asOf, -4) ? earliest : addDays(a.asOf, -4);
  const to = latest < a.asOf ? latest : a.asOf;
  if (to <= from) return to;
  return addDays(from, a.rng.int(0, daysBetween(from, to)));
}

export function dates(a: Actors, booking: IsoDate) {
  return { bookingDate: booking, valueDate: a.rng.chance(0.7) ? booking : addDays(booking, -1) };
}

/** The payer's name as a bank line shows it. */
export function bankName(a: Actors, p: CustomerProfile): string | null {
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
export function payer(a: Actors, customer: number) {
  const { rng } = a;
  const p = a.profiles[customer]!;
  if (p.paidBy !== null && rng.chance(0.8)) {
    const parent = a.profiles[p.paidBy]!;
    return { counterpartyAccount: parent.accounts[0]!, counterpartyName: bankName(a, parent) };
  }
  const account = p.accounts.length > 1 && rng.chance(0.3) ? p.accounts[1]! : p.accounts[0]!;
  return { counterpartyAccount: account, counterpartyName: bankName(a, p) };
}

export type RefStyle =
  'printed' | 'compact' | 'spaced' | 'keyword' | 'ach' | 'missingPrefix' | 'zeros' | 'ocr';

export const CLEAN_STYLES: ReadonlyArray<readonly [RefStyle, number]> = [
  ['printed', 55],
  ['compact', 12],
  ['spaced', 10],
  ['keyword', 15],
  ['ach', 8],
];

/** How the payer writes one document number. */
export function writeNumber(a: Actors, it: OpenItem, style: RefStyle): string {
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
export function ocrSlip(rng: Random, digits: string): string {
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

export function listNumbers(a: Actors, items: readonly OpenItem[], mangleOne: boolean): string {
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
export function withNoise(
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

export function endToEnd(a: Actors): string | null {
  const { rng } = a;
  const r = rng.next();
  if (r < 0.65) return 'NOTPROVIDED';
  if (r < 0.9) return `E2E${a.asOf.replace(/-/g, '')}${rng.int(100_000, 999_999)}`;
  return null;
}

export function line(
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
export function choose(a: Actors, free: readonly number[], count: number): number[] {
  if (a.rng.chance(0.6)) return free.slice(0, count);
  const pool = [...free];
  const out: number[] = [];
  while (out.length < count && pool.length > 0)
    out.push(pool.splice(a.rng.int(0, pool.length - 1), 1)[0]!);
  return out.sort((x, y) => free.indexOf(x) - free.indexOf(y));
}

export function take(picker: CustomerPicker, items: readonly number[]) {
  for (const i of items) picker.used.add(i);
}

export const sumOpen = (a: Actors, items: readonly number[]) =>
  items.reduce((s, i) => s + a.openItems[i]!.openMinor, 0n);
