-- Every journal entry balances, checked when the statement that writes it ends instead of at
-- commit, entry by entry.
--
-- The check of 0002 was a deferred row trigger: at commit, one call and one query per entry.
-- Posting a bank statement of 100k lines writes 194k entries, and those calls were most of its
-- three-second commit. An entry is now inserted in the same statement as its lines (one INSERT
-- with a writable CTE, see prepareEntries in src/modules/ledger/journal.ts); the triggers below
-- check all the entries a statement touches with one query each:
--   * a new entry has lines (an entry inserted on its own is refused), and
--   * an entry that gets lines has at least two, and its debits equal its credits (which also
--     refuses lines added later that would unbalance an entry).

drop trigger journal_entries_balanced on journal_entries;
drop function journal_check_balanced();

create function journal_entries_check_has_lines() returns trigger
language plpgsql
-- each entry finds its lines through the primary key of journal_lines
set enable_hashjoin = off
set enable_mergejoin = off
as $$
declare
  bad uuid;
begin
  select e.id into bad
    from new_rows e
    where not exists (select 1 from journal_lines l where l.org_id = e.org_id and l.entry_id = e.id)
    limit 1;
  if found then
    raise exception 'journal entry % does not balance: it has no lines (an entry is inserted in one statement with its lines)', bad
      using errcode = 'P0001', hint = 'unbalanced_entry';
  end if;
  return null;
end
$$;
create trigger journal_entries_has_lines after insert on journal_entries
  referencing new table as new_rows
  for each statement execute function journal_entries_check_has_lines();

create function journal_lines_check_balanced() returns trigger
language plpgsql
set enable_hashjoin = off
set enable_mergejoin = off
as $$
declare
  bad record;
begin
  select t.entry_id, s.lines, s.debits, s.credits into bad
    from (select distinct org_id, entry_id from new_rows) t
    cross join lateral (
      select count(*) as lines, sum(l.debit_minor) as debits, sum(l.credit_minor) as credits
      from journal_lines l where l.org_id = t.org_id and l.entry_id = t.entry_id) s
    where s.lines < 2 or s.debits <> s.credits
    limit 1;
  if found then
    raise exception 'journal entry % does not balance: % lines, debits %, credits %', bad.entry_id, bad.lines, bad.debits, bad.credits
      using errcode = 'P0001', hint = 'unbalanced_entry';
  end if;
  return null;
end
$$;
create trigger journal_lines_balanced after insert on journal_lines
  referencing new table as new_rows
  for each statement execute function journal_lines_check_balanced();
