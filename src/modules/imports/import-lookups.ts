import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { loadReferenceData, type ReferenceData } from '../customers/index.ts';
import type { KnownAddress, KnownContacts } from './customer-changes.ts';
import * as repo from './imports.repository.ts';

/** Everything a batch of rows is checked against, loaded once with a handful of queries. */
export type ImportLookups = {
  readonly ref: ReferenceData;
  /** lower-cased terms code → the code as stored */
  readonly termsByLower: ReadonlyMap<string, string>;
  readonly usersByEmail: ReadonlyMap<string, string>;
  readonly usersByName: ReadonlyMap<string, readonly string[]>;
  readonly byAccount: ReadonlyMap<string, repo.ExistingCustomer>;
  readonly byExternal: ReadonlyMap<string, repo.ExistingCustomer>;
  /** Per existing customer: its contacts by lower-cased e-mail and name. */
  readonly contacts: ReadonlyMap<string, KnownContacts>;
  readonly addresses: ReadonlyMap<string, KnownAddress[]>;
  /** First line of each account number in the file, to explain a parent listed too late. */
  readonly firstLineOfAccount: ReadonlyMap<string, number>;
};

export type RowKeys = {
  line: number;
  accountNumber?: string | undefined;
  externalId?: string | undefined;
  parentAccount?: string | undefined;
};

export async function loadLookups(
  db: Kysely<DB>,
  orgId: string,
  rows: readonly RowKeys[],
): Promise<ImportLookups> {
  const accountNumbers = rows
    .flatMap((r) => [r.accountNumber, r.parentAccount])
    .filter((v): v is string => !!v);
  const externalIds = rows.map((r) => r.externalId).filter((v): v is string => !!v);
  const [ref, users, customers] = await Promise.all([
    loadReferenceData(db, orgId),
    repo.listUsers(db, orgId),
    repo.findCustomersByKeys(db, orgId, { accountNumbers, externalIds }),
  ]);
  const ids = customers.map((c) => c.id);
  const [contactRows, addressRows] = await Promise.all([
    repo.findContacts(db, orgId, ids),
    repo.findAddresses(db, orgId, ids),
  ]);

  const contacts = new Map<string, KnownContacts>();
  for (const c of contactRows) {
    const entry = contacts.get(c.customer_id) ?? { byEmail: new Map(), byName: new Map() };
    if (c.email) entry.byEmail.set(c.email.toLowerCase(), c);
    entry.byName.set(c.name.toLowerCase(), c);
    contacts.set(c.customer_id, entry);
  }
  const addresses = new Map<string, KnownAddress[]>();
  for (const a of addressRows) {
    const list = addresses.get(a.customer_id) ?? [];
    list.push({ ...a, postalCode: a.postal_code });
    addresses.set(a.customer_id, list);
  }
  const usersByName = new Map<string, string[]>();
  for (const u of users)
    usersByName.set(u.name.toLowerCase(), [...(usersByName.get(u.name.toLowerCase()) ?? []), u.id]);
  const firstLineOfAccount = new Map<string, number>();
  for (const r of rows)
    if (r.accountNumber && !firstLineOfAccount.has(r.accountNumber))
      firstLineOfAccount.set(r.accountNumber, r.line);

  return {
    ref,
    termsByLower: new Map([...ref.termsCodes].map((code) => [code.toLowerCase(), code])),
    usersByEmail: new Map(users.map((u) => [u.email.toLowerCase(), u.id])),
    usersByName,
    byAccount: new Map(customers.map((c) => [c.account_number, c])),
    byExternal: new Map(customers.filter((c) => c.external_id).map((c) => [c.external_id!, c])),
    contacts,
    addresses,
    firstLineOfAccount,
  };
}
