-- Dunwell ledger: chart of accounts, the journal, AR documents (invoices, memos, adjustments,
-- refunds), applications between them, numbering, period lock and the e-mail outbox.
--
-- Two independent derivations meet in the GL reconciliation:
--   * the AR sub-ledger: the signed amounts of posted AR documents (ar_documents), and
--   * the AR control account: the journal lines posted to it (journal_lines).
-- Applications move open balances between documents and never change either total.

alter table organizations
  -- postings dated on or before this date are refused (period lock); null = nothing closed
  add column closed_through date,
  -- the address, bank and remittance instructions printed on invoices and statements
  add column remit_to text,
  add column invoice_footer text;

-- documents name the exemption certificate they relied on
alter table tax_certificates add constraint tax_certificates_org_id_id_key unique (org_id, id);

-- ---------------------------------------------------------------------------------------------
-- Chart of accounts
-- ---------------------------------------------------------------------------------------------
create table accounts (
  id uuid primary key,
  org_id uuid not null references organizations (id),
  code text not null,
  name text not null,
  type text not null check (type in ('asset', 'liability', 'equity', 'revenue', 'expense')),
  -- the account's job in Dunwell's postings; one account per role and organization
  role text check (role in (
    'ar_control', 'cash', 'undeposited_funds', 'unapplied_cash', 'customer_deposits',
    'sales_tax_payable', 'revenue', 'discounts_allowed', 'bad_debt_expense', 'fx_gain_loss',
    'opening_balance')),
  -- the company's own general-ledger account code, used by the journal export
  gl_code text,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  unique (org_id, id),
  unique (org_id, code)
);
create unique index accounts_role_key on accounts (org_id, role) where role is not null;

-- ---------------------------------------------------------------------------------------------
-- Document numbering: one row per (organization, series); the row lock serializes writers, so
-- numbers are unique and, because a rolled-back transaction gives its number back, gapless.
-- ---------------------------------------------------------------------------------------------
create table number_sequences (
  org_id uuid not null references organizations (id),
  series text not null,
  prefix text not null,
  width integer not null default 6 check (width between 1 and 12),
  next_value bigint not null default 1 check (next_value >= 1),
  primary key (org_id, series)
);

-- ---------------------------------------------------------------------------------------------
-- AR documents: everything that changes what a customer owes
-- ---------------------------------------------------------------------------------------------
create table ar_documents (
  id uuid primary key,
  org_id uuid not null,
  customer_id uuid not null,
  kind text not null check (kind in (
    'invoice', 'credit_memo', 'debit_memo', 'adjustment', 'write_off', 'refund')),
  -- draft documents have no number and no posting
  state text not null check (state in ('draft', 'posted', 'voided')),
  number text,
  currency char(3) not null,
  issue_date date not null,
  due_date date,
  terms_code text,
  -- early-payment discount: the amount a payment on or before discount_date may deduct
  discount_date date,
  discount_minor bigint not null default 0 check (discount_minor >= 0),
  subtotal_minor bigint not null default 0,
  tax_minor bigint not null default 0,
  -- signed: positive = the customer owes more (invoice, debit memo, refund), negative = less
  amount_minor bigint not null,
  -- moves only through ar_applications (trigger below); same sign as amount_minor
  open_minor bigint not null,
  tax_jurisdiction text,
  tax_exempt_certificate_id uuid,
  po_number text,
  sales_order_ref text,
  external_id text,
  reason text,
  memo text,
  -- the document this one corrects (a credit memo's invoice, a debit memo's invoice, ...)
  related_document_id uuid,
  -- the account on the other side of AR for adjustments and write-offs
  offset_account_id uuid,
  -- refunds: how the money went back
  refund_method text,
  refund_reference text,
  written_off boolean not null default false,
  opening_balance boolean not null default false,
  posted_at timestamptz,
  voided_date date,
  void_reason text,
  created_by_name text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (org_id, id),
  foreign key (org_id, customer_id) references customers (org_id, id),
  foreign key (org_id, related_document_id) references ar_documents (org_id, id),
  foreign key (org_id, offset_account_id) references accounts (org_id, id),
  foreign key (org_id, tax_exempt_certificate_id) references tax_certificates (org_id, id),
  check ((state = 'draft') = (number is null)),
  check (state <> 'voided' or voided_date is not null),
  check (
    (amount_minor >= 0 and open_minor between 0 and amount_minor)
    or (amount_minor < 0 and open_minor between amount_minor and 0)
  ),
  check (state <> 'draft' or open_minor = 0),
  check (state <> 'voided' or open_minor = 0)
);
create unique index ar_documents_number_key on ar_documents (org_id, kind, number) where number is not null;
create unique index ar_documents_external_id_key on ar_documents (org_id, kind, external_id) where external_id is not null;
create index ar_documents_customer_idx on ar_documents (org_id, customer_id, issue_date, id);
create index ar_documents_list_idx on ar_documents (org_id, kind, issue_date desc, id desc);
create index ar_documents_due_idx on ar_documents (org_id, kind, due_date) where open_minor <> 0;
create index ar_documents_open_idx on ar_documents (org_id, customer_id) where open_minor <> 0;
create index ar_documents_related_idx on ar_documents (org_id, related_document_id) where related_document_id is not null;

create table ar_document_lines (
  org_id uuid not null,
  document_id uuid not null,
  line_no integer not null check (line_no >= 1),
  description text not null,
  -- quantity with up to 4 decimals, as an exact decimal string
  quantity numeric(18, 4) not null check (quantity > 0),
  -- unit price with up to currency exponent + 2 decimals
  unit_price numeric(24, 6) not null check (unit_price >= 0),
  -- percent, e.g. 8.25
  tax_rate numeric(7, 4) not null default 0 check (tax_rate >= 0 and tax_rate <= 100),
  amount_minor bigint not null check (amount_minor >= 0),
  tax_minor bigint not null check (tax_minor >= 0),
  account_id uuid not null,
  primary key (org_id, document_id, line_no),
  foreign key (org_id, document_id) references ar_documents (org_id, id) on delete cascade,
  foreign key (org_id, account_id) references accounts (org_id, id)
);

-- ---------------------------------------------------------------------------------------------
-- The journal: append-only, one balanced entry per business event and currency
-- ---------------------------------------------------------------------------------------------
create table journal_entries (
  id uuid primary key,
  org_id uuid not null references organizations (id),
  -- recording order within the database (the export sorts by it)
  seq bigint generated always as identity,
  effective_date date not null,
  recorded_at timestamptz not null,
  currency char(3) not null,
  kind text not null,
  description text not null,
  document_id uuid,
  application_id uuid,
  reverses_entry_id uuid,
  actor_name text not null,
  unique (org_id, id),
  foreign key (org_id, document_id) references ar_documents (org_id, id),
  foreign key (org_id, reverses_entry_id) references journal_entries (org_id, id)
);
create index journal_entries_date_idx on journal_entries (org_id, effective_date, seq);
create index journal_entries_document_idx on journal_entries (org_id, document_id) where document_id is not null;
create unique index journal_entries_reversal_key on journal_entries (org_id, reverses_entry_id) where reverses_entry_id is not null;

create table journal_lines (
  org_id uuid not null,
  entry_id uuid not null,
  line_no integer not null check (line_no >= 1),
  -- copies of the entry's date and currency, so balances as of a date read one table
  effective_date date not null,
  currency char(3) not null,
  account_id uuid not null,
  debit_minor bigint not null default 0 check (debit_minor >= 0),
  credit_minor bigint not null default 0 check (credit_minor >= 0),
  -- the sub-ledger dimension: which customer and AR document an AR control line belongs to
  customer_id uuid,
  document_id uuid,
  memo text,
  primary key (org_id, entry_id, line_no),
  foreign key (org_id, entry_id) references journal_entries (org_id, id),
  foreign key (org_id, account_id) references accounts (org_id, id),
  foreign key (org_id, customer_id) references customers (org_id, id),
  foreign key (org_id, document_id) references ar_documents (org_id, id),
  check ((debit_minor = 0) <> (credit_minor = 0))
);
create index journal_lines_account_idx on journal_lines (org_id, account_id, effective_date)
  include (currency, debit_minor, credit_minor);
create index journal_lines_customer_idx on journal_lines (org_id, customer_id, effective_date)
  where customer_id is not null;
create index journal_lines_document_idx on journal_lines (org_id, document_id)
  where document_id is not null;

create trigger journal_entries_append_only before update or delete on journal_entries
  for each row execute function refuse_mutation();
create trigger journal_entries_no_truncate before truncate on journal_entries
  for each statement execute function refuse_mutation();
create trigger journal_lines_append_only before update or delete on journal_lines
  for each row execute function refuse_mutation();
create trigger journal_lines_no_truncate before truncate on journal_lines
  for each statement execute function refuse_mutation();

-- The period lock, enforced where no code path can forget it.
create function journal_refuse_closed_period() returns trigger language plpgsql as $$
declare
  closed date;
begin
  select closed_through into closed from organizations where id = new.org_id;
  if closed is not null and new.effective_date <= closed then
    raise exception 'the period is closed through %: an entry dated % cannot be posted', closed, new.effective_date
      using errcode = 'P0001', hint = 'period_closed';
  end if;
  return new;
end
$$;
create trigger journal_entries_period_lock before insert on journal_entries
  for each row execute function journal_refuse_closed_period();

-- Every entry balances (debits = credits, at least two lines), checked when the transaction
-- commits, after all of its lines are in.
create function journal_check_balanced() returns trigger language plpgsql as $$
declare
  lines integer;
  debits numeric;
  credits numeric;
begin
  select count(*), coalesce(sum(debit_minor), 0), coalesce(sum(credit_minor), 0)
    into lines, debits, credits
    from journal_lines where org_id = new.org_id and entry_id = new.id;
  if lines < 2 or debits <> credits then
    raise exception 'journal entry % does not balance: % lines, debits %, credits %', new.id, lines, debits, credits
      using errcode = 'P0001', hint = 'unbalanced_entry';
  end if;
  return null;
end
$$;
create constraint trigger journal_entries_balanced after insert on journal_entries
  deferrable initially deferred
  for each row execute function journal_check_balanced();

-- ---------------------------------------------------------------------------------------------
-- Applications: a credit document (negative) settles part of a debit document (positive).
-- Append-only; an unapply is a new row with the negative amount that points at the original.
-- ---------------------------------------------------------------------------------------------
create table ar_applications (
  id uuid primary key,
  org_id uuid not null,
  debit_document_id uuid not null,
  credit_document_id uuid not null,
  -- positive applies, negative unapplies
  amount_minor bigint not null check (amount_minor <> 0),
  effective_date date not null,
  reverses_application_id uuid,
  reason text,
  actor_name text not null,
  created_at timestamptz not null,
  unique (org_id, id),
  foreign key (org_id, debit_document_id) references ar_documents (org_id, id),
  foreign key (org_id, credit_document_id) references ar_documents (org_id, id),
  foreign key (org_id, reverses_application_id) references ar_applications (org_id, id),
  check (debit_document_id <> credit_document_id),
  check ((amount_minor < 0) = (reverses_application_id is not null))
);
create index ar_applications_debit_idx on ar_applications (org_id, debit_document_id, effective_date);
create index ar_applications_credit_idx on ar_applications (org_id, credit_document_id, effective_date);
create unique index ar_applications_reversal_key on ar_applications (org_id, reverses_application_id)
  where reverses_application_id is not null;
create trigger ar_applications_append_only before update or delete on ar_applications
  for each row execute function refuse_mutation();
create trigger ar_applications_no_truncate before truncate on ar_applications
  for each statement execute function refuse_mutation();

-- An application moves both open balances; the check constraints on ar_documents refuse any
-- move past zero or past the original amount, so over-application fails in the database.
create function ar_application_move_balances() returns trigger language plpgsql as $$
begin
  update ar_documents set open_minor = open_minor - new.amount_minor
    where org_id = new.org_id and id = new.debit_document_id and state = 'posted';
  if not found then
    raise exception 'document % is not posted', new.debit_document_id using errcode = 'P0001';
  end if;
  update ar_documents set open_minor = open_minor + new.amount_minor
    where org_id = new.org_id and id = new.credit_document_id and state = 'posted';
  if not found then
    raise exception 'document % is not posted', new.credit_document_id using errcode = 'P0001';
  end if;
  return new;
end
$$;
create trigger ar_applications_move_balances after insert on ar_applications
  for each row execute function ar_application_move_balances();

-- A posted amount is never edited, and an open balance moves only through applications, on
-- posting (open = amount) or on voiding (open = 0, only while nothing is applied).
create function ar_documents_guard() returns trigger language plpgsql as $$
begin
  if old.state <> 'draft' and (
      new.amount_minor <> old.amount_minor or new.currency <> old.currency
      or new.customer_id <> old.customer_id or new.kind <> old.kind
      or new.issue_date <> old.issue_date or new.number is distinct from old.number
      or new.subtotal_minor <> old.subtotal_minor or new.tax_minor <> old.tax_minor) then
    raise exception 'posted document % cannot be edited', old.id using errcode = 'P0001';
  end if;
  if new.state <> old.state then
    if not ((old.state = 'draft' and new.state = 'posted' and new.open_minor = new.amount_minor)
         or (old.state = 'posted' and new.state = 'voided' and old.open_minor = old.amount_minor
             and new.open_minor = 0)) then
      raise exception 'document % cannot go from % to %', old.id, old.state, new.state
        using errcode = 'P0001';
    end if;
  elsif new.open_minor <> old.open_minor and pg_trigger_depth() < 2 then
    raise exception 'the open balance of document % moves only through applications', old.id
      using errcode = 'P0001';
  end if;
  return new;
end
$$;
create trigger ar_documents_guard before update on ar_documents
  for each row execute function ar_documents_guard();
create trigger ar_documents_no_delete before delete on ar_documents
  for each row when (old.state <> 'draft') execute function refuse_mutation();

-- ---------------------------------------------------------------------------------------------
-- E-mail: every message Dunwell sends, or keeps in the outbox when no SMTP server is configured
-- ---------------------------------------------------------------------------------------------
create table email_messages (
  id uuid primary key,
  org_id uuid not null references organizations (id),
  status text not null check (status in ('outbox', 'sending', 'sent', 'failed')),
  to_addresses text[] not null,
  cc_addresses text[] not null default '{}',
  subject text not null,
  body_text text not null,
  attachment_name text,
  attachment bytea,
  document_id uuid,
  customer_id uuid,
  error text,
  created_by_name text not null,
  created_at timestamptz not null,
  sent_at timestamptz,
  unique (org_id, id),
  foreign key (org_id, document_id) references ar_documents (org_id, id),
  foreign key (org_id, customer_id) references customers (org_id, id)
);
create index email_messages_org_idx on email_messages (org_id, created_at desc);
create index email_messages_document_idx on email_messages (org_id, document_id) where document_id is not null;
