// The organization's cash-application settings: how large a short pay AR staff may write off (in
// the base currency and in each other currency that has its own), and how sure the matcher must
// be before auto-apply applies a bank line. Managers change them.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCanManage } from '../auth.ts';
import { CURRENCIES, currencyExponent, formatMoney, readDecimal } from '../format.ts';
import * as pay from '../payments-api.ts';
import type { CashSettings, CashSettingsInput } from '../payments-api.ts';
import { NotAvailable, isMissingRoute } from '../components/ledger-ui.tsx';
import { AmountField, ChoiceField, FactList } from '../components/PaymentUi.tsx';
import {
  ErrorBanner,
  Section,
  Spinner,
  UnplacedErrors,
  fieldErrorsOf,
  useIdempotencyKey,
} from '../components/ui.tsx';

const settingsKey = ['cash-settings'] as const;

/** The API takes the threshold with up to 3 decimals (0.905), i.e. tenths of a percent. */
const THRESHOLD_DECIMALS = 3;

/** "0.905" → "90.5": the API's score as the percent the workbench shows. */
export function thresholdPercent(threshold: string): string {
  const r = readDecimal(threshold, THRESHOLD_DECIMALS);
  if (!r.ok) return threshold;
  const tenths = r.scaled; // thousandths of 1 are tenths of a percent
  return tenths % 10n === 0n ? `${tenths / 10n}` : `${tenths / 10n}.${tenths % 10n}`;
}

/** "90.5" (percent, as typed) → "0.905" for the API, or the error to show. */
export function readThreshold(input: string): { value: string } | { error: string } {
  const r = readDecimal(input.replace(/%\s*$/, ''), 1);
  if (!r.ok) return { error: r.error.replace('1 decimals', '1 decimal') };
  if (r.scaled === 0n || r.scaled > 1000n) return { error: 'Between 0.1 and 100' };
  if (r.scaled === 1000n) return { value: '1.00' };
  const thousandths = r.scaled.toString().padStart(3, '0');
  return { value: `0.${thousandths.replace(/0$/, '')}` };
}

/** A tolerance as typed ("1,000.5") → "1000.5" in `currency`'s decimals, or the error to show. */
export function readTolerance(
  input: string,
  currency: string,
): { value: string } | { error: string } {
  const r = readDecimal(input, currencyExponent(currency));
  return r.ok ? { value: r.text } : { error: r.error };
}

export function CashSettingsPage() {
  const manager = useCanManage();
  const settings = useQuery({ queryKey: settingsKey, queryFn: pay.getCashSettings });
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Cash settings</h1>
          <div className="header-meta">
            How the organization handles short pays and automatic matching of bank lines.
          </div>
        </div>
      </div>
      {isMissingRoute(settings.error) ? (
        <NotAvailable what="Cash settings" />
      ) : settings.error ? (
        <ErrorBanner error={settings.error} />
      ) : null}
      {settings.isPending ? <Spinner /> : null}
      {settings.data ? (
        <>
          <Section title="In force">
            <FactList
              facts={[
                {
                  label: 'Short-pay write-off tolerance',
                  value: (
                    <span className="money" data-testid="current-tolerance">
                      {formatMoney(settings.data.shortPayTolerance)} {settings.data.baseCurrency}
                    </span>
                  ),
                },
                ...settings.data.shortPayTolerances.map((t) => ({
                  label: `Tolerance in ${t.currency}`,
                  value: (
                    <span className="money" data-testid="current-currency-tolerance">
                      {formatMoney(t.amount)} {t.currency}
                    </span>
                  ),
                })),
                {
                  label: 'Auto-match threshold',
                  value: (
                    <span data-testid="current-threshold">
                      {thresholdPercent(settings.data.autoMatchThreshold)} %
                    </span>
                  ),
                },
              ]}
            />
            <p className="muted small">
              A short pay up to the tolerance of its currency may be written off by AR staff; above
              it only a manager can write it off, others keep it as a deduction. A currency without
              a tolerance of its own has none: nothing is converted from{' '}
              {settings.data.baseCurrency}. Auto-apply applies a bank line when its best match
              scores at least the threshold; other lines get suggestions.
            </p>
          </Section>
          {manager ? (
            <CashSettingsForm initial={settings.data} />
          ) : (
            <div className="alert alert-info">
              Only a manager or an admin can change the cash settings.
            </div>
          )}
        </>
      ) : null}
    </div>
  );
}

interface ToleranceRow {
  key: number;
  currency: string;
  amount: string;
}

function CashSettingsForm({ initial }: { initial: CashSettings }) {
  const qc = useQueryClient();
  const idem = useIdempotencyKey();
  const [tolerance, setTolerance] = useState(formatMoney(initial.shortPayTolerance));
  const [others, setOthers] = useState<ToleranceRow[]>(() =>
    initial.shortPayTolerances.map((t, i) => ({
      key: i,
      currency: t.currency,
      amount: formatMoney(t.amount),
    })),
  );
  const [nextKey, setNextKey] = useState(initial.shortPayTolerances.length);
  const [threshold, setThreshold] = useState(thresholdPercent(initial.autoMatchThreshold));
  const [tried, setTried] = useState(false);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (body: CashSettingsInput) => pay.updateCashSettings(body, idem.keyFor(body)),
    onSuccess: (result) => {
      idem.reset();
      setSaved(true);
      qc.setQueryData(settingsKey, result);
    },
  });
  const tol = readTolerance(tolerance, initial.baseCurrency);
  const thr = readThreshold(threshold);
  const rows = others.map((r) => readOtherTolerance(r, initial.baseCurrency, others));
  const server = fieldErrorsOf(save.error);
  const errors = {
    shortPayTolerance:
      (tried && 'error' in tol ? tol.error : undefined) ?? server.shortPayTolerance,
    autoMatchThreshold:
      (tried && 'error' in thr ? thr.error : undefined) ?? server.autoMatchThreshold,
  };
  const touch = () => setSaved(false);
  const edit = (set: (v: string) => void) => (v: string) => {
    touch();
    set(v);
  };
  const editRow = (key: number, patch: Partial<ToleranceRow>) => {
    touch();
    setOthers((list) => list.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  };
  const unused = CURRENCIES.filter(
    (c) => c !== initial.baseCurrency && !others.some((r) => r.currency === c),
  );
  const placed = [
    'shortPayTolerance',
    'autoMatchThreshold',
    ...others.flatMap((_, i) => [
      `shortPayTolerances.${i}.currency`,
      `shortPayTolerances.${i}.amount`,
    ]),
  ];
  return (
    <Section title="Change">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          const amounts = rows.map((r) => ('value' in r ? r.value : null));
          if ('value' in tol && 'value' in thr && amounts.every((a) => a !== null)) {
            save.mutate({
              shortPayTolerance: tol.value,
              shortPayTolerances: others.map((r, i) => ({
                currency: r.currency,
                amount: amounts[i]!,
              })),
              autoMatchThreshold: thr.value,
            });
          }
        }}
      >
        {save.error && Object.keys(server).length === 0 ? <ErrorBanner error={save.error} /> : null}
        <UnplacedErrors errors={server} placed={placed} />
        <div className="grid grid-4">
          <AmountField
            label={`Short-pay write-off tolerance (${initial.baseCurrency})`}
            required
            value={tolerance}
            onChange={edit(setTolerance)}
            error={errors.shortPayTolerance}
            hint={`0 or more, in ${initial.baseCurrency}`}
          />
          <AmountField
            label="Auto-match threshold (%)"
            required
            value={threshold}
            onChange={edit(setThreshold)}
            error={errors.autoMatchThreshold}
            hint="Above 0 and at most 100, e.g. 90 or 92.5"
          />
        </div>
        <fieldset className="fieldset" aria-label="Tolerances in other currencies">
          <legend>Tolerances in other currencies</legend>
          {others.length === 0 ? (
            <p className="muted small">
              None: short pays in other currencies than {initial.baseCurrency} are written off by a
              manager only.
            </p>
          ) : null}
          {others.map((r, i) => {
            const read = rows[i]!;
            return (
              <div className="grid grid-4" key={r.key} data-testid="tolerance-row">
                <ChoiceField
                  label={`Currency ${i + 1}`}
                  required
                  options={[r.currency, ...unused]}
                  labels={{}}
                  value={r.currency}
                  onChange={(currency) => editRow(r.key, { currency })}
                  error={server[`shortPayTolerances.${i}.currency`]}
                />
                <AmountField
                  label={`Tolerance in ${r.currency}`}
                  required
                  value={r.amount}
                  onChange={(amount) => editRow(r.key, { amount })}
                  error={
                    (tried && 'error' in read ? read.error : undefined) ??
                    server[`shortPayTolerances.${i}.amount`]
                  }
                />
                <div className="field field-action">
                  <button
                    type="button"
                    className="btn btn-ghost btn-sm"
                    aria-label={`Remove the ${r.currency} tolerance`}
                    onClick={() => {
                      touch();
                      setOthers((list) => list.filter((x) => x.key !== r.key));
                    }}
                  >
                    Remove
                  </button>
                </div>
              </div>
            );
          })}
          {unused.length > 0 ? (
            <button
              type="button"
              className="btn btn-sm"
              onClick={() => {
                touch();
                setOthers((list) => [...list, { key: nextKey, currency: unused[0]!, amount: '' }]);
                setNextKey((k) => k + 1);
              }}
            >
              Add a currency
            </button>
          ) : null}
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save settings'}
          </button>
          {saved ? (
            <span className="saved" role="status">
              Saved
            </span>
          ) : null}
        </div>
      </form>
    </Section>
  );
}

/** One other currency's tolerance as typed, in that currency's decimals, or the error to show. */
function readOtherTolerance(
  row: ToleranceRow,
  baseCurrency: string,
  all: readonly ToleranceRow[],
): { value: string } | { error: string } {
  if (row.currency === baseCurrency) return { error: `${baseCurrency} is the base currency` };
  if (all.filter((r) => r.currency === row.currency).length > 1) {
    return { error: `${row.currency} is listed twice` };
  }
  return readTolerance(row.amount, row.currency);
}
