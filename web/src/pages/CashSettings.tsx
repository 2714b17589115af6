// The organization's cash-application settings: how large a short pay AR staff may write off,
// and how sure the matcher must be before auto-apply applies a bank line. Managers change them.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCanManage } from '../auth.ts';
import { formatMoney, readDecimal } from '../format.ts';
import * as pay from '../payments-api.ts';
import type { CashSettings } from '../payments-api.ts';
import { NotAvailable, isMissingRoute } from '../components/ledger-ui.tsx';
import { AmountField, FactList } from '../components/PaymentUi.tsx';
import {
  ErrorBanner,
  Section,
  Spinner,
  UnplacedErrors,
  fieldErrorsOf,
  useIdempotencyKey,
} from '../components/ui.tsx';

const settingsKey = ['cash-settings'] as const;

/** The column holds 4 decimals; each payment's currency truncates it to its own. */
const TOLERANCE_DECIMALS = 4;
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

/** The tolerance as typed ("1,000.5") → "1000.5", or the error to show. */
export function readTolerance(input: string): { value: string } | { error: string } {
  const r = readDecimal(input, TOLERANCE_DECIMALS);
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
                      {formatMoney(settings.data.shortPayTolerance, 2)}
                    </span>
                  ),
                },
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
              A short pay up to the tolerance (in the payment’s own currency) may be written off by
              AR staff; above it only a manager can write it off, others keep it as a deduction.
              Auto-apply applies a bank line when its best match scores at least the threshold;
              other lines get suggestions.
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

function CashSettingsForm({ initial }: { initial: CashSettings }) {
  const qc = useQueryClient();
  const idem = useIdempotencyKey();
  const [tolerance, setTolerance] = useState(formatMoney(initial.shortPayTolerance, 2));
  const [threshold, setThreshold] = useState(thresholdPercent(initial.autoMatchThreshold));
  const [tried, setTried] = useState(false);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (body: CashSettings) => pay.updateCashSettings(body, idem.keyFor(body)),
    onSuccess: (result) => {
      idem.reset();
      setSaved(true);
      qc.setQueryData(settingsKey, result);
    },
  });
  const tol = readTolerance(tolerance);
  const thr = readThreshold(threshold);
  const server = fieldErrorsOf(save.error);
  const errors = {
    shortPayTolerance:
      (tried && 'error' in tol ? tol.error : undefined) ?? server.shortPayTolerance,
    autoMatchThreshold:
      (tried && 'error' in thr ? thr.error : undefined) ?? server.autoMatchThreshold,
  };
  const edit = (set: (v: string) => void) => (v: string) => {
    setSaved(false);
    set(v);
  };
  return (
    <Section title="Change">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if ('value' in tol && 'value' in thr) {
            save.mutate({ shortPayTolerance: tol.value, autoMatchThreshold: thr.value });
          }
        }}
      >
        {save.error && Object.keys(server).length === 0 ? <ErrorBanner error={save.error} /> : null}
        <UnplacedErrors errors={server} placed={['shortPayTolerance', 'autoMatchThreshold']} />
        <div className="grid grid-4">
          <AmountField
            label="Short-pay write-off tolerance"
            required
            value={tolerance}
            onChange={edit(setTolerance)}
            error={errors.shortPayTolerance}
            hint="0 or more, up to 4 decimals"
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
