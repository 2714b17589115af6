-- A deduction's open amount follows its invoice.
--
-- A deduction is the part of a short pay a customer disputes; it stays open on the invoice. What
-- the invoice still has open caps what its deductions can hold: when later cash, a credit memo,
-- a discount or a write-off lowers the invoice's balance, its deductions shrink with it, the
-- oldest first (the first claim is the first one a recovery settles), and a deduction brought to
-- nothing is "settled". When an application is taken back and the balance rises again, settled
-- deductions open again, up to what each claimed. A deduction closed by a decision (its payment
-- reversed, its invoice voided, later the dispute workflow) is "resolved" and no longer moves.
--
-- The trigger runs after every statement that writes applications, after the balance trigger
-- (triggers of one event fire in name order: "move_balances" before "settle_deductions"), so
-- every path that moves a balance, one application or a batch of thousands, keeps the rule.

alter table deductions add column open_minor bigint;

-- the deductions open now, against their invoices' present balances, newest first
with live as (
  select x.id,
    greatest(0::bigint, least(x.amount_minor, d.open_minor - (
      sum(x.amount_minor) over (
        partition by x.org_id, x.document_id order by x.created_at desc, x.id desc
      ) - x.amount_minor))) as open_now
  from deductions x
  join ar_documents d on d.org_id = x.org_id and d.id = x.document_id
  where x.status = 'open'
)
update deductions x set open_minor = live.open_now from live where x.id = live.id;
update deductions set open_minor = 0 where open_minor is null;

alter table deductions drop constraint deductions_status_check;
update deductions
  set status = 'settled',
      resolution = 'Settled: later payments or credits closed what the invoice had open',
      resolved_at = now()
  where status = 'open' and open_minor = 0;

alter table deductions alter column open_minor set not null;
alter table deductions add constraint deductions_status_check
  check (status in ('open', 'settled', 'resolved'));
alter table deductions add constraint deductions_open_minor_check
  check (open_minor >= 0 and open_minor <= amount_minor and (status = 'open') = (open_minor > 0));

-- the deductions a balance can move: open ones, and settled ones that may open again
create index deductions_live_idx on deductions (org_id, document_id)
  where status in ('open', 'settled');

create function ar_applications_settle_deductions() returns trigger
language plpgsql
-- each written row finds its invoice's deductions and the invoice through their keys
set enable_hashjoin = off
set enable_mergejoin = off
set plan_cache_mode = force_custom_plan
as $$
begin
  with touched as (
    select org_id, debit_document_id as document_id, max(created_at) as at
    from new_rows
    group by org_id, debit_document_id
  ), live as (
    select x.id, x.org_id, x.open_minor, t.at,
      greatest(0::bigint, least(x.amount_minor, d.open_minor - (
        sum(x.amount_minor) over (
          partition by x.org_id, x.document_id order by x.created_at desc, x.id desc
        ) - x.amount_minor))) as open_now
    from touched t
    join deductions x
      on x.org_id = t.org_id and x.document_id = t.document_id
      and x.status in ('open', 'settled')
    join ar_documents d on d.org_id = t.org_id and d.id = t.document_id
  )
  update deductions x
    set open_minor = live.open_now,
        status = case when live.open_now > 0 then 'open' else 'settled' end,
        resolution = case when live.open_now > 0 then null
          else 'Settled: later payments or credits closed what the invoice had open' end,
        resolved_at = case when live.open_now > 0 then null else live.at end
    from live
    where x.org_id = live.org_id and x.id = live.id and x.open_minor <> live.open_now;
  return null;
end
$$;

create trigger ar_applications_settle_deductions after insert on ar_applications
  referencing new table as new_rows for each statement
  execute function ar_applications_settle_deductions();
