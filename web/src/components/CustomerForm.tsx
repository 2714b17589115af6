import { useEffect, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { Link } from '@tanstack/react-router';
import { useQuery } from '@tanstack/react-query';
import * as api from '../api.ts';
import { useCanManage } from '../auth.ts';
import type { Customer, CustomerInput, CustomerStatus, RiskClass } from '../api.ts';
import {
  CURRENCIES,
  RISK_LABELS,
  ROLE_LABELS,
  STATUS_LABELS,
  formatMoney,
  label,
  moneyInputError,
  readMoneyInput,
} from '../format.ts';
import { CustomerPicker } from './CustomerPicker.tsx';
import type { PickedCustomer } from './CustomerPicker.tsx';
import { ErrorBanner, Field, UnplacedErrors, fieldErrorsOf } from './ui.tsx';

interface FormState {
  accountNumber: string;
  name: string;
  legalName: string;
  parent: PickedCustomer | null;
  currency: string;
  paymentTerms: string;
  creditLimit: string;
  riskClass: '' | RiskClass;
  collectorId: string;
  salesRepId: string;
  externalId: string;
  status: CustomerStatus;
  statusReason: string;
}

function fromCustomer(c: Customer | null, baseCurrency: string): FormState {
  return {
    accountNumber: c?.accountNumber ?? '',
    name: c?.name ?? '',
    legalName: c?.legalName ?? '',
    parent: c?.parent ?? null,
    currency: c?.currency ?? baseCurrency,
    paymentTerms: c?.paymentTerms ?? '',
    creditLimit: c?.creditLimit ? formatMoney(c.creditLimit) : '',
    riskClass: c?.riskClass ?? '',
    collectorId: c?.collector?.id ?? '',
    salesRepId: c?.salesRep?.id ?? '',
    externalId: c?.externalId ?? '',
    status: c?.status ?? 'active',
    statusReason: '',
  };
}

/** "0012500.50" and "12500.5" compare equal; null means zero. */
function normalizeAmount(v: string | null): string {
  const [i = '0', f = ''] = (v ?? '0').split('.');
  const int = i.replace(/^0+(?=\d)/, '');
  const frac = f.replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int;
}

const blankToNull = (s: string) => (s.trim() === '' ? null : s.trim());

/** The amount to send: normalized when valid; as typed otherwise (validation stops it first). */
function limitValue(typed: string, isEdit: boolean): string | null {
  const r = readMoneyInput(typed);
  if (!r.ok) return typed.trim();
  return r.value ?? (isEdit ? '0' : null);
}

/** The request body: every field for a create, only the changed ones for an edit. */
function toInput(s: FormState, original: FormState | null): CustomerInput {
  const full: Required<
    Omit<CustomerInput, 'status' | 'statusReason' | 'accountNumber' | 'version'>
  > = {
    name: s.name.trim(),
    legalName: blankToNull(s.legalName),
    currency: s.currency,
    creditLimit: limitValue(s.creditLimit, original !== null),
    paymentTerms: s.paymentTerms,
    riskClass: s.riskClass || null,
    collectorId: s.collectorId || null,
    salesRepId: s.salesRepId || null,
    parentId: s.parent?.id ?? null,
    externalId: blankToNull(s.externalId),
  };
  if (!original) {
    const body: CustomerInput = { accountNumber: s.accountNumber.trim(), ...full };
    // Omit empty optionals on create rather than sending nulls.
    for (const k of Object.keys(body) as (keyof CustomerInput)[]) {
      if (body[k] === null) delete body[k];
    }
    return body;
  }
  const before = toInput(original, null);
  const patch: CustomerInput = {};
  for (const k of Object.keys(full) as (keyof typeof full)[]) {
    const a = full[k] ?? null;
    const b = (before[k] as unknown) ?? null;
    const same =
      k === 'creditLimit'
        ? normalizeAmount(a as string | null) === normalizeAmount(b as string | null)
        : a === b;
    if (!same) (patch as Record<string, unknown>)[k] = a;
  }
  // A currency change needs the limit restated in the new currency.
  if (patch.currency !== undefined && patch.creditLimit === undefined) {
    patch.creditLimit = full.creditLimit;
  }
  if (s.status !== original.status) {
    patch.status = s.status;
    patch.statusReason = blankToNull(s.statusReason);
  }
  return patch;
}

const PLACED = [
  'accountNumber',
  'name',
  'legalName',
  'parentId',
  'currency',
  'paymentTerms',
  'creditLimit',
  'riskClass',
  'collectorId',
  'salesRepId',
  'externalId',
  'status',
  'statusReason',
] as const;

interface Props {
  customer: Customer | null;
  baseCurrency: string;
  readOnly?: boolean;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (body: CustomerInput) => void;
  onCancel?: () => void;
  savedAt?: number | null;
  /** Told whenever the form gains or loses unsaved changes (false again on unmount). */
  onDirtyChange?: (dirty: boolean) => void;
  /** Called when the person discards their changes (e.g. to clear a server error). */
  onDiscard?: () => void;
}

export function CustomerForm({
  customer,
  baseCurrency,
  readOnly = false,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
  savedAt,
  onDirtyChange,
  onDiscard,
}: Props) {
  const isCreate = customer === null;
  const canManage = useCanManage();
  const [initial] = useState(() => fromCustomer(customer, baseCurrency));
  const [s, setS] = useState<FormState>(initial);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const terms = useQuery({
    queryKey: ['payment-terms'],
    queryFn: api.listPaymentTerms,
    staleTime: 10 * 60_000,
  });
  const users = useQuery({ queryKey: ['users'], queryFn: api.listUsers, staleTime: 5 * 60_000 });

  // Server errors take precedence until the user edits the field again.
  const serverErrors = fieldErrorsOf(error);
  const errors: Record<string, string> = { ...serverErrors, ...localErrors };
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => {
    setS((prev) => ({ ...prev, [k]: v }));
    if (localErrors[k]) setLocalErrors(({ [k]: _drop, ...rest }) => rest);
  };

  const patch = isCreate ? null : toInput(s, initial);
  const dirty = isCreate || (patch !== null && Object.keys(patch).length > 0);
  const statusChanged = !isCreate && s.status !== initial.status;
  const unsaved = !readOnly && (isCreate ? JSON.stringify(s) !== JSON.stringify(initial) : dirty);
  useEffect(() => {
    onDirtyChange?.(unsaved);
  }, [unsaved, onDirtyChange]);
  useEffect(() => () => onDirtyChange?.(false), [onDirtyChange]);

  function validate(): Record<string, string> {
    const e: Record<string, string> = {};
    if (isCreate && !s.accountNumber.trim()) e.accountNumber = 'Account number is required';
    if (!s.name.trim()) e.name = 'Name is required';
    if (!s.currency) e.currency = 'Currency is required';
    if (!s.paymentTerms) e.paymentTerms = 'Payment terms are required';
    // Only a changed (or restated) limit is checked: an untouched stored amount is never in the way.
    if (isCreate || patch?.creditLimit !== undefined) {
      const err = moneyInputError(s.creditLimit, s.currency);
      if (err) e.creditLimit = err;
    }
    return e;
  }

  function submit(ev: FormEvent) {
    ev.preventDefault();
    if (readOnly) return;
    const e = validate();
    setLocalErrors(e);
    if (Object.keys(e).length > 0) return;
    const body = isCreate ? toInput(s, null) : patch;
    if (!body || Object.keys(body).length === 0) return;
    onSubmit(body);
  }

  const termOptions = terms.data ?? [];
  const userOptions = users.data ?? [];
  // a credit limit is an amount in its currency: only a manager may change either
  const currencyLocked =
    !canManage && customer !== null && /[1-9]/.test(customer.creditLimit ?? '');
  const currencyOptions: string[] = [...CURRENCIES];
  if (s.currency && !currencyOptions.includes(s.currency)) currencyOptions.unshift(s.currency);
  if (!currencyOptions.includes(baseCurrency)) currencyOptions.unshift(baseCurrency);

  const userSelect = (id: 'collectorId' | 'salesRepId', text: string) => (
    <Field label={text} error={errors[id]}>
      {(p) => (
        <select {...p} value={s[id]} disabled={readOnly} onChange={(e) => set(id, e.target.value)}>
          <option value="">— Unassigned —</option>
          {userOptions.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name} — {label(ROLE_LABELS, u.role)}
            </option>
          ))}
          {s[id] && !userOptions.some((u) => u.id === s[id]) ? (
            <option value={s[id]}>
              {(id === 'collectorId' ? customer?.collector?.name : customer?.salesRep?.name) ??
                s[id]}
            </option>
          ) : null}
        </select>
      )}
    </Field>
  );

  if (readOnly && customer) {
    const term = termOptions.find((t) => t.code === customer.paymentTerms);
    return <CustomerFacts customer={customer} termName={term?.name ?? null} />;
  }

  return (
    <form
      className="form"
      onSubmit={submit}
      noValidate
      aria-label={isCreate ? 'New customer' : 'Customer details'}
    >
      {error ? <ErrorBanner error={error} /> : null}
      <UnplacedErrors errors={serverErrors} placed={PLACED} />

      <fieldset className="form-group" disabled={readOnly}>
        <legend>Identity</legend>
        <div className="grid grid-3">
          {isCreate ? (
            <Field label="Account number" required error={errors.accountNumber}>
              {(p) => (
                <input
                  {...p}
                  className="mono"
                  value={s.accountNumber}
                  onChange={(e) => set('accountNumber', e.target.value)}
                  autoFocus
                />
              )}
            </Field>
          ) : null}
          <Field label="Display name" required error={errors.name}>
            {(p) => <input {...p} value={s.name} onChange={(e) => set('name', e.target.value)} />}
          </Field>
          <Field
            label="Legal name"
            error={errors.legalName}
            hint={isCreate ? 'Defaults to the display name' : undefined}
          >
            {(p) => (
              <input
                {...p}
                value={s.legalName}
                onChange={(e) => set('legalName', e.target.value)}
              />
            )}
          </Field>
          <Field
            label="External id"
            error={errors.externalId}
            hint="Id of this customer in your ERP"
          >
            {(p) => (
              <input
                {...p}
                className="mono"
                value={s.externalId}
                onChange={(e) => set('externalId', e.target.value)}
              />
            )}
          </Field>
          <Field label="Parent account" error={errors.parentId} className="span-2">
            {(p) => (
              <CustomerPicker
                {...p}
                value={s.parent}
                onChange={(v) => set('parent', v)}
                excludeIds={customer ? [customer.id] : []}
                disabled={readOnly}
                changeLabel="Remove parent account"
              />
            )}
          </Field>
        </div>
      </fieldset>

      <fieldset className="form-group" disabled={readOnly}>
        <legend>Terms and credit</legend>
        <div className="grid grid-4">
          <Field
            label="Currency"
            required
            error={errors.currency}
            hint={
              currencyLocked
                ? 'Changed by a manager (the credit limit is in this currency)'
                : undefined
            }
          >
            {(p) => (
              <select
                {...p}
                disabled={currencyLocked}
                value={s.currency}
                onChange={(e) => set('currency', e.target.value)}
              >
                {currencyOptions.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Payment terms" required error={errors.paymentTerms}>
            {(p) => (
              <select
                {...p}
                value={s.paymentTerms}
                onChange={(e) => set('paymentTerms', e.target.value)}
              >
                <option value="">{terms.isPending ? 'Loading…' : '— Select —'}</option>
                {termOptions.map((t) => (
                  <option key={t.code} value={t.code}>
                    {t.name === t.code ? t.code : `${t.name} (${t.code})`}
                  </option>
                ))}
                {s.paymentTerms &&
                !termOptions.some((t) => t.code === s.paymentTerms) &&
                !terms.isPending ? (
                  <option value={s.paymentTerms}>{s.paymentTerms}</option>
                ) : null}
              </select>
            )}
          </Field>
          <Field
            label={`Credit limit (${s.currency || baseCurrency})`}
            error={errors.creditLimit}
            hint={canManage ? undefined : 'Set by a manager'}
          >
            {(p) => (
              <input
                {...p}
                disabled={!canManage}
                className="num"
                inputMode="decimal"
                placeholder="0.00"
                value={s.creditLimit}
                onChange={(e) => set('creditLimit', e.target.value)}
                onBlur={() => {
                  const r = readMoneyInput(s.creditLimit, s.currency);
                  if (r.ok && r.value !== null) set('creditLimit', formatMoney(r.value));
                }}
              />
            )}
          </Field>
          <Field label="Risk class" error={errors.riskClass}>
            {(p) => (
              <select
                {...p}
                value={s.riskClass}
                onChange={(e) => set('riskClass', e.target.value as FormState['riskClass'])}
              >
                <option value="">— Not rated —</option>
                {(['low', 'medium', 'high'] as const).map((r) => (
                  <option key={r} value={r}>
                    {RISK_LABELS[r]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      </fieldset>

      <fieldset className="form-group" disabled={readOnly}>
        <legend>Ownership{isCreate ? '' : ' and status'}</legend>
        <div className="grid grid-4">
          {userSelect('collectorId', 'Collector')}
          {userSelect('salesRepId', 'Sales rep')}
          {!isCreate ? (
            <Field
              label="Status"
              error={errors.status}
              hint={canManage ? undefined : 'Changed by a manager'}
            >
              {(p) => (
                <select
                  {...p}
                  disabled={!canManage}
                  value={s.status}
                  onChange={(e) => set('status', e.target.value as CustomerStatus)}
                >
                  {(['active', 'credit_hold', 'agency', 'closed'] as const).map((st) => (
                    <option key={st} value={st}>
                      {STATUS_LABELS[st]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : null}
          {statusChanged ? (
            <Field label="Reason for status change" error={errors.statusReason}>
              {(p) => (
                <input
                  {...p}
                  value={s.statusReason}
                  placeholder="e.g. 90+ days past due"
                  onChange={(e) => set('statusReason', e.target.value)}
                />
              )}
            </Field>
          ) : null}
        </div>
      </fieldset>

      {!readOnly ? (
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={pending || !dirty}>
            {pending ? 'Saving…' : submitLabel}
          </button>
          {!isCreate ? (
            <button
              type="button"
              className="btn"
              disabled={pending || !dirty}
              onClick={() => {
                setS(initial);
                setLocalErrors({});
                onDiscard?.();
              }}
            >
              Discard changes
            </button>
          ) : null}
          {onCancel ? (
            <button type="button" className="btn btn-ghost" onClick={onCancel}>
              Cancel
            </button>
          ) : null}
          {savedAt && !dirty ? (
            <span className="saved" role="status">
              Saved
            </span>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}

/** The read-only view of the customer's fields (viewers). */
function CustomerFacts({ customer: c, termName }: { customer: Customer; termName: string | null }) {
  const none = <span className="muted">—</span>;
  const facts: [string, ReactNode][] = [
    ['Display name', c.name],
    ['Legal name', c.legalName || none],
    ['External id', c.externalId ? <span className="mono">{c.externalId}</span> : none],
    [
      'Parent account',
      c.parent ? (
        <Link to="/customers/$id" params={{ id: c.parent.id }}>
          <span className="mono">{c.parent.accountNumber}</span> {c.parent.name}
        </Link>
      ) : (
        none
      ),
    ],
    ['Currency', c.currency],
    [
      'Payment terms',
      termName && termName !== c.paymentTerms ? `${termName} (${c.paymentTerms})` : c.paymentTerms,
    ],
    ['Credit limit', c.creditLimit !== null ? `${formatMoney(c.creditLimit)} ${c.currency}` : none],
    ['Risk class', c.riskClass ? label(RISK_LABELS, c.riskClass) : 'Not rated'],
    ['Collector', c.collector?.name ?? <span className="muted">Unassigned</span>],
    ['Sales rep', c.salesRep?.name ?? <span className="muted">Unassigned</span>],
    ['Status', label(STATUS_LABELS, c.status)],
  ];
  return (
    <dl className="facts" aria-label="Customer details">
      {facts.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
