-- Dunwell payments: receipts, deposit batches, bank accounts and statements, deductions and
-- what the cash-application matcher learns.
--
-- Where received money sits in the ledger:
--   * a receipt from a known customer is an AR document of kind 'payment' (negative amount):
--     cash (or undeposited funds) against AR control. What is not applied stays open on that
--     document: unapplied cash on the customer's account, visible in aging as a credit.
--   * a receipt whose customer is not known yet, and a prepayment (customer deposit), are
--     held outside AR: cash against the unapplied-cash suspense or customer-deposits liability
--     (payments.held_minor). Identifying the customer or applying the deposit moves the money
--     into AR as a payment document (the liability against AR control).
-- Payment documents, early-payment discounts and short-pay write-offs name their payment, so a
-- reversal (returned check, chargeback) can find and undo everything the payment touched.

alter table ar_documents drop constraint ar_documents_kind_check;
alter table ar_documents add constraint ar_documents_kind_check check (kind in (
  'invoice', 'credit_memo', 'debit_memo', 'adjustment', 'write_off', 'refund',
  'payment', 'discount'));

alter table organizations
  -- a short pay at or under this amount (in any currency's major unit) may be written off by a
  -- collector while applying cash; above it only a manager writes off
  add column short_pay_tolerance numeric(18, 4) not null default 5 check (short_pay_tolerance >= 0),
  -- matcher suggestions scoring at least this apply automatically
  add column auto_match_threshold numeric(4, 3) not null default 0.9
    check (auto_match_threshold > 0 and auto_match_threshold <= 1);

-- ---------------------------------------------------------------------------------------------
-- Bank accounts (the organization's own) and deposit batches
-- ---------------------------------------------------------------------------------------------
create table bank_accounts (
  id uuid primary key,
  org_id uuid not null references organizations (id),
  name text not null,
  -- IBAN or account number, without spaces, upper case
  identifier text not null,
  bank_identifier text,
  currency char(3) not null,
  active boolean not null default true,
  created_at timestamptz not null,
  unique (org_id, id),
  unique (org_id, identifier, currency)
);

create table deposit_batches (
  id uuid primary key,
  org_id uuid not null references organizations (id),
  number text not null,
  bank_account_id uuid not null,
  currency char(3) not null,
  status text not null check (status in ('open', 'deposited')),
  deposit_date date,
  -- what was deposited (the bank's deposit line); later returned checks do not change it
  deposited_minor bigint,
  memo text,
  created_by_name text not null,
  created_at timestamptz not null,
  deposited_at timestamptz,
  unique (org_id, id),
  unique (org_id, number),
  foreign key (org_id, bank_account_id) references bank_accounts (org_id, id),
  check ((status = 'deposited') = (deposit_date is not null))
);

-- ---------------------------------------------------------------------------------------------
-- Payments (receipts)
-- ---------------------------------------------------------------------------------------------
create table payments (
  id uuid primary key,
  org_id uuid not null references organizations (id),
  number text not null,
  kind text not null check (kind in ('receipt', 'prepayment')),
  method text not null check (method in ('check', 'ach', 'wire', 'card', 'direct_deposit', 'cash', 'other')),
  customer_id uuid,
  currency char(3) not null,
  amount_minor bigint not null check (amount_minor > 0),
  -- not yet in AR: in unapplied-cash suspense (no customer) or customer deposits (prepayment)
  held_minor bigint not null,
  received_date date not null,
  reference text,
  payer_name text,
  payer_account text,
  memo text,
  external_id text,
  bank_account_id uuid,
  deposit_batch_id uuid,
  -- the account the receipt debited: cash, or undeposited funds while in an open batch
  cash_account_id uuid not null,
  status text not null check (status in ('posted', 'reversed')),
  reversed_date date,
  reversal_kind text check (reversal_kind in ('nsf', 'chargeback', 'stop_payment', 'error')),
  reversal_reason text,
  fee_document_id uuid,
  created_by_name text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (org_id, id),
  unique (org_id, number),
  foreign key (org_id, customer_id) references customers (org_id, id),
  foreign key (org_id, bank_account_id) references bank_accounts (org_id, id),
  foreign key (org_id, deposit_batch_id) references deposit_batches (org_id, id),
  foreign key (org_id, cash_account_id) references accounts (org_id, id),
  foreign key (org_id, fee_document_id) references ar_documents (org_id, id),
  check (held_minor between 0 and amount_minor),
  check (status <> 'reversed' or (reversed_date is not null and reversal_kind is not null)),
  check (kind <> 'prepayment' or customer_id is not null)
);
create unique index payments_external_id_key on payments (org_id, external_id) where external_id is not null;
create index payments_list_idx on payments (org_id, received_date desc, id desc);
create index payments_customer_idx on payments (org_id, customer_id, received_date) where customer_id is not null;
create index payments_batch_idx on payments (org_id, deposit_batch_id) where deposit_batch_id is not null;
create index payments_bank_idx on payments (org_id, bank_account_id, received_date) where bank_account_id is not null;

alter table ar_documents add column payment_id uuid;
alter table ar_documents add constraint ar_documents_payment_fk
  foreign key (org_id, payment_id) references payments (org_id, id);
create index ar_documents_payment_idx on ar_documents (org_id, payment_id) where payment_id is not null;

-- receipts held outside AR, batch deposits and returned items post entries without a document
alter table journal_entries add column payment_id uuid;
alter table journal_entries add constraint journal_entries_payment_fk
  foreign key (org_id, payment_id) references payments (org_id, id);
alter table journal_entries add column deposit_batch_id uuid;
alter table journal_entries add constraint journal_entries_batch_fk
  foreign key (org_id, deposit_batch_id) references deposit_batches (org_id, id);
create index journal_entries_payment_idx on journal_entries (org_id, payment_id) where payment_id is not null;

-- ---------------------------------------------------------------------------------------------
-- Short pays kept as deductions: the open balance stays on the invoice, tagged with a reason
-- code, until the dispute workflow resolves it (credit memo, write-off or collection)
-- ---------------------------------------------------------------------------------------------
create table deductions (
  id uuid primary key,
  org_id uuid not null references organizations (id),
  customer_id uuid not null,
  document_id uuid not null,
  payment_id uuid,
  currency char(3) not null,
  amount_minor bigint not null check (amount_minor > 0),
  reason_code text not null,
  note text,
  status text not null check (status in ('open', 'resolved')),
  resolution text,
  created_by_name text not null,
  created_at timestamptz not null,
  resolved_at timestamptz,
  unique (org_id, id),
  foreign key (org_id, customer_id) references customers (org_id, id),
  foreign key (org_id, document_id) references ar_documents (org_id, id),
  foreign key (org_id, payment_id) references payments (org_id, id)
);
create index deductions_open_idx on deductions (org_id, status, created_at desc);
create index deductions_document_idx on deductions (org_id, document_id);

-- ---------------------------------------------------------------------------------------------
-- Bank statements and their lines
-- ---------------------------------------------------------------------------------------------
create table bank_statements (
  id uuid primary key,
  org_id uuid not null references organizations (id),
  bank_account_id uuid not null,
  format text not null,
  -- identity of the statement's content, whatever file it came in: a second import finds it
  fingerprint text not null,
  statement_ref text,
  sequence_number text,
  currency char(3) not null,
  from_date date,
  to_date date,
  opening_minor bigint,
  opening_date date,
  closing_minor bigint,
  closing_date date,
  line_count integer not null,
  credit_total_minor bigint not null,
  debit_total_minor bigint not null,
  -- opening + entries ≠ closing, and control totals the file declares that do not add up
  balance_problem text,
  control_problems text[] not null default '{}',
  file_name text,
  file_sha256 text not null,
  created_by_name text not null,
  created_at timestamptz not null,
  unique (org_id, id),
  unique (org_id, fingerprint),
  foreign key (org_id, bank_account_id) references bank_accounts (org_id, id)
);
create index bank_statements_list_idx on bank_statements (org_id, created_at desc, id desc);
create index bank_statements_account_idx on bank_statements (org_id, bank_account_id, to_date);

create table bank_statement_lines (
  id uuid primary key,
  org_id uuid not null,
  statement_id uuid not null,
  bank_account_id uuid not null,
  line_no integer not null,
  booking_date date,
  value_date date,
  amount_minor bigint not null,
  currency char(3) not null,
  type_code text,
  counterparty_name text,
  counterparty_account text,
  counterparty_bank text,
  remittance_info text,
  end_to_end_id text,
  bank_reference text,
  additional_info text,
  source_line integer,
  -- unmatched / suggested / applied (a payment was created and applied) / reconciled (tied to
  -- a receipt or deposit that was already recorded) / ignored (not a customer receipt) /
  -- duplicate (the same entry came in an earlier statement, e.g. intraday then end of day)
  status text not null check (status in (
    'unmatched', 'suggested', 'applied', 'reconciled', 'ignored', 'duplicate', 'debit')),
  -- identity of the entry across statements (bank account, bank reference, amount, date)
  entry_key text,
  duplicate_of uuid,
  -- the matcher's suggestions: [{customerId, allocations:[{documentId, amount, discount}], score, evidence[]}]
  suggestions jsonb,
  matched_at timestamptz,
  payment_id uuid,
  deposit_batch_id uuid,
  status_note text,
  updated_by_name text,
  unique (org_id, id),
  unique (org_id, statement_id, line_no),
  foreign key (org_id, statement_id) references bank_statements (org_id, id),
  foreign key (org_id, bank_account_id) references bank_accounts (org_id, id),
  foreign key (org_id, payment_id) references payments (org_id, id),
  foreign key (org_id, deposit_batch_id) references deposit_batches (org_id, id)
);
create index bank_statement_lines_entry_idx on bank_statement_lines (org_id, bank_account_id, entry_key)
  where entry_key is not null;
create index bank_statement_lines_status_idx on bank_statement_lines (org_id, statement_id, status);
create index bank_statement_lines_payment_idx on bank_statement_lines (org_id, payment_id) where payment_id is not null;
create index bank_statement_lines_day_idx on bank_statement_lines (org_id, bank_account_id, booking_date);
-- one receipt is tied to at most one bank line
create unique index bank_statement_lines_payment_key on bank_statement_lines (org_id, payment_id)
  where payment_id is not null;

-- ---------------------------------------------------------------------------------------------
-- What manual matches taught: this payer (bank account and/or name) pays for this customer
-- ---------------------------------------------------------------------------------------------
create table payer_hints (
  id uuid primary key,
  org_id uuid not null references organizations (id),
  customer_id uuid not null,
  -- normalized counterparty account, or '' when only the name is known
  account text not null,
  name text,
  uses integer not null default 1,
  created_at timestamptz not null,
  last_used_at timestamptz not null,
  unique (org_id, id),
  foreign key (org_id, customer_id) references customers (org_id, id)
);
create unique index payer_hints_key on payer_hints (org_id, account, coalesce(name, ''), customer_id);
create index payer_hints_customer_idx on payer_hints (org_id, customer_id);

-- ---------------------------------------------------------------------------------------------
-- Saved column mappings for CSV statements and lockbox files
-- ---------------------------------------------------------------------------------------------
create table bank_file_mappings (
  id uuid primary key,
  org_id uuid not null references organizations (id),
  name text not null,
  kind text not null check (kind in ('csv', 'lockbox')),
  mapping jsonb not null,
  -- the account the file's lines belong to (CSV and lockbox files do not name it)
  bank_account_id uuid not null,
  created_by_name text not null,
  created_at timestamptz not null,
  unique (org_id, id),
  unique (org_id, name),
  foreign key (org_id, bank_account_id) references bank_accounts (org_id, id)
);

-- ---------------------------------------------------------------------------------------------
-- Set-based triggers for bulk posting (auto-apply posts thousands of applications per
-- statement). Same rules as the row triggers of 0002/0003, checked once per INSERT statement
-- over all its rows: an application moves both open balances (the check constraints on
-- ar_documents still refuse any move past zero), joins one customer and one currency, and
-- touches posted documents only; no entry lands in a closed period.
-- ---------------------------------------------------------------------------------------------
drop trigger ar_applications_move_balances on ar_applications;
drop function ar_application_move_balances();

create function ar_applications_move_balances_bulk() returns trigger language plpgsql as $$
declare
  wanted integer;
  moved integer;
begin
  if exists (
    select 1 from new_rows a
    join ar_documents d on d.org_id = a.org_id and d.id = a.debit_document_id
    join ar_documents c on c.org_id = a.org_id and c.id = a.credit_document_id
    where d.customer_id <> c.customer_id or d.currency <> c.currency
  ) then
    raise exception 'an application joins documents of one customer in one currency'
      using errcode = 'P0001';
  end if;
  -- each document's net move over all rows of the statement, applied in one UPDATE
  with moves as (
    select org_id, debit_document_id as id, -amount_minor as delta from new_rows
    union all
    select org_id, credit_document_id, amount_minor from new_rows
  ), net as (
    select org_id, id, sum(delta) as delta from moves group by org_id, id
  ), updated as (
    update ar_documents d set open_minor = d.open_minor + net.delta
    from net
    where d.org_id = net.org_id and d.id = net.id and d.state = 'posted'
    returning 1
  )
  select (select count(*) from net), (select count(*) from updated) into wanted, moved;
  if moved <> wanted then
    raise exception 'an application touches a document that is not posted'
      using errcode = 'P0001';
  end if;
  return null;
end
$$;
create trigger ar_applications_move_balances after insert on ar_applications
  referencing new table as new_rows
  for each statement execute function ar_applications_move_balances_bulk();

drop trigger journal_entries_period_lock on journal_entries;
drop function journal_refuse_closed_period();
create function journal_refuse_closed_period_bulk() returns trigger language plpgsql as $$
declare
  closed date;
  dated date;
begin
  select o.closed_through, min(e.effective_date) into closed, dated
    from new_rows e join organizations o on o.id = e.org_id
    where o.closed_through is not null and e.effective_date <= o.closed_through
    group by o.closed_through
    limit 1;
  if closed is not null then
    raise exception 'the period is closed through %: an entry dated % cannot be posted', closed, dated
      using errcode = 'P0001', hint = 'period_closed';
  end if;
  return null;
end
$$;
create trigger journal_entries_period_lock after insert on journal_entries
  referencing new table as new_rows
  for each statement execute function journal_refuse_closed_period_bulk();
