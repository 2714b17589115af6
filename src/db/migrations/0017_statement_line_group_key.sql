-- Lines that share a bank reference and a day within their statement (the transactions of a
-- batch a camt.054 itemizes) carry the key of their total ("BATCH-77|30000|2026-11-16"): a
-- statement that books the batch as one entry is then recognised as the same money, and so is
-- the reverse. Few lines have one, so the index is small.
alter table bank_statement_lines add column group_key text;
create index bank_statement_lines_group_idx on bank_statement_lines (org_id, bank_account_id, group_key)
  where group_key is not null;
