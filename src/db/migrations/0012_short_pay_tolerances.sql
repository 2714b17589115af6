-- The short-pay tolerance per currency.
--
-- organizations.short_pay_tolerance was one number read in whatever currency a payment was in:
-- 5.00 allowed ¥5 in yen and 5 KWD (about 16 USD) in dinars. It is now the tolerance in the
-- organization's base currency only, and each other currency has its own, in that currency's
-- minor units. A currency without one has none: only a manager writes off its short pays.
-- Dunwell keeps no exchange rates, so none is derived from the base currency.
create table short_pay_tolerances (
  org_id uuid not null references organizations (id),
  currency char(3) not null,
  amount_minor bigint not null check (amount_minor >= 0),
  primary key (org_id, currency)
);
