-- A deposit batch is the bank's one line: it is tied to at most one statement line, as a
-- receipt is (bank_statement_lines_payment_key). Two statements of an account matched again
-- at once each tied the same deposit to a line of theirs.
drop index bank_statement_lines_deposit_idx;
create unique index bank_statement_lines_deposit_key on bank_statement_lines (org_id, deposit_batch_id)
  where deposit_batch_id is not null;
