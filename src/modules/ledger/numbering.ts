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
