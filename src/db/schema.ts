import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Table types for Kysely, kept beside the SQL migrations (one interface per table). */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** A calendar date as 'YYYY-MM-DD' (the driver is told never to turn it into a Date). */
type DateString = string;
type Json = ColumnType<unknown, string | null, string | null>;

export type Role = 'admin' | 'manager' | 'collector' | 'viewer';
export type CustomerStatus = 'active' | 'credit_hold' | 'agency' | 'closed';
export type RiskClass = 'low' | 'medium' | 'high';

export interface OrganizationsTable {
  id: string;
  name: string;
  slug: string;
  time_zone: Generated<string>;
  base_currency: Generated<string>;
  closed_through: DateString | null;
  remit_to: string | null;
  invoice_footer: string | null;
  /** numeric columns, read as decimal strings; the tolerance is in the base currency */
  short_pay_tolerance: ColumnType<string, string | undefined, string>;
  auto_match_threshold: ColumnType<string, string | undefined, string>;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: string;
  org_id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface SessionsTable {
  id: string;
  org_id: string;
  user_id: string;
  token_hash: string;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiKeysTable {
  id: string;
  org_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  role: Role;
  created_by: string | null;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface LoginAttemptsTable {
  id: Generated<bigint>;
  email: string;
  ip: string;
  succeeded: boolean;
  at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<bigint>;
  org_id: string;
  at: Timestamp;
  actor_type: 'user' | 'api_key' | 'system';
  actor_id: string | null;
  actor_name: string;
  entity_type: string;
  entity_id: string;
  action: string;
  before: Json;
  after: Json;
  request_id: string | null;
}

export interface IdempotencyKeysTable {
  org_id: string;
  key: string;
  method: string;
  path: string;
  request_hash: string;
  status_code: number;
  response: Json;
  created_at: Timestamp;
}

export interface PaymentTermsTable {
  org_id: string;
  code: string;
  name: string;
  type: 'net' | 'eom';
  net_days: number;
  discount_bp: Generated<number>;
  discount_days: Generated<number>;
  active: Generated<boolean>;
  created_at: CreatedAt;
}

export interface DocumentsTable {
  id: string;
  org_id: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  content: Buffer | Uint8Array;
  uploaded_by: string | null;
  created_at: CreatedAt;
}

export interface CustomersTable {
  id: string;
  org_id: string;
  account_number: string;
  name: string;
  legal_name: string;
  parent_id: string | null;
  currency: string;
  payment_terms_code: string;
  credit_limit_minor: ColumnType<bigint, bigint | undefined, bigint>;
  risk_class: RiskClass | null;
  collector_id: string | null;
  sales_rep_id: string | null;
  status: Generated<CustomerStatus>;
  external_id: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  search_text: ColumnType<string, never, never>;
}

export interface CustomerContactsTable {
  id: string;
  org_id: string;
  customer_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  title: string | null;
  roles: ColumnType<string[], string[] | undefined, string[]>;
  preferred_channel: Generated<'email' | 'phone' | 'letter'>;
  is_primary: Generated<boolean>;
  created_at: CreatedAt;
}

export interface CustomerAddressesTable {
  id: string;
  org_id: string;
  customer_id: string;
  kind: 'billing' | 'shipping' | 'remit_from';
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postal_code: string | null;
  country: string;
  created_at: CreatedAt;
}

export interface TaxCertificatesTable {
  id: string;
  org_id: string;
  customer_id: string;
  jurisdiction: string;
  certificate_number: string;
  expires_on: DateString | null;
  document_id: string | null;
  created_at: CreatedAt;
}

export interface CreditReferencesTable {
  id: string;
  org_id: string;
  customer_id: string;
  kind: 'trade' | 'bank';
  name: string;
  contact_name: string | null;
  phone: string | null;
  email: string | null;
  notes: string | null;
  created_at: CreatedAt;
}

export interface CustomerNotesTable {
  id: string;
  org_id: string;
  customer_id: string;
  body: string;
  author_id: string | null;
  author_name: string;
  created_at: Timestamp;
}

export interface CustomerStatusHistoryTable {
  id: Generated<bigint>;
  org_id: string;
  customer_id: string;
  from_status: CustomerStatus | null;
  to_status: CustomerStatus;
  reason: string | null;
  changed_by: string | null;
  changed_by_name: string | null;
  changed_at: Timestamp;
}

export type AccountRole =
  | 'ar_control'
  | 'cash'
  | 'undeposited_funds'
  | 'unapplied_cash'
  | 'customer_deposits'
  | 'sales_tax_payable'
  | 'revenue'
  | 'discounts_allowed'
  | 'bad_debt_expense'
  | 'fx_gain_loss'
  | 'opening_balance';
export type AccountType = 'asset' | 'liability' | 'equity' | 'revenue' | 'expense';

export interface AccountsTable {
  id: string;
  org_id: string;
  code: string;
  name: string;
  type: AccountType;
  role: AccountRole | null;
  gl_code: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
}

export interface NumberSequencesTable {
  org_id: string;
  series: string;
  prefix: string;
  width: Generated<number>;
  next_value: Generated<bigint>;
}

export type ArDocumentKind =
  | 'invoice'
  | 'credit_memo'
  | 'debit_memo'
  | 'adjustment'
  | 'write_off'
  | 'refund'
  | 'payment'
  | 'discount';
export type ArDocumentState = 'draft' | 'posted' | 'voided';
type Minor = ColumnType<bigint, bigint, bigint>;

export interface ArDocumentsTable {
  id: string;
  org_id: string;
  customer_id: string;
  kind: ArDocumentKind;
  state: ArDocumentState;
  number: string | null;
  currency: string;
  issue_date: DateString;
  due_date: DateString | null;
  terms_code: string | null;
  discount_date: DateString | null;
  discount_minor: ColumnType<bigint, bigint | undefined, bigint>;
  subtotal_minor: ColumnType<bigint, bigint | undefined, bigint>;
  tax_minor: ColumnType<bigint, bigint | undefined, bigint>;
  amount_minor: Minor;
  open_minor: Minor;
  tax_jurisdiction: string | null;
  tax_exempt_certificate_id: string | null;
  po_number: string | null;
  sales_order_ref: string | null;
  external_id: string | null;
  reason: string | null;
  memo: string | null;
  related_document_id: string | null;
  offset_account_id: string | null;
  refund_method: string | null;
  refund_reference: string | null;
  written_off: Generated<boolean>;
  opening_balance: Generated<boolean>;
  posted_at: Timestamp | null;
  voided_date: DateString | null;
  void_reason: string | null;
  payment_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_by_name: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ArDocumentLinesTable {
  org_id: string;
  document_id: string;
  line_no: number;
  description: string;
  /** exact decimal strings (numeric columns) */
  quantity: string;
  unit_price: string;
  tax_rate: ColumnType<string, string | undefined, string>;
  amount_minor: Minor;
  tax_minor: Minor;
  account_id: string;
}

export interface JournalEntriesTable {
  id: string;
  org_id: string;
  seq: Generated<bigint>;
  effective_date: DateString;
  recorded_at: Timestamp;
  currency: string;
  kind: string;
  description: string;
  document_id: string | null;
  application_id: string | null;
  reverses_entry_id: string | null;
  payment_id: ColumnType<string | null, string | null | undefined, string | null>;
  deposit_batch_id: ColumnType<string | null, string | null | undefined, string | null>;
  actor_name: string;
}

export interface JournalLinesTable {
  org_id: string;
  entry_id: string;
  line_no: number;
  effective_date: DateString;
  currency: string;
  account_id: string;
  debit_minor: ColumnType<bigint, bigint | undefined, bigint>;
  credit_minor: ColumnType<bigint, bigint | undefined, bigint>;
  customer_id: string | null;
  document_id: string | null;
  memo: string | null;
}

export interface ArApplicationsTable {
  id: string;
  org_id: string;
  debit_document_id: string;
  credit_document_id: string;
  amount_minor: Minor;
  effective_date: DateString;
  reverses_application_id: string | null;
  reason: string | null;
  actor_name: string;
  created_at: Timestamp;
}

export type EmailStatus = 'outbox' | 'sending' | 'sent' | 'failed';

export interface EmailMessagesTable {
  id: string;
  org_id: string;
  status: EmailStatus;
  to_addresses: string[];
  cc_addresses: ColumnType<string[], string[] | undefined, string[]>;
  subject: string;
  body_text: string;
  attachment_name: string | null;
  attachment: Buffer | Uint8Array | null;
  document_id: string | null;
  customer_id: string | null;
  error: string | null;
  created_by_name: string;
  created_at: Timestamp;
  sent_at: Timestamp | null;
}

export type PaymentMethod = 'check' | 'ach' | 'wire' | 'card' | 'direct_deposit' | 'cash' | 'other';
export type PaymentKind = 'receipt' | 'prepayment';
export type ReversalKind = 'nsf' | 'chargeback' | 'stop_payment' | 'error';
export type StatementLineStatus =
  'unmatched' | 'suggested' | 'applied' | 'reconciled' | 'ignored' | 'duplicate' | 'debit';

export interface BankAccountsTable {
  id: string;
  org_id: string;
  name: string;
  identifier: string;
  bank_identifier: string | null;
  currency: string;
  active: Generated<boolean>;
  created_at: Timestamp;
}

export interface DepositBatchesTable {
  id: string;
  org_id: string;
  number: string;
  bank_account_id: string;
  currency: string;
  status: 'open' | 'deposited';
  deposit_date: DateString | null;
  deposited_minor: ColumnType<bigint | null, bigint | null | undefined, bigint | null>;
  /** how many receipts the deposit took to the bank */
  deposited_count: ColumnType<number | null, number | null | undefined, number | null>;
  memo: string | null;
  created_by_name: string;
  created_at: Timestamp;
  deposited_at: Timestamp | null;
}

export interface PaymentsTable {
  id: string;
  org_id: string;
  number: string;
  kind: PaymentKind;
  method: PaymentMethod;
  customer_id: string | null;
  currency: string;
  amount_minor: Minor;
  held_minor: Minor;
  received_date: DateString;
  reference: string | null;
  payer_name: string | null;
  payer_account: string | null;
  memo: string | null;
  external_id: string | null;
  bank_account_id: string | null;
  deposit_batch_id: string | null;
  cash_account_id: string;
  status: 'posted' | 'reversed';
  reversed_date: DateString | null;
  reversal_kind: ReversalKind | null;
  reversal_reason: string | null;
  fee_document_id: string | null;
  created_by_name: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DeductionsTable {
  id: string;
  org_id: string;
  customer_id: string;
  document_id: string;
  payment_id: string | null;
  currency: string;
  amount_minor: Minor;
  /** what the invoice's balance still holds of it (0 once settled or resolved) */
  open_minor: Minor;
  reason_code: string;
  note: string | null;
  /** open; settled when later applications closed it; resolved by a decision */
  status: 'open' | 'settled' | 'resolved';
  resolution: string | null;
  created_by_name: string;
  created_at: Timestamp;
  resolved_at: Timestamp | null;
}

/** The short-pay tolerance of a currency other than the organization's base currency. */
export interface ShortPayTolerancesTable {
  org_id: string;
  currency: string;
  amount_minor: Minor;
}

export interface BankStatementsTable {
  id: string;
  org_id: string;
  bank_account_id: string;
  format: string;
  fingerprint: string;
  statement_ref: string | null;
  sequence_number: string | null;
  currency: string;
  from_date: DateString | null;
  to_date: DateString | null;
  opening_minor: bigint | null;
  opening_date: DateString | null;
  closing_minor: bigint | null;
  closing_date: DateString | null;
  line_count: number;
  credit_total_minor: Minor;
  debit_total_minor: Minor;
  balance_problem: string | null;
  control_problems: ColumnType<string[], string[] | undefined, string[]>;
  file_name: string | null;
  file_sha256: string;
  created_by_name: string;
  created_at: Timestamp;
}

export interface BankStatementLinesTable {
  id: string;
  org_id: string;
  statement_id: string;
  bank_account_id: string;
  line_no: number;
  booking_date: DateString | null;
  value_date: DateString | null;
  amount_minor: Minor;
  currency: string;
  type_code: string | null;
  counterparty_name: string | null;
  counterparty_account: string | null;
  counterparty_bank: string | null;
  remittance_info: string | null;
  end_to_end_id: string | null;
  bank_reference: string | null;
  additional_info: string | null;
  source_line: number | null;
  status: StatementLineStatus;
  entry_key: string | null;
  /** the key of the total of the lines sharing this one's bank reference and day, if several */
  group_key: string | null;
  duplicate_of: string | null;
  /** JSON text through Kysely; the bulk writes (src/db/bulk.ts) send the value itself */
  suggestions: ColumnType<unknown, string | null | undefined, string | null>;
  matched_at: Timestamp | null;
  payment_id: string | null;
  deposit_batch_id: string | null;
  status_note: string | null;
  updated_by_name: string | null;
}

export interface PayerHintsTable {
  id: string;
  org_id: string;
  customer_id: string;
  account: string;
  name: string | null;
  uses: Generated<number>;
  created_at: Timestamp;
  last_used_at: Timestamp;
}

export interface BankFileMappingsTable {
  id: string;
  org_id: string;
  name: string;
  kind: 'csv' | 'lockbox';
  mapping: ColumnType<unknown, string, string>;
  bank_account_id: string;
  created_by_name: string;
  created_at: Timestamp;
}

export interface DB {
  organizations: OrganizationsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  login_attempts: LoginAttemptsTable;
  audit_log: AuditLogTable;
  idempotency_keys: IdempotencyKeysTable;
  payment_terms: PaymentTermsTable;
  documents: DocumentsTable;
  customers: CustomersTable;
  customer_contacts: CustomerContactsTable;
  customer_addresses: CustomerAddressesTable;
  tax_certificates: TaxCertificatesTable;
  credit_references: CreditReferencesTable;
  customer_notes: CustomerNotesTable;
  customer_status_history: CustomerStatusHistoryTable;
  accounts: AccountsTable;
  number_sequences: NumberSequencesTable;
  ar_documents: ArDocumentsTable;
  ar_document_lines: ArDocumentLinesTable;
  journal_entries: JournalEntriesTable;
  journal_lines: JournalLinesTable;
  ar_applications: ArApplicationsTable;
  email_messages: EmailMessagesTable;
  bank_accounts: BankAccountsTable;
  deposit_batches: DepositBatchesTable;
  payments: PaymentsTable;
  deductions: DeductionsTable;
  bank_statements: BankStatementsTable;
  bank_statement_lines: BankStatementLinesTable;
  payer_hints: PayerHintsTable;
  bank_file_mappings: BankFileMappingsTable;
  short_pay_tolerances: ShortPayTolerancesTable;
}

export type ArDocument = Selectable<ArDocumentsTable>;
export type Payment = Selectable<PaymentsTable>;
export type Account = Selectable<AccountsTable>;

export type Customer = Selectable<CustomersTable>;
export type NewCustomer = Insertable<CustomersTable>;
export type CustomerUpdate = Updateable<CustomersTable>;
