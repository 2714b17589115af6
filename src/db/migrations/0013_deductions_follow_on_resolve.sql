-- The rule that brings an invoice's deductions within its open balance (0011) as a function of
-- its own, which the application-statement trigger and the application code both call.
--
-- 0011 ran the rule only when applications were written. A reversal unapplies its payment's
-- cash first (the rule runs with that payment's deductions still live) and resolves them
-- after, so the invoice's other deductions kept a share the resolved ones had taken: invoice
-- 100.00 with deductions of 40 and 50, the 50's payment reversed, left the 40 holding 20 on
-- 70 open until some later application moved it. The code now runs the rule again for the
-- invoices whose deductions it resolved.
create function deductions_follow_balances(p_org uuid, p_documents uuid[], p_at timestamptz)
returns void
language sql
set enable_hashjoin = off
set enable_mergejoin = off
as $$
  with live as (
    select x.id,
      greatest(0::bigint, least(x.amount_minor, d.open_minor - (
        sum(x.amount_minor) over (
          partition by x.document_id order by x.created_at desc, x.id desc
        ) - x.amount_minor))) as open_now
    from deductions x
    join ar_documents d on d.org_id = x.org_id and d.id = x.document_id
    where x.org_id = p_org and x.document_id = any (p_documents)
      and x.status in ('open', 'settled')
  )
  update deductions x
    set open_minor = live.open_now,
        status = case when live.open_now > 0 then 'open' else 'settled' end,
        resolution = case when live.open_now > 0 then null
          else 'Settled: later payments or credits closed what the invoice had open' end,
        resolved_at = case when live.open_now > 0 then null else p_at end
    from live
    where x.org_id = p_org and x.id = live.id and x.open_minor <> live.open_now;
$$;

create or replace function ar_applications_settle_deductions() returns trigger
language plpgsql
set plan_cache_mode = force_custom_plan
as $$
begin
  perform deductions_follow_balances(org_id, array_agg(distinct debit_document_id), max(created_at))
  from new_rows
  group by org_id;
  return null;
end
$$;
