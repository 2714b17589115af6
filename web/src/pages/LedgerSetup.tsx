// Chart of accounts, period lock and invoice settings (changed by managers).
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import * as api from '../api.ts';
import type { AccountType, LedgerAccount } from '../api.ts';
import { useCanManage } from '../auth.ts';
import { formatDate } from '../format.ts';
import { NotAvailable, isMissingRoute } from '../components/ledger-ui.tsx';
import {
  ErrorBanner,
  Field,
  Section,
  Spinner,
  UnplacedErrors,
  fieldErrorsOf,
  useIdempotencyKey,
} from '../components/ui.tsx';

const ACCOUNT_TYPES: AccountType[] = ['asset', 'liability', 'equity', 'revenue', 'expense'];
const accountsKey = ['ledger', 'accounts'] as const;

export function ChartOfAccountsPage() {
  const manager = useCanManage();
  const accounts = useQuery({ queryKey: accountsKey, queryFn: api.listAccounts });
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Chart of accounts</h1>
          <div className="header-meta">
            Map each account to your general ledger's code; the journal export carries it.
          </div>
        </div>
      </div>
      {!manager ? (
        <div className="alert alert-info">Only a manager or an admin can change accounts.</div>
      ) : null}
      {accounts.error ? <ErrorBanner error={accounts.error} /> : null}
      {accounts.isPending ? <Spinner /> : null}
      {accounts.data ? (
        <div className="table-wrap">
          <table className="data-table" aria-label="Accounts">
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Role</th>
                <th scope="col">GL code</th>
                <th scope="col">Active</th>
                <th scope="col" className="actions">
                  <span className="sr-only">Save</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {accounts.data.map((a) => (
                <AccountRow
                  key={`${a.code}-${a.name}-${a.glCode}-${a.active}`}
                  account={a}
                  editable={manager}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {manager ? <NewAccountForm /> : null}
    </div>
  );
}

function AccountRow({ account, editable }: { account: LedgerAccount; editable: boolean }) {
  const qc = useQueryClient();
  const idem = useIdempotencyKey();
  const [name, setName] = useState(account.name);
  const [glCode, setGlCode] = useState(account.glCode ?? '');
  const [active, setActive] = useState(account.active);
  const changed =
    name !== account.name || glCode !== (account.glCode ?? '') || active !== account.active;
  const save = useMutation({
    mutationFn: () => {
      const body: { name?: string; glCode?: string | null; active?: boolean } = {};
      if (name !== account.name) body.name = name;
      if (glCode !== (account.glCode ?? '')) body.glCode = glCode.trim() || null;
      if (active !== account.active) body.active = active;
      return api.updateAccount(account.code, body, idem.keyFor({ code: account.code, body }));
    },
    onSuccess: async () => {
      idem.reset();
      await qc.invalidateQueries({ queryKey: ['ledger'] });
    },
  });
  const errors = fieldErrorsOf(save.error);
  if (!editable) {
    return (
      <tr data-testid="account-row">
        <td className="mono">{account.code}</td>
        <td>{account.name}</td>
        <td>{account.type}</td>
        <td className="muted">{account.role ?? ''}</td>
        <td className="mono">{account.glCode ?? <span className="muted">—</span>}</td>
        <td>{account.active ? 'Yes' : 'No'}</td>
        <td />
      </tr>
    );
  }
  return (
    <tr data-testid="account-row">
      <td className="mono">{account.code}</td>
      <td className={errors.name ? 'field-invalid' : undefined}>
        <input
          aria-label={`Name of account ${account.code}`}
          value={name}
          maxLength={200}
          onChange={(e) => setName(e.target.value)}
        />
        {errors.name ? <div className="field-error">{errors.name}</div> : null}
      </td>
      <td>{account.type}</td>
      <td className="muted">{account.role ?? ''}</td>
      <td className={errors.glCode ? 'field-invalid' : undefined}>
        <input
          aria-label={`GL code of account ${account.code}`}
          className="mono gl-input"
          value={glCode}
          maxLength={40}
          onChange={(e) => setGlCode(e.target.value)}
        />
        {errors.glCode ? <div className="field-error">{errors.glCode}</div> : null}
      </td>
      <td>
        <input
          type="checkbox"
          aria-label={`Account ${account.code} active`}
          checked={active}
          disabled={account.role !== null}
          title={account.role !== null ? 'A system account cannot be retired' : undefined}
          onChange={(e) => setActive(e.target.checked)}
        />
      </td>
      <td className="actions">
        {save.error && Object.keys(errors).length === 0 ? (
          <span className="field-error" role="alert">
            {save.error.message}
          </span>
        ) : null}
        <button
          type="button"
          className="btn btn-sm"
          disabled={!changed || save.isPending}
          onClick={() => save.mutate()}
        >
          {save.isPending ? 'Saving…' : 'Save'}
        </button>
      </td>
    </tr>
  );
}

function NewAccountForm() {
  const qc = useQueryClient();
  const idem = useIdempotencyKey();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [type, setType] = useState<AccountType>('revenue');
  const [glCode, setGlCode] = useState('');
  const create = useMutation({
    mutationFn: (body: { code: string; name: string; type: AccountType; glCode: string | null }) =>
      api.createAccount(body, idem.keyFor(body)),
    onSuccess: async () => {
      idem.reset();
      setCode('');
      setName('');
      setGlCode('');
      await qc.invalidateQueries({ queryKey: ['ledger'] });
    },
  });
  const errors = fieldErrorsOf(create.error);
  return (
    <Section title="Add an account">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({
            code: code.trim(),
            name: name.trim(),
            type,
            glCode: glCode.trim() || null,
          });
        }}
      >
        {create.error && Object.keys(errors).length === 0 ? (
          <ErrorBanner error={create.error} />
        ) : null}
        <UnplacedErrors errors={errors} placed={['code', 'name', 'type', 'glCode']} />
        <div className="grid grid-4">
          <Field label="Code" required error={errors.code}>
            {(p) => (
              <input
                {...p}
                className="mono"
                maxLength={40}
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            )}
          </Field>
          <Field label="Name" required error={errors.name}>
            {(p) => (
              <input
                {...p}
                maxLength={200}
                value={name}
                onChange={(e) => setName(e.target.value)}
              />
            )}
          </Field>
          <Field label="Type" required error={errors.type}>
            {(p) => (
              <select {...p} value={type} onChange={(e) => setType(e.target.value as AccountType)}>
                {ACCOUNT_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="GL code" error={errors.glCode}>
            {(p) => (
              <input
                {...p}
                className="mono"
                maxLength={40}
                value={glCode}
                onChange={(e) => setGlCode(e.target.value)}
              />
            )}
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            Add account
          </button>
          {create.isSuccess ? <span className="saved">Added</span> : null}
        </div>
      </form>
    </Section>
  );
}

export function PeriodLockPage() {
  const manager = useCanManage();
  const qc = useQueryClient();
  const lock = useQuery({ queryKey: ['ledger', 'period-lock'], queryFn: api.getPeriodLock });
  const [date, setDate] = useState('');
  const save = useMutation({
    mutationFn: (closedThrough: string | null) => api.setPeriodLock(closedThrough),
    onSuccess: async () => {
      setDate('');
      await qc.invalidateQueries({ queryKey: ['ledger'] });
    },
  });
  const errors = fieldErrorsOf(save.error);
  const current = lock.data?.closedThrough ?? null;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Period lock</h1>
          <div className="header-meta">
            Nothing can be posted, applied or voided on or before the date the books are closed
            through.
          </div>
        </div>
      </div>
      {lock.error ? <ErrorBanner error={lock.error} /> : null}
      {lock.isPending ? <Spinner /> : null}
      {lock.data ? (
        <Section title="Closed through">
          <p className="lock-state" data-testid="closed-through">
            {current ? (
              <>
                The books are closed through <strong>{formatDate(current)}</strong>.
              </>
            ) : (
              'The books are open: no period is closed.'
            )}
          </p>
          {manager ? (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                if (!date) return;
                if (window.confirm(`Close the books through ${date}?`)) save.mutate(date);
              }}
            >
              {save.error && !errors.closedThrough ? <ErrorBanner error={save.error} /> : null}
              <div className="grid grid-4">
                <Field label="Close through" error={errors.closedThrough}>
                  {(p) => (
                    <input
                      {...p}
                      type="date"
                      value={date}
                      onChange={(e) => setDate(e.target.value)}
                    />
                  )}
                </Field>
              </div>
              <div className="form-actions">
                <button
                  type="submit"
                  className="btn btn-primary"
                  disabled={!date || save.isPending}
                >
                  Close the books
                </button>
                {current ? (
                  <button
                    type="button"
                    className="btn btn-danger-text"
                    disabled={save.isPending}
                    onClick={() => {
                      if (window.confirm('Reopen every closed period?')) save.mutate(null);
                    }}
                  >
                    Reopen
                  </button>
                ) : null}
              </div>
            </form>
          ) : (
            <p className="muted">Only a manager or an admin can close or reopen periods.</p>
          )}
        </Section>
      ) : null}
    </div>
  );
}

export function InvoiceSettingsPage() {
  const manager = useCanManage();
  const settings = useQuery({
    queryKey: ['organization', 'invoice-settings'],
    queryFn: api.getInvoiceSettings,
    retry: false,
  });
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Invoice settings</h1>
          <div className="header-meta">What every invoice PDF and e-mail shows.</div>
        </div>
      </div>
      {isMissingRoute(settings.error) ? (
        <NotAvailable what="Invoice settings" />
      ) : settings.error ? (
        <ErrorBanner error={settings.error} />
      ) : null}
      {settings.isPending ? <Spinner /> : null}
      {settings.data ? <InvoiceSettingsForm initial={settings.data} editable={manager} /> : null}
    </div>
  );
}

function InvoiceSettingsForm({
  initial,
  editable,
}: {
  initial: api.InvoiceSettings;
  editable: boolean;
}) {
  const qc = useQueryClient();
  const [remitTo, setRemitTo] = useState(initial.remitTo ?? '');
  const [footer, setFooter] = useState(initial.invoiceFooter ?? '');
  const save = useMutation({
    mutationFn: () =>
      api.updateInvoiceSettings({
        remitTo: remitTo.trim() || null,
        invoiceFooter: footer.trim() || null,
      }),
    onSuccess: (saved) => qc.setQueryData(['organization', 'invoice-settings'], saved),
  });
  const errors = fieldErrorsOf(save.error);
  return (
    <Section title="Invoice text">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        {save.error && Object.keys(errors).length === 0 ? <ErrorBanner error={save.error} /> : null}
        <div className="grid grid-2">
          <Field
            label="Remit to"
            error={errors.remitTo}
            hint="Where and how customers pay: address, bank details (at most 15 lines)"
          >
            {(p) => (
              <textarea
                {...p}
                rows={5}
                value={remitTo}
                disabled={!editable}
                onChange={(e) => setRemitTo(e.target.value)}
              />
            )}
          </Field>
          <Field label="Invoice footer" error={errors.invoiceFooter} hint="At most 4 lines">
            {(p) => (
              <textarea
                {...p}
                rows={5}
                value={footer}
                disabled={!editable}
                onChange={(e) => setFooter(e.target.value)}
              />
            )}
          </Field>
        </div>
        {editable ? (
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={save.isPending}>
              Save settings
            </button>
            {save.isSuccess ? (
              <span className="saved" role="status">
                Saved
              </span>
            ) : null}
          </div>
        ) : (
          <p className="muted">Only a manager or an admin can change these.</p>
        )}
      </form>
    </Section>
  );
}
