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
import type { PayerEvidence, PayerSource } from './internal.ts';
import type { RemittanceReference } from './normalize.ts';
import type { PayerStrength } from './scoring.ts';

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
  namesLike(name: string): readonly NameMatch[];
};

/** Customers whose account number a reference quotes (exact: with its letters too). */
export type CustomerNumberHit = { customer: number; exact: boolean };

export function findPayers(
  lookups: PayerLookups,
  line: { counterpartyName: string | null; counterpartyAccount: string | null },
  references: readonly RemittanceReference[],
  numberHits: ReadonlyArray<readonly CustomerNumberHit[]>,
): { payers: Map<number, PayerEvidence>; strongPayers: number[] } {
  const sources = new Map<number, PayerSource[]>();
  if (line.counterpartyAccount) {
    const customers = lookups.customersByAccount(line.counterpartyAccount);
    const strength: PayerStrength =
      customers.length === 1 ? 'strong' : customers.length <= 3 ? 'medium' : 'weak';
    for (const c of customers) {
      const account = line.counterpartyAccount;
      addSource(sources, c, { kind: 'account', strength, account, sharedBy: customers.length });
    }
  }
  if (line.counterpartyName) {
    const matches = lookups.namesLike(line.counterpartyName).slice(0, MAX_NAME_MATCHES);
    const name = line.counterpartyName.trim();
    for (let i = 0; i < matches.length; i++) {
      const m = matches[i]!;
      const rival = i === 0 ? (matches[1]?.similarity ?? 0) : matches[0]!.similarity;
      const strength: PayerStrength =
        m.similarity >= STRONG_NAME && rival < m.similarity - NAME_LEAD
          ? 'strong'
          : m.similarity >= MEDIUM_NAME
            ? 'medium'
            : 'weak';
      const { similarity, learned } = m;
      addSource(sources, m.customer, { kind: 'name', strength, name, similarity, learned });
    }
  }
  for (let r = 0; r < references.length; r++) {
    const reference = references[r]!;
    for (const hit of numberHits[r] ?? []) {
      if (!hit.exact && reference.core.length < MIN_CUSTOMER_NUMBER_DIGITS) continue;
      addSource(sources, hit.customer, {
        kind: 'number',
        strength: hit.exact ? 'strong' : 'medium',
        written: reference.written,
        exact: hit.exact,
      });
    }
  }
  const payers = new Map<number, PayerEvidence>();
  const strongPayers: number[] = [];
  for (const [customer, list] of sources) {
    list.sort((a, b) => RANK[b.strength] - RANK[a.strength]);
    let solid = 0;
    for (const source of list) if (RANK[source.strength] >= RANK.medium) solid++;
    const strength = solid >= 2 ? 'strong' : list[0]!.strength;
    const grouped = strength === 'medium' && list.some(isGroupSource);
    payers.set(customer, { strength, sources: list, grouped });
    if (strength === 'strong') strongPayers.push(customer);
  }
  return { payers, strongPayers };
}

/** A shared learned account, or a name as close as a strong one but not alone in being so. */
function isGroupSource(source: PayerSource): boolean {
  if (source.kind === 'account') return source.sharedBy >= 2 && source.sharedBy <= 3;
  return source.kind === 'name' && source.similarity >= STRONG_NAME;
}

function addSource(sources: Map<number, PayerSource[]>, customer: number, source: PayerSource) {
  const list = sources.get(customer);
  if (list) list.push(source);
  else sources.set(customer, [source]);
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
