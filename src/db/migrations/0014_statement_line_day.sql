-- The day of a bank line is its booking date, or its value date when the bank gave no booking
-- date (an MT940 :61: line may leave the entry date out, a camt entry its BookgDt). Matching
-- already read it so; the daily cash reconciliation read the booking date alone and left such
-- lines out of every day. Its index follows the same expression.
drop index bank_statement_lines_day_idx;
create index bank_statement_lines_day_idx
  on bank_statement_lines (org_id, bank_account_id, (coalesce(booking_date, value_date)));
