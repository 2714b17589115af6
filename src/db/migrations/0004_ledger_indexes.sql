-- Indexes for two hot reads found in review:
-- a document's page reads the journal entries of its applications (by application_id), and
-- the list of documents of every kind is sorted by issue date without a kind.
create index journal_entries_application_idx on journal_entries (org_id, application_id)
  where application_id is not null;
create index ar_documents_issue_idx on ar_documents (org_id, issue_date desc, id desc);
