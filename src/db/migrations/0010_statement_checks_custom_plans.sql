-- The statement-level checks plan each run for the rows it has.
--
-- A PL/pgSQL function keeps the plan of each of its queries, and after five runs it may switch
-- to a generic plan made without knowing how many rows the statement wrote. For the journal
-- lines' reference check that generic plan looked a customer up in a hash of the whole
-- customers table, built again for every statement: at 100k customers, 20–30 ms for each
-- journal entry posted one at a time (`npm run bench:ledger`, PostgreSQL, 1M invoices: credit
-- memos went from about 8 to 133 per second when this setting was applied during the run).
-- Planned for the rows each statement actually wrote, a posting of a few lines probes by key,
-- and one of thousands may hash.
alter function journal_lines_check_references() set plan_cache_mode = force_custom_plan;
alter function journal_entries_check_references() set plan_cache_mode = force_custom_plan;
alter function journal_entries_check_has_lines() set plan_cache_mode = force_custom_plan;
alter function journal_lines_check_balanced() set plan_cache_mode = force_custom_plan;
alter function ar_applications_move_balances_bulk() set plan_cache_mode = force_custom_plan;
alter function journal_refuse_closed_period_bulk() set plan_cache_mode = force_custom_plan;
