/**
 * A model of the AR sub-ledger that the property test keeps beside the database: documents with
 * their amounts and open balances, applications, voids and the period lock. For each operation
 * it decides, from the business rules alone, whether the service must accept it and what it
 * must then write; the test compares that with what the service did.
 */
import { priceLines, type LineInput } from '../../../src/modules/billing/pricing.ts';
import { compareDates, type IsoDate } from '../../../src/shared/dates.ts';
import { parseAmount } from '../../../src/shared/money.ts';

export type DocKind =
  'invoice' | 'credit_memo' | 'debit_memo' | 'adjustment' | 'write_off' | 'refund';

export type ModelDoc = {
  id: string;
  label: string;
  kind: DocKind;
  customerId: string;
  currency: string;
  amount: bigint;
  open: bigint;
  date: IsoDate;
  state: 'draft' | 'posted' | 'voided';
  voidedDate: IsoDate | null;
  writtenOff: boolean;
  relatedId: string | null;
};

export type ModelApp = {
  id: string;
  debitId: string;
  creditId: string;
  amount: bigint;
  date: IsoDate;
  reversesId: string | null;
  reversed: boolean;
};

/** An operation with everything concrete: ids, decimal strings and dates, as the service takes it. */
export type Operation =
  | { op: 'invoice'; customerId: string; issueDate: IsoDate; lines: LineInput[]; draft: boolean }
  | { op: 'post'; documentId: string }
  | {
      op: 'credit_memo' | 'debit_memo';
      customerId: string;
      invoiceId?: string;
      amount?: string;
      lines?: LineInput[];
      issueDate: IsoDate;
    }
  | { op: 'apply'; creditId: string; debitId: string; amount: string; date: IsoDate }
  | { op: 'unapply'; applicationId: string; date: IsoDate }
  | { op: 'void'; documentId: string; date: IsoDate }
  | { op: 'write_off'; documentId: string; date: IsoDate }
  | { op: 'adjust'; documentId: string; amount: string; date: IsoDate }
  | { op: 'refund'; creditId: string; amount: string; date: IsoDate }
  | { op: 'lock'; through: IsoDate };

/** What the service must write for an accepted operation. */
export type ExpectedApp = {
  debitId: string;
  creditId: string;
  amount: bigint;
  date: IsoDate;
  reversesId: string | null;
};

export class Refusal extends Error {}

const DEBIT_KINDS: readonly DocKind[] = ['invoice', 'debit_memo', 'refund'];
const NEW = '(new)';

function refuse(why: string): never {
  throw new Refusal(why);
}

const maxDate = (a: IsoDate, b: IsoDate) => (compareDates(a, b) >= 0 ? a : b);
const abs = (x: bigint) => (x < 0n ? -x : x);

export class LedgerModel {
  readonly docs = new Map<string, ModelDoc>();
  readonly apps = new Map<string, ModelApp>();
  closedThrough: IsoDate | null = null;
  private counter = 0;

  constructor(readonly customers: ReadonlyMap<string, { currency: string; label: string }>) {}

  clone(): LedgerModel {
    const copy = new LedgerModel(this.customers);
    for (const [id, d] of this.docs) copy.docs.set(id, { ...d });
    for (const [id, a] of this.apps) copy.apps.set(id, { ...a });
    copy.closedThrough = this.closedThrough;
    copy.counter = this.counter;
    return copy;
  }

  /** Documents in creation order. */
  documents(): ModelDoc[] {
    return [...this.docs.values()];
  }

  applications(): ModelApp[] {
    return [...this.apps.values()];
  }

  /** What the customer owes (positive) or is owed, by the open balances. */
  customerBalance(customerId: string): bigint {
    return this.documents()
      .filter((d) => d.customerId === customerId)
      .reduce((s, d) => s + d.open, 0n);
  }

  /** The sub-ledger per currency at the end of `date`: amounts issued by then, less voids. */
  subledgerAt(date: IsoDate): Map<string, bigint> {
    const totals = new Map<string, bigint>();
    for (const d of this.documents()) {
      if (d.state === 'draft' || compareDates(d.date, date) > 0) continue;
      if (d.voidedDate && compareDates(d.voidedDate, date) <= 0) continue;
      totals.set(d.currency, (totals.get(d.currency) ?? 0n) + d.amount);
    }
    return totals;
  }

  /** One customer's balance at the end of `date`, the way the AR control lines add up. */
  customerBalanceAt(customerId: string, date: IsoDate): bigint {
    let total = 0n;
    for (const d of this.documents()) {
      if (d.customerId !== customerId || d.state === 'draft') continue;
      if (compareDates(d.date, date) > 0) continue;
      if (d.voidedDate && compareDates(d.voidedDate, date) <= 0) continue;
      total += d.amount;
    }
    return total;
  }

  /** Every date on which some balance can change (documents, applications, voids). */
  changeDates(): IsoDate[] {
    const dates = new Set<IsoDate>();
    for (const d of this.docs.values()) {
      dates.add(d.date);
      if (d.voidedDate) dates.add(d.voidedDate);
    }
    for (const a of this.apps.values()) dates.add(a.date);
    return [...dates].sort();
  }

  private doc(id: string): ModelDoc {
    return this.docs.get(id) ?? refuse(`no document ${id}`);
  }

  private periodOpen(date: IsoDate) {
    if (this.closedThrough && compareDates(date, this.closedThrough) <= 0)
      refuse(`${date} is in the period closed through ${this.closedThrough}`);
  }

  private addDoc(
    doc: Omit<ModelDoc, 'label' | 'state' | 'voidedDate' | 'writtenOff'>,
    state: 'draft' | 'posted' = 'posted',
  ): ModelDoc {
    this.counter += 1;
    const full: ModelDoc = {
      ...doc,
      label: `#${this.counter} ${doc.kind}`,
      state,
      voidedDate: null,
      writtenOff: false,
    };
    this.docs.set(doc.id, full);
    return full;
  }

  /** Moves both open balances; asserts the model's own bounds. */
  private move(
    expected: ExpectedApp[],
    debit: ModelDoc,
    credit: ModelDoc,
    amount: bigint,
    date: IsoDate,
    reversesId: string | null = null,
  ) {
    debit.open -= amount;
    credit.open += amount;
    for (const d of [debit, credit]) {
      if (abs(d.open) > abs(d.amount) || (d.open !== 0n && d.open < 0n !== d.amount < 0n))
        throw new Error(`model bug: ${d.label} open ${d.open} of ${d.amount}`);
    }
    expected.push({ debitId: debit.id, creditId: credit.id, amount, date, reversesId });
  }

  private price(lines: LineInput[], currency: string) {
    try {
      return priceLines(lines, currency);
    } catch (e) {
      return refuse(`lines: ${(e as Error).message}`);
    }
  }

  private parse(amount: string, currency: string): bigint {
    try {
      return parseAmount(amount, currency);
    } catch {
      return refuse(`amount ${amount} is not valid in ${currency}`);
    }
  }

  /**
   * Applies `operation` to the model. Throws {@link Refusal} when the service must refuse it;
   * otherwise returns the applications the service must write. `newId` is the id the service
   * returned for the document it created (adjustments, memos, refunds, write-offs).
   */
  apply(operation: Operation, newId: string = NEW): ExpectedApp[] {
    const expected: ExpectedApp[] = [];
    switch (operation.op) {
      case 'lock':
        this.closedThrough = operation.through;
        return expected;
      case 'invoice': {
        const customer = this.customers.get(operation.customerId) ?? refuse('no customer');
        const priced = this.price(operation.lines, customer.currency);
        if (priced.totalMinor === 0n) refuse('the invoice totals zero');
        // a draft posts nothing, so the period lock does not concern it yet
        if (!operation.draft) this.periodOpen(operation.issueDate);
        this.addDoc(
          {
            id: newId,
            kind: 'invoice',
            customerId: operation.customerId,
            currency: customer.currency,
            amount: priced.totalMinor,
            open: operation.draft ? 0n : priced.totalMinor,
            date: operation.issueDate,
            relatedId: null,
          },
          operation.draft ? 'draft' : 'posted',
        );
        return expected;
      }
      case 'post': {
        const doc = this.doc(operation.documentId);
        if (doc.state !== 'draft') refuse(`${doc.label} is ${doc.state}`);
        this.periodOpen(doc.date);
        doc.state = 'posted';
        doc.open = doc.amount;
        return expected;
      }
      case 'credit_memo':
      case 'debit_memo': {
        const customer = this.customers.get(operation.customerId) ?? refuse('no customer');
        const related = operation.invoiceId ? this.doc(operation.invoiceId) : undefined;
        if (related) {
          if (related.customerId !== operation.customerId) refuse('related: another customer');
          if (related.state !== 'posted') refuse(`related ${related.label} is ${related.state}`);
          if (!DEBIT_KINDS.includes(related.kind)) refuse(`related ${related.label} not a debit`);
        }
        const total = operation.lines
          ? this.price(operation.lines, customer.currency).totalMinor
          : this.parse(operation.amount!, customer.currency);
        if (total <= 0n) refuse('the memo totals zero');
        this.periodOpen(operation.issueDate);
        const sign = operation.op === 'credit_memo' ? -1n : 1n;
        const memo = this.addDoc({
          id: newId,
          kind: operation.op,
          customerId: operation.customerId,
          currency: customer.currency,
          amount: sign * total,
          open: sign * total,
          date: operation.issueDate,
          relatedId: related?.id ?? null,
        });
        if (operation.op === 'credit_memo' && related && related.open > 0n) {
          const applied = related.open < total ? related.open : total;
          // on the memo's date, or later when the invoice moved after it
          const on = this.latestMovement([related.id], maxDate(operation.issueDate, related.date));
          this.move(expected, related, memo, applied, on);
        }
        return expected;
      }
      case 'apply': {
        const credit = this.doc(operation.creditId);
        const debit = this.doc(operation.debitId);
        if (credit.state !== 'posted' || credit.amount >= 0n) refuse('not a posted credit');
        if (debit.state !== 'posted' || debit.amount <= 0n) refuse('not a posted debit');
        if (credit.customerId !== debit.customerId) refuse('two customers');
        if (credit.currency !== debit.currency) refuse('two currencies');
        const amount = this.parse(operation.amount, credit.currency);
        if (amount <= 0n) refuse('amount not positive');
        if (amount > debit.open) refuse(`more than the debit's open ${debit.open}`);
        if (amount > -credit.open) refuse(`more than the credit's open ${credit.open}`);
        if (
          compareDates(
            operation.date,
            this.latestMovement([credit.id, debit.id], maxDate(credit.date, debit.date)),
          ) < 0
        )
          refuse('dated before its documents or their latest application');
        this.periodOpen(operation.date);
        this.move(expected, debit, credit, amount, operation.date);
        return expected;
      }
      case 'unapply': {
        const original = this.apps.get(operation.applicationId) ?? refuse('no application');
        if (original.amount < 0n) refuse('an unapplication');
        if (original.reversed) refuse('already unapplied');
        if (
          compareDates(
            operation.date,
            this.latestMovement([original.debitId, original.creditId], original.date),
          ) < 0
        )
          refuse('dated before the latest application of its documents');
        this.periodOpen(operation.date);
        this.unapplyInto(expected, original, operation.date);
        return expected;
      }
      case 'void': {
        const doc = this.doc(operation.documentId);
        if (doc.state !== 'posted') refuse(`${doc.label} is ${doc.state}`);
        // the service voids the document's write-offs and adjustments with it, and dates the
        // void no earlier than any application touching the document or those corrections
        const related = [...this.docs.values()].filter(
          (d) => d.relatedId === doc.id && (d.kind === 'write_off' || d.kind === 'adjustment'),
        );
        // each unapplication is dated no earlier than the latest application of both its
        // documents, so the other sides of what the void unapplies count as well
        const own = [doc.id, ...related.map((r) => r.id)];
        const ids = new Set(own);
        for (const a of own.flatMap((o) => this.activeApplicationsOf(o))) {
          ids.add(a.debitId);
          ids.add(a.creditId);
        }
        const latest = this.latestMovement(
          [...ids],
          related.reduce((d, r) => maxDate(d, r.date), doc.date),
        );
        if (compareDates(operation.date, latest) < 0) refuse(`dated before ${latest}`);
        this.periodOpen(operation.date);
        const corrections = related.filter((d) => d.state === 'posted');
        for (const c of corrections) this.voidInto(expected, c, operation.date);
        this.voidInto(expected, doc, operation.date);
        return expected;
      }
      case 'write_off': {
        const target = this.doc(operation.documentId);
        if (!DEBIT_KINDS.includes(target.kind) || target.state !== 'posted' || target.open <= 0n)
          refuse('nothing to write off');
        const open = target.open;
        this.adjustInto(expected, target, -open, operation.date, 'write_off', newId);
        target.writtenOff = true;
        return expected;
      }
      case 'adjust': {
        const target = this.doc(operation.documentId);
        const amount = this.parse(operation.amount, target.currency);
        this.adjustInto(expected, target, amount, operation.date, 'adjustment', newId);
        return expected;
      }
      case 'refund': {
        const credit = this.doc(operation.creditId);
        if (credit.state !== 'posted' || credit.amount >= 0n) refuse('not a posted credit');
        const amount = this.parse(operation.amount, credit.currency);
        if (amount <= 0n) refuse('amount not positive');
        if (amount > -credit.open) refuse(`more than the unapplied ${-credit.open}`);
        if (compareDates(operation.date, this.latestMovement([credit.id], credit.date)) < 0)
          refuse('dated before the credit or its latest application');
        this.periodOpen(operation.date);
        const refund = this.addDoc({
          id: newId,
          kind: 'refund',
          customerId: credit.customerId,
          currency: credit.currency,
          amount,
          open: amount,
          date: operation.date,
          relatedId: credit.id,
        });
        this.move(expected, refund, credit, amount, operation.date);
        return expected;
      }
    }
  }

  private adjustInto(
    expected: ExpectedApp[],
    target: ModelDoc,
    amount: bigint,
    date: IsoDate,
    kind: 'adjustment' | 'write_off',
    newId: string,
  ) {
    if (target.state !== 'posted') refuse(`${target.label} is ${target.state}`);
    if (amount === 0n) refuse('zero adjustment');
    const reduces = amount < 0n === target.amount > 0n;
    if (reduces && abs(amount) > abs(target.open)) refuse('more than the open balance');
    if (compareDates(date, target.date) < 0) refuse('dated before the document');
    // one that lowers the balance is an application: not before the document's latest one
    if (reduces && compareDates(date, this.latestMovement([target.id], target.date)) < 0)
      refuse('dated before the latest application');
    this.periodOpen(date);
    const adjustment = this.addDoc({
      id: newId,
      kind,
      customerId: target.customerId,
      currency: target.currency,
      amount,
      open: amount,
      date,
      relatedId: target.id,
    });
    if (reduces) {
      const [debit, credit] = target.amount > 0n ? [target, adjustment] : [adjustment, target];
      this.move(expected, debit, credit, abs(amount), date);
    }
  }

  activeApplicationsOf(docId: string): ModelApp[] {
    return this.applications().filter(
      (a) => a.amount > 0n && !a.reversed && (a.debitId === docId || a.creditId === docId),
    );
  }

  /** The latest date of any application row touching the documents, or `floor`. */
  private latestMovement(ids: readonly string[], floor: IsoDate): IsoDate {
    let latest = floor;
    for (const a of this.apps.values()) {
      if (ids.includes(a.debitId) || ids.includes(a.creditId)) latest = maxDate(latest, a.date);
    }
    return latest;
  }

  private voidInto(expected: ExpectedApp[], doc: ModelDoc, date: IsoDate) {
    for (const a of this.activeApplicationsOf(doc.id)) this.unapplyInto(expected, a, date);
    if (doc.open !== doc.amount) throw new Error(`model bug: ${doc.label} still applied`);
    doc.state = 'voided';
    doc.open = 0n;
    doc.voidedDate = date;
    if (doc.kind === 'write_off' && doc.relatedId) this.doc(doc.relatedId).writtenOff = false;
  }

  private unapplyInto(expected: ExpectedApp[], original: ModelApp, date: IsoDate) {
    const debit = this.doc(original.debitId);
    const credit = this.doc(original.creditId);
    original.reversed = true;
    this.move(expected, debit, credit, -original.amount, date, original.id);
    if (debit.writtenOff && credit.kind === 'write_off') debit.writtenOff = false;
  }

  /** Records the applications the service wrote, under their real ids. */
  recordApplications(rows: ReadonlyArray<ExpectedApp & { id: string }>) {
    for (const r of rows) {
      this.apps.set(r.id, {
        id: r.id,
        debitId: r.debitId,
        creditId: r.creditId,
        amount: r.amount,
        date: r.date,
        reversesId: r.reversesId,
        reversed: false,
      });
      if (r.reversesId) {
        const original = this.apps.get(r.reversesId);
        if (original) original.reversed = true;
      }
    }
  }
}
