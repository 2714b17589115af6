/**
 * Customers and invoices created through the API, the way most suites set up their book: one
 * call each, failing the test with the server's answer when it is not a 201.
 */
import type { ApiClient } from './api.ts';

export type CreatedDocument = {
  id: string;
  number: string;
  status: string;
  total: string;
  openBalance: string;
};

export async function createCustomer(
  client: ApiClient,
  fields: {
    accountNumber: string;
    name: string;
    currency?: string;
    paymentTerms?: string;
    [field: string]: unknown;
  },
): Promise<string> {
  const body = await client.created<{ id: string }>('/api/v1/customers', {
    currency: 'EUR',
    paymentTerms: 'NET30',
    ...fields,
  });
  return body.id;
}

/** A posted invoice of one line (quantity 1 at `amount`). */
export async function createInvoice(
  client: ApiClient,
  input: {
    customerId: string;
    amount: string;
    issueDate?: string;
    currency?: string;
    description?: string;
    [field: string]: unknown;
  },
): Promise<CreatedDocument> {
  const { customerId, amount, issueDate, currency, description, ...rest } = input;
  return client.created<CreatedDocument>('/api/v1/invoices', {
    customerId,
    issueDate: issueDate ?? '2026-11-02',
    currency: currency ?? 'EUR',
    lines: [{ description: description ?? 'Goods', quantity: '1', unitPrice: amount }],
    ...rest,
  });
}
