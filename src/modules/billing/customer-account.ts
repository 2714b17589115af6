import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../../shared/actor.ts';
import { addDays, type IsoDate } from '../../shared/dates.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { formatAmount } from '../../shared/money.ts';

export type AccountActivity = {
  entryId: string;
  date: string;
  kind: string;
  description: string;
  documentId: string | null;
  documentNumber: string | null;
  /** what the entry added to (debit) or took off (credit) the customer's balance */
  debit: string;
  credit: string;
  balance: string;
};

export type CustomerAccount = {
  customerId: string;
  currency: string;
  from: string;
  to: string;
  openingBalance: string;
  closingBalance: string;
  activity: AccountActivity[];
};

/**
 * The customer's account over a period, from the AR control lines posted for them: the
 * balance before `from`, each entry that changed it (applications between two of the
 * customer's own documents change nothing and are left out), and the running balance.
 */
export async function customerAccount(
  db: Kysely<DB>,
  actor: Actor,
  customerId: string,
  from: IsoDate,
  to: IsoDate,
): Promise<CustomerAccount> {
  const orgId = actor.orgId;
  const customer = await db
    .selectFrom('customers')
    .select(['id', 'currency'])
    .where('org_id', '=', orgId)
    .where('id', '=', customerId)
    .executeTakeFirst();
  if (!customer) throw new NotFoundError(`Customer ${customerId} not found`);
  const arAccount = db
    .selectFrom('accounts')
    .select('id')
    .where('org_id', '=', orgId)
    .where('role', '=', 'ar_control');
  const opening = await db
    .selectFrom('journal_lines')
    .select(sql<string>`coalesce(sum(debit_minor) - sum(credit_minor), 0)`.as('balance'))
    .where('org_id', '=', orgId)
    .where('customer_id', '=', customerId)
    .where('account_id', '=', arAccount)
    .where('effective_date', '<', from)
    .executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom('journal_lines as l')
    .innerJoin('journal_entries as e', (j) =>
      j.onRef('e.org_id', '=', 'l.org_id').onRef('e.id', '=', 'l.entry_id'),
    )
    .leftJoin('ar_documents as d', (j) =>
      j.onRef('d.org_id', '=', 'e.org_id').onRef('d.id', '=', 'e.document_id'),
    )
    .select([
      'e.id',
      'e.effective_date',
      'e.seq',
      'e.kind',
      'e.description',
      'e.document_id',
      'd.number',
    ])
    .select(sql<string>`sum(l.debit_minor) - sum(l.credit_minor)`.as('net'))
    .where('l.org_id', '=', orgId)
    .where('l.customer_id', '=', customerId)
    .where('l.account_id', '=', arAccount)
    .where('l.effective_date', '>=', from)
    .where('l.effective_date', '<=', to)
    .groupBy([
      'e.id',
      'e.effective_date',
      'e.seq',
      'e.kind',
      'e.description',
      'e.document_id',
      'd.number',
    ])
    .having(sql<boolean>`sum(l.debit_minor) - sum(l.credit_minor) <> 0`)
    .orderBy('e.effective_date')
    .orderBy('e.seq')
    .execute();
  const currency = customer.currency;
  let balance = BigInt(opening.balance);
  const openingBalance = balance;
  const activity = rows.map((r) => {
    const net = BigInt(r.net);
    balance += net;
    return {
      entryId: r.id,
      date: r.effective_date,
      kind: r.kind,
      description: r.description,
      documentId: r.document_id,
      documentNumber: r.number,
      debit: formatAmount(net > 0n ? net : 0n, currency),
      credit: formatAmount(net < 0n ? -net : 0n, currency),
      balance: formatAmount(balance, currency),
    };
  });
  return {
    customerId,
    currency,
    from,
    to,
    openingBalance: formatAmount(openingBalance, currency),
    closingBalance: formatAmount(balance, currency),
    activity,
  };
}

/** The first day of the window `days` long that ends on `to`. */
export function windowStart(to: IsoDate, days: number): IsoDate {
  return addDays(to, -days + 1);
}
