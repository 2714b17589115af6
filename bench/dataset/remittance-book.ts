/**
 * The book of the remittance scenario: customers with their payer accounts, open items and
 * learned payer hints (what each share means is described in bench/dataset/remittances.ts).
 */
import type { Random } from '../../src/modules/demo/index.ts';
import type {
  MatchCustomer,
  OpenItem,
  PayerHint,
} from '../../src/modules/banking/matching/types.ts';
import { addDays, type IsoDate } from '../../src/shared/dates.ts';
import { percentOf } from '../../src/shared/money.ts';
import type { SeededIds } from './ids.ts';
import { CITIES, baseName, legalForm } from './remittance-names.ts';

/** What the generator knows about a customer beyond MatchCustomer (not given to the matcher). */
export type CustomerProfile = {
  customer: MatchCustomer;
  /** legal name as on file, and the legal-form spellings banks may use instead */
  legalFormVariants: readonly string[];
  baseName: string;
  currency: string;
  accounts: string[];
  /** the customer whose account pays for this one (a parent), or null */
  paidBy: number | null;
  /** a recurring fee (subscriptions, rent, retainers): half of its invoices, or null */
  fixedAmount: bigint | null;
  discountTerms: boolean;
  usesPo: boolean;
  weight: number;
};

// ---------------------------------------------------------------------------
// Customers
// ---------------------------------------------------------------------------

export function makeCustomers(rng: Random, ids: SeededIds, count: number): CustomerProfile[] {
  const profiles: CustomerProfile[] = [];
  for (let index = 0; index < count; index++) {
    const branchOf = index > 20 && rng.chance(0.03) ? profiles[rng.int(0, index - 1)]! : null;
    const base = branchOf ? `${branchOf.baseName} ${rng.pick(CITIES)}` : baseName(rng);
    const hasForm = rng.chance(0.85);
    const [form, variants] = legalForm(rng);
    const name = hasForm ? `${base} ${form}` : base;
    const otherNames = rng.chance(0.1) ? [rng.chance(0.5) ? base : `${base} Trading`] : undefined;
    const customer: MatchCustomer = {
      id: ids.next(),
      name,
      accountNumber: `C${String(10000 + index).padStart(6, '0')}`,
      ...(otherNames ? { otherNames } : {}),
    };
    const accounts = [iban(rng)];
    if (rng.chance(0.15)) accounts.push(iban(rng));
    profiles.push({
      customer,
      legalFormVariants: hasForm ? variants : [],
      baseName: base,
      currency: rng.chance(0.05) ? 'USD' : 'EUR',
      accounts,
      paidBy: index > 20 && rng.chance(0.04) ? rng.int(0, index - 1) : null,
      fixedAmount: rng.chance(0.06) ? amountMinor(rng) : null,
      discountTerms: rng.chance(0.25),
      usesPo: rng.chance(0.3),
      weight: Math.exp(gaussian(rng) * 1.1),
    });
  }
  return profiles;
}

/** An IBAN-shaped account (country, valid-looking check digits from mod 97, 18 digits). */
export function iban(rng: Random): string {
  const country = rng.weighted([
    ['DE', 60],
    ['AT', 8],
    ['NL', 8],
    ['FR', 8],
    ['BE', 6],
    ['IT', 5],
    ['ES', 5],
  ] as const);
  let bban = '';
  for (let i = 0; i < 18; i++) bban += String(rng.int(0, 9));
  const letters = [...country].map((c) => String(c.charCodeAt(0) - 55)).join('');
  const check = 98n - (BigInt(`${bban}${letters}00`) % 97n);
  return `${country}${String(check).padStart(2, '0')}${bban}`;
}

function gaussian(rng: Random): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * An invoice amount in minor units: lognormal with a median of 800.00 and a long tail,
 * 15.00..250,000.00, any cents (a fifth of them round to whole units, as quotes often are).
 * The float only shapes the distribution; the amount is built from integers.
 */
export function amountMinor(rng: Random): bigint {
  const major = Math.min(250_000, Math.max(15, Math.round(800 * Math.exp(gaussian(rng) * 1.2))));
  const cents = rng.chance(0.2) ? 0 : rng.int(0, 99);
  return BigInt(major) * 100n + BigInt(cents);
}

// ---------------------------------------------------------------------------
// Open items
// ---------------------------------------------------------------------------

export class WeightedPicker {
  private readonly cumulative: Float64Array;
  constructor(weights: readonly number[]) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => (this.cumulative[i] = sum += w));
  }
  pick(rng: Random): number {
    const total = this.cumulative[this.cumulative.length - 1]!;
    const r = rng.next() * total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

export function makeItems(
  rng: Random,
  ids: SeededIds,
  profiles: readonly CustomerProfile[],
  count: number,
  asOf: IsoDate,
): OpenItem[] {
  const picker = new WeightedPicker(profiles.map((p) => p.weight));
  const drafts: Array<{ customer: number; age: number; debitMemo: boolean }> = [];
  for (let i = 0; i < count; i++) {
    // every customer gets one item first, the rest follows activity
    const customer = i < profiles.length ? i : picker.pick(rng);
    const age = rng.chance(0.1) ? rng.int(121, 400) : rng.int(0, 120);
    drafts.push({ customer, age, debitMemo: rng.chance(0.05) });
  }
  drafts.sort((a, b) => b.age - a.age);
  let invoiceNo = rng.int(1_000, 20_000);
  let memoNo = rng.int(100, 2_000);
  const width = Math.max(6, String(invoiceNo + count * 4).length);
  return drafts.map((draft) => {
    const p = profiles[draft.customer]!;
    const issueDate = addDays(asOf, -draft.age);
    // a recurring fee is half of what such a customer is billed; the rest varies
    const amount = p.fixedAmount !== null && rng.chance(0.5) ? p.fixedAmount : amountMinor(rng);
    const credited = rng.chance(0.07);
    const openMinor = credited ? amount - (amount * BigInt(rng.int(5, 60))) / 100n : amount;
    const number = draft.debitMemo
      ? `DM-${String((memoNo += rng.int(1, 3))).padStart(5, '0')}`
      : `INV-${String((invoiceNo += rng.int(1, 4))).padStart(width, '0')}`;
    return {
      id: ids.next(),
      customerId: p.customer.id,
      number,
      poNumber: p.usesPo && rng.chance(0.8) ? poNumber(rng) : null,
      currency: p.currency,
      openMinor: openMinor > 0n ? openMinor : amount,
      amountMinor: amount,
      issueDate,
      dueDate: addDays(issueDate, rng.pick([14, 30, 30, 30, 45, 60])),
      discountDate: p.discountTerms ? addDays(issueDate, 10) : null,
      discountMinor: p.discountTerms ? percentOf(amount, 200n) : 0n,
    };
  });
}

function poNumber(rng: Random): string {
  return rng.chance(0.6)
    ? `45${String(rng.int(0, 99_999_999)).padStart(8, '0')}`
    : `PO-${rng.int(10_000, 999_999)}`;
}

export function itemsByCustomer(profiles: readonly CustomerProfile[], items: readonly OpenItem[]) {
  const index = new Map(profiles.map((p, i) => [p.customer.id, i]));
  const lists: number[][] = profiles.map(() => []);
  items.forEach((it, i) => lists[index.get(it.customerId)!]!.push(i));
  for (const list of lists) {
    list.sort((a, b) => {
      const x = items[a]!.dueDate!;
      const y = items[b]!.dueDate!;
      return x < y ? -1 : x > y ? 1 : a - b;
    });
  }
  return lists;
}

// ---------------------------------------------------------------------------
// Learned payer hints
// ---------------------------------------------------------------------------

export function makeHints(rng: Random, profiles: readonly CustomerProfile[]): PayerHint[] {
  const hints: PayerHint[] = [];
  profiles.forEach((p, i) => {
    if (rng.chance(0.65)) {
      hints.push({
        customerId: p.customer.id,
        account: p.accounts[0]!,
        name: rng.chance(0.5) ? p.customer.name.toUpperCase() : null,
      });
    }
    if (p.paidBy !== null && rng.chance(0.5)) {
      hints.push({
        customerId: p.customer.id,
        account: profiles[p.paidBy]!.accounts[0]!,
        name: null,
      });
    }
    // someone once matched a processor's payment to this customer by hand
    if (i % 97 === 0) {
      hints.push({ customerId: p.customer.id, account: PROCESSOR_ACCOUNTS[i % 3]!, name: null });
    }
  });
  return hints;
}

/** Accounts of the third-party payers (shared by all their payments). */
export const PROCESSOR_ACCOUNTS = [
  'IE64IRCE92050112345678',
  'LU280019400644750000',
  'NL91ABNA0417164300',
] as const;

// ---------------------------------------------------------------------------
// Choosing customers and items for lines
// ---------------------------------------------------------------------------

/** Picks customers by activity; items are taken without replacement (paid once). */
export class CustomerPicker {
  private readonly picker: WeightedPicker;
  readonly used = new Set<number>();
  constructor(private readonly profiles: readonly CustomerProfile[]) {
    this.picker = new WeightedPicker(profiles.map((p) => p.weight));
  }
  /** A customer with at least `min` unused items satisfying `ok`, or null after some tries. */
  pick(
    rng: Random,
    lists: readonly number[][],
    min: number,
    ok: (item: number) => boolean = () => true,
  ): { customer: number; items: number[] } | null {
    for (let attempt = 0; attempt < 40; attempt++) {
      const customer = this.picker.pick(rng);
      const free = lists[customer]!.filter((i) => !this.used.has(i) && ok(i));
      if (free.length >= min) return { customer, items: free };
    }
    return null;
  }
}
