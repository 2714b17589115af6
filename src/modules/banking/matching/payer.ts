/**
 * Who paid: the evidence a bank line gives about its payer, per candidate customer.
 *
 * - Payer account learned from earlier manual matches (PayerHint.account): strong when only one
 *   customer ever paid from it, medium when 2–3 did (a group paying for its members), weak above.
 * - Payer name against customer names, other names and learned names: strong from 0.92 when no
 *   other customer comes within 0.05, medium from 0.85, weak from 0.75.
 * - The customer's own account number quoted in the text: strong when written with its letters
 *   ("C010023"), medium when only its digits appear (5 or more of them).
 * Two independent sources of at least medium strength make a strong payer. Medium evidence that
 * only fails to be strong because it fits 2–3 customers alike is marked `grouped`.
 */
import type { NameMatch } from './name-index.ts';
import type { LineContext, PayerEvidence, PayerSource } from './internal.ts';
import type { RemittanceReference } from './normalize.ts';
import type { PayerStrength, ReferenceQuality } from './scoring.ts';

export const STRONG_NAME = 0.92;
export const MEDIUM_NAME = 0.85;
/** How far ahead of every other customer a strong name match must be. */
export const NAME_LEAD = 0.05;
/** Fewest digits of a customer number quoted without its letters. */
const MIN_CUSTOMER_NUMBER_DIGITS = 5;
/** Name matches considered per line. */
const MAX_NAME_MATCHES = 10;

const RANK: Record<PayerStrength, number> = { strong: 3, medium: 2, weak: 1, none: 0, contra: 0 };

export type PayerLookups = {
  customersByAccount(account: string): readonly number[];
  /** {@link nameSources} of the payer name as written (the index remembers them per name) */
  payerNames(name: string): readonly NameSource[];
};

/** Customers whose account number a reference quotes (exact: with its letters too). */
export type CustomerNumberHit = { customer: number; exact: boolean };

/** A customer the payer name resembles, and that evidence. */
export type NameSource = { customer: number; source: PayerSource };

/**
 * The evidence a payer name gives (`matches`: its look-up, best first): strong from
 * STRONG_NAME with a lead of NAME_LEAD over every other customer, medium from MEDIUM_NAME,
 * weak below. The same for every line with this name, so it is worked out once per name.
 */
export function nameSources(matches: readonly NameMatch[], name: string): NameSource[] {
  const out: NameSource[] = [];
  const written = name.trim();
  const count = Math.min(matches.length, MAX_NAME_MATCHES);
  for (let i = 0; i < count; i++) {
    const m = matches[i]!;
    const rival = i === 0 ? (matches[1]?.similarity ?? 0) : matches[0]!.similarity;
    const strength: PayerStrength =
      m.similarity >= STRONG_NAME && rival < m.similarity - NAME_LEAD
        ? 'strong'
        : m.similarity >= MEDIUM_NAME
          ? 'medium'
          : 'weak';
    const { similarity, learned } = m;
    out.push({
      customer: m.customer,
      source: { kind: 'name', strength, name: written, similarity, learned },
    });
  }
  return out;
}

export function findPayers(
  lookups: PayerLookups,
  line: { counterpartyName: string | null; counterpartyAccount: string | null },
  references: readonly RemittanceReference[],
  numberHits: ReadonlyArray<readonly CustomerNumberHit[]>,
): { payers: Map<number, PayerEvidence>; strongPayers: number[] } {
  // each customer's sources in the order found; strength and grouping are settled below
  const payers = new Map<number, PayerEvidence>();
  if (line.counterpartyAccount) {
    const customers = lookups.customersByAccount(line.counterpartyAccount);
    const strength: PayerStrength =
      customers.length === 1 ? 'strong' : customers.length <= 3 ? 'medium' : 'weak';
    for (const c of customers) {
      const account = line.counterpartyAccount;
      addSource(payers, c, { kind: 'account', strength, account, sharedBy: customers.length });
    }
  }
  if (line.counterpartyName) {
    for (const { customer, source } of lookups.payerNames(line.counterpartyName)) {
      addSource(payers, customer, source);
    }
  }
  // a number quoted twice ("Rechnung 10023 / Ref 10023") is one clue, not two
  const quoted = new Set<string>();
  for (let r = 0; r < references.length; r++) {
    const reference = references[r]!;
    for (const hit of numberHits[r] ?? []) {
      if (!hit.exact && reference.core.length < MIN_CUSTOMER_NUMBER_DIGITS) continue;
      const clue = `${hit.customer}:${reference.core}`;
      if (quoted.has(clue)) continue;
      quoted.add(clue);
      addSource(payers, hit.customer, {
        kind: 'number',
        strength: hit.exact ? 'strong' : 'medium',
        written: reference.written,
        exact: hit.exact,
      });
    }
  }
  const strongPayers: number[] = [];
  payers.forEach((evidence, customer) => {
    const list = evidence.sources;
    if (list.length > 1) sortByStrength(list);
    let solid = 0;
    for (const source of list) if (RANK[source.strength] >= RANK.medium) solid++;
    const strength = solid >= 2 ? 'strong' : list[0]!.strength;
    evidence.strength = strength;
    evidence.grouped = strength === 'medium' && list.some(isGroupSource);
    if (strength === 'strong') strongPayers.push(customer);
  });
  return { payers, strongPayers };
}

/** Strongest first, equals in the order found (a stable insertion sort: a few sources). */
function sortByStrength(list: PayerSource[]): void {
  for (let i = 1; i < list.length; i++) {
    const source = list[i]!;
    let j = i - 1;
    while (j >= 0 && RANK[list[j]!.strength] < RANK[source.strength]) {
      list[j + 1] = list[j]!;
      j--;
    }
    list[j + 1] = source;
  }
}

/** A shared learned account, or a name as close as a strong one but not alone in being so. */
function isGroupSource(source: PayerSource): boolean {
  if (source.kind === 'account') return source.sharedBy >= 2 && source.sharedBy <= 3;
  return source.kind === 'name' && source.similarity >= STRONG_NAME;
}

function addSource(payers: Map<number, PayerEvidence>, customer: number, source: PayerSource) {
  const evidence = payers.get(customer);
  if (evidence) evidence.sources.push(source);
  else payers.set(customer, { strength: source.strength, sources: [source], grouped: false });
}

/** The payer strength of `customer` for scoring: contra when someone else is the strong payer. */
export function payerStrengthOf(
  customer: number,
  payers: ReadonlyMap<number, PayerEvidence>,
  strongPayers: readonly number[],
): PayerStrength {
  const own = payers.get(customer)?.strength ?? 'none';
  if (RANK[own] >= RANK.medium) return own;
  return strongPayers.length > 0 ? 'contra' : own;
}

/**
 * The payer strength for an answer from named documents. A payer that points at 2–3 customers
 * alike (a shared account, the same name) is as good as a strong one when the text names (not
 * merely nearly names) documents of this one; should it name documents of two of them, the two
 * answers tie and the ambiguity rule holds both back.
 */
export function namedPayerStrength(
  ctx: LineContext,
  customer: number,
  quality: ReferenceQuality,
): PayerStrength {
  const strength = payerStrengthOf(customer, ctx.payers, ctx.strongPayers);
  const grouped = ctx.payers.get(customer)?.grouped === true;
  return strength === 'medium' && grouped && quality !== 'fuzzy' ? 'strong' : strength;
}
