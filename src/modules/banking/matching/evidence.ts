/**
 * The matcher's evidence text (English, amounts grouped with commas), written from a
 * hypothesis' {@link Explanation} only for the answers that are returned.
 */
import { currencyExponent, isCurrency } from '../../../shared/currencies.ts';
import { formatAmount } from '../../../shared/money.ts';
import type {
  Explanation,
  Hit,
  Hypothesis,
  IndexView,
  LineContext,
  PayerSource,
  StatedPart,
} from './internal.ts';
import { maskAccount } from './normalize.ts';
import { binomial } from './scoring.ts';

/** Minor-unit exponents of the currencies seen (null: not a currency), looked up once each. */
const EXPONENTS = new Map<string, number | null>();
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** 123450n EUR → "1,234.50" (exact; no currency symbol, the line's currency is implied). */
export function displayAmount(amountMinor: bigint, currency: string): string {
  let exponent = EXPONENTS.get(currency);
  if (exponent === undefined) {
    exponent = isCurrency(currency) ? currencyExponent(currency) : null;
    EXPONENTS.set(currency, exponent);
  }
  if (exponent !== null && amountMinor <= MAX_EXACT && amountMinor >= -MAX_EXACT) {
    // an exact double: whole units and fraction without bigint division
    const value = Number(amountMinor);
    const magnitude = Math.abs(value);
    const scale = 10 ** exponent;
    const fraction = magnitude % scale;
    const whole = groupThousands(String((magnitude - fraction) / scale));
    const decimals = exponent === 0 ? '' : `.${String(fraction).padStart(exponent, '0')}`;
    return `${value < 0 ? '-' : ''}${whole}${decimals}`;
  }
  const plain = formatAmount(amountMinor, currency);
  const sign = plain.startsWith('-') ? '-' : '';
  const unsigned = sign ? plain.slice(1) : plain;
  const point = unsigned.indexOf('.');
  const whole = point < 0 ? unsigned : unsigned.slice(0, point);
  return `${sign}${groupThousands(whole)}${point < 0 ? '' : unsigned.slice(point)}`;
}

/** "1234567" → "1,234,567". */
function groupThousands(whole: string): string {
  if (whole.length <= 3) return whole;
  let grouped = whole.slice(0, ((whole.length - 1) % 3) + 1);
  for (let i = grouped.length; i < whole.length; i += 3) grouped += `,${whole.slice(i, i + 3)}`;
  return grouped;
}

/** The discount as a share of the document amount: 2469n of 123450n → "2%", 1.5% → "1.5%". */
export function displayPercent(partMinor: bigint, wholeMinor: bigint): string {
  if (wholeMinor <= 0n) return '?%';
  const basisPoints = (partMinor * 10_000n + wholeMinor / 2n) / wholeMinor;
  const whole = basisPoints / 100n;
  const fraction = (basisPoints % 100n).toString().padStart(2, '0').replace(/0+$/, '');
  return fraction === '' ? `${whole}%` : `${whole}.${fraction}%`;
}

export function displayScore(score: number): string {
  return score.toFixed(2);
}

/** "INV-1, INV-2 and INV-3"; long lists are cut: "INV-1, INV-2, … (7 documents)". */
export function listNumbers(numbers: readonly string[], max = 4): string {
  if (numbers.length <= 1) return numbers[0] ?? '';
  if (numbers.length > max) {
    return `${numbers.slice(0, max - 1).join(', ')}, … (${numbers.length} documents)`;
  }
  return `${numbers.slice(0, -1).join(', ')} and ${numbers[numbers.length - 1]}`;
}

// ---------------------------------------------------------------------------
// Evidence of an answer
// ---------------------------------------------------------------------------

/** The reasons for one answer, most important first: what is named, the amount, the payer. */
export function explain(view: IndexView, ctx: LineContext, h: Hypothesis): string[] {
  const ex = h.explanation;
  const out: string[] = [];
  const payer = ctx.payers.get(h.customer)?.sources ?? [];
  if (ex.kind === 'named') {
    for (const hit of ex.hits) out.push(namingText(view, hit));
    out.push(...namedAmountText(view, ctx, ex));
    if (ex.siblings) {
      out.push(
        `${ex.siblings} other open item${ex.siblings === 1 ? '' : 's'} of ${view.customerNameOf(h.customer)} owe the same amount: the near miss may be chance`,
      );
    }
    for (const source of payer) out.push(payerText(view, h.customer, source));
  } else if (ex.kind === 'stated') {
    for (const hit of ex.hits) out.push(namingText(view, hit));
    out.push(...statedText(view, ctx, h.customer, ex));
    for (const source of payer) out.push(payerText(view, h.customer, source));
  } else if (ex.kind === 'amount') {
    out.push(amountText(view, ctx, h.customer, ex));
    for (const source of payer) out.push(payerText(view, h.customer, source));
    if (ex.round) out.push('A round amount: deposits and payments on account often are');
    if (ex.group) {
      out.push(
        `Of the customers this payer points at, only ${view.customerNameOf(h.customer)} has open items that make up the amount`,
      );
    }
    out.push(
      ex.namedElsewhere
        ? `The remittance names ${listNumbers(ex.namedElsewhere.map((i) => view.items[i]!.number))}, which this answer leaves out`
        : 'No document is named in the remittance text',
    );
  } else {
    const it = view.items[ex.item]!;
    out.push(
      ex.net
        ? `Amount equals ${it.number} net of its discount (${displayAmount(it.discountMinor, ctx.currency)})`
        : `Amount ${displayAmount(ctx.amount, ctx.currency)} equals the open balance of ${it.number}`,
    );
    out.push(
      ex.sharedBy === 1
        ? 'The payer is unknown; this is the only open item with this amount'
        : `The payer is unknown; ${ex.sharedBy} open items have this amount`,
    );
  }
  return [...out, ...h.notes];
}

function numbersOf(view: IndexView, items: readonly number[]): string {
  return listNumbers(items.map((i) => view.items[i]!.number));
}

function namingText(view: IndexView, hit: Hit): string {
  const it = view.items[hit.item]!;
  if (hit.byPo)
    return `Remittance names PO ${it.poNumber} of ${it.number} (written "${hit.written}")`;
  if (hit.quality === 'fuzzy') {
    return `Remittance nearly names ${it.number} (written "${hit.written}", one character off)`;
  }
  return hit.written === it.number
    ? `Remittance names ${it.number}`
    : `Remittance names ${it.number} (written "${hit.written}")`;
}

/**
 * What the amount says about the named documents. One small function per fit: the rare fits
 * are reached late in a run, and in one large function each would make V8 compile it again.
 */
function namedAmountText(
  view: IndexView,
  ctx: LineContext,
  ex: Extract<Explanation, { kind: 'named' }>,
): string[] {
  const items = ex.hits.map((h) => h.item);
  switch (ex.fit) {
    case 'exact':
      return [exactText(view, ctx, items)];
    case 'discount':
      return [discountText(view, ctx, ex, items)];
    case 'original':
      return [originalText(view, ctx, ex, items)];
    case 'subset':
      return [subsetText(view, ctx, ex, items)];
    case 'extra':
      return [extraText(view, ctx, ex, items)];
    case 'short':
      return shortText(view, ctx, ex, items);
    case 'over':
      return overText(view, ctx, ex, items);
  }
}

type NamedExplanation = Extract<Explanation, { kind: 'named' }>;

function exactText(view: IndexView, ctx: LineContext, items: readonly number[]): string {
  const shown = displayAmount(ctx.amount, ctx.currency);
  const numbers = numbersOf(view, items);
  return items.length === 1
    ? `Amount ${shown} equals the open balance of ${numbers}`
    : `Amount ${shown} equals the open balances of ${numbers}`;
}

function discountText(
  view: IndexView,
  ctx: LineContext,
  ex: NamedExplanation,
  items: readonly number[],
): string {
  const cur = ctx.currency;
  if (items.length > 1) {
    return `Amount equals the named documents net of early-payment discounts (${displayAmount(ex.discountMinor ?? 0n, cur)})`;
  }
  const it = view.items[items[0]!]!;
  return `Amount equals ${it.number} net of the ${displayPercent(it.discountMinor, it.amountMinor)} discount (${displayAmount(it.discountMinor, cur)}) taken by ${it.discountDate}`;
}

function originalText(
  view: IndexView,
  ctx: LineContext,
  ex: NamedExplanation,
  items: readonly number[],
): string {
  const cur = ctx.currency;
  const shown = displayAmount(ctx.amount, cur);
  const original =
    items.length === 1
      ? `the original amount of ${numbersOf(view, items)}`
      : 'the original amounts';
  return `Amount ${shown} equals ${original}; ${displayAmount(ex.totalMinor, cur)} is open after credits or payments, ${displayAmount(ctx.amount - ex.totalMinor, cur)} stays unapplied`;
}

function subsetText(
  view: IndexView,
  ctx: LineContext,
  ex: NamedExplanation,
  items: readonly number[],
): string {
  const chosen = ex.items ?? [];
  const shown = displayAmount(ctx.amount, ctx.currency);
  return `Amount ${shown} equals ${numbersOf(view, chosen)}, ${chosen.length} of the ${items.length} named documents`;
}

function extraText(
  view: IndexView,
  ctx: LineContext,
  ex: NamedExplanation,
  items: readonly number[],
): string {
  const shown = displayAmount(ctx.amount, ctx.currency);
  return `Amount ${shown} equals ${numbersOf(view, items)} plus ${numbersOf(view, ex.items ?? [])}, which the text does not name`;
}

function shortText(
  view: IndexView,
  ctx: LineContext,
  ex: NamedExplanation,
  items: readonly number[],
): string[] {
  const cur = ctx.currency;
  const total = ex.totalMinor;
  const out = [
    `Amount ${displayAmount(ctx.amount, cur)} is ${displayAmount(total - ctx.amount, cur)} less than the open ${displayAmount(total, cur)} of ${numbersOf(view, items)}: short pay`,
  ];
  let discounts = 0n;
  let ended: string | null = null;
  for (const i of items) {
    const it = view.items[i]!;
    discounts += it.discountMinor;
    if (it.discountDate !== null && (ended === null || it.discountDate < ended))
      ended = it.discountDate;
  }
  if (discounts > 0n && total - discounts === ctx.amount && ended !== null) {
    out.push(`The difference is the early-payment discount, which ended on ${ended}`);
  }
  return out;
}

function overText(
  view: IndexView,
  ctx: LineContext,
  ex: NamedExplanation,
  items: readonly number[],
): string[] {
  const cur = ctx.currency;
  const total = ex.totalMinor;
  return [
    `Amount exceeds the open ${displayAmount(total, cur)} of ${numbersOf(view, items)} by ${displayAmount(ctx.amount - total, cur)}: left unapplied`,
    ...(ex.large ? ['The excess is large: the payment may be for documents not named'] : []),
  ];
}

type StatedExplanation = Extract<Explanation, { kind: 'stated' }>;

/**
 * The payer's split as stated ("Payer's remittance: 100.00 to INV-1, 50.00 to INV-2"), what
 * documents named without an amount got, and every document the split does not pay exactly.
 */
function statedText(
  view: IndexView,
  ctx: LineContext,
  customer: number,
  ex: StatedExplanation,
): string[] {
  const cur = ctx.currency;
  const stated: string[] = [];
  const rest: StatedPart[] = [];
  for (const part of ex.parts) {
    const number = view.items[part.item]!.number;
    if (part.statedMinor === null) rest.push(part);
    else stated.push(`${displayAmount(part.statedMinor, cur)} to ${number}`);
  }
  const out = [`Payer's remittance: ${stated.join(', ')}`];
  if (rest.length > 0) {
    const restItems = rest.map((p) => p.item);
    const numbers = numbersOf(view, restItems);
    const applied = rest.reduce((sum, p) => sum + p.amountMinor, 0n);
    out.push(
      rest.length === 1
        ? `${numbers}, named without an amount, gets the rest: ${displayAmount(applied, cur)}`
        : `${numbers}, named without amounts, get the rest (${displayAmount(applied, cur)}), oldest due first`,
    );
  }
  let exact = true;
  for (const part of ex.parts) {
    const note = statedPartText(view, cur, part);
    if (note === null) continue;
    exact = false;
    out.push(note);
  }
  if (exact && ex.leftMinor === 0n) {
    out.push(
      ex.parts.length === 1
        ? `The stated amount equals the open balance of ${numbersOf(view, [ex.parts[0]!.item])}`
        : 'Each stated amount equals the open balance of its document',
    );
  }
  if (ex.leftMinor > 0n) {
    out.push(
      `${displayAmount(ex.leftMinor, cur)} is more than the documents named without an amount owe: left unapplied`,
    );
  }
  if (ex.large) out.push('The excess is large: the payment may be for documents not named');
  if (ex.misfit) {
    out.push(
      'The stated amounts give one document more than it owes and another less: the split may be wrong',
    );
  }
  if (ex.siblings) {
    out.push(
      `${ex.siblings} other open item${ex.siblings === 1 ? '' : 's'} of ${view.customerNameOf(customer)} owe the same amount as a nearly named document: the near miss may be chance`,
    );
  }
  return out;
}

/** What the payer's split does to one document; null when it pays its open balance. */
function statedPartText(view: IndexView, cur: string, part: StatedPart): string | null {
  const it = view.items[part.item]!;
  const open = it.openMinor;
  const paid = displayAmount(part.amountMinor, cur);
  const what = part.statedMinor === null ? paid : displayAmount(part.statedMinor, cur);
  switch (part.fit) {
    case 'exact':
      return null;
    case 'discount':
      return `${what} to ${it.number} is its open ${displayAmount(open, cur)} net of the ${displayPercent(it.discountMinor, it.amountMinor)} discount (${displayAmount(part.discountMinor, cur)}) taken by ${it.discountDate}`;
    case 'short': {
      const unpaid = open - part.amountMinor;
      const ended =
        it.discountDate !== null && it.discountMinor === unpaid
          ? `; the difference is the early-payment discount, which ended on ${it.discountDate}`
          : '';
      return `${what} to ${it.number} leaves ${displayAmount(unpaid, cur)} of its open ${displayAmount(open, cur)} unpaid: short pay${ended}`;
    }
    case 'original':
      return `${what} to ${it.number} is its original amount; ${displayAmount(open, cur)} is open after credits or payments, ${displayAmount(part.statedMinor! - open, cur)} stays unapplied`;
    case 'over':
      return `${what} to ${it.number} exceeds its open ${displayAmount(open, cur)}: ${displayAmount(open, cur)} applied, ${displayAmount(part.statedMinor! - open, cur)} stays unapplied`;
  }
}

function amountText(
  view: IndexView,
  ctx: LineContext,
  customer: number,
  ex: Extract<Explanation, { kind: 'amount' }>,
): string {
  const cur = ctx.currency;
  const shown = displayAmount(ctx.amount, cur);
  const name = view.customerNameOf(customer);
  const others =
    ex.alternatives === 0
      ? ''
      : ex.basis === 'combination'
        ? '; another combination of its open items has the same sum'
        : `; ${ex.alternatives + 1} open items of ${name} have this amount`;
  switch (ex.basis) {
    case 'single':
      return `Amount ${shown} equals the open balance of ${numbersOf(view, ex.items)}${others}`;
    case 'net': {
      const it = view.items[ex.items[0]!]!;
      return `Amount equals ${it.number} net of the ${displayPercent(it.discountMinor, it.amountMinor)} discount (${displayAmount(it.discountMinor, cur)}) taken by ${it.discountDate}${others}`;
    }
    case 'all':
      return `Amount ${shown} equals all ${ex.items.length} open items of ${name}`;
    case 'allNet':
      return `Amount ${shown} equals all ${ex.items.length} open items of ${name} net of early-payment discounts`;
    case 'combination': {
      const sets = binomial(ex.poolSize ?? ex.items.length, ex.items.length);
      return `Amount ${shown} equals the sum of ${ex.items.length} open invoices of ${name} (${numbersOf(view, ex.items)}), one of ${sets.toLocaleString('en-US')} possible sets of ${ex.items.length} among its ${ex.poolSize} oldest items${others}`;
    }
    case 'payerOnly':
      return `No open item or combination of up to ${view.maxCombination} items equals ${shown}; oldest items first`;
  }
}

function payerText(view: IndexView, customer: number, source: PayerSource): string {
  const name = view.customerNameOf(customer);
  switch (source.kind) {
    case 'account': {
      const others = source.sharedBy - 1;
      const masked = maskAccount(source.account);
      return others === 0
        ? `Payer account ${masked} was used by ${name} before`
        : `Payer account ${masked} was used by ${name} and ${others} other customer${others === 1 ? '' : 's'} before`;
    }
    case 'name':
      return source.learned
        ? `Payer name "${source.name}" was matched to ${name} before (${displayScore(source.similarity)})`
        : `Payer name "${source.name}" resembles customer "${name}" (${displayScore(source.similarity)})`;
    case 'number': {
      const number = view.customers[customer]!.accountNumber ?? source.written;
      return `Remittance quotes customer number ${number} of ${name} (written "${source.written}")`;
    }
  }
}
