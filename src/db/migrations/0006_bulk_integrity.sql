-- Reference checks once per statement on the tables the batch posting writes.
--
-- A foreign key is checked row by row: one query per row and per key, each locking the row it
-- finds. Posting a bank statement writes hundreds of thousands of journal lines and
-- applications, and those checks were a third of the database's time (measured with
-- auto_explain on `npm run bench:match`: 15 s of foreign-key checks for 390k journal lines).
-- The same rules are checked here by one query per INSERT statement over all of its rows, and
-- a few are stricter than the keys they replace (a journal line's customer is its document's
-- customer, and it never points at a draft).
--
-- What the keys also did, refusing to delete a row that is referred to, holds as follows:
-- journal entries and applications are append-only (0002); a posted or voided document is
-- never deleted (0002) and never goes back to draft; accounts, bank accounts and payments are
-- never deleted, and a customer with documents, receipts or journal lines is not (guards below).

-- ---------------------------------------------------------------------------------------------
-- Applications: the balance trigger already finds both documents of every row and refuses the
-- statement unless each exists, is posted, and shares one customer and currency with the
-- other; the per-row foreign keys on the two documents only repeated that.
-- ---------------------------------------------------------------------------------------------
create or replace function ar_applications_move_balances_bulk() returns trigger
language plpgsql
-- the transition table's rows each find their two documents through the primary key; a hash
-- join would read the whole ar_documents table for every statement
set enable_hashjoin = off
set enable_mergejoin = off
as $$
declare
  wanted integer;
  moved integer;
  missing uuid;
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
    select x.id into missing from (
      select org_id, debit_document_id as id from new_rows
      union select org_id, credit_document_id from new_rows) x
    where not exists (select 1 from ar_documents d where d.org_id = x.org_id and d.id = x.id)
    limit 1;
    if missing is not null then
      raise exception 'an application refers to document %, which does not exist', missing
        using errcode = '23503';
    end if;
    raise exception 'an application touches a document that is not posted'
      using errcode = 'P0001';
  end if;
  return null;
end
$$;

alter table ar_applications drop constraint ar_applications_org_id_debit_document_id_fkey;
alter table ar_applications drop constraint ar_applications_org_id_credit_document_id_fkey;

-- ---------------------------------------------------------------------------------------------
-- Journal entries: their organization, document and receipt
-- ---------------------------------------------------------------------------------------------
create function journal_entries_check_references() returns trigger language plpgsql as $$
declare
  bad record;
begin
  -- each row's first broken reference, looked up through the primary keys
  select e.id, x.what into bad
    from new_rows e
    cross join lateral (select case
      when not exists (select 1 from organizations o where o.id = e.org_id) then 'organization'
      when e.document_id is not null and not exists (
        select 1 from ar_documents d
        where d.org_id = e.org_id and d.id = e.document_id and d.state <> 'draft') then 'document'
      when e.payment_id is not null and not exists (
        select 1 from payments p where p.org_id = e.org_id and p.id = e.payment_id) then 'payment'
    end as what) x
    where x.what is not null
    limit 1;
  if found then
    raise exception 'journal entry % refers to a % that does not exist in its organization (or a draft)', bad.id, bad.what
      using errcode = '23503';
  end if;
  return null;
end
$$;
create trigger journal_entries_references after insert on journal_entries
  referencing new table as new_rows
  for each statement execute function journal_entries_check_references();

alter table journal_entries drop constraint journal_entries_org_id_fkey;
alter table journal_entries drop constraint journal_entries_org_id_document_id_fkey;
alter table journal_entries drop constraint journal_entries_payment_fk;

-- ---------------------------------------------------------------------------------------------
-- Journal lines: their entry (same date and currency), account, customer and document
-- ---------------------------------------------------------------------------------------------
create function journal_lines_check_references() returns trigger language plpgsql as $$
declare
  bad record;
begin
  -- each row's first broken reference, looked up through the primary keys
  select l.entry_id, l.line_no, x.what into bad
    from new_rows l
    cross join lateral (select case
      when not exists (
        select 1 from journal_entries e
        where e.org_id = l.org_id and e.id = l.entry_id
          and e.effective_date = l.effective_date and e.currency = l.currency)
        then 'its entry (with the same date and currency)'
      when not exists (select 1 from accounts a where a.org_id = l.org_id and a.id = l.account_id)
        then 'its account'
      when l.customer_id is not null and not exists (
        select 1 from customers c where c.org_id = l.org_id and c.id = l.customer_id)
        then 'its customer'
      when l.document_id is not null and not exists (
        select 1 from ar_documents d
        where d.org_id = l.org_id and d.id = l.document_id and d.state <> 'draft'
          and (l.customer_id is null or d.customer_id = l.customer_id))
        then 'its document (posted, of the line''s customer)'
    end as what) x
    where x.what is not null
    limit 1;
  if found then
    raise exception 'journal line % of entry % refers to % that does not exist in its organization', bad.line_no, bad.entry_id, bad.what
      using errcode = '23503';
  end if;
  return null;
end
$$;
create trigger journal_lines_references after insert on journal_lines
  referencing new table as new_rows
  for each statement execute function journal_lines_check_references();

alter table journal_lines drop constraint journal_lines_org_id_entry_id_fkey;
alter table journal_lines drop constraint journal_lines_org_id_account_id_fkey;
alter table journal_lines drop constraint journal_lines_org_id_customer_id_fkey;
alter table journal_lines drop constraint journal_lines_org_id_document_id_fkey;

-- ---------------------------------------------------------------------------------------------
-- Receipts and AR documents: a payment's customer, bank account and cash account; a document's
-- customer, offset account and receipt. One statement-level check on INSERT for all the
-- columns given as (column, referenced table) pairs, and a row-level check on UPDATE that runs
-- only when one of those columns changes (an open balance moving does not run it, where a
-- foreign key checked every row inserted earlier in the same transaction again).
-- ---------------------------------------------------------------------------------------------
create function check_inserted_references() returns trigger
language plpgsql
-- each distinct key finds its row through the primary key (a hash join would read the whole
-- referenced table for every statement)
set enable_hashjoin = off
set enable_mergejoin = off
as $$
declare
  i integer := 0;
  wanted bigint;
  locked bigint;
  missing text;
begin
  while i < tg_nargs loop
    -- the referenced rows are locked as a foreign key locks them (FOR KEY SHARE), once per
    -- distinct key, so that a concurrent DELETE waits for this transaction and then sees its rows
    execute format(
      'select (select count(*) from (select distinct org_id, %1$I from new_rows where %1$I is not null) k),'
      || ' (select count(*) from (select 1 from %2$I t where (t.org_id, t.id) in ('
      || 'select org_id, %1$I from new_rows where %1$I is not null) for key share of t) l)',
      tg_argv[i], tg_argv[i + 1]) into wanted, locked;
    if locked < wanted then
      execute format(
        'select r.%1$I::text from new_rows r where r.%1$I is not null and not exists ('
        || 'select 1 from %2$I t where t.org_id = r.org_id and t.id = r.%1$I) limit 1',
        tg_argv[i], tg_argv[i + 1]) into missing;
      raise exception '% refers in % to %, which does not exist in its organization', tg_table_name, tg_argv[i], missing
        using errcode = '23503';
    end if;
    i := i + 2;
  end loop;
  return null;
end
$$;

create function check_updated_references() returns trigger language plpgsql as $$
declare
  i integer := 0;
  value text;
  found_it boolean;
begin
  while i < tg_nargs loop
    value := to_jsonb(new) ->> tg_argv[i];
    if value is not null then
      -- locked as a foreign key locks it (see above)
      execute format('select true from %I t where t.org_id = $1 and t.id = $2::uuid for key share of t', tg_argv[i + 1])
        into found_it using new.org_id, value;
      if found_it is null then
        raise exception '% refers in % to %, which does not exist in its organization', tg_table_name, tg_argv[i], value
          using errcode = '23503';
      end if;
    end if;
    i := i + 2;
  end loop;
  return new;
end
$$;

create trigger payments_references after insert on payments
  referencing new table as new_rows
  for each statement execute function check_inserted_references(
    'customer_id', 'customers', 'bank_account_id', 'bank_accounts', 'cash_account_id', 'accounts');
create trigger payments_references_update before update on payments
  for each row when (
    new.customer_id is distinct from old.customer_id
    or new.bank_account_id is distinct from old.bank_account_id
    or new.cash_account_id is distinct from old.cash_account_id
    or new.org_id is distinct from old.org_id)
  execute function check_updated_references(
    'customer_id', 'customers', 'bank_account_id', 'bank_accounts', 'cash_account_id', 'accounts');
alter table payments drop constraint payments_org_id_customer_id_fkey;
alter table payments drop constraint payments_org_id_bank_account_id_fkey;
alter table payments drop constraint payments_org_id_cash_account_id_fkey;

create trigger ar_documents_references after insert on ar_documents
  referencing new table as new_rows
  for each statement execute function check_inserted_references(
    'customer_id', 'customers', 'offset_account_id', 'accounts', 'payment_id', 'payments');
create trigger ar_documents_references_update before update on ar_documents
  for each row when (
    new.customer_id is distinct from old.customer_id
    or new.offset_account_id is distinct from old.offset_account_id
    or new.payment_id is distinct from old.payment_id
    or new.org_id is distinct from old.org_id)
  execute function check_updated_references(
    'customer_id', 'customers', 'offset_account_id', 'accounts', 'payment_id', 'payments');
alter table ar_documents drop constraint ar_documents_org_id_customer_id_fkey;
alter table ar_documents drop constraint ar_documents_org_id_offset_account_id_fkey;
alter table ar_documents drop constraint ar_documents_payment_fk;

-- ---------------------------------------------------------------------------------------------
-- Open balances move in place. An index whose predicate reads open_minor made every balance
-- move write a new entry into all eleven indexes of ar_documents (PostgreSQL updates a row
-- "HOT", touching no index, only when no indexed column changes and its page has room): at
-- 100k applications that was most of the time of an auto-apply, and most of its WAL (a full
-- page image for each index page touched). The open-items-by-customer reads use
-- ar_documents_customer_idx; the due-date index keeps to posted documents instead; and pages
-- keep 15% free so that a balance move usually fits beside the row it replaces.
-- ---------------------------------------------------------------------------------------------
drop index ar_documents_open_idx;
drop index ar_documents_due_idx;
create index ar_documents_due_idx on ar_documents (org_id, kind, due_date) where state = 'posted';
alter table ar_documents set (fillfactor = 85);

-- ---------------------------------------------------------------------------------------------
-- What the dropped keys refused on the other side: deleting what the ledger refers to
-- ---------------------------------------------------------------------------------------------
create trigger accounts_no_delete before delete on accounts
  for each row execute function refuse_mutation();
create trigger bank_accounts_no_delete before delete on bank_accounts
  for each row execute function refuse_mutation();
create trigger payments_no_delete before delete on payments
  for each row execute function refuse_mutation();

create function customers_refuse_delete_with_ledger() returns trigger language plpgsql as $$
begin
  if exists (select 1 from ar_documents where org_id = old.org_id and customer_id = old.id)
    or exists (select 1 from payments where org_id = old.org_id and customer_id = old.id)
    or exists (select 1 from journal_lines where org_id = old.org_id and customer_id = old.id) then
    raise exception 'customer % has documents, receipts or journal lines and cannot be deleted', old.id
      using errcode = '23503';
  end if;
  return old;
end
$$;
create trigger customers_no_delete_with_ledger before delete on customers
  for each row execute function customers_refuse_delete_with_ledger();
