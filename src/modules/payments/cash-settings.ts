/**
 * The organization's cash-application settings: the short-pay tolerance (how large a short pay
 * AR staff may write off) in the base currency and in each other currency it sets one for, and
 * the auto-match threshold.
 *
 * A tolerance is money, so it is always read in one currency: the base currency's is the
 * organization's `short_pay_tolerance`, another currency's is its own row. A currency without a
 * row has no tolerance (0): only a manager writes off its short pays. Dunwell keeps no exchange
 * rates, so nothing is converted.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../../shared/actor.ts';
import { currencyExponent, isCurrency } from '../../shared/currencies.ts';
import { ValidationError, type FieldError } from '../../shared/errors.ts';
import { formatAmount, parseAmount } from '../../shared/money.ts';
import { recordAudit } from '../audit/index.ts';
import { requireManager } from '../billing/documents.service.ts';

export interface CashSettings {
  baseCurrency: string;
  /** in the base currency */
  shortPayTolerance: string;
  /** the other currencies', by currency code */
  shortPayTolerances: Array<{ currency: string; amount: string }>;
  autoMatchThreshold: string;
}

export interface CashSettingsInput {
  shortPayTolerance?: string | undefined;
  /** replaces the whole list when given */
  shortPayTolerances?: Array<{ currency: string; amount: string }> | undefined;
  autoMatchThreshold?: string | undefined;
}

/** A numeric column ("5.0000") in minor units of `currency`, truncated to its exponent. */
export function decimalToMinor(text: string, currency: string): bigint {
  const exponent = currencyExponent(currency);
  const [whole = '0', fraction = ''] = text.split('.');
  const digits = (fraction + '0'.repeat(exponent)).slice(0, exponent);
  return parseAmount(exponent > 0 ? `${BigInt(whole)}.${digits}` : `${BigInt(whole)}`, currency);
}

/** "5.0000" → "5.00", "0.900" → "0.90": at least two decimals, no trailing zeros beyond. */
function trimDecimal(text: string): string {
  const [whole, fraction = ''] = text.split('.');
  return `${whole}.${fraction.replace(/0+$/, '').padEnd(2, '0')}`;
}

/**
 * What a short pay in `currency` may be at most for AR staff to write it off, in its minor
 * units; `set: false` when the organization has no tolerance for that currency.
 */
export async function shortPayTolerance(
  db: Kysely<DB>,
  orgId: string,
  currency: string,
): Promise<{ minor: bigint; set: boolean }> {
  const org = await db
    .selectFrom('organizations')
    .select(['short_pay_tolerance', 'base_currency'])
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();
  if (org.base_currency === currency) {
    return { minor: decimalToMinor(String(org.short_pay_tolerance), currency), set: true };
  }
  const own = await db
    .selectFrom('short_pay_tolerances')
    .select('amount_minor')
    .where('org_id', '=', orgId)
    .where('currency', '=', currency)
    .executeTakeFirst();
  return own ? { minor: own.amount_minor, set: true } : { minor: 0n, set: false };
}

export async function readCashSettings(db: Kysely<DB>, orgId: string): Promise<CashSettings> {
  const org = await db
    .selectFrom('organizations')
    .select(['short_pay_tolerance', 'auto_match_threshold', 'base_currency'])
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();
  const others = await db
    .selectFrom('short_pay_tolerances')
    .select(['currency', 'amount_minor'])
    .where('org_id', '=', orgId)
    .orderBy('currency')
    .execute();
  const base = org.base_currency;
  return {
    baseCurrency: base,
    // in the base currency's own decimals ("5" for yen), as the write-off check reads it
    shortPayTolerance: formatAmount(decimalToMinor(String(org.short_pay_tolerance), base), base),
    shortPayTolerances: others.map((t) => ({
      currency: t.currency,
      amount: formatAmount(t.amount_minor, t.currency),
    })),
    autoMatchThreshold: trimDecimal(String(org.auto_match_threshold)),
  };
}

/** A manager changes the settings; every field error is reported at once and nothing is kept. */
export async function updateCashSettings(
  db: Kysely<DB>,
  actor: Actor,
  now: Date,
  input: CashSettingsInput,
): Promise<CashSettings> {
  requireManager(actor, 'change the cash settings');
  // one change at a time: two saves of the list would both delete it and insert theirs
  await db
    .selectFrom('organizations')
    .select('id')
    .where('id', '=', actor.orgId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const before = await readCashSettings(db, actor.orgId);
  const errors: FieldError[] = [];
  if (input.shortPayTolerance !== undefined) {
    try {
      if (parseAmount(input.shortPayTolerance, before.baseCurrency) < 0n) {
        errors.push({ path: 'shortPayTolerance', message: 'must be 0 or more' });
      }
    } catch (e) {
      errors.push({
        path: 'shortPayTolerance',
        message: e instanceof Error ? e.message : String(e),
      });
    }
  }
  if (input.autoMatchThreshold !== undefined && Number(input.autoMatchThreshold) === 0) {
    errors.push({ path: 'autoMatchThreshold', message: 'must be above 0' });
  }
  const rows: Array<{ currency: string; amount_minor: bigint }> = [];
  const seen = new Set<string>();
  input.shortPayTolerances?.forEach((t, i) => {
    const path = `shortPayTolerances.${i}`;
    const currency = t.currency.trim().toUpperCase();
    if (!isCurrency(currency)) {
      errors.push({ path: `${path}.currency`, message: `${t.currency} is not an ISO 4217 code` });
      return;
    }
    if (currency === before.baseCurrency) {
      errors.push({
        path: `${path}.currency`,
        message: `${currency} is the base currency: its tolerance is shortPayTolerance`,
      });
      return;
    }
    if (seen.has(currency)) {
      errors.push({ path: `${path}.currency`, message: `${currency} is listed twice` });
      return;
    }
    seen.add(currency);
    let amount: bigint;
    try {
      amount = parseAmount(t.amount, currency);
    } catch (e) {
      errors.push({ path: `${path}.amount`, message: e instanceof Error ? e.message : String(e) });
      return;
    }
    if (amount < 0n) {
      errors.push({ path: `${path}.amount`, message: 'must be 0 or more' });
      return;
    }
    rows.push({ currency, amount_minor: amount });
  });
  if (errors.length) throw new ValidationError('The cash settings are not valid', errors);

  if (input.shortPayTolerance !== undefined || input.autoMatchThreshold !== undefined) {
    await db
      .updateTable('organizations')
      .set({
        ...(input.shortPayTolerance !== undefined
          ? { short_pay_tolerance: input.shortPayTolerance }
          : {}),
        ...(input.autoMatchThreshold !== undefined
          ? { auto_match_threshold: input.autoMatchThreshold }
          : {}),
      })
      .where('id', '=', actor.orgId)
      .execute();
  }
  if (input.shortPayTolerances !== undefined) {
    await db.deleteFrom('short_pay_tolerances').where('org_id', '=', actor.orgId).execute();
    if (rows.length) {
      await db
        .insertInto('short_pay_tolerances')
        .values(rows.map((r) => ({ org_id: actor.orgId, ...r })))
        .execute();
    }
  }
  const after = await readCashSettings(db, actor.orgId);
  await recordAudit(db, actor, now, [
    {
      entityType: 'organization',
      entityId: actor.orgId,
      action: 'cash_settings',
      before,
      after,
    },
  ]);
  return after;
}
