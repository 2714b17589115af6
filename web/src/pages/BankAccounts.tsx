// The organization's bank accounts: statements arrive for them, receipts and batches go to them.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useCanManage, useCurrentUser } from '../auth.ts';
import { CURRENCIES } from '../format.ts';
import * as pay from '../payments-api.ts';
import type { BankAccount } from '../payments-api.ts';
import { CashTable, cashColumns } from '../components/PaymentTable.tsx';
import { ChoiceField, Notice, TextField, useCashWrite } from '../components/PaymentUi.tsx';
import { Empty, ErrorBanner, Section, fieldErrorsOf } from '../components/ui.tsx';

export function BankAccountsPage() {
  const manager = useCanManage();
  const accounts = useQuery({ queryKey: ['bank-accounts'], queryFn: pay.listBankAccounts });
  const [notice, setNotice] = useState<{ text: string } | null>(null);
  const toggle = useCashWrite(
    (b: { id: string; active: boolean }, key) =>
      pay.updateBankAccount(b.id, { active: b.active }, key),
    (a) => setNotice({ text: `${a.name} is ${a.active ? 'active' : 'inactive'}` }),
  );

  const col = cashColumns<BankAccount>();
  const columns = col.columns([
    col.accessor('name', { header: 'Name' }),
    col.accessor('identifier', {
      header: 'Account number / IBAN',
      cell: (i) => <span className="mono">{i.getValue()}</span>,
    }),
    col.accessor('bankIdentifier', {
      header: 'Bank (BIC / routing)',
      cell: (i) => <span className="mono">{i.getValue() ?? '—'}</span>,
    }),
    col.accessor('currency', { header: 'Cur.' }),
    col.accessor('active', {
      header: 'Status',
      cell: (i) =>
        i.getValue() ? (
          <span className="badge badge-ok">Active</span>
        ) : (
          <span className="badge badge-muted">Inactive</span>
        ),
    }),
    col.display({
      id: 'actions',
      header: () => <span className="sr-only">Actions</span>,
      meta: { className: 'actions' },
      cell: (i) =>
        manager ? (
          <button
            type="button"
            className="btn btn-sm"
            disabled={toggle.isPending}
            onClick={() => toggle.mutate({ id: i.row.original.id, active: !i.row.original.active })}
          >
            {i.row.original.active ? 'Deactivate' : 'Activate'}
          </button>
        ) : null,
    }),
  ]);

  return (
    <div className="page">
      <div className="page-header">
        <h1>Bank accounts</h1>
      </div>
      {manager ? (
        <AddBankAccount onAdded={(a) => setNotice({ text: `${a.name} added` })} />
      ) : (
        <div className="alert alert-info">Only a manager or an admin can add bank accounts.</div>
      )}
      <Notice notice={notice} />
      {toggle.error ? <ErrorBanner error={toggle.error} /> : null}
      {accounts.error ? <ErrorBanner error={accounts.error} /> : null}
      <CashTable
        label="Bank accounts"
        columns={columns}
        data={accounts.data ?? []}
        rowKey={(a) => a.id}
        rowTestId="bank-account-row"
        footer={
          accounts.data && accounts.data.length === 0 ? <Empty>No bank accounts yet.</Empty> : null
        }
      />
    </div>
  );
}

function AddBankAccount({ onAdded }: { onAdded: (a: BankAccount) => void }) {
  const base = useCurrentUser().organization.baseCurrency;
  const [name, setName] = useState('');
  const [identifier, setIdentifier] = useState('');
  const [bankIdentifier, setBankIdentifier] = useState('');
  const [currency, setCurrency] = useState(base);
  const add = useCashWrite(
    (
      b: { name: string; identifier: string; bankIdentifier: string | null; currency: string },
      key,
    ) => pay.createBankAccount(b, key),
    (a) => {
      setName('');
      setIdentifier('');
      setBankIdentifier('');
      onAdded(a);
    },
  );
  const errs = fieldErrorsOf(add.error);
  return (
    <Section title="Add a bank account">
      {add.error && Object.keys(errs).length === 0 ? <ErrorBanner error={add.error} /> : null}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate({
            name: name.trim(),
            identifier: identifier.trim(),
            bankIdentifier: bankIdentifier.trim() || null,
            currency,
          });
        }}
      >
        <div className="grid grid-4">
          <TextField label="Name" value={name} onChange={setName} error={errs.name} />
          <TextField
            label="Account number / IBAN"
            required
            maxLength={64}
            value={identifier}
            onChange={setIdentifier}
            error={errs.identifier}
            hint="As the bank's statements name it"
          />
          <TextField
            label="Bank (BIC / routing)"
            maxLength={64}
            value={bankIdentifier}
            onChange={setBankIdentifier}
            error={errs.bankIdentifier}
          />
          <ChoiceField
            label="Currency"
            required
            options={CURRENCIES}
            labels={{}}
            value={currency}
            onChange={setCurrency}
            error={errs.currency}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={add.isPending}>
            Add bank account
          </button>
        </div>
      </form>
    </Section>
  );
}
