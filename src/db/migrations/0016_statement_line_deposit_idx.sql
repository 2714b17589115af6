-- A deposit batch finds the bank line tied to it by key (the cash reconciliation and the
-- recorded-receipt ties read it for every batch of the period), not by reading every line.
create index bank_statement_lines_deposit_idx on bank_statement_lines (org_id, deposit_batch_id)
  where deposit_batch_id is not null;
