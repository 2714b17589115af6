-- A deposited batch keeps how many checks went to the bank, beside what they came to
-- (deposited_minor). The count was read from the batch's posted payments, so a check returned
-- unpaid after the deposit left the batch at 150.00 "with 1 payment" when two were deposited.
alter table deposit_batches add column deposited_count integer;
update deposit_batches b
  set deposited_count = (
    select count(*) from payments p
    where p.org_id = b.org_id and p.deposit_batch_id = b.id
      and (p.status = 'posted' or p.updated_at > b.deposited_at))
  where b.status = 'deposited';
