-- Dunwell foundation: organizations, users, sessions, API keys, audit, idempotency, customers.
-- Every business table carries org_id; every index that serves a query leads with it; child
-- rows reference their parent through (org_id, id) so a row can never point into another
-- organization.

create extension if not exists pg_trgm;
create extension if not exists btree_gin;

-- Refuses UPDATE, DELETE and TRUNCATE: used on append-only tables.
create function refuse_mutation() returns trigger language plpgsql as $$
begin
  raise exception '% on % is not allowed: the table is append-only', tg_op, tg_table_name
    using errcode = 'P0001';
end
$$;

create table organizations (
  id uuid primary key,
  name text not null,
  slug text not null unique,
  time_zone text not null default 'UTC',
  base_currency char(3) not null default 'USD',
  created_at timestamptz not null default now()
);

create table users (
  id uuid primary key,
  org_id uuid not null references organizations (id),
  email text not null,
  name text not null,
  role text not null check (role in ('admin', 'manager', 'collector', 'viewer')),
  password_hash text,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, id)
);
create unique index users_email_key on users (lower(email));
create index users_org_name_idx on users (org_id, name);

create table sessions (
  id uuid primary key,
  org_id uuid not null,
  user_id uuid not null,
  token_hash text not null unique,
  csrf_token text not null,
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  ip text,
  user_agent text,
  foreign key (org_id, user_id) references users (org_id, id)
);
create index sessions_user_idx on sessions (org_id, user_id);

create table api_keys (
  id uuid primary key,
  org_id uuid not null references organizations (id),
  name text not null,
  prefix text not null,
  key_hash text not null unique,
  role text not null check (role in ('admin', 'manager', 'collector', 'viewer')),
  created_by uuid,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  foreign key (org_id, created_by) references users (org_id, id)
);
create index api_keys_org_idx on api_keys (org_id, created_at);

-- Failed and successful logins, for rate limiting across stateless API nodes.
create table login_attempts (
  id bigint generated always as identity primary key,
  email text not null,
  ip text not null,
  succeeded boolean not null,
  at timestamptz not null
);
create index login_attempts_email_idx on login_attempts (lower(email), at);
create index login_attempts_ip_idx on login_attempts (ip, at);

create table audit_log (
  id bigint generated always as identity primary key,
  org_id uuid not null references organizations (id),
  at timestamptz not null,
  actor_type text not null check (actor_type in ('user', 'api_key', 'system')),
  actor_id uuid,
  actor_name text not null,
  entity_type text not null,
  entity_id text not null,
  action text not null,
  before jsonb,
  after jsonb,
  request_id text
);
create index audit_log_entity_idx on audit_log (org_id, entity_type, entity_id, id);
create index audit_log_org_idx on audit_log (org_id, id);
create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function refuse_mutation();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function refuse_mutation();

create table idempotency_keys (
  org_id uuid not null references organizations (id),
  key text not null,
  method text not null,
  path text not null,
  request_hash text not null,
  status_code integer not null,
  response jsonb,
  created_at timestamptz not null,
  primary key (org_id, key)
);
-- expired keys are pruned by age
create index idempotency_keys_created_idx on idempotency_keys (org_id, created_at);

create table payment_terms (
  org_id uuid not null references organizations (id),
  code text not null,
  name text not null,
  -- net: due issue date + net_days; eom: due end of the issue month + net_days
  type text not null check (type in ('net', 'eom')),
  net_days integer not null check (net_days between 0 and 3650),
  -- early-payment discount in basis points (200 = 2%) if paid within discount_days
  discount_bp integer not null default 0 check (discount_bp between 0 and 10000),
  discount_days integer not null default 0 check (discount_days >= 0 and discount_days <= net_days),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  primary key (org_id, code)
);

create table documents (
  id uuid primary key,
  org_id uuid not null references organizations (id),
  filename text not null,
  content_type text not null,
  size_bytes integer not null,
  sha256 text not null,
  content bytea not null,
  uploaded_by uuid,
  created_at timestamptz not null default now(),
  unique (org_id, id)
);

create table customers (
  id uuid primary key,
  org_id uuid not null references organizations (id),
  account_number text not null,
  name text not null,
  legal_name text not null,
  parent_id uuid,
  currency char(3) not null,
  payment_terms_code text not null,
  credit_limit_minor bigint not null default 0 check (credit_limit_minor >= 0),
  risk_class text check (risk_class in ('low', 'medium', 'high')),
  collector_id uuid,
  sales_rep_id uuid,
  status text not null default 'active' check (status in ('active', 'credit_hold', 'agency', 'closed')),
  external_id text,
  version integer not null default 1,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  -- lower-cased text the search box matches (trigram index below)
  search_text text generated always as (
    lower(account_number || ' ' || name || ' ' || legal_name || ' ' || coalesce(external_id, ''))
  ) stored,
  unique (org_id, id),
  unique (org_id, account_number),
  foreign key (org_id, parent_id) references customers (org_id, id),
  foreign key (org_id, collector_id) references users (org_id, id),
  foreign key (org_id, sales_rep_id) references users (org_id, id),
  foreign key (org_id, payment_terms_code) references payment_terms (org_id, code),
  check (parent_id is null or parent_id <> id)
);
create unique index customers_external_id_key on customers (org_id, external_id) where external_id is not null;
create index customers_name_idx on customers (org_id, lower(name), id);
create index customers_created_idx on customers (org_id, created_at, id);
create index customers_credit_limit_idx on customers (org_id, credit_limit_minor, id);
create index customers_status_idx on customers (org_id, status, lower(name), id);
create index customers_collector_idx on customers (org_id, collector_id, lower(name), id);
create index customers_parent_idx on customers (org_id, parent_id);
-- btree_gin lets the trigram index lead with org_id, so a search reads one tenant's entries.
create index customers_search_trgm_idx on customers using gin (org_id, search_text gin_trgm_ops);

create table customer_contacts (
  id uuid primary key,
  org_id uuid not null,
  customer_id uuid not null,
  name text not null,
  email text,
  phone text,
  title text,
  roles text[] not null default '{}',
  preferred_channel text not null default 'email' check (preferred_channel in ('email', 'phone', 'letter')),
  is_primary boolean not null default false,
  created_at timestamptz not null default now(),
  foreign key (org_id, customer_id) references customers (org_id, id) on delete cascade,
  check (roles <@ array['billing', 'ap', 'decision_maker']::text[])
);
create index customer_contacts_customer_idx on customer_contacts (org_id, customer_id);

create table customer_addresses (
  id uuid primary key,
  org_id uuid not null,
  customer_id uuid not null,
  kind text not null check (kind in ('billing', 'shipping', 'remit_from')),
  line1 text not null,
  line2 text,
  city text not null,
  region text,
  postal_code text,
  country char(2) not null,
  created_at timestamptz not null default now(),
  foreign key (org_id, customer_id) references customers (org_id, id) on delete cascade
);
create index customer_addresses_customer_idx on customer_addresses (org_id, customer_id);

create table tax_certificates (
  id uuid primary key,
  org_id uuid not null,
  customer_id uuid not null,
  jurisdiction text not null,
  certificate_number text not null,
  expires_on date,
  document_id uuid,
  created_at timestamptz not null default now(),
  foreign key (org_id, customer_id) references customers (org_id, id) on delete cascade,
  foreign key (org_id, document_id) references documents (org_id, id)
);
create index tax_certificates_customer_idx on tax_certificates (org_id, customer_id);

create table credit_references (
  id uuid primary key,
  org_id uuid not null,
  customer_id uuid not null,
  kind text not null check (kind in ('trade', 'bank')),
  name text not null,
  contact_name text,
  phone text,
  email text,
  notes text,
  created_at timestamptz not null default now(),
  foreign key (org_id, customer_id) references customers (org_id, id) on delete cascade
);
create index credit_references_customer_idx on credit_references (org_id, customer_id);

create table customer_notes (
  id uuid primary key,
  org_id uuid not null,
  customer_id uuid not null,
  body text not null,
  author_id uuid,
  author_name text not null,
  created_at timestamptz not null,
  foreign key (org_id, customer_id) references customers (org_id, id)
);
create index customer_notes_customer_idx on customer_notes (org_id, customer_id, created_at);

create table customer_status_history (
  id bigint generated always as identity primary key,
  org_id uuid not null,
  customer_id uuid not null,
  from_status text,
  to_status text not null,
  reason text,
  changed_by uuid,
  changed_by_name text,
  changed_at timestamptz not null,
  foreign key (org_id, customer_id) references customers (org_id, id)
);
create index customer_status_history_idx on customer_status_history (org_id, customer_id, id);
create trigger customer_status_history_append_only before update or delete on customer_status_history
  for each row execute function refuse_mutation();
