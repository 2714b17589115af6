// Deposit batches: checks and cash collected into a batch, then deposited at the bank in one go
// (one journal entry from undeposited funds to cash, one line on the bank statement).
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { formatDate, formatDateTime, todayIso } from '../format.ts';
import * as pay from '../payments-api.ts';
import type { DepositBatch } from '../payments-api.ts';
import { useCanEdit } from '../auth.ts';
import { Money } from '../components/ledger-ui.tsx';
import { CashTable, cashColumns } from '../components/PaymentTable.tsx';
import { DateField, Notice, TextField, useCashWrite } from '../components/PaymentUi.tsx';
import { Empty, ErrorBanner, Field, Section, fieldErrorsOf } from '../components/ui.tsx';
import { paymentColumns } from './PaymentsList.tsx';

export interface DepositsSearch {
  batch?: string | undefined;
  status?: 'open' | 'deposited' | undefined;
}

const col = cashColumns<DepositBatch>();
const columns = col.columns([
  col.accessor('number', {
    header: 'Batch',
    cell: (i) => <span className="mono">{i.getValue()}</span>,
  }),
  col.accessor('bankAccountName', { header: 'Bank account' }),
  col.accessor('createdAt', { header: 'Opened', cell: (i) => formatDateTime(i.getValue()) }),
  col.accessor('paymentCount', { header: 'Items', meta: { numeric: true } }),
  col.accessor('total', {
    header: 'Total',
    meta: { numeric: true },
    cell: (i) => <Money value={i.getValue()} />,
  }),
  col.accessor('currency', { header: 'Cur.' }),
  col.accessor('status', {
    header: 'Status',
    cell: (i) =>
      i.getValue() === 'open' ? (
        <span className="badge badge-info">Open</span>
      ) : (
        <span className="badge badge-ok">Deposited {formatDate(i.row.original.depositDate)}</span>
      ),
  }),
  col.accessor('memo', { header: 'Memo', meta: { className: 'wrap' } }),
]);

interface Props {
  search: DepositsSearch;
  setSearch: (update: (prev: DepositsSearch) => DepositsSearch, replace?: boolean) => void;
}

export function DepositBatchesPage({ search, setSearch }: Props) {
  const editable = useCanEdit();
  const batches = useQuery({
    queryKey: ['deposit-batches', 'list', search.status],
    queryFn: () => pay.listDepositBatches(search.status),
  });
  const items = batches.data ?? [];
  const selected = items.find((b) => b.id === search.batch) ?? null;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Deposit batches</h1>
          <div className="header-meta">
            Checks and cash wait in a batch until they are taken to the bank together.
          </div>
        </div>
      </div>
      {editable ? (
        <OpenBatchForm onOpened={(b) => setSearch((s) => ({ ...s, batch: b.id }))} />
      ) : null}
      <div className="chips" role="group" aria-label="Batch status">
        {(
          [
            [undefined, 'All'],
            ['open', 'Open'],
            ['deposited', 'Deposited'],
          ] as const
        ).map(([value, text]) => (
          <button
            key={text}
            type="button"
            className="chip"
            aria-pressed={search.status === value}
            onClick={() => setSearch((s) => ({ ...s, status: value }), true)}
          >
            {text}
          </button>
        ))}
      </div>
      {batches.error ? <ErrorBanner error={batches.error} /> : null}
      <CashTable
        label="Deposit batches"
        columns={columns}
        data={items}
        rowKey={(b) => b.id}
        rowTestId="batch-row"
        selectedKey={search.batch ?? null}
        onOpen={(b) => setSearch((s) => ({ ...s, batch: b.id }), true)}
        busy={batches.isFetching}
        footer={batches.data && items.length === 0 ? <Empty>No deposit batches.</Empty> : null}
      />
      {selected ? <BatchDetail key={selected.id} batch={selected} /> : null}
    </div>
  );
}

function OpenBatchForm({ onOpened }: { onOpened: (b: DepositBatch) => void }) {
  const accounts = useQuery({ queryKey: ['bank-accounts'], queryFn: pay.listBankAccounts });
  const active = (accounts.data ?? []).filter((a) => a.active);
  const [bankAccountId, setBankAccountId] = useState('');
  const [memo, setMemo] = useState('');
  const open = useCashWrite(
    (b: { bankAccountId: string; memo: string | null }, key) => pay.createDepositBatch(b, key),
    (b) => {
      setMemo('');
      onOpened(b);
    },
  );
  const errs = fieldErrorsOf(open.error);
  const account = bankAccountId || active[0]?.id || '';
  return (
    <Section title="Open a batch">
      {open.error && Object.keys(errs).length === 0 ? <ErrorBanner error={open.error} /> : null}
      {accounts.data && active.length === 0 ? (
        <p className="muted">Add a bank account first (Bank accounts, managers only).</p>
      ) : (
        <form
          className="cash-form-row"
          onSubmit={(e) => {
            e.preventDefault();
            if (account) open.mutate({ bankAccountId: account, memo: memo.trim() || null });
          }}
        >
          <Field label="Bank account" required error={errs.bankAccountId}>
            {(p) => (
              <select {...p} value={account} onChange={(e) => setBankAccountId(e.target.value)}>
                {active.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name} · {a.identifier} ({a.currency})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <TextField label="Memo" value={memo} onChange={setMemo} error={errs.memo} />
          <button type="submit" className="btn btn-primary" disabled={open.isPending || !account}>
            Open batch
          </button>
        </form>
      )}
    </Section>
  );
}

function BatchDetail({ batch }: { batch: DepositBatch }) {
  const editable = useCanEdit();
  const [date, setDate] = useState(todayIso());
  const [notice, setNotice] = useState<{ text: string } | null>(null);
  const payments = useQuery({
    queryKey: ['payments', 'list', { depositBatchId: batch.id }],
    queryFn: () => pay.listPayments({ depositBatchId: batch.id, limit: 500 }),
  });
  const deposit = useCashWrite(
    (b: { date?: string | undefined }, key) => pay.depositBatch(batch.id, b, key),
    (b) => setNotice({ text: `${b.number} deposited on ${formatDate(b.depositDate)}` }),
  );
  const errs = fieldErrorsOf(deposit.error);
  return (
    <Section title={`Batch ${batch.number}`}>
      <Notice notice={notice} />
      {deposit.error && Object.keys(errs).length === 0 ? (
        <ErrorBanner error={deposit.error} />
      ) : null}
      {editable && batch.status === 'open' ? (
        <form
          className="cash-form-row"
          onSubmit={(e) => {
            e.preventDefault();
            deposit.mutate({ date: date || undefined });
          }}
        >
          <DateField label="Deposit date" value={date} onChange={setDate} error={errs.date} />
          <button
            type="submit"
            className="btn btn-primary"
            disabled={deposit.isPending || batch.paymentCount === 0}
          >
            Deposit {batch.paymentCount} items
          </button>
        </form>
      ) : null}
      {payments.error ? <ErrorBanner error={payments.error} /> : null}
      <CashTable
        label={`Payments in ${batch.number}`}
        columns={paymentColumns}
        data={payments.data?.items ?? []}
        rowKey={(p) => p.id}
        rowTestId="batch-payment-row"
        footer={
          payments.data && payments.data.items.length === 0 ? (
            <Empty>No payments in this batch yet: pick it when recording a check.</Empty>
          ) : null
        }
      />
    </Section>
  );
}
