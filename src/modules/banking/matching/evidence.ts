/**
 * The matcher's evidence text (English, amounts grouped with commas), written from a
 * hypothesis' {@link Explanation} only for the answers that are returned.
 */
import { formatAmount } from '../../../shared/money.ts';
import type {
  Explanation,
  Hit,
  Hypothesis,
  IndexView,
  LineContext,
  PayerSource,
} from './internal.ts';
import { maskAccount } from './normalize.ts';
import { binomial } from './scoring.ts';

/** 123450n EUR → "1,234.50" (exact; no currency symbol, the line's currency is implied). */
export function displayAmount(amountMinor: bigint, currency: string): string {
  const plain = formatAmount(amountMinor, currency);
  const sign = plain.startsWith('-') ? '-' : '';
  const unsigned = sign ? plain.slice(1) : plain;
  const point = unsigned.indexOf('.');
  const whole = point < 0 ? unsigned : unsigned.slice(0, point);
  let grouped = whole.slice(0, ((whole.length - 1) % 3) + 1);
  for (let i = grouped.length; i < whole.length; i += 3) grouped += `,${whole.slice(i, i + 3)}`;
  return `${sign}${grouped}${point < 0 ? '' : unsigned.slice(point)}`;
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
        `${ex.siblings} other open item${ex.siblings === 1 ? '' : 's'} of ${view.customers[h.customer]!.name} owe the same amount: the near miss may be chance`,
      );
    }
    for (const source of payer) out.push(payerText(view, h.customer, source));
  } else if (ex.kind === 'amount') {
    out.push(amountText(view, ctx, h.customer, ex));
    for (const source of payer) out.push(payerText(view, h.customer, source));
    if (ex.round) out.push('A round amount: deposits and payments on account often are');
    if (ex.group) {
      out.push(
        `Of the customers this payer points at, only ${view.customers[h.customer]!.name} has open items that make up the amount`,
      );
    }
    out.push('No document is named in the remittance text');
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

function namedAmountText(
  view: IndexView,
  ctx: LineContext,
  ex: Extract<Explanation, { kind: 'named' }>,
): string[] {
  const cur = ctx.currency;
  const shown = displayAmount(ctx.amount, cur);
  const items = ex.hits.map((h) => h.item);
  const numbers = numbersOf(view, items);
  const total = ex.totalMinor;
  switch (ex.fit) {
    case 'exact':
      return [
        items.length === 1
          ? `Amount ${shown} equals the open balance of ${numbers}`
          : `Amount ${shown} equals the open balances of ${numbers}`,
      ];
    case 'discount': {
      if (items.length > 1) {
        return [
          `Amount equals the named documents net of early-payment discounts (${displayAmount(ex.discountMinor ?? 0n, cur)})`,
        ];
      }
      const it = view.items[items[0]!]!;
      return [
        `Amount equals ${it.number} net of the ${displayPercent(it.discountMinor, it.amountMinor)} discount (${displayAmount(it.discountMinor, cur)}) taken by ${it.discountDate}`,
      ];
    }
    case 'original': {
      const original =
        items.length === 1 ? `the original amount of ${numbers}` : 'the original amounts';
      return [
        `Amount ${shown} equals ${original}; ${displayAmount(total, cur)} is open after credits or payments, ${displayAmount(ctx.amount - total, cur)} stays unapplied`,
      ];
    }
    case 'subset': {
      const chosen = ex.items ?? [];
      return [
        `Amount ${shown} equals ${numbersOf(view, chosen)}, ${chosen.length} of the ${items.length} named documents`,
      ];
    }
    case 'extra':
      return [
        `Amount ${shown} equals ${numbers} plus ${numbersOf(view, ex.items ?? [])}, which the text does not name`,
      ];
    case 'short': {
      const out = [
        `Amount ${shown} is ${displayAmount(total - ctx.amount, cur)} less than the open ${displayAmount(total, cur)} of ${numbers}: short pay`,
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
    case 'over':
      return [
        `Amount exceeds the open ${displayAmount(total, cur)} of ${numbers} by ${displayAmount(ctx.amount - total, cur)}: left unapplied`,
        ...(ex.large ? ['The excess is large: the payment may be for documents not named'] : []),
      ];
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
  const name = view.customers[customer]!.name;
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
  const name = view.customers[customer]!.name;
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
