-- Closes the ways around the journal that 0002 left open to direct SQL: a document marked
-- posted or voided without its journal entry, lines of a posted document edited, and an
-- application joining two customers or two currencies.

-- A posted document has its journal entry, and a voided one also the reversal, by the time
-- the transaction commits (deferred: the service writes the document, then the entry).
create function ar_documents_check_posting() returns trigger language plpgsql as $$
declare
  current_state text;
begin
  select state into current_state from ar_documents where org_id = new.org_id and id = new.id;
  if not found or current_state = 'draft' then
    return null;
  end if;
  if not exists (
    select 1 from journal_entries
    where org_id = new.org_id and document_id = new.id
      and reverses_entry_id is null and application_id is null
  ) then
    raise exception 'document % is % without a journal entry', new.id, current_state
      using errcode = 'P0001', hint = 'unposted_document';
  end if;
  if current_state = 'voided' and not exists (
    select 1 from journal_entries
    where org_id = new.org_id and document_id = new.id and reverses_entry_id is not null
  ) then
    raise exception 'document % is voided without a reversing entry', new.id
      using errcode = 'P0001', hint = 'unposted_document';
  end if;
  return null;
end
$$;
create constraint trigger ar_documents_posted_has_entry
  after insert or update of state on ar_documents
  deferrable initially deferred
  for each row when (new.state <> 'draft')
  execute function ar_documents_check_posting();

-- The lines of a posted or voided document are as printed: no edit, no removal.
create function ar_document_lines_guard() returns trigger language plpgsql as $$
begin
  if exists (
    select 1 from ar_documents
    where org_id = old.org_id and id = old.document_id and state <> 'draft'
  ) then
    raise exception 'the lines of posted document % cannot be changed', old.document_id
      using errcode = 'P0001';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;
create trigger ar_document_lines_guard before update or delete on ar_document_lines
  for each row execute function ar_document_lines_guard();

-- An application settles one customer's document with another document of the same
-- customer, in the same currency.
create or replace function ar_application_move_balances() returns trigger language plpgsql as $$
declare
  debit_customer uuid;
  debit_currency char(3);
  credit_customer uuid;
  credit_currency char(3);
begin
  update ar_documents set open_minor = open_minor - new.amount_minor
    where org_id = new.org_id and id = new.debit_document_id and state = 'posted'
    returning customer_id, currency into debit_customer, debit_currency;
  if not found then
    raise exception 'document % is not posted', new.debit_document_id using errcode = 'P0001';
  end if;
  update ar_documents set open_minor = open_minor + new.amount_minor
    where org_id = new.org_id and id = new.credit_document_id and state = 'posted'
    returning customer_id, currency into credit_customer, credit_currency;
  if not found then
    raise exception 'document % is not posted', new.credit_document_id using errcode = 'P0001';
  end if;
  if debit_customer <> credit_customer or debit_currency <> credit_currency then
    raise exception 'an application joins documents of one customer in one currency'
      using errcode = 'P0001';
  end if;
  return new;
end
$$;
