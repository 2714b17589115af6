import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

/** The number series and their default prefixes. */
export const SERIES = {
  invoice: 'INV-',
  credit_memo: 'CM-',
  debit_memo: 'DM-',
  adjustment: 'ADJ-',
  write_off: 'WO-',
  refund: 'RF-',
  payment: 'PMT-',
  discount: 'DSC-',
  deposit_batch: 'DEP-',
} as const;
export type Series = keyof typeof SERIES;

/**
 * Takes the next `count` numbers of a series in one statement. The upsert locks the
 * series row until the transaction ends, so concurrent writers queue and never share a
 * number; a rolled-back transaction releases its numbers, so committed numbers have no gaps.
 */
export async function nextNumbers(
  db: Kysely<DB>,
  orgId: string,
  series: Series,
  count = 1,
): Promise<string[]> {
  const n = BigInt(count);
  const { rows } = await sql<{ first: bigint; prefix: string; width: number }>`
    insert into number_sequences (org_id, series, prefix, next_value)
    values (${orgId}, ${series}, ${SERIES[series]}, ${1n + n})
    on conflict (org_id, series) do update set next_value = number_sequences.next_value + ${n}
    returning next_value - ${n} as first, prefix, width`.execute(db);
  const row = rows[0]!;
  const first = BigInt(row.first);
  return Array.from(
    { length: count },
    (_, i) => `${row.prefix}${(first + BigInt(i)).toString().padStart(row.width, '0')}`,
  );
}

export async function nextNumber(db: Kysely<DB>, orgId: string, series: Series): Promise<string> {
  const [number] = await nextNumbers(db, orgId, series, 1);
  return number!;
}

/**
 * Keeps a series clear of numbers that came from elsewhere: when documents imported with their
 * previous system's numbers look like this series' own ("INV-004711"), the series moves past
 * the highest of them, so a number Dunwell gives later can never collide with one.
 */
export async function advancePastImported(
  db: Kysely<DB>,
  orgId: string,
  series: Series,
  numbers: readonly string[],
): Promise<void> {
  if (numbers.length === 0) return;
  const row = await db
    .selectFrom('number_sequences')
    .select('prefix')
    .where('org_id', '=', orgId)
    .where('series', '=', series)
    .executeTakeFirst();
  const prefix = row?.prefix ?? SERIES[series];
  let highest = 0n;
  for (const number of numbers) {
    if (!number.startsWith(prefix)) continue;
    const digits = number.slice(prefix.length);
    if (/^\d{1,18}$/.test(digits) && BigInt(digits) > highest) highest = BigInt(digits);
  }
  if (highest === 0n) return;
  await sql`
    insert into number_sequences (org_id, series, prefix, next_value)
    values (${orgId}, ${series}, ${prefix}, ${highest + 1n})
    on conflict (org_id, series)
    do update set next_value = greatest(number_sequences.next_value, excluded.next_value)`.execute(
    db,
  );
}
