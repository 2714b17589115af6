// Typed client for the Dunwell HTTP API (/api/v1). Browser auth is cookie based:
// the session cookie is httpOnly, and every state-changing request echoes the readable
// `dunwell_csrf` cookie in the X-CSRF-Token header. POST/PATCH requests carry an
// Idempotency-Key that the caller generates once per logical submission.

// ---------- Types ----------

export type Role = string;

export interface Organization {
  id: string;
  name: string;
  timeZone: string;
  baseCurrency: string;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  organization: Organization;
}

export interface UserSummary {
  id: string;
  name: string;
  email: string;
  role: Role;
}

export interface PaymentTerm {
  code: string;
  name: string;
  type: 'net' | 'eom';
  netDays: number;
  discountPercent: string | number | null;
  discountDays: number | null;
}

export type CustomerStatus = 'active' | 'credit_hold' | 'agency' | 'closed';
export type RiskClass = 'low' | 'medium' | 'high';
export type ContactRole = 'billing' | 'ap' | 'decision_maker';
export type Channel = 'email' | 'phone' | 'letter';
export type AddressKind = 'billing' | 'shipping' | 'remit_from';
export type CreditReferenceKind = 'trade' | 'bank';

export interface Ref {
  id: string;
  name: string;
}

export interface CustomerSummary {
  id: string;
  accountNumber: string;
  name: string;
  legalName: string | null;
  status: CustomerStatus;
  currency: string;
  creditLimit: string | null;
  paymentTerms: string;
  riskClass: RiskClass | null;
  collector: Ref | null;
  salesRep: Ref | null;
  parentId: string | null;
  externalId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Contact {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  title: string | null;
  roles: ContactRole[];
  preferredChannel: Channel;
  isPrimary: boolean;
}

export interface Address {
  id: string;
  kind: AddressKind;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string | null;
  country: string;
}

export interface TaxCertificate {
  id: string;
  jurisdiction: string;
  certificateNumber: string;
  expiresOn: string | null;
  documentId: string | null;
  document: { id: string; filename: string } | null;
  expired: boolean;
}

export interface CreditReference {
  id: string;
  kind: CreditReferenceKind;
  name: string;
  contactName: string | null;
  phone: string | null;
  email: string | null;
  notes: string | null;
}

export interface StatusChange {
  fromStatus: CustomerStatus | null;
  toStatus: CustomerStatus;
  reason: string | null;
  changedBy: Ref | null;
  changedAt: string;
}

export interface Customer extends CustomerSummary {
  parent: { id: string; accountNumber: string; name: string } | null;
  contacts: Contact[];
  addresses: Address[];
  taxCertificates: TaxCertificate[];
  creditReferences: CreditReference[];
  statusHistory: StatusChange[];
  version: number;
}

export interface Note {
  id: string;
  body: string;
  author: Ref | null;
  createdAt: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: { type: string; id: string | null; name: string | null } | null;
  action: string;
  entityType: string;
  entityId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
}

export interface DocumentInfo {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface ImportRowError {
  line: number;
  field: string | null;
  message: string;
}

export interface ImportResult {
  dryRun: boolean;
  /** Data rows in the file (blank rows not counted). */
  total?: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: ImportRowError[];
  /** A real import refused as a whole (422 import_failed): nothing was saved. */
  rejected?: boolean;
}

export type ImportMode = 'all_or_nothing' | 'partial';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type CustomerSort =
  | 'name'
  | '-name'
  | 'accountNumber'
  | '-accountNumber'
  | 'creditLimit'
  | '-creditLimit'
  | 'createdAt'
  | '-createdAt';

export interface CustomerListParams {
  search?: string | undefined;
  status?: CustomerStatus | undefined;
  riskClass?: RiskClass | undefined;
  currency?: string | undefined;
  collectorId?: string | undefined;
  sort?: CustomerSort | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface CustomerInput {
  accountNumber?: string;
  name?: string;
  legalName?: string | null;
  currency?: string;
  creditLimit?: string | null;
  paymentTerms?: string;
  riskClass?: RiskClass | null;
  collectorId?: string | null;
  salesRepId?: string | null;
  parentId?: string | null;
  externalId?: string | null;
  status?: CustomerStatus;
  statusReason?: string | null;
  /** Optimistic concurrency on PATCH: the server refuses the edit if the customer moved on. */
  version?: number;
}

export type ContactInput = Omit<Contact, 'id'>;
export type AddressInput = Omit<Address, 'id'>;
export interface TaxCertificateInput {
  jurisdiction: string;
  certificateNumber: string;
  expiresOn: string | null;
  documentId?: string | null;
}
export type CreditReferenceInput = Omit<CreditReference, 'id'>;

// ---------- Errors ----------

export interface ProblemFieldError {
  path?: string | (string | number)[];
  line?: number;
  field?: string | null;
  message: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  detail?: string;
  errors?: ProblemFieldError[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `Request failed (${status})`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  /** Field errors keyed by a dotted path ("creditLimit", "contacts.0.email"). */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      const key = normalizePath(e.path ?? e.field ?? undefined);
      if (key && !(key in out)) out[key] = e.message;
    }
    return out;
  }
}

export function normalizePath(path: string | (string | number)[] | undefined): string {
  if (path === undefined) return '';
  if (Array.isArray(path)) return path.join('.');
  return path
    .replace(/^\/+/, '')
    .replace(/^body[./]/, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\//g, '.');
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong';
}

// ---------- Transport ----------

let unauthorizedHandler: (() => void) | null = null;
/** Called when any API call (other than login/me probing) answers 401. */
export function onUnauthorized(handler: () => void): void {
  unauthorizedHandler = handler;
}

let csrfFallback: string | null = null;

export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const idx = part.indexOf('=');
    if (idx < 0) continue;
    if (part.slice(0, idx).trim() === name) return decodeURIComponent(part.slice(idx + 1).trim());
  }
  return null;
}

function csrfToken(): string | null {
  return readCookie('dunwell_csrf') ?? csrfFallback;
}

export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID();
  }
  // Fallback for non-secure contexts (plain http on a LAN address).
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RequestOptions {
  body?: unknown;
  form?: FormData;
  idempotencyKey?: string;
  /** Do not trigger the global 401 redirect (login, session probe). */
  noAuthRedirect?: boolean;
  signal?: AbortSignal;
}

/** The one transport: session cookie, CSRF echo, Idempotency-Key on writes, problem+json → ApiError. */
export async function request<T>(
  method: Method,
  path: string,
  opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: BodyInit | undefined;
  if (opts.form) {
    body = opts.form;
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (method !== 'GET') {
    const csrf = csrfToken();
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  if (method === 'POST' || method === 'PATCH') {
    headers['Idempotency-Key'] = opts.idempotencyKey ?? newIdempotencyKey();
  }

  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) init.body = body;
  if (opts.signal) init.signal = opts.signal;

  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (err) {
    // A network failure on an idempotent-keyed request is safe to retry once with the same key.
    if (method === 'GET' || headers['Idempotency-Key']) {
      if (opts.signal?.aborted) throw err;
      await new Promise((r) => setTimeout(r, 400));
      res = await fetch(path, init);
    } else {
      throw err;
    }
  }

  if (res.status === 401 && !opts.noAuthRedirect) {
    unauthorizedHandler?.();
  }
  if (!res.ok) {
    let problem: Problem = { status: res.status, title: res.statusText };
    const ct = res.headers.get('content-type') ?? '';
    if (ct.includes('json')) {
      try {
        problem = { status: res.status, ...((await res.json()) as Problem) };
      } catch {
        /* keep the generic problem */
      }
    }
    throw new ApiError(res.status, problem);
  }
  if (res.status === 204) return undefined as T;
  const ct = res.headers.get('content-type') ?? '';
  if (!ct.includes('json')) return undefined as T;
  return (await res.json()) as T;
}

export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

const enc = encodeURIComponent;

// ---------- Auth ----------

export async function login(email: string, password: string): Promise<User> {
  const res = await request<{ token: string; csrfToken: string; user: User }>(
    'POST',
    '/api/v1/auth/login',
    { body: { email, password }, noAuthRedirect: true },
  );
  csrfFallback = res.csrfToken;
  return res.user;
}

export async function me(): Promise<User> {
  const res = await request<{ user: User | null }>('GET', '/api/v1/auth/me', {
    noAuthRedirect: true,
  });
  // An API-key caller has no user; the web app needs a signed-in person.
  if (!res.user) throw new ApiError(401, { status: 401, detail: 'Not signed in' });
  return res.user;
}

export async function logout(): Promise<void> {
  await request<void>('POST', '/api/v1/auth/logout', { noAuthRedirect: true });
  csrfFallback = null;
}

// ---------- Reference data ----------

export async function listUsers(): Promise<UserSummary[]> {
  return (await request<{ items: UserSummary[] }>('GET', '/api/v1/users')).items;
}

export async function listPaymentTerms(): Promise<PaymentTerm[]> {
  return (await request<{ items: PaymentTerm[] }>('GET', '/api/v1/payment-terms')).items;
}

// ---------- Customers ----------

export function listCustomers(
  params: CustomerListParams,
  signal?: AbortSignal,
): Promise<Page<CustomerSummary>> {
  return request('GET', `/api/v1/customers${qs({ ...params })}`, signal ? { signal } : {});
}

export function getCustomer(id: string): Promise<Customer> {
  return request('GET', `/api/v1/customers/${enc(id)}`);
}

export function createCustomer(body: CustomerInput, idempotencyKey: string): Promise<Customer> {
  return request('POST', '/api/v1/customers', { body, idempotencyKey });
}

export function updateCustomer(
  id: string,
  body: CustomerInput,
  idempotencyKey: string,
): Promise<Customer> {
  return request('PATCH', `/api/v1/customers/${enc(id)}`, { body, idempotencyKey });
}

/** Sub-resources of a customer that share the POST / PATCH / DELETE shape. */
export type CustomerChild = 'contacts' | 'addresses' | 'tax-certificates' | 'credit-references';

export function addChild<T>(
  customerId: string,
  kind: CustomerChild,
  body: unknown,
  idempotencyKey: string,
): Promise<T> {
  return request('POST', `/api/v1/customers/${enc(customerId)}/${kind}`, { body, idempotencyKey });
}

export function updateChild<T>(
  customerId: string,
  kind: CustomerChild,
  childId: string,
  body: unknown,
  idempotencyKey: string,
): Promise<T> {
  return request('PATCH', `/api/v1/customers/${enc(customerId)}/${kind}/${enc(childId)}`, {
    body,
    idempotencyKey,
  });
}

export function removeChild(
  customerId: string,
  kind: CustomerChild,
  childId: string,
): Promise<void> {
  return request('DELETE', `/api/v1/customers/${enc(customerId)}/${kind}/${enc(childId)}`);
}

export async function listNotes(customerId: string): Promise<Note[]> {
  return (await request<{ items: Note[] }>('GET', `/api/v1/customers/${enc(customerId)}/notes`))
    .items;
}

export function addNote(customerId: string, body: string, idempotencyKey: string): Promise<Note> {
  return request('POST', `/api/v1/customers/${enc(customerId)}/notes`, {
    body: { body },
    idempotencyKey,
  });
}

// ---------- Documents ----------

export function uploadDocument(file: File, idempotencyKey: string): Promise<DocumentInfo> {
  const form = new FormData();
  form.append('file', file, file.name);
  return request('POST', '/api/v1/documents', { form, idempotencyKey });
}

export function documentUrl(id: string): string {
  return `/api/v1/documents/${enc(id)}`;
}

// ---------- Audit ----------

export function listAudit(
  entityType: string,
  entityId: string,
  cursor?: string,
): Promise<Page<AuditEntry>> {
  return request('GET', `/api/v1/audit${qs({ entityType, entityId, limit: 50, cursor })}`);
}

// ---------- Imports ----------

/** The largest file the server takes (bytes). */
export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;

export interface ImportOptions {
  /** File header → field name or "ignore"; headers left out are matched automatically. */
  mapping?: Record<string, string> | undefined;
  /** Used for rows (or a file) without a currency / payment-terms value. */
  defaultCurrency?: string | undefined;
  defaultTerms?: string | undefined;
}

/**
 * Uploads a file to an import endpoint (customers, open items). A rejected all-or-nothing
 * import answers 422 problem+json carrying the same result shape, returned as `rejected`.
 */
export async function uploadImport<R extends ImportResult>(
  path: string,
  file: File,
  dryRun: boolean,
  idempotencyKey: string,
  mode: ImportMode = 'all_or_nothing',
  options: ImportOptions = {},
): Promise<R> {
  const form = new FormData();
  if (options.mapping && Object.keys(options.mapping).length > 0) {
    form.append('mapping', JSON.stringify(options.mapping));
  }
  form.append('file', file, file.name);
  const query = qs({
    dryRun,
    mode,
    defaultCurrency: options.defaultCurrency,
    defaultTerms: options.defaultTerms,
  });
  try {
    return await request<R>('POST', `${path}${query}`, { form, idempotencyKey });
  } catch (err) {
    if (err instanceof ApiError && err.problem.code === 'import_failed') {
      const p = err.problem as Problem & Partial<R>;
      return {
        ...p,
        dryRun: false,
        total: p.total,
        created: p.created ?? 0,
        updated: p.updated ?? 0,
        unchanged: p.unchanged ?? 0,
        errors: (p.errors ?? []).map((e) => ({
          line: e.line ?? 0,
          field: e.field ?? null,
          message: e.message,
        })),
        rejected: true,
      } as unknown as R;
    }
    throw err;
  }
}

export function importCustomers(
  file: File,
  dryRun: boolean,
  idempotencyKey: string,
  mode: ImportMode = 'all_or_nothing',
  options: ImportOptions = {},
): Promise<ImportResult> {
  return uploadImport('/api/v1/imports/customers', file, dryRun, idempotencyKey, mode, options);
}

export const IMPORT_TEMPLATE_URL = '/api/v1/imports/customers/template.csv';

// ---------- AR documents (invoices, memos, adjustments, write-offs, refunds) ----------

export type DocumentKind =
  'invoice' | 'credit_memo' | 'debit_memo' | 'adjustment' | 'write_off' | 'refund';

export type DocumentStatus =
  | 'draft'
  | 'open'
  | 'partially_paid'
  | 'paid'
  | 'written_off'
  | 'voided'
  | 'unapplied'
  | 'partially_applied'
  | 'applied';

export interface ArDocumentSummary {
  id: string;
  kind: DocumentKind;
  number: string | null;
  status: DocumentStatus;
  customerId: string;
  customerName: string;
  customerAccountNumber: string;
  currency: string;
  issueDate: string;
  dueDate: string | null;
  /** Magnitudes: what the document is for, and what of it is still open. */
  total: string;
  openBalance: string;
  /** +1 when the document raises what the customer owes, -1 when it lowers it. */
  direction: 1 | -1;
  daysOverdue: number;
  overdue: boolean;
  poNumber: string | null;
  externalId: string | null;
}

export interface ArDocumentLine {
  lineNo: number;
  description: string;
  quantity: string;
  unitPrice: string;
  taxRate: string;
  amount: string;
  tax: string;
  accountCode: string;
}

export interface ArApplication {
  id: string;
  date: string;
  amount: string;
  /** The document on the other side. */
  documentId: string;
  documentKind: DocumentKind;
  documentNumber: string | null;
  reversesApplicationId: string | null;
  reversed: boolean;
  reason: string | null;
  by: string;
}

export interface JournalEntry {
  id: string;
  date: string;
  recordedAt: string;
  kind: string;
  description: string;
  reversesEntryId: string | null;
  lines: { accountCode: string; accountName: string; debit: string; credit: string }[];
}

export interface ArDocument extends ArDocumentSummary {
  state: 'draft' | 'posted' | 'voided';
  termsCode: string | null;
  discountDate: string | null;
  discountAmount: string;
  subtotal: string;
  tax: string;
  taxJurisdiction: string | null;
  taxExemptCertificate: string | null;
  salesOrderRef: string | null;
  reason: string | null;
  memo: string | null;
  relatedDocument: { id: string; kind: DocumentKind; number: string | null } | null;
  offsetAccountCode: string | null;
  refundMethod: string | null;
  refundReference: string | null;
  writtenOff: boolean;
  openingBalance: boolean;
  voidedDate: string | null;
  voidReason: string | null;
  createdBy: string;
  createdAt: string;
  lines: ArDocumentLine[];
  applications: ArApplication[];
  journalEntries: JournalEntry[];
  relatedDocuments: {
    id: string;
    kind: DocumentKind;
    number: string | null;
    total: string;
    status: DocumentStatus;
  }[];
}

export interface DocumentListParams {
  kind?: DocumentKind[] | undefined;
  customerId?: string | undefined;
  status?: DocumentStatus[] | undefined;
  overdue?: boolean | undefined;
  from?: string | undefined;
  to?: string | undefined;
  q?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface LineInput {
  description: string;
  quantity: string;
  unitPrice: string;
  taxRate?: string | undefined;
  accountCode?: string | undefined;
}

export interface InvoiceInput {
  customerId: string;
  issueDate: string;
  currency: string;
  paymentTerms?: string | undefined;
  dueDate?: string | undefined;
  lines: LineInput[];
  poNumber?: string | null | undefined;
  salesOrderRef?: string | null | undefined;
  externalId?: string | null | undefined;
  memo?: string | null | undefined;
  draft?: boolean | undefined;
}

export interface MemoInput {
  customerId: string;
  invoiceId?: string | null | undefined;
  amount?: string | undefined;
  lines?: LineInput[] | undefined;
  reason: string;
  issueDate?: string | undefined;
  accountCode?: string | undefined;
  memo?: string | null | undefined;
}

export type RefundMethod = 'check' | 'ach' | 'wire' | 'card' | 'cash' | 'other';

export function listDocuments(
  params: DocumentListParams,
  signal?: AbortSignal,
): Promise<Page<ArDocumentSummary>> {
  const query = qs({
    ...params,
    kind: params.kind?.join(','),
    status: params.status?.join(','),
    overdue: params.overdue ? 'true' : undefined,
  });
  return request('GET', `/api/v1/ar-documents${query}`, signal ? { signal } : {});
}

export function getDocument(id: string): Promise<ArDocument> {
  return request('GET', `/api/v1/ar-documents/${enc(id)}`);
}

export function createInvoice(body: InvoiceInput, idempotencyKey: string): Promise<ArDocument> {
  return request('POST', '/api/v1/invoices', { body, idempotencyKey });
}

export function updateDraftInvoice(id: string, body: InvoiceInput): Promise<ArDocument> {
  const { draft: _draft, ...rest } = body;
  return request('PUT', `/api/v1/invoices/${enc(id)}`, { body: rest });
}

export function deleteDraftInvoice(id: string): Promise<void> {
  return request('DELETE', `/api/v1/invoices/${enc(id)}`);
}

export function postInvoice(id: string, idempotencyKey: string): Promise<ArDocument> {
  return request('POST', `/api/v1/invoices/${enc(id)}/post`, { idempotencyKey });
}

export function voidDocument(
  id: string,
  body: { reason: string; date?: string | undefined },
  idempotencyKey: string,
): Promise<ArDocument> {
  return request('POST', `/api/v1/ar-documents/${enc(id)}/void`, { body, idempotencyKey });
}

/** Writes off an invoice's open balance (manager); answers the write-off document. */
export function writeOffInvoice(
  id: string,
  body: { reason: string; date?: string | undefined },
  idempotencyKey: string,
): Promise<ArDocument> {
  return request('POST', `/api/v1/invoices/${enc(id)}/write-off`, { body, idempotencyKey });
}

export function createMemo(
  kind: 'credit_memo' | 'debit_memo',
  body: MemoInput,
  idempotencyKey: string,
): Promise<ArDocument> {
  const path = kind === 'credit_memo' ? '/api/v1/credit-memos' : '/api/v1/debit-memos';
  return request('POST', path, { body, idempotencyKey });
}

/** Applies a credit to an invoice or debit memo; answers the credit document. */
export function applyCredit(
  creditId: string,
  body: { invoiceId: string; amount: string; date?: string | undefined },
  idempotencyKey: string,
): Promise<ArDocument> {
  return request('POST', `/api/v1/credit-memos/${enc(creditId)}/applications`, {
    body,
    idempotencyKey,
  });
}

export function unapply(
  applicationId: string,
  body: { reason?: string | undefined },
  idempotencyKey: string,
): Promise<{ id: string }> {
  return request('POST', `/api/v1/applications/${enc(applicationId)}/unapply`, {
    body,
    idempotencyKey,
  });
}

export function createAdjustment(
  body: {
    documentId: string;
    amount: string;
    reason: string;
    date?: string | undefined;
    accountCode?: string | undefined;
  },
  idempotencyKey: string,
): Promise<ArDocument> {
  return request('POST', '/api/v1/adjustments', { body, idempotencyKey });
}

export function createRefund(
  body: {
    creditDocumentId: string;
    amount: string;
    reason: string;
    method: RefundMethod;
    reference?: string | null | undefined;
    date?: string | undefined;
  },
  idempotencyKey: string,
): Promise<ArDocument> {
  return request('POST', '/api/v1/refunds', { body, idempotencyKey });
}

/** Any AR document as a PDF (drafts are marked DRAFT). */
export function invoicePdfUrl(id: string): string {
  return `/api/v1/invoices/${enc(id)}/pdf`;
}

export interface SendResult {
  id: string;
  /** 'sending' only on a replay while the first request is still delivering. */
  status: OutboxStatus;
  to: string[];
  cc: string[];
  subject: string;
  sentAt: string | null;
  error: string | null;
}

export function sendInvoice(
  id: string,
  body: { to?: string[] | undefined; cc?: string[] | undefined; message?: string | undefined },
  idempotencyKey: string,
): Promise<SendResult> {
  return request('POST', `/api/v1/invoices/${enc(id)}/send`, { body, idempotencyKey });
}

/**
 * A file the API serves (PDF, spreadsheet) as a Blob, with the session cookie. Errors come back
 * as ApiError like any other call (a 404 when the server does not offer the file).
 */
export async function fetchFile(path: string): Promise<{ blob: Blob; filename: string | null }> {
  const res = await fetch(path, { credentials: 'same-origin' });
  if (res.status === 401) unauthorizedHandler?.();
  if (!res.ok) {
    let problem: Problem = { status: res.status, title: res.statusText };
    if ((res.headers.get('content-type') ?? '').includes('json')) {
      try {
        problem = { status: res.status, ...((await res.json()) as Problem) };
      } catch {
        /* keep the generic problem */
      }
    }
    throw new ApiError(res.status, problem);
  }
  const disposition = res.headers.get('content-disposition') ?? '';
  const match = /filename="?([^";]+)"?/.exec(disposition);
  return { blob: await res.blob(), filename: match?.[1] ?? null };
}

// ---------- Customer account ----------

export interface AccountActivity {
  entryId: string;
  date: string;
  kind: string;
  description: string;
  documentId: string | null;
  documentNumber: string | null;
  debit: string;
  credit: string;
  balance: string;
}

export interface CustomerAccount {
  customerId: string;
  currency: string;
  from: string;
  to: string;
  openingBalance: string;
  closingBalance: string;
  activity: AccountActivity[];
}

export function getCustomerAccount(
  customerId: string,
  range: { from?: string | undefined; to?: string | undefined },
): Promise<CustomerAccount> {
  return request('GET', `/api/v1/customers/${enc(customerId)}/account${qs(range)}`);
}

export interface Statement {
  customerId: string;
  asOf: string;
  currency: string;
  items: {
    documentId: string;
    kind: DocumentKind;
    number: string;
    issueDate: string;
    dueDate: string | null;
    daysOverdue: number;
    /** Signed: credits are negative. */
    total: string;
    open: string;
  }[];
  aging: {
    current: string;
    days1to30: string;
    days31to60: string;
    days61to90: string;
    over90: string;
  };
  balance: string;
}

export function getStatement(customerId: string, asOf?: string): Promise<Statement> {
  return request('GET', `/api/v1/customers/${enc(customerId)}/statement${qs({ asOf })}`);
}

export function statementPdfUrl(customerId: string, asOf?: string): string {
  return `/api/v1/customers/${enc(customerId)}/statement.pdf${qs({ asOf })}`;
}

// ---------- Ledger ----------

export type AccountType = 'asset' | 'liability' | 'equity' | 'revenue' | 'expense';

export interface LedgerAccount {
  id: string;
  code: string;
  name: string;
  type: AccountType;
  role: string | null;
  glCode: string | null;
  active: boolean;
}

export async function listAccounts(): Promise<LedgerAccount[]> {
  return (await request<{ items: LedgerAccount[] }>('GET', '/api/v1/ledger/accounts')).items;
}

export function createAccount(
  body: { code: string; name: string; type: AccountType; glCode?: string | null },
  idempotencyKey: string,
): Promise<LedgerAccount> {
  return request('POST', '/api/v1/ledger/accounts', { body, idempotencyKey });
}

export function updateAccount(
  code: string,
  body: { name?: string; glCode?: string | null; active?: boolean },
  idempotencyKey: string,
): Promise<LedgerAccount> {
  return request('PATCH', `/api/v1/ledger/accounts/${enc(code)}`, { body, idempotencyKey });
}

export function getPeriodLock(): Promise<{ closedThrough: string | null }> {
  return request('GET', '/api/v1/ledger/period-lock');
}

export function setPeriodLock(
  closedThrough: string | null,
): Promise<{ closedThrough: string | null }> {
  return request('PUT', '/api/v1/ledger/period-lock', { body: { closedThrough } });
}

export interface TrialBalance {
  asOf: string;
  accounts: {
    code: string;
    name: string;
    glCode: string | null;
    type: string;
    currency: string;
    debit: string;
    credit: string;
  }[];
  totals: { currency: string; debit: string; credit: string }[];
}

export function getTrialBalance(asOf?: string): Promise<TrialBalance> {
  return request('GET', `/api/v1/ledger/trial-balance${qs({ asOf })}`);
}

export interface GlReconciliation {
  asOf: string;
  currency: string;
  subledgerBalance: string;
  controlBalance: string;
  difference: string;
  byCurrency: {
    currency: string;
    subledgerBalance: string;
    controlBalance: string;
    difference: string;
    documents: number;
  }[];
  explanations: {
    documentId: string | null;
    kind: string | null;
    number: string | null;
    customerId: string | null;
    currency: string;
    documentBalance: string;
    ledgerBalance: string;
    difference: string;
  }[];
}

export function getGlReconciliation(asOf?: string, explain = false): Promise<GlReconciliation> {
  return request(
    'GET',
    `/api/v1/reports/gl-reconciliation${qs({ asOf, explain: explain ? 'true' : undefined })}`,
  );
}

export function journalExportUrl(from: string, to: string, format: 'csv' | 'xlsx'): string {
  return `/api/v1/ledger/journal${qs({ from, to, format })}`;
}

// ---------- Outbox and invoice settings ----------

export type OutboxStatus = 'outbox' | 'sending' | 'sent' | 'failed';

export interface OutboxMessage {
  id: string;
  status: OutboxStatus;
  to: string[];
  cc: string[];
  subject: string;
  createdAt: string;
  sentAt: string | null;
  documentId: string | null;
  documentNumber: string | null;
  customerId: string | null;
  customerName: string | null;
  error: string | null;
  createdBy: string;
}

export interface OutboxMessageDetail extends OutboxMessage {
  bodyText: string;
  attachmentName: string | null;
}

export function listOutbox(
  params: { status?: OutboxStatus | undefined; cursor?: string | undefined },
  signal?: AbortSignal,
): Promise<Page<OutboxMessage>> {
  return request('GET', `/api/v1/outbox${qs({ ...params })}`, signal ? { signal } : {});
}

export function getOutboxMessage(id: string): Promise<OutboxMessageDetail> {
  return request('GET', `/api/v1/outbox/${enc(id)}`);
}

export function outboxAttachmentUrl(id: string): string {
  return `/api/v1/outbox/${enc(id)}/attachment`;
}

export interface InvoiceSettings {
  remitTo: string | null;
  invoiceFooter: string | null;
}

export function getInvoiceSettings(): Promise<InvoiceSettings> {
  return request('GET', '/api/v1/organization/invoice-settings');
}

export function updateInvoiceSettings(body: InvoiceSettings): Promise<InvoiceSettings> {
  return request('PUT', '/api/v1/organization/invoice-settings', { body });
}
