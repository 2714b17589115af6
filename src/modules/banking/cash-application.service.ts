/**
 * Cash application from bank statement lines: each incoming line is first tied to a receipt or
 * deposit already recorded (a check keyed in, then seen on the statement), otherwise the
 * matcher scores the organization's open items for it and keeps its suggestions with their
 * evidence. Auto-apply posts every line whose best suggestion reaches the organization's
 * threshold in one batch; the rest waits in the workbench, where a person accepts, splits,
 * records an unidentified receipt or ignores it. A person's match teaches the payer.
 */
import { sql } from 'kysely';
import { pipelineWrites, rowsJson } from '../../db/bulk.ts';
import type { PaymentMethod, StatementLineStatus } from '../../db/schema.ts';
import { ACCESS, hasRole } from '../../shared/actor.ts';
import { addDays, compareDates, type IsoDate } from '../../shared/dates.ts';
import { DomainError, ForbiddenError, NotFoundError } from '../../shared/errors.ts';
import { formatAmount } from '../../shared/money.ts';
import { recordAudit } from '../audit/index.ts';
import { lockDocuments, orgToday, type Ctx } from '../billing/documents.service.ts';
import { postReceiptsBatch, type BatchReceipt } from '../payments/payments.batch.ts';
import {
  applyPayment,
  createPayment,
  loadPayment,
  type ApplicationLineInput,
} from '../payments/payments.service.ts';
import { loadPayerHints } from '../payments/payer-hints.ts';
import { grantedDiscounts } from '../payments/payments.repository.ts';
import {
  lockBankAccount,
  type LineClassifier,
  type NewStatementLine,
} from './bank-statements.service.ts';
import { MatchIndex } from './matching/match-index.ts';
import type { MatchLine, Suggestion } from './matching/types.ts';

/** A suggestion as stored on the line (bigints as strings, JSON). */
type StoredSuggestion = {
  customerId: string;
  score: number;
  evidence: string[];
  unappliedMinor: string;
  shortPayMinor: string;
  allocations: Array<{ documentId: string; amountMinor: string; discountMinor: string }>;
};

function store(s: Suggestion): StoredSuggestion {
  return {
    customerId: s.customerId,
    score: s.score,
    evidence: s.evidence,
    unappliedMinor: s.unappliedMinor.toString(),
    shortPayMinor: s.shortPayMinor.toString(),
    allocations: s.allocations.map((a) => ({
      documentId: a.documentId,
      amountMinor: a.amountMinor.toString(),
      discountMinor: a.discountMinor.toString(),
    })),
  };
}

function storedOf(value: unknown): StoredSuggestion[] {
  return Array.isArray(value) ? (value as StoredSuggestion[]) : [];
}

type LineRow = {
  id: string;
  statement_id: string;
  bank_account_id: string;
  amount_minor: bigint;
  currency: string;
  booking_date: string | null;
  value_date: string | null;
  counterparty_name: string | null;
  counterparty_account: string | null;
  remittance_info: string | null;
  end_to_end_id: string | null;
  bank_reference: string | null;
  type_code: string | null;
  status: StatementLineStatus;
  suggestions: unknown;
  duplicate_of: string | null;
};

const LINE_COLUMNS = [
  'id',
  'statement_id',
  'bank_account_id',
  'amount_minor',
  'currency',
  'booking_date',
  'value_date',
  'counterparty_name',
  'counterparty_account',
  'remittance_info',
  'end_to_end_id',
  'bank_reference',
  'type_code',
  'status',
  'suggestions',
  'duplicate_of',
] as const;

function requireWriter(ctx: Ctx) {
  if (!hasRole(ctx.actor, ACCESS.write)) throw new ForbiddenError('Only AR staff can apply cash');
}

async function threshold(ctx: Ctx): Promise<number> {
  const org = await ctx.db
    .selectFrom('organizations')
    .select('auto_match_threshold')
    .where('id', '=', ctx.actor.orgId)
    .executeTakeFirstOrThrow();
  return Number(org.auto_match_threshold);
}

/** The matcher over the organization's open items in one currency. */
export async function buildMatchIndex(
  ctx: Pick<Ctx, 'db' | 'actor'>,
  currency: string,
): Promise<MatchIndex> {
  const [items, customers, hints, org] = await Promise.all([
    ctx.db
      .selectFrom('ar_documents as d')
      // what its discount documents already granted is not offered again (one pass over the
      // organization's discounts, joined by hash)
      .leftJoin(
        () => grantedDiscounts(ctx.db, ctx.actor.orgId).as('g'),
        (j) => j.onRef('g.related_document_id', '=', 'd.id'),
      )
      .select([
        'id',
        'customer_id',
        'number',
        'po_number',
        'currency',
        'open_minor',
        'amount_minor',
        'issue_date',
        'due_date',
        'discount_date',
        sql<bigint>`(d.discount_minor + coalesce(g.granted, 0))::bigint`.as('discount_minor'),
      ])
      .where('org_id', '=', ctx.actor.orgId)
      .where('state', '=', 'posted')
      .where('kind', 'in', ['invoice', 'debit_memo'])
      .where('currency', '=', currency)
      .where('open_minor', '>', 0n)
      .execute(),
    ctx.db
      .selectFrom('customers')
      .select(['id', 'name', 'account_number', 'legal_name'])
      .where('org_id', '=', ctx.actor.orgId)
      .execute(),
    loadPayerHints(ctx),
    ctx.db
      .selectFrom('organizations')
      .select('auto_match_threshold')
      .where('id', '=', ctx.actor.orgId)
      .executeTakeFirstOrThrow(),
  ]);
  return new MatchIndex(
    {
      openItems: items.map((d) => ({
        id: d.id,
        customerId: d.customer_id,
        number: d.number ?? '',
        poNumber: d.po_number,
        currency: d.currency,
        openMinor: d.open_minor,
        amountMinor: d.amount_minor,
        issueDate: d.issue_date as IsoDate,
        dueDate: d.due_date as IsoDate | null,
        discountDate: d.discount_date as IsoDate | null,
        discountMinor: d.discount_minor,
      })),
      customers: customers.map((c) => ({
        id: c.id,
        name: c.name,
        accountNumber: c.account_number,
        otherNames: c.legal_name && c.legal_name !== c.name ? [c.legal_name] : [],
      })),
      payerHints: hints,
    },
    { autoApplyThreshold: Number(org.auto_match_threshold) },
  );
}

function matchLineOf(l: MatchableLine): MatchLine {
  return {
    amountMinor: l.amount_minor,
    currency: l.currency,
    bookingDate: l.booking_date as IsoDate | null,
    valueDate: l.value_date as IsoDate | null,
    counterpartyName: l.counterparty_name,
    counterpartyAccount: l.counterparty_account,
    remittanceInfo: l.remittance_info,
    endToEndId: l.end_to_end_id,
  };
}

async function loadStatement(ctx: Ctx, id: string) {
  const statement = await ctx.db
    .selectFrom('bank_statements')
    .select(['id', 'bank_account_id', 'currency', 'format'])
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!statement) throw new NotFoundError(`Bank statement ${id} not found`);
  return statement;
}

async function openLines(ctx: Ctx, statementId: string): Promise<LineRow[]> {
  return (
    ctx.db
      .selectFrom('bank_statement_lines')
      .select([...LINE_COLUMNS])
      .where('org_id', '=', ctx.actor.orgId)
      .where('statement_id', '=', statementId)
      .where('status', 'in', ['unmatched', 'suggested'])
      .where('amount_minor', '>', 0n)
      .orderBy('line_no')
      // a person applying one of these lines waits, then finds it done (and the other way round)
      .forUpdate()
      .execute()
  );
}

type LineUpdate = {
  id: string;
  status: StatementLineStatus;
  suggestions?: StoredSuggestion[] | null;
  paymentId?: string | null;
  depositBatchId?: string | null;
  note?: string | null;
};

/** Sets status, suggestions, payment and note of many lines, one statement per 5,000 lines. */
async function updateLines(
  ctx: Ctx,
  updates: LineUpdate[],
  /** only lines still open (unmatched, suggested) change: match results never undo a decision */
  onlyOpen = false,
) {
  for (let i = 0; i < updates.length; i += 5000) {
    await linesUpdate(ctx, updates.slice(i, i + 5000), onlyOpen).execute(ctx.db);
  }
}

/** The UPDATE of {@link updateLines} for one chunk of lines, serialized now. */
function linesUpdate(ctx: Ctx, chunk: readonly LineUpdate[], onlyOpen = false) {
  // the lines are found by their ids (an index scan of the primary key), whatever the
  // planner's statistics say about a table that was just filled
  const ids = JSON.stringify(chunk.map((u) => u.id));
  const json = rowsJson(
    chunk.map((u) => ({
      id: u.id,
      status: u.status,
      suggestions: u.suggestions ?? null,
      set_suggestions: u.suggestions !== undefined,
      payment_id: u.paymentId ?? null,
      batch_id: u.depositBatchId ?? null,
      note: u.note ?? null,
    })),
  );
  return sql`
    update bank_statement_lines l set
      status = v.status,
      suggestions = case when v.set_suggestions then v.suggestions else l.suggestions end,
      payment_id = coalesce(v.payment_id, l.payment_id),
      deposit_batch_id = coalesce(v.batch_id, l.deposit_batch_id),
      status_note = v.note,
      matched_at = ${ctx.now},
      updated_by_name = ${ctx.actor.name}
    from json_to_recordset(${json}::json)
      as v(id uuid, status text, suggestions json, set_suggestions boolean, payment_id uuid, batch_id uuid, note text)
    where l.org_id = ${ctx.actor.orgId} and l.id = v.id
      and l.id = any(array(select json_array_elements_text(${ids}::json)::uuid))
      and (${!onlyOpen} or l.status in ('unmatched', 'suggested'))`;
}

/**
 * Ties lines to receipts and deposits already recorded in Dunwell: same bank account (or none
 * given), same amount, received within 10 days before to 3 days after the booking; a reference
 * that agrees decides between several, otherwise only a single candidate is taken.
 */
async function reconcileRecorded(
  ctx: Ctx,
  bankAccountId: string,
  currency: string,
  lines: readonly MatchableLine[],
) {
  if (lines.length === 0)
    return new Map<string, { paymentId?: string; batchId?: string; note: string }>();
  const dates = lines
    .map((l) => (l.booking_date ?? l.value_date) as IsoDate | null)
    .filter((d): d is IsoDate => d !== null);
  if (dates.length === 0) return new Map();
  const from = addDays(
    dates.reduce((a, b) => (compareDates(a, b) <= 0 ? a : b)),
    -10,
  );
  const to = addDays(
    dates.reduce((a, b) => (compareDates(a, b) >= 0 ? a : b)),
    3,
  );
  const payments = await ctx.db
    .selectFrom('payments as p')
    .select(['p.id', 'p.number', 'p.amount_minor', 'p.received_date', 'p.reference'])
    .where('p.org_id', '=', ctx.actor.orgId)
    .where('p.currency', '=', currency)
    .where('p.status', '=', 'posted')
    .where('p.deposit_batch_id', 'is', null)
    .where((eb) =>
      eb.or([eb('p.bank_account_id', '=', bankAccountId), eb('p.bank_account_id', 'is', null)]),
    )
    .where('p.received_date', '>=', from)
    .where('p.received_date', '<=', to)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('bank_statement_lines as l')
            .select('l.id')
            .whereRef('l.org_id', '=', 'p.org_id')
            .whereRef('l.payment_id', '=', 'p.id'),
        ),
      ),
    )
    .execute();
  const batches = await ctx.db
    .selectFrom('deposit_batches as b')
    .select([
      'b.id',
      'b.number',
      'b.deposit_date',
      sql<string>`coalesce(b.deposited_minor, 0)`.as('total'),
    ])
    .where('b.org_id', '=', ctx.actor.orgId)
    .where('b.bank_account_id', '=', bankAccountId)
    .where('b.status', '=', 'deposited')
    .where('b.deposit_date', '>=', from)
    .where('b.deposit_date', '<=', to)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('bank_statement_lines as l')
            .select('l.id')
            .whereRef('l.org_id', '=', 'b.org_id')
            .whereRef('l.deposit_batch_id', '=', 'b.id'),
        ),
      ),
    )
    .execute();
  const taken = new Set<string>();
  const result = new Map<string, { paymentId?: string; batchId?: string; note: string }>();
  const within = (lineDate: string | null, date: string | null) => {
    if (!lineDate || !date) return false;
    return (
      compareDates(date as IsoDate, addDays(lineDate as IsoDate, -10)) >= 0 &&
      compareDates(date as IsoDate, addDays(lineDate as IsoDate, 3)) <= 0
    );
  };
  // candidates are looked up by amount: a statement of 100k lines against thousands of receipts
  const paymentsByAmount = new Map<bigint, typeof payments>();
  for (const p of payments) {
    const same = paymentsByAmount.get(p.amount_minor);
    if (same) same.push(p);
    else paymentsByAmount.set(p.amount_minor, [p]);
  }
  for (const line of lines) {
    const lineDate = line.booking_date ?? line.value_date;
    const text =
      `${line.remittance_info ?? ''} ${line.end_to_end_id ?? ''} ${line.bank_reference ?? ''}`.toUpperCase();
    const candidates = (paymentsByAmount.get(line.amount_minor) ?? []).filter(
      (p) => !taken.has(p.id) && within(lineDate, p.received_date),
    );
    const byReference = candidates.filter(
      (p) => p.reference && text.includes(p.reference.toUpperCase()),
    );
    const pick =
      byReference.length === 1
        ? byReference[0]
        : candidates.length === 1
          ? candidates[0]
          : undefined;
    if (pick) {
      taken.add(pick.id);
      result.set(line.id, {
        paymentId: pick.id,
        note: `Receipt ${pick.number} recorded on ${pick.received_date}`,
      });
      continue;
    }
    const batch = batches.filter(
      (b) =>
        !taken.has(b.id) &&
        BigInt(b.total) === line.amount_minor &&
        within(lineDate, b.deposit_date),
    );
    if (batch.length === 1) {
      taken.add(batch[0]!.id);
      result.set(line.id, {
        batchId: batch[0]!.id,
        note: `Deposit ${batch[0]!.number} of ${batch[0]!.deposit_date}`,
      });
    }
  }
  await adoptBankAccount(
    ctx,
    bankAccountId,
    [...result.values()].flatMap((t) => (t.paymentId ? [t.paymentId] : [])),
  );
  return result;
}

/**
 * Receipts recorded without a bank account, now tied to a line of one: the bank says where the
 * money arrived, so they become receipts of that account (its cash reconciliation counts them).
 */
async function adoptBankAccount(ctx: Ctx, bankAccountId: string, paymentIds: readonly string[]) {
  if (paymentIds.length === 0) return;
  await ctx.db
    .updateTable('payments')
    .set({ bank_account_id: bankAccountId })
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', 'in', paymentIds)
    .where('bank_account_id', 'is', null)
    .execute();
}

export type MatchCounts = { reconciled: number; suggested: number; unmatched: number };

/** The fields of a line that matching reads (a stored row or one about to be stored). */
type MatchableLine = Pick<
  LineRow,
  | 'id'
  | 'amount_minor'
  | 'currency'
  | 'booking_date'
  | 'value_date'
  | 'counterparty_name'
  | 'counterparty_account'
  | 'remittance_info'
  | 'end_to_end_id'
  | 'bank_reference'
>;

/**
 * What becomes of open incoming lines: tied to a receipt or deposit already recorded, else
 * suggested with the matcher's candidates, else unmatched. The receipts and deposits are read
 * once for all `lines`; the returned function decides a chunk of them (synchronously).
 */
async function lineDecider(
  ctx: Ctx,
  statement: { bankAccountId: string; currency: string },
  lines: readonly MatchableLine[],
  matcher: MatchIndex,
  counts: MatchCounts,
): Promise<(chunk: readonly MatchableLine[]) => LineUpdate[]> {
  const recorded = await reconcileRecorded(ctx, statement.bankAccountId, statement.currency, lines);
  return (chunk) => {
    const updates: LineUpdate[] = [];
    for (const line of chunk) {
      const tie = recorded.get(line.id);
      if (tie) {
        counts.reconciled++;
        updates.push({
          id: line.id,
          status: 'reconciled',
          suggestions: null,
          paymentId: tie.paymentId ?? null,
          depositBatchId: tie.batchId ?? null,
          note: tie.note,
        });
        continue;
      }
      const suggestions = matcher.match(matchLineOf(line)).map(store);
      const status: StatementLineStatus = suggestions.length ? 'suggested' : 'unmatched';
      counts[status === 'suggested' ? 'suggested' : 'unmatched']++;
      updates.push({ id: line.id, status, suggestions, note: null });
    }
    return updates;
  };
}

/** Lines matched per statement written: the next chunk is matched while one is written. */
const MATCH_CHUNK = 1000;

/** (Re)computes the suggestions of a statement's open lines and ties recorded receipts. */
export async function matchStatement(
  ctx: Ctx,
  statementId: string,
  index?: MatchIndex,
): Promise<MatchCounts> {
  requireWriter(ctx);
  const statement = await loadStatement(ctx, statementId);
  // the receipts and deposits it ties are the account's: one at a time per account
  await lockBankAccount(ctx, statement.bank_account_id);
  const lines = await openLines(ctx, statementId);
  const matcher = index ?? (await buildMatchIndex(ctx, statement.currency));
  const counts: MatchCounts = { reconciled: 0, suggested: 0, unmatched: 0 };
  const decide = await lineDecider(
    ctx,
    { bankAccountId: statement.bank_account_id, currency: statement.currency },
    lines,
    matcher,
    counts,
  );
  await pipelineWrites(lines, MATCH_CHUNK, decide, (updates) => updateLines(ctx, updates, true));
  return counts;
}

/**
 * Matching at import (`importBankFile`'s `classify`): each new statement's incoming lines are
 * tied or matched before they are stored, so they are written once. One match index per
 * currency serves every statement of the file; `counts` adds up what was decided.
 */
export function lineClassifier(
  ctx: Ctx,
  indexes: Map<string, MatchIndex> = new Map(),
): { classify: LineClassifier; counts: MatchCounts } {
  requireWriter(ctx);
  const counts: MatchCounts = { reconciled: 0, suggested: 0, unmatched: 0 };
  const isOpen = (l: NewStatementLine) => l.status === 'unmatched' && l.amount_minor > 0n;
  const classify: LineClassifier = async (statement, lines) => {
    let matcher = indexes.get(statement.currency);
    if (!matcher && lines.some(isOpen)) {
      matcher = await buildMatchIndex(ctx, statement.currency);
      indexes.set(statement.currency, matcher);
    }
    if (!matcher) return () => undefined;
    // storeStatement sets every column of a new line (none is left undefined)
    const decide = await lineDecider(
      ctx,
      statement,
      lines.filter(isOpen) as MatchableLine[],
      matcher,
      counts,
    );
    return (chunk) => {
      const open = chunk.filter(isOpen);
      const byId = new Map(open.map((l) => [l.id, l]));
      for (const u of decide(open as MatchableLine[])) {
        const line = byId.get(u.id)!;
        line.status = u.status;
        line.suggestions = u.suggestions ?? null;
        line.payment_id = u.paymentId ?? null;
        line.deposit_batch_id = u.depositBatchId ?? null;
        line.status_note = u.note ?? null;
        line.matched_at = ctx.now;
        line.updated_by_name = ctx.actor.name;
      }
    };
  };
  return { classify, counts };
}

function methodOf(format: string, typeCode: string | null): PaymentMethod {
  if (format === 'lockbox') return 'check';
  if (format === 'bai2' && typeCode) {
    if (/^1[4-6]\d$/.test(typeCode)) return 'ach';
    if (/^19\d$/.test(typeCode)) return 'wire';
    if (/^(115|116|118|301|302)$/.test(typeCode)) return 'check';
  }
  return 'wire';
}

export type AutoApplyResult = MatchCounts & { applied: number };

/** How many of a statement's incoming lines wait, as suggested or unmatched (none newly tied). */
async function openCounts(ctx: Ctx, statementId: string): Promise<MatchCounts> {
  const rows = await ctx.db
    .selectFrom('bank_statement_lines')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('org_id', '=', ctx.actor.orgId)
    .where('statement_id', '=', statementId)
    .where('status', 'in', ['unmatched', 'suggested'])
    .where('amount_minor', '>', 0n)
    .groupBy('status')
    .execute();
  const count = (status: StatementLineStatus) =>
    Number(rows.find((r) => r.status === status)?.n ?? 0);
  return { reconciled: 0, suggested: count('suggested'), unmatched: count('unmatched') };
}

/**
 * Matches the statement afresh (unless `rematch` is false: the lines were just matched, e.g. at
 * import) and applies every line whose best suggestion reaches the organization's threshold, in
 * one batch. Lines that changed under it stay suggested.
 */
export async function autoApply(
  ctx: Ctx,
  statementId: string,
  options: { index?: MatchIndex | undefined; rematch?: boolean } = {},
): Promise<AutoApplyResult> {
  requireWriter(ctx);
  const statement = await loadStatement(ctx, statementId);
  const counts =
    options.rematch === false
      ? await openCounts(ctx, statementId)
      : await matchStatement(ctx, statementId, options.index);
  const bar = await threshold(ctx);
  // the lines whose best suggestion reaches the bar, with that suggestion only (a line keeps
  // up to three, with their evidence: reading them all cost a 100k-line statement 0.8 s);
  // put in order here, as the server would sort them on disk (53 MB for 82k lines)
  const lines = await ctx.db
    .selectFrom('bank_statement_lines')
    .select([
      'id',
      'line_no',
      'amount_minor',
      'currency',
      'booking_date',
      'value_date',
      'type_code',
      'end_to_end_id',
      'bank_reference',
      'counterparty_name',
      'counterparty_account',
      'bank_account_id',
      sql<StoredSuggestion | null>`suggestions -> 0`.as('best'),
    ])
    .where('org_id', '=', ctx.actor.orgId)
    .where('statement_id', '=', statementId)
    .where('status', '=', 'suggested')
    .where(sql<boolean>`(suggestions -> 0 ->> 'score')::float8 >= ${bar}`)
    .forUpdate()
    .execute();
  lines.sort((a, b) => a.line_no - b.line_no);
  const receipts: BatchReceipt[] = [];
  const today = await orgToday(ctx);
  for (const line of lines) {
    const best = line.best;
    if (!best || best.score < bar) continue;
    receipts.push({
      key: line.id,
      customerId: best.customerId,
      currency: line.currency,
      amountMinor: line.amount_minor,
      receivedDate: (line.booking_date ?? line.value_date ?? today) as IsoDate,
      method: methodOf(statement.format, line.type_code),
      reference: line.end_to_end_id ?? line.bank_reference,
      payerName: line.counterparty_name,
      payerAccount: line.counterparty_account,
      bankAccountId: line.bank_account_id,
      allocations: best.allocations.map((a) => ({
        documentId: a.documentId,
        amountMinor: BigInt(a.amountMinor),
        discountMinor: BigInt(a.discountMinor),
      })),
    });
  }
  // each chunk's lines are marked applied in the statement that posts their receipts
  const outcomes = await postReceiptsBatch(ctx, receipts, (posted) =>
    linesUpdate(
      ctx,
      posted.map((o) => ({
        id: o.key,
        status: 'applied',
        paymentId: o.paymentId,
        note: `Applied automatically as ${o.paymentNumber}`,
      })),
    ),
  );
  const skipped: LineUpdate[] = [];
  let applied = 0;
  for (const o of outcomes) {
    if ('paymentId' in o) applied++;
    else {
      skipped.push({
        id: o.key,
        status: 'suggested',
        note: `Not applied automatically: ${o.skipped}`,
      });
    }
  }
  await updateLines(ctx, skipped);
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    {
      entityType: 'bank_statement',
      entityId: statementId,
      action: 'auto_apply',
      after: { ...counts, applied, threshold: bar },
    },
  ]);
  return {
    reconciled: counts.reconciled,
    suggested: counts.suggested - applied,
    unmatched: counts.unmatched,
    applied,
  };
}

// ---------------------------------------------------------------------------------------------
// One line at a time (the workbench)
// ---------------------------------------------------------------------------------------------

async function lockLine(ctx: Ctx, id: string) {
  const line = await ctx.db
    .selectFrom('bank_statement_lines as l')
    .innerJoin('bank_statements as s', (j) =>
      j.onRef('s.org_id', '=', 'l.org_id').onRef('s.id', '=', 'l.statement_id'),
    )
    .select([...LINE_COLUMNS.map((c) => `l.${c}` as const), 's.format'])
    .where('l.org_id', '=', ctx.actor.orgId)
    .where('l.id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!line) throw new NotFoundError(`Bank statement line ${id} not found`);
  return line;
}

function requireOpen(line: { status: StatementLineStatus; amount_minor: bigint }) {
  if (line.amount_minor <= 0n) {
    throw new DomainError('not_a_receipt', 'This line is money going out, not a receipt');
  }
  if (line.status !== 'unmatched' && line.status !== 'suggested') {
    throw new DomainError('line_done', `This line is already ${line.status}`);
  }
}

/**
 * Creates the receipt of a line for `customerId` and applies it as a person decided; what the
 * person matched teaches the matcher the payer's account and name.
 */
export async function applyLine(
  ctx: Ctx,
  lineId: string,
  input: {
    customerId: string | null;
    applications: ApplicationLineInput[];
    date?: string | undefined;
    note?: string;
  },
): Promise<string> {
  requireWriter(ctx);
  const line = await lockLine(ctx, lineId);
  requireOpen(line);
  const receivedDate = (line.booking_date ?? line.value_date ?? (await orgToday(ctx))) as IsoDate;
  // the invoices before the payment's number, as the auto-apply batch takes them
  await lockDocuments(
    ctx,
    input.applications.map((a) => a.invoiceId),
  );
  const paymentId = await createPayment(ctx, {
    customerId: input.customerId,
    method: methodOf(line.format, line.type_code),
    amount: formatAmount(line.amount_minor, line.currency),
    currency: line.currency,
    receivedDate,
    reference: line.end_to_end_id ?? line.bank_reference,
    payerName: line.counterparty_name,
    payerAccount: line.counterparty_account,
    memo: line.remittance_info?.slice(0, 1000) ?? null,
    bankAccountId: line.bank_account_id,
  });
  if (input.applications.length) {
    await applyPayment(ctx, paymentId, {
      date: input.date,
      on: receivedDate,
      applications: input.applications,
    });
  }
  const payment = await loadPayment(ctx, paymentId);
  await updateLines(ctx, [
    {
      id: lineId,
      status: 'applied',
      paymentId,
      note:
        input.note ??
        (input.customerId
          ? `Applied by ${ctx.actor.name} as ${payment.number}`
          : `Unidentified receipt ${payment.number} in suspense`),
    },
  ]);
  return paymentId;
}

/** One-click accept of the line's stored suggestion number `index`. */
export async function acceptSuggestion(ctx: Ctx, lineId: string, index: number): Promise<string> {
  const line = await lockLine(ctx, lineId);
  requireOpen(line);
  const suggestion = storedOf(line.suggestions)[index];
  if (!suggestion) {
    throw new DomainError('no_such_suggestion', `The line has no suggestion ${index + 1}`, [
      { path: 'suggestion', message: 'no such suggestion' },
    ]);
  }
  return applyLine(ctx, lineId, {
    customerId: suggestion.customerId,
    applications: suggestion.allocations.map((a) => ({
      invoiceId: a.documentId,
      amount: formatAmount(BigInt(a.amountMinor), line.currency),
      ...(BigInt(a.discountMinor) > 0n
        ? { discount: formatAmount(BigInt(a.discountMinor), line.currency) }
        : {}),
    })),
    note: `Suggestion accepted by ${ctx.actor.name} (score ${Math.round(suggestion.score * 100)}%)`,
  });
}

export async function ignoreLine(ctx: Ctx, lineId: string, reason: string): Promise<void> {
  requireWriter(ctx);
  const line = await lockLine(ctx, lineId);
  if (line.status === 'applied' || line.status === 'reconciled' || line.status === 'duplicate') {
    throw new DomainError('line_done', `This line is already ${line.status}`);
  }
  await updateLines(ctx, [
    { id: lineId, status: 'ignored', note: reason.trim() || 'Not a customer receipt' },
  ]);
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    {
      entityType: 'bank_statement_line',
      entityId: lineId,
      action: 'ignore',
      before: { status: line.status },
      after: { reason },
    },
  ]);
}

export async function reopenLine(ctx: Ctx, lineId: string): Promise<void> {
  requireWriter(ctx);
  const line = await lockLine(ctx, lineId);
  if (line.status !== 'ignored' && line.status !== 'duplicate') {
    throw new DomainError(
      'line_not_ignored',
      'Only an ignored line or a duplicate can be reopened',
    );
  }
  // an ignored copy of an entry seen before is a duplicate again; a duplicate reopened on
  // purpose (two real payments that look alike) becomes an open line
  const status: StatementLineStatus =
    line.status === 'ignored' && line.duplicate_of
      ? 'duplicate'
      : line.amount_minor > 0n
        ? 'unmatched'
        : 'debit';
  await updateLines(ctx, [
    {
      id: lineId,
      status,
      note: line.status === 'duplicate' ? `Not a duplicate: reopened by ${ctx.actor.name}` : null,
    },
  ]);
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    {
      entityType: 'bank_statement_line',
      entityId: lineId,
      action: 'reopen',
      before: { status: line.status },
      after: { status },
    },
  ]);
}

/** Ties a line to a receipt recorded by hand (same amount and currency, not tied elsewhere). */
export async function linkLine(ctx: Ctx, lineId: string, paymentId: string): Promise<void> {
  requireWriter(ctx);
  // the account first, as matching a statement again takes it before its lines
  const account = await ctx.db
    .selectFrom('bank_statement_lines')
    .select('bank_account_id')
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', lineId)
    .executeTakeFirst();
  if (account) await lockBankAccount(ctx, account.bank_account_id);
  const line = await lockLine(ctx, lineId);
  requireOpen(line);
  const payment = await loadPayment(ctx, paymentId, true);
  if (
    payment.currency !== line.currency ||
    payment.amount_minor !== line.amount_minor ||
    payment.status !== 'posted'
  ) {
    throw new DomainError(
      'cannot_link',
      `Payment ${payment.number} (${formatAmount(payment.amount_minor, payment.currency)} ${payment.currency}) is not this line's receipt`,
      [{ path: 'paymentId', message: 'must be a posted payment of the same amount and currency' }],
    );
  }
  if (payment.deposit_batch_id) {
    // the bank shows the batch's deposit, not its checks one by one
    throw new DomainError(
      'cannot_link',
      `Payment ${payment.number} went to the bank in a deposit batch: tie the line to the batch's deposit`,
      [{ path: 'paymentId', message: 'is part of a deposit batch' }],
    );
  }
  if (payment.bank_account_id && payment.bank_account_id !== line.bank_account_id) {
    throw new DomainError(
      'cannot_link',
      `Payment ${payment.number} was recorded for another bank account`,
      [{ path: 'paymentId', message: "is not a receipt of this line's bank account" }],
    );
  }
  const linked = await ctx.db
    .selectFrom('bank_statement_lines')
    .select('id')
    .where('org_id', '=', ctx.actor.orgId)
    .where('payment_id', '=', paymentId)
    .executeTakeFirst();
  if (linked)
    throw new DomainError(
      'cannot_link',
      `Payment ${payment.number} is already tied to another bank line`,
    );
  await updateLines(ctx, [
    {
      id: lineId,
      status: 'reconciled',
      paymentId,
      note: `Tied to ${payment.number} by ${ctx.actor.name}`,
    },
  ]);
  await adoptBankAccount(ctx, line.bank_account_id, [paymentId]);
}

// ---------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------

export async function listLines(
  ctx: Pick<Ctx, 'db' | 'actor'>,
  statementId: string,
  query: {
    status?: StatementLineStatus | undefined;
    limit?: number | undefined;
    offset?: number | undefined;
    /** one line only */
    lineId?: string | undefined;
  },
) {
  let q = ctx.db
    .selectFrom('bank_statement_lines as l')
    .leftJoin('payments as p', (j) =>
      j.onRef('p.org_id', '=', 'l.org_id').onRef('p.id', '=', 'l.payment_id'),
    )
    .select([
      'l.id',
      'l.line_no',
      'l.booking_date',
      'l.value_date',
      'l.amount_minor',
      'l.currency',
      'l.type_code',
      'l.counterparty_name',
      'l.counterparty_account',
      'l.remittance_info',
      'l.end_to_end_id',
      'l.bank_reference',
      'l.status',
      'l.status_note',
      'l.payment_id',
      'p.number as payment_number',
      'l.suggestions',
    ])
    .where('l.org_id', '=', ctx.actor.orgId)
    .where('l.statement_id', '=', statementId);
  if (query.status) q = q.where('l.status', '=', query.status);
  if (query.lineId) q = q.where('l.id', '=', query.lineId);
  const rows = await q
    .orderBy('l.line_no')
    .limit(query.limit ?? 500)
    .offset(query.offset ?? 0)
    .execute();
  const customerIds = new Set<string>();
  const documentIds = new Set<string>();
  for (const r of rows)
    for (const s of storedOf(r.suggestions)) {
      customerIds.add(s.customerId);
      for (const a of s.allocations) documentIds.add(a.documentId);
    }
  const customers = customerIds.size
    ? await ctx.db
        .selectFrom('customers')
        .select(['id', 'name'])
        .where('org_id', '=', ctx.actor.orgId)
        .where('id', 'in', [...customerIds])
        .execute()
    : [];
  const documents = documentIds.size
    ? await ctx.db
        .selectFrom('ar_documents')
        .select(['id', 'number', 'open_minor', 'due_date'])
        .where('org_id', '=', ctx.actor.orgId)
        .where('id', 'in', [...documentIds])
        .execute()
    : [];
  const names = new Map(customers.map((c) => [c.id, c.name]));
  const docs = new Map(documents.map((d) => [d.id, d]));
  return rows.map((r) => ({
    id: r.id,
    lineNo: r.line_no,
    bookingDate: r.booking_date,
    valueDate: r.value_date,
    amount: formatAmount(r.amount_minor, r.currency),
    currency: r.currency,
    typeCode: r.type_code,
    counterpartyName: r.counterparty_name,
    counterpartyAccount: r.counterparty_account,
    remittanceInfo: r.remittance_info,
    endToEndId: r.end_to_end_id,
    bankReference: r.bank_reference,
    status: r.status,
    statusNote: r.status_note,
    paymentId: r.payment_id,
    paymentNumber: r.payment_number,
    suggestions: storedOf(r.suggestions).map((s) => ({
      customerId: s.customerId,
      customerName: names.get(s.customerId) ?? '',
      score: s.score,
      evidence: s.evidence,
      unapplied: formatAmount(BigInt(s.unappliedMinor), r.currency),
      shortPay: formatAmount(BigInt(s.shortPayMinor), r.currency),
      allocations: s.allocations.map((a) => {
        const d = docs.get(a.documentId);
        return {
          documentId: a.documentId,
          number: d?.number ?? null,
          dueDate: d?.due_date ?? null,
          amount: formatAmount(BigInt(a.amountMinor), r.currency),
          discount: formatAmount(BigInt(a.discountMinor), r.currency),
          open: formatAmount(d?.open_minor ?? 0n, r.currency),
        };
      }),
    })),
  }));
}
