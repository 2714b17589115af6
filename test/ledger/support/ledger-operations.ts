/**
 * The operations of the ledger property test: what fast-check generates (indexes, fractions,
 * day offsets), how that is made concrete against the model's current state (which document,
 * which amount, which date), and how a concrete operation is sent through the billing service.
 */
import fc from 'fast-check';
import {
  applyCredit,
  createAdjustment,
  createInvoice,
  createMemo,
  createRefund,
  postDocument,
  unapply,
  voidDocument,
  writeOff,
  type Ctx,
} from '../../../src/modules/billing/documents.service.ts';
import type { LineInput } from '../../../src/modules/billing/pricing.ts';
import { addDays, compareDates, parseIsoDate, type IsoDate } from '../../../src/shared/dates.ts';
import { formatAmount } from '../../../src/shared/money.ts';
import type { LedgerModel, ModelDoc, Operation } from './ledger-model.ts';

/** The 90 days every run's documents are dated in. */
export const WINDOW_START = parseIsoDate('2026-01-01');
export const WINDOW_DAYS = 90;
export const WINDOW_END = addDays(WINDOW_START, WINDOW_DAYS - 1);
const REASON = 'property test';

// ------------------------------------------------------------------------------------------
// Abstract operations: indexes and fractions, made concrete against the model at run time
// ------------------------------------------------------------------------------------------

/** Which document (or application) an operation targets: usually one the rules allow. */
type Target = { index: number; plausible: boolean };
/** A date: some days after the dates that matter to the operation, or any day of the window. */
type When = { after: number } | { day: number };
type AmountMode = 'full' | 'part' | 'over' | 'zero';
type Amount = { mode: AmountMode; permille: number };

export type AbstractOp =
  | { op: 'invoice'; customer: number; day: number; lines: LineInput[]; draft?: boolean }
  | { op: 'post'; doc: Target }
  | {
      op: 'credit_memo' | 'debit_memo';
      customer: number;
      link: Target | null;
      body: { amountMinor: bigint } | { lines: LineInput[] };
      day: number;
    }
  | { op: 'apply'; credit: Target; debit: Target; amount: Amount; when: When }
  | { op: 'unapply'; application: Target; when: When }
  | { op: 'void' | 'write_off'; doc: Target; when: When }
  | { op: 'adjust'; doc: Target; reduce: boolean; amount: Amount; when: When }
  | { op: 'refund'; credit: Target; amount: Amount; when: When };

export type Scenario = {
  currency: string;
  otherCurrency: string;
  ops: AbstractOp[];
  lockDay: number;
};

const plausiblePick = fc.record({
  index: fc.nat({ max: 1000 }),
  plausible: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, fc.constant(false)),
});
const when: fc.Arbitrary<When> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ after: fc.nat({ max: 12 }) }) },
  { weight: 1, arbitrary: fc.record({ day: fc.nat({ max: WINDOW_DAYS - 1 }) }) },
);
const amount: fc.Arbitrary<Amount> = fc.record({
  mode: fc.oneof(
    { weight: 3, arbitrary: fc.constant<AmountMode>('full') },
    { weight: 4, arbitrary: fc.constant<AmountMode>('part') },
    { weight: 2, arbitrary: fc.constant<AmountMode>('over') },
    { weight: 1, arbitrary: fc.constant<AmountMode>('zero') },
  ),
  permille: fc.integer({ min: 1, max: 999 }),
});
const line: fc.Arbitrary<LineInput> = fc.record({
  description: fc.constantFrom('Widgets', 'Freight', 'Consulting'),
  quantity: fc
    .tuple(fc.integer({ min: 1, max: 40 }), fc.constantFrom('', '.5', '.25', '.125', '.3333'))
    .map(([i, f]) => `${i}${f}`),
  unitPrice: fc
    .tuple(fc.integer({ min: 1, max: 900 }), fc.constantFrom('', '.99', '.5', '.05', '.25'))
    .map(([i, f]) => `${i}${f}`),
  taxRate: fc.constantFrom(undefined, '0', '5', '8.25', '19', '8.875'),
});
const lines = fc.array(line, { minLength: 1, maxLength: 4 });
const day = fc.nat({ max: WINDOW_DAYS - 1 });

/** Mostly the first two customers (same currency), sometimes the one in another currency. */
const customer = fc.oneof(
  { weight: 5, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.constant(1) },
  { weight: 2, arbitrary: fc.constant(2) },
);

const abstractOp: fc.Arbitrary<AbstractOp> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('invoice' as const),
      customer,
      day,
      lines,
      draft: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, fc.constant(true)),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('post' as const), doc: plausiblePick }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constantFrom('credit_memo' as const, 'credit_memo' as const, 'debit_memo' as const),
      customer,
      link: fc.oneof(
        { weight: 2, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: plausiblePick },
      ),
      body: fc.oneof(
        fc.record({ amountMinor: fc.bigInt({ min: 1n, max: 60_000n }) }),
        fc.record({ lines }),
      ),
      day,
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('apply' as const),
      credit: plausiblePick,
      debit: plausiblePick,
      amount,
      when,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('unapply' as const), application: plausiblePick, when }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constantFrom('void' as const, 'write_off' as const),
      doc: plausiblePick,
      when,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('adjust' as const),
      doc: plausiblePick,
      reduce: fc.boolean(),
      amount,
      when,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('refund' as const),
      credit: plausiblePick,
      amount,
      when,
    }),
  },
);

/** Invoices and unapplied credits early in the window, so that later operations find targets. */
const earlyDay = fc.nat({ max: 4 });
const prelude: fc.Arbitrary<AbstractOp[]> = fc.tuple(
  fc.record({
    op: fc.constant('invoice' as const),
    customer: fc.constant(0),
    day: earlyDay,
    lines,
  }),
  fc.record({
    op: fc.constant('invoice' as const),
    customer: fc.constant(1),
    day: earlyDay,
    lines,
  }),
  fc.record({
    op: fc.constant('invoice' as const),
    customer: fc.constant(0),
    day: day,
    lines,
    draft: fc.constant(true),
  }),
  ...[0, 1].map((c) =>
    fc.record({
      op: fc.constant('credit_memo' as const),
      customer: fc.constant(c),
      link: fc.constant(null),
      body: fc.record({ amountMinor: fc.bigInt({ min: 1n, max: 90_000n }) }),
      day: earlyDay,
    }),
  ),
);

export const scenario: fc.Arbitrary<Scenario> = fc
  .constantFrom(['USD', 'JPY'], ['JPY', 'BHD'], ['BHD', 'USD'], ['EUR', 'USD'])
  .chain(([currency, otherCurrency]) =>
    fc.record({
      currency: fc.constant(currency!),
      otherCurrency: fc.constant(otherCurrency!),
      ops: fc
        .tuple(prelude, fc.array(abstractOp, { minLength: 6, maxLength: 24 }))
        .map(([first, rest]) => [...first, ...rest]),
      lockDay: fc.integer({ min: 5, max: 50 }),
    }),
  );

// ------------------------------------------------------------------------------------------
// Making an abstract operation concrete against the model
// ------------------------------------------------------------------------------------------

const abs = (x: bigint) => (x < 0n ? -x : x);
const DEBIT_KINDS = ['invoice', 'debit_memo', 'refund'];

/** A plausible target when asked for one (none: the operation is skipped), else any. */
function choose<T>(p: Target, plausible: T[], all: T[]): T | undefined {
  const from = p.plausible ? plausible : all;
  return from.length === 0 ? undefined : from[p.index % from.length];
}

/** A day of the window, or `after` days past the latest of `after` (kept inside the window). */
function dateOf(w: When, ...after: IsoDate[]): IsoDate {
  if ('day' in w) return addDays(WINDOW_START, w.day);
  const base = after.reduce((a, b) => (compareDates(a, b) >= 0 ? a : b), WINDOW_START);
  const date = addDays(base, w.after);
  return compareDates(date, WINDOW_END) > 0 ? WINDOW_END : date;
}

/** An amount relative to what is open (`limit`): all of it, part, more than it, or zero. */
function amountFor(a: Amount, limit: bigint): bigint {
  switch (a.mode) {
    case 'zero':
      return 0n;
    case 'over':
      return (limit > 0n ? limit : 0n) + 1n + BigInt(a.permille % 50);
    case 'full':
      return limit > 0n ? limit : 1n;
    case 'part': {
      const part = (limit * BigInt(a.permille)) / 1000n;
      return part > 0n ? part : 1n;
    }
  }
}

export function concretize(
  op: AbstractOp,
  model: LedgerModel,
  customers: string[],
  currencyOf: (customerId: string) => string,
): Operation | undefined {
  const docs = model.documents();
  const posted = docs.filter((d) => d.state === 'posted');
  const money = (minor: bigint, d: ModelDoc) => formatAmount(minor, d.currency);
  switch (op.op) {
    case 'invoice':
      return {
        op: 'invoice',
        customerId: customers[op.customer]!,
        issueDate: addDays(WINDOW_START, op.day),
        lines: op.lines,
        draft: op.draft ?? false,
      };
    case 'post': {
      const doc = choose(
        op.doc,
        docs.filter((d) => d.state === 'draft'),
        docs,
      );
      return doc ? { op: 'post', documentId: doc.id } : undefined;
    }
    case 'credit_memo':
    case 'debit_memo': {
      const customerId = customers[op.customer]!;
      const link = op.link
        ? choose(
            op.link,
            posted.filter((d) => d.customerId === customerId && DEBIT_KINDS.includes(d.kind)),
            docs,
          )
        : undefined;
      if (op.link && !link) return undefined;
      return {
        op: op.op,
        customerId,
        ...(link ? { invoiceId: link.id } : {}),
        ...('lines' in op.body
          ? { lines: op.body.lines }
          : { amount: formatAmount(op.body.amountMinor, currencyOf(customerId)) }),
        issueDate: addDays(WINDOW_START, op.day),
      };
    }
    case 'apply': {
      const credits = posted.filter((d) => d.open < 0n);
      const matched = credits.filter((c) =>
        posted.some((d) => d.open > 0n && d.customerId === c.customerId),
      );
      const credit = choose(op.credit, matched.length > 0 ? matched : credits, docs);
      if (!credit) return undefined;
      const debit = choose(
        op.debit,
        posted.filter((d) => d.open > 0n && d.customerId === credit.customerId),
        docs,
      );
      if (!debit) return undefined;
      const limit = debit.open < -credit.open ? debit.open : -credit.open;
      return {
        op: 'apply',
        creditId: credit.id,
        debitId: debit.id,
        amount: money(amountFor(op.amount, limit), credit),
        date: dateOf(op.when, credit.date, debit.date),
      };
    }
    case 'unapply': {
      const apps = model.applications();
      const application = choose(
        op.application,
        apps.filter((a) => a.amount > 0n && !a.reversed),
        apps,
      );
      if (!application) return undefined;
      return {
        op: 'unapply',
        applicationId: application.id,
        date: dateOf(op.when, application.date),
      };
    }
    case 'void': {
      const doc = choose(op.doc, posted, docs);
      if (!doc) return undefined;
      const latest = model.activeApplicationsOf(doc.id).map((a) => a.date);
      return { op: 'void', documentId: doc.id, date: dateOf(op.when, doc.date, ...latest) };
    }
    case 'write_off': {
      const doc = choose(
        op.doc,
        posted.filter((d) => DEBIT_KINDS.includes(d.kind) && d.open > 0n),
        docs,
      );
      if (!doc) return undefined;
      return { op: 'write_off', documentId: doc.id, date: dateOf(op.when, doc.date) };
    }
    case 'adjust': {
      const doc = choose(op.doc, posted, docs);
      if (!doc) return undefined;
      const sign = doc.amount > 0n ? 1n : -1n;
      const magnitude = op.reduce
        ? amountFor(op.amount, abs(doc.open))
        : 1n + BigInt(op.amount.permille) * 7n;
      return {
        op: 'adjust',
        documentId: doc.id,
        amount: money((op.reduce ? -sign : sign) * magnitude, doc),
        date: dateOf(op.when, doc.date),
      };
    }
    case 'refund': {
      const credit = choose(
        op.credit,
        posted.filter((d) => d.open < 0n),
        docs,
      );
      if (!credit) return undefined;
      return {
        op: 'refund',
        creditId: credit.id,
        amount: money(amountFor(op.amount, -credit.open), credit),
        date: dateOf(op.when, credit.date),
      };
    }
  }
}

// ------------------------------------------------------------------------------------------
// Running an operation through the service, as billing.routes.ts does
// ------------------------------------------------------------------------------------------

export async function perform(
  ctx: Ctx,
  op: Operation,
  currencyOf: (customerId: string) => string,
): Promise<string | undefined> {
  switch (op.op) {
    case 'invoice':
      return createInvoice(ctx, {
        customerId: op.customerId,
        issueDate: op.issueDate,
        currency: currencyOf(op.customerId),
        lines: op.lines,
        draft: op.draft,
      });
    case 'post':
      await postDocument(ctx, op.documentId);
      return undefined;
    case 'credit_memo':
    case 'debit_memo':
      return createMemo(ctx, op.op, {
        customerId: op.customerId,
        invoiceId: op.invoiceId,
        amount: op.amount,
        lines: op.lines,
        reason: REASON,
        issueDate: op.issueDate,
      });
    case 'apply':
      return applyCredit(ctx, {
        creditDocumentId: op.creditId,
        debitDocumentId: op.debitId,
        amount: op.amount,
        date: op.date,
      });
    case 'unapply':
      return unapply(ctx, op.applicationId, { reason: REASON, date: op.date });
    case 'void':
      await voidDocument(ctx, op.documentId, { reason: REASON, date: op.date });
      return undefined;
    case 'write_off':
      return writeOff(ctx, op.documentId, { reason: REASON, date: op.date });
    case 'adjust':
      return createAdjustment(ctx, {
        documentId: op.documentId,
        amount: op.amount,
        reason: REASON,
        date: op.date,
      });
    case 'refund':
      return createRefund(ctx, {
        creditDocumentId: op.creditId,
        amount: op.amount,
        reason: REASON,
        method: 'check',
        date: op.date,
      });
    case 'lock':
      await ctx.db
        .updateTable('organizations')
        .set({ closed_through: op.through })
        .where('id', '=', ctx.actor.orgId)
        .execute();
      return undefined;
  }
}

/** A readable line for the failure trace, with documents named by their model labels. */
export function describeOp(op: Operation, model: LedgerModel): string {
  const name = (id: string | undefined) =>
    id === undefined
      ? '-'
      : (model.docs.get(id)?.label ??
        model.customers.get(id)?.label ??
        model.apps.get(id)?.id ??
        id);
  const { op: kind, ...rest } = op;
  const shown = Object.fromEntries(
    Object.entries(rest).map(([k, v]) => [
      k,
      typeof v === 'string' && /Id$/.test(k)
        ? name(v)
        : Array.isArray(v)
          ? v.map((l: LineInput) => `${l.quantity}×${l.unitPrice}+${l.taxRate ?? 0}%`).join(' ')
          : v,
    ]),
  );
  return `${kind} ${JSON.stringify(shown)}`;
}
