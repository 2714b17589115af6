-- Fewer index writes per posted row, and open balances that move in place.
--
-- Measured on an auto-apply of 100k bank lines (`npm run bench:match`, PostgreSQL, the perf
-- profile of the backend): 38% of the database's time went into inserting index entries. The
-- tables it writes carried two unique indexes over the same key, a single-column primary key
-- (id) and the (org_id, id) key that the composite foreign keys refer to, and every row paid
-- for both.

-- ---------------------------------------------------------------------------------------------
-- One key per table: primary key (id, org_id). It answers a look-up by id alone, as the old
-- primary key did, and by organization and id, as the old unique key did; the foreign keys that
-- referred to (org_id, id) refer to it now (PostgreSQL matches the referenced columns in any
-- order). An id is still a random UUID, unique in practice across organizations.
-- ---------------------------------------------------------------------------------------------
alter table ar_document_lines drop constraint ar_document_lines_org_id_document_id_fkey;
alter table ar_documents drop constraint ar_documents_org_id_related_document_id_fkey;
alter table email_messages drop constraint email_messages_org_id_document_id_fkey;
alter table payments drop constraint payments_org_id_fee_document_id_fkey;
alter table deductions drop constraint deductions_org_id_document_id_fkey;
alter table deductions drop constraint deductions_org_id_payment_id_fkey;
alter table bank_statement_lines drop constraint bank_statement_lines_org_id_payment_id_fkey;
alter table journal_entries drop constraint journal_entries_org_id_reverses_entry_id_fkey;
alter table ar_applications drop constraint ar_applications_org_id_reverses_application_id_fkey;

alter table ar_documents drop constraint ar_documents_pkey;
alter table ar_documents drop constraint ar_documents_org_id_id_key;
alter table ar_documents add constraint ar_documents_pkey primary key (id, org_id);

alter table journal_entries drop constraint journal_entries_pkey;
alter table journal_entries drop constraint journal_entries_org_id_id_key;
alter table journal_entries add constraint journal_entries_pkey primary key (id, org_id);

alter table ar_applications drop constraint ar_applications_pkey;
alter table ar_applications drop constraint ar_applications_org_id_id_key;
alter table ar_applications add constraint ar_applications_pkey primary key (id, org_id);

alter table payments drop constraint payments_pkey;
alter table payments drop constraint payments_org_id_id_key;
alter table payments add constraint payments_pkey primary key (id, org_id);

alter table bank_statement_lines drop constraint bank_statement_lines_pkey;
alter table bank_statement_lines drop constraint bank_statement_lines_org_id_id_key;
alter table bank_statement_lines add constraint bank_statement_lines_pkey primary key (id, org_id);

alter table ar_document_lines add constraint ar_document_lines_org_id_document_id_fkey
  foreign key (org_id, document_id) references ar_documents (org_id, id) on delete cascade;
alter table ar_documents add constraint ar_documents_org_id_related_document_id_fkey
  foreign key (org_id, related_document_id) references ar_documents (org_id, id);
alter table email_messages add constraint email_messages_org_id_document_id_fkey
  foreign key (org_id, document_id) references ar_documents (org_id, id);
alter table payments add constraint payments_org_id_fee_document_id_fkey
  foreign key (org_id, fee_document_id) references ar_documents (org_id, id);
alter table deductions add constraint deductions_org_id_document_id_fkey
  foreign key (org_id, document_id) references ar_documents (org_id, id);
alter table deductions add constraint deductions_org_id_payment_id_fkey
  foreign key (org_id, payment_id) references payments (org_id, id);
alter table bank_statement_lines add constraint bank_statement_lines_org_id_payment_id_fkey
  foreign key (org_id, payment_id) references payments (org_id, id);
alter table journal_entries add constraint journal_entries_org_id_reverses_entry_id_fkey
  foreign key (org_id, reverses_entry_id) references journal_entries (org_id, id);
alter table ar_applications add constraint ar_applications_org_id_reverses_application_id_fkey
  foreign key (org_id, reverses_application_id) references ar_applications (org_id, id);

-- ---------------------------------------------------------------------------------------------
-- Bank statement lines: bank_statement_lines_payment_key (unique, the same columns and
-- predicate) serves every read that bank_statement_lines_payment_idx served, and applying a
-- line wrote an entry into both.
-- ---------------------------------------------------------------------------------------------
drop index bank_statement_lines_payment_idx;

-- ---------------------------------------------------------------------------------------------
-- A statement's lines name their statement and bank account: checked once per INSERT statement
-- (all the lines of an import share both) instead of by two foreign-key queries per line
-- (`npm run bench:match`, 95k lines: the database's time to store them went from 6.65 s to
-- 6.19 s). As for the keys 0006 replaced: bank accounts are never deleted (0006), and neither
-- are imported statements now.
-- ---------------------------------------------------------------------------------------------
create trigger bank_statement_lines_references after insert on bank_statement_lines
  referencing new table as new_rows
  for each statement execute function check_inserted_references(
    'statement_id', 'bank_statements', 'bank_account_id', 'bank_accounts');
create trigger bank_statement_lines_references_update before update on bank_statement_lines
  for each row when (
    new.statement_id is distinct from old.statement_id
    or new.bank_account_id is distinct from old.bank_account_id
    or new.org_id is distinct from old.org_id)
  execute function check_updated_references(
    'statement_id', 'bank_statements', 'bank_account_id', 'bank_accounts');
alter table bank_statement_lines drop constraint bank_statement_lines_org_id_statement_id_fkey;
alter table bank_statement_lines drop constraint bank_statement_lines_org_id_bank_account_id_fkey;
create trigger bank_statements_no_delete before delete on bank_statements
  for each row execute function refuse_mutation();

-- ---------------------------------------------------------------------------------------------
-- Balance moves fit beside the row they replace. A receipt's own document is inserted and then
-- settled in the same transaction, and an auto-apply settles half of the open invoices at
-- once: with 15% of each page free (0006) only 27% of those moves were HOT (no index touched),
-- with 40% free 85% are (an auto-apply of 100k lines: 190k moves). New pages are filled to 60%.
-- ---------------------------------------------------------------------------------------------
alter table ar_documents set (fillfactor = 60);
