import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import * as api from '../api.ts';
import type {
  Address,
  AddressKind,
  Channel,
  Contact,
  ContactRole,
  CreditReference,
  CreditReferenceKind,
  Customer,
  CustomerChild,
  TaxCertificate,
} from '../api.ts';
import {
  ADDRESS_KIND_LABELS,
  CHANNEL_LABELS,
  CONTACT_ROLE_LABELS,
  formatDate,
  formatDateTime,
  formatMoney,
  label,
} from '../format.ts';
import {
  Badge,
  Empty,
  ErrorBanner,
  Field,
  Section,
  Spinner,
  StatusBadge,
  UnplacedErrors,
  fieldErrorsOf,
  useIdempotencyKey,
} from './ui.tsx';

// ---------- Shared plumbing ----------

export const customerKey = (id: string) => ['customers', 'detail', id] as const;
export const notesKey = (id: string) => ['customers', 'notes', id] as const;
export const auditKey = (id: string) => ['audit', 'customer', id] as const;

function useInvalidateCustomer(customerId: string) {
  const qc = useQueryClient();
  return async () => {
    await Promise.all([
      qc.invalidateQueries({ queryKey: customerKey(customerId) }),
      qc.invalidateQueries({ queryKey: auditKey(customerId) }),
      qc.invalidateQueries({ queryKey: ['customers', 'list'] }),
    ]);
  };
}

/** Create or update one child record (contact, address, …) with a per-submission idempotency key. */
function useSaveChild<T>(customerId: string, kind: CustomerChild, onDone: () => void) {
  const invalidate = useInvalidateCustomer(customerId);
  const idem = useIdempotencyKey();
  return useMutation({
    mutationFn: ({ childId, body }: { childId?: string | undefined; body: unknown }) => {
      const key = idem.keyFor({ childId, body });
      return childId
        ? api.updateChild<T>(customerId, kind, childId, body, key)
        : api.addChild<T>(customerId, kind, body, key);
    },
    onSuccess: async () => {
      idem.reset();
      await invalidate();
      onDone();
    },
  });
}

function useRemoveChild(customerId: string, kind: CustomerChild) {
  const invalidate = useInvalidateCustomer(customerId);
  return useMutation({
    mutationFn: (childId: string) => api.removeChild(customerId, kind, childId),
    onSuccess: invalidate,
  });
}

/** Two-step remove button: "Remove" → "Confirm" / "Cancel". */
function RemoveButton({
  what,
  onConfirm,
  pending,
}: {
  what: string;
  onConfirm: () => void;
  pending: boolean;
}) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button
        type="button"
        className="btn btn-ghost btn-sm btn-danger-text"
        aria-label={`Remove ${what}`}
        onClick={() => setConfirming(true)}
      >
        Remove
      </button>
    );
  }
  return (
    <span className="confirm">
      <button
        type="button"
        className="btn btn-danger btn-sm"
        disabled={pending}
        aria-label={`Confirm remove ${what}`}
        onClick={onConfirm}
        autoFocus
      >
        {pending ? 'Removing…' : 'Confirm'}
      </button>
      <button type="button" className="btn btn-ghost btn-sm" onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </span>
  );
}

function Dash({ v }: { v: ReactNode }) {
  return v === null || v === undefined || v === '' ? <span className="muted">—</span> : <>{v}</>;
}

function FormButtons({
  pending,
  onCancel,
  submitLabel,
}: {
  pending: boolean;
  onCancel: () => void;
  submitLabel: string;
}) {
  return (
    <div className="form-actions">
      <button type="submit" className="btn btn-primary btn-sm" disabled={pending}>
        {pending ? 'Saving…' : submitLabel}
      </button>
      <button type="button" className="btn btn-ghost btn-sm" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

const nullIfBlank = (s: string) => (s.trim() === '' ? null : s.trim());

// ---------- Contacts ----------

const CONTACT_ROLES: ContactRole[] = ['billing', 'ap', 'decision_maker'];
const CHANNELS: Channel[] = ['email', 'phone', 'letter'];

export function ContactsSection({ customer, editable }: { customer: Customer; editable: boolean }) {
  const [editing, setEditing] = useState<Contact | 'new' | null>(null);
  const remove = useRemoveChild(customer.id, 'contacts');
  return (
    <Section
      title="Contacts"
      actions={
        editable && editing === null ? (
          <button type="button" className="btn btn-sm" onClick={() => setEditing('new')}>
            Add contact
          </button>
        ) : null
      }
    >
      {remove.error ? <ErrorBanner error={remove.error} /> : null}
      {customer.contacts.length === 0 ? (
        <Empty>No contacts yet.</Empty>
      ) : (
        <table className="data-table" aria-label="Contacts">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Title</th>
              <th scope="col">Email</th>
              <th scope="col">Phone</th>
              <th scope="col">Roles</th>
              <th scope="col">Preferred</th>
              {editable ? (
                <th scope="col" className="actions">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {customer.contacts.map((c) => (
              <tr key={c.id} data-testid="contact-row">
                <td>
                  {c.name} {c.isPrimary ? <Badge tone="info">Primary</Badge> : null}
                </td>
                <td>
                  <Dash v={c.title} />
                </td>
                <td>{c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : <Dash v={null} />}</td>
                <td>{c.phone ? <a href={`tel:${c.phone}`}>{c.phone}</a> : <Dash v={null} />}</td>
                <td>
                  {c.roles.length ? (
                    c.roles.map((r) => label(CONTACT_ROLE_LABELS, r)).join(', ')
                  ) : (
                    <Dash v={null} />
                  )}
                </td>
                <td>{label(CHANNEL_LABELS, c.preferredChannel)}</td>
                {editable ? (
                  <td className="actions">
                    <button
                      type="button"
                      className="btn btn-ghost btn-sm"
                      aria-label={`Edit contact ${c.name}`}
                      onClick={() => setEditing(c)}
                    >
                      Edit
                    </button>
                    <RemoveButton
                      what={`contact ${c.name}`}
                      pending={remove.isPending}
                      onConfirm={() => remove.mutate(c.id)}
                    />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editable && editing !== null ? (
        <ContactForm
          key={editing === 'new' ? 'new' : editing.id}
          customerId={customer.id}
          contact={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      ) : null}
    </Section>
  );
}

function ContactForm({
  customerId,
  contact,
  onDone,
}: {
  customerId: string;
  contact: Contact | null;
  onDone: () => void;
}) {
  const [name, setName] = useState(contact?.name ?? '');
  const [title, setTitle] = useState(contact?.title ?? '');
  const [email, setEmail] = useState(contact?.email ?? '');
  const [phone, setPhone] = useState(contact?.phone ?? '');
  const [roles, setRoles] = useState<ContactRole[]>(contact?.roles ?? []);
  const [channel, setChannel] = useState<Channel>(contact?.preferredChannel ?? 'email');
  const [isPrimary, setIsPrimary] = useState(contact?.isPrimary ?? false);
  const [nameMissing, setNameMissing] = useState(false);
  const save = useSaveChild<Contact>(customerId, 'contacts', onDone);
  const errors = fieldErrorsOf(save.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) {
      setNameMissing(true);
      return;
    }
    save.mutate({
      childId: contact?.id,
      body: {
        name: name.trim(),
        title: nullIfBlank(title),
        email: nullIfBlank(email),
        phone: nullIfBlank(phone),
        roles,
        preferredChannel: channel,
        isPrimary,
      },
    });
  }

  return (
    <form
      className="subform"
      onSubmit={submit}
      noValidate
      aria-label={contact ? `Edit contact ${contact.name}` : 'New contact'}
    >
      <h3>{contact ? `Edit ${contact.name}` : 'New contact'}</h3>
      {save.error ? <ErrorBanner error={save.error} /> : null}
      <UnplacedErrors
        errors={errors}
        placed={['name', 'title', 'email', 'phone', 'roles', 'preferredChannel', 'isPrimary']}
      />
      <div className="grid grid-4">
        <Field
          label="Contact name"
          required
          error={errors.name ?? (nameMissing ? 'Name is required' : undefined)}
        >
          {(p) => (
            <input
              {...p}
              value={name}
              autoFocus
              onChange={(e) => {
                setName(e.target.value);
                setNameMissing(false);
              }}
            />
          )}
        </Field>
        <Field label="Title" error={errors.title}>
          {(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} />}
        </Field>
        <Field label="Email" error={errors.email}>
          {(p) => (
            <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
          )}
        </Field>
        <Field label="Phone" error={errors.phone}>
          {(p) => (
            <input {...p} type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} />
          )}
        </Field>
      </div>
      <div className="grid grid-4">
        <fieldset className={`field checks${errors.roles ? ' field-invalid' : ''}`}>
          <legend>Roles</legend>
          <div className="check-row">
            {CONTACT_ROLES.map((r) => (
              <label key={r} className="check">
                <input
                  type="checkbox"
                  checked={roles.includes(r)}
                  onChange={(e) =>
                    setRoles((prev) =>
                      e.target.checked ? [...prev, r] : prev.filter((x) => x !== r),
                    )
                  }
                />
                {CONTACT_ROLE_LABELS[r]}
              </label>
            ))}
          </div>
          {errors.roles ? (
            <div className="field-error" role="alert">
              {errors.roles}
            </div>
          ) : null}
        </fieldset>
        <Field label="Preferred channel" error={errors.preferredChannel}>
          {(p) => (
            <select {...p} value={channel} onChange={(e) => setChannel(e.target.value as Channel)}>
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {CHANNEL_LABELS[c]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="field">
          <span className="field-label-spacer" aria-hidden="true">
            &nbsp;
          </span>
          <label className="check">
            <input
              type="checkbox"
              checked={isPrimary}
              onChange={(e) => setIsPrimary(e.target.checked)}
            />
            Primary contact
          </label>
        </div>
      </div>
      <FormButtons
        pending={save.isPending}
        onCancel={onDone}
        submitLabel={contact ? 'Save contact' : 'Add contact'}
      />
    </form>
  );
}

// ---------- Addresses ----------

const ADDRESS_KINDS: AddressKind[] = ['billing', 'shipping', 'remit_from'];

export function AddressesSection({
  customer,
  editable,
}: {
  customer: Customer;
  editable: boolean;
}) {
  const [editing, setEditing] = useState<Address | 'new' | null>(null);
  const remove = useRemoveChild(customer.id, 'addresses');
  return (
    <Section
      title="Addresses"
      actions={
        editable && editing === null ? (
          <button type="button" className="btn btn-sm" onClick={() => setEditing('new')}>
            Add address
          </button>
        ) : null
      }
    >
      {remove.error ? <ErrorBanner error={remove.error} /> : null}
      {customer.addresses.length === 0 ? (
        <Empty>No addresses yet.</Empty>
      ) : (
        <table className="data-table" aria-label="Addresses">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Address</th>
              <th scope="col">City</th>
              <th scope="col">Region</th>
              <th scope="col">Postal code</th>
              <th scope="col">Country</th>
              {editable ? (
                <th scope="col" className="actions">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {customer.addresses.map((a: Address) => (
              <tr key={a.id}>
                <td>{label(ADDRESS_KIND_LABELS, a.kind)}</td>
                <td>
                  {a.line1}
                  {a.line2 ? <span className="cell-sub">{a.line2}</span> : null}
                </td>
                <td>{a.city}</td>
                <td>
                  <Dash v={a.region} />
                </td>
                <td>
                  <Dash v={a.postalCode} />
                </td>
                <td>{a.country}</td>
                {editable ? (
                  <td className="actions">
                    <button
                      type="button"
                      className="btn btn-ghost btn-sm"
                      aria-label={`Edit address ${a.line1}`}
                      onClick={() => setEditing(a)}
                    >
                      Edit
                    </button>
                    <RemoveButton
                      what={`${label(ADDRESS_KIND_LABELS, a.kind).toLowerCase()} address ${a.line1}`}
                      pending={remove.isPending}
                      onConfirm={() => remove.mutate(a.id)}
                    />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editable && editing !== null ? (
        <AddressForm
          key={editing === 'new' ? 'new' : editing.id}
          customerId={customer.id}
          address={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      ) : null}
    </Section>
  );
}

function AddressForm({
  customerId,
  address,
  onDone,
}: {
  customerId: string;
  address: Address | null;
  onDone: () => void;
}) {
  const [v, setV] = useState({
    kind: address?.kind ?? ('billing' as AddressKind),
    line1: address?.line1 ?? '',
    line2: address?.line2 ?? '',
    city: address?.city ?? '',
    region: address?.region ?? '',
    postalCode: address?.postalCode ?? '',
    country: address?.country ?? '',
  });
  const [missing, setMissing] = useState<Record<string, string>>({});
  const save = useSaveChild<Address>(customerId, 'addresses', onDone);
  const errors = { ...fieldErrorsOf(save.error), ...missing };
  const set = (k: keyof typeof v, value: string) => setV((p) => ({ ...p, [k]: value }));

  function submit(e: FormEvent) {
    e.preventDefault();
    const m: Record<string, string> = {};
    if (!v.line1.trim()) m.line1 = 'Address line 1 is required';
    if (!v.city.trim()) m.city = 'City is required';
    if (!/^[A-Za-z]{2}$/.test(v.country.trim()))
      m.country = 'Use a two-letter country code, e.g. US';
    setMissing(m);
    if (Object.keys(m).length) return;
    save.mutate({
      childId: address?.id,
      body: {
        kind: v.kind,
        line1: v.line1.trim(),
        line2: nullIfBlank(v.line2),
        city: v.city.trim(),
        region: nullIfBlank(v.region),
        postalCode: nullIfBlank(v.postalCode),
        country: v.country.trim().toUpperCase(),
      },
    });
  }

  return (
    <form
      className="subform"
      onSubmit={submit}
      noValidate
      aria-label={address ? `Edit address ${address.line1}` : 'New address'}
    >
      <h3>{address ? `Edit address ${address.line1}` : 'New address'}</h3>
      {save.error ? <ErrorBanner error={save.error} /> : null}
      <UnplacedErrors
        errors={errors}
        placed={['kind', 'line1', 'line2', 'city', 'region', 'postalCode', 'country']}
      />
      <div className="grid grid-4">
        <Field label="Kind" error={errors.kind}>
          {(p) => (
            <select {...p} value={v.kind} onChange={(e) => set('kind', e.target.value)}>
              {ADDRESS_KINDS.map((k) => (
                <option key={k} value={k}>
                  {ADDRESS_KIND_LABELS[k]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Address line 1" required error={errors.line1} className="span-2">
          {(p) => (
            <input
              {...p}
              value={v.line1}
              autoFocus
              onChange={(e) => set('line1', e.target.value)}
            />
          )}
        </Field>
        <Field label="Address line 2" error={errors.line2}>
          {(p) => <input {...p} value={v.line2} onChange={(e) => set('line2', e.target.value)} />}
        </Field>
        <Field label="City" required error={errors.city}>
          {(p) => <input {...p} value={v.city} onChange={(e) => set('city', e.target.value)} />}
        </Field>
        <Field label="Region / state" error={errors.region}>
          {(p) => <input {...p} value={v.region} onChange={(e) => set('region', e.target.value)} />}
        </Field>
        <Field label="Postal code" error={errors.postalCode}>
          {(p) => (
            <input
              {...p}
              value={v.postalCode}
              onChange={(e) => set('postalCode', e.target.value)}
            />
          )}
        </Field>
        <Field label="Country" required error={errors.country} hint="ISO code, e.g. US">
          {(p) => (
            <input
              {...p}
              value={v.country}
              maxLength={2}
              className="mono upper"
              onChange={(e) => set('country', e.target.value)}
            />
          )}
        </Field>
      </div>
      <FormButtons
        pending={save.isPending}
        onCancel={onDone}
        submitLabel={address ? 'Save address' : 'Add address'}
      />
    </form>
  );
}

// ---------- Tax-exempt certificates ----------

export function TaxCertificatesSection({
  customer,
  editable,
}: {
  customer: Customer;
  editable: boolean;
}) {
  const [editing, setEditing] = useState<TaxCertificate | 'new' | null>(null);
  const remove = useRemoveChild(customer.id, 'tax-certificates');
  return (
    <Section
      title="Tax-exempt certificates"
      actions={
        editable && editing === null ? (
          <button type="button" className="btn btn-sm" onClick={() => setEditing('new')}>
            Add certificate
          </button>
        ) : null
      }
    >
      {remove.error ? <ErrorBanner error={remove.error} /> : null}
      {customer.taxCertificates.length === 0 ? (
        <Empty>No tax-exempt certificates on file.</Empty>
      ) : (
        <table className="data-table" aria-label="Tax-exempt certificates">
          <thead>
            <tr>
              <th scope="col">Jurisdiction</th>
              <th scope="col">Certificate number</th>
              <th scope="col">Expires</th>
              <th scope="col">Document</th>
              {editable ? (
                <th scope="col" className="actions">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {customer.taxCertificates.map((t: TaxCertificate) => (
              <tr key={t.id}>
                <td>{t.jurisdiction}</td>
                <td className="mono">{t.certificateNumber}</td>
                <td>
                  {t.expiresOn ? formatDate(t.expiresOn) : <span className="muted">No expiry</span>}{' '}
                  {t.expired ? <Badge tone="danger">Expired</Badge> : null}
                </td>
                <td>
                  {t.documentId ? (
                    <a href={api.documentUrl(t.documentId)} download={t.document?.filename ?? true}>
                      {t.document?.filename ?? 'Download'}
                    </a>
                  ) : (
                    <Dash v={null} />
                  )}
                </td>
                {editable ? (
                  <td className="actions">
                    <button
                      type="button"
                      className="btn btn-ghost btn-sm"
                      aria-label={`Edit certificate ${t.certificateNumber}`}
                      onClick={() => setEditing(t)}
                    >
                      Edit
                    </button>
                    <RemoveButton
                      what={`certificate ${t.certificateNumber}`}
                      pending={remove.isPending}
                      onConfirm={() => remove.mutate(t.id)}
                    />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editable && editing !== null ? (
        <TaxCertificateForm
          key={editing === 'new' ? 'new' : editing.id}
          customerId={customer.id}
          certificate={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      ) : null}
    </Section>
  );
}

function TaxCertificateForm({
  customerId,
  certificate,
  onDone,
}: {
  customerId: string;
  certificate: TaxCertificate | null;
  onDone: () => void;
}) {
  const [jurisdiction, setJurisdiction] = useState(certificate?.jurisdiction ?? '');
  const [number, setNumber] = useState(certificate?.certificateNumber ?? '');
  const [expiresOn, setExpiresOn] = useState(
    certificate?.expiresOn ? formatDate(certificate.expiresOn) : '',
  );
  const [file, setFile] = useState<File | null>(null);
  const [missing, setMissing] = useState<Record<string, string>>({});
  // Keep the uploaded document across retries of the same submission.
  const [uploaded, setUploaded] = useState<{ file: File; id: string } | null>(null);
  const uploadIdem = useIdempotencyKey();
  const save = useSaveChild<TaxCertificate>(customerId, 'tax-certificates', onDone);
  const upload = useMutation({
    mutationFn: (f: File) =>
      api.uploadDocument(
        f,
        uploadIdem.keyFor({ name: f.name, size: f.size, modified: f.lastModified }),
      ),
  });
  const errors = { ...fieldErrorsOf(save.error), ...missing };
  const pending = save.isPending || upload.isPending;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const m: Record<string, string> = {};
    if (!jurisdiction.trim()) m.jurisdiction = 'Jurisdiction is required';
    if (!number.trim()) m.certificateNumber = 'Certificate number is required';
    setMissing(m);
    if (Object.keys(m).length) return;
    let documentId: string | null = null;
    if (file) {
      if (uploaded && uploaded.file === file) {
        documentId = uploaded.id;
      } else {
        try {
          const doc = await upload.mutateAsync(file);
          uploadIdem.reset();
          setUploaded({ file, id: doc.id });
          documentId = doc.id;
        } catch {
          return; // upload.error is shown
        }
      }
    }
    save.mutate({
      childId: certificate?.id,
      body: {
        jurisdiction: jurisdiction.trim(),
        certificateNumber: number.trim(),
        expiresOn: expiresOn || null,
        ...(documentId ? { documentId } : {}),
      },
    });
  }

  return (
    <form
      className="subform"
      onSubmit={submit}
      noValidate
      aria-label={
        certificate
          ? `Edit certificate ${certificate.certificateNumber}`
          : 'New tax-exempt certificate'
      }
    >
      <h3>
        {certificate ? `Edit certificate ${certificate.certificateNumber}` : 'New certificate'}
      </h3>
      {upload.error ? <ErrorBanner error={upload.error} title="Upload failed" /> : null}
      {save.error ? <ErrorBanner error={save.error} /> : null}
      <UnplacedErrors
        errors={errors}
        placed={['jurisdiction', 'certificateNumber', 'expiresOn', 'documentId']}
      />
      <div className="grid grid-4">
        <Field label="Jurisdiction" required error={errors.jurisdiction} hint="e.g. US-TX">
          {(p) => (
            <input
              {...p}
              value={jurisdiction}
              autoFocus
              onChange={(e) => setJurisdiction(e.target.value)}
            />
          )}
        </Field>
        <Field label="Certificate number" required error={errors.certificateNumber}>
          {(p) => (
            <input
              {...p}
              className="mono"
              value={number}
              onChange={(e) => setNumber(e.target.value)}
            />
          )}
        </Field>
        <Field label="Expiry date" error={errors.expiresOn}>
          {(p) => (
            <input
              {...p}
              type="date"
              value={expiresOn}
              onChange={(e) => setExpiresOn(e.target.value)}
            />
          )}
        </Field>
        <Field
          label={certificate ? 'Replace document (optional)' : 'Document (optional)'}
          error={errors.documentId}
          hint={
            certificate?.document
              ? `Now: ${certificate.document.filename}; choose a file to replace it`
              : 'PDF or image of the certificate'
          }
        >
          {(p) => (
            <input
              {...p}
              type="file"
              accept=".pdf,.png,.jpg,.jpeg,.tif,.tiff,application/pdf,image/*"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          )}
        </Field>
      </div>
      <FormButtons
        pending={pending}
        onCancel={onDone}
        submitLabel={
          upload.isPending ? 'Uploading…' : certificate ? 'Save certificate' : 'Add certificate'
        }
      />
    </form>
  );
}

// ---------- Credit references ----------

export function CreditReferencesSection({
  customer,
  editable,
}: {
  customer: Customer;
  editable: boolean;
}) {
  const [editing, setEditing] = useState<CreditReference | 'new' | null>(null);
  const remove = useRemoveChild(customer.id, 'credit-references');
  return (
    <Section
      title="Credit references"
      actions={
        editable && editing === null ? (
          <button type="button" className="btn btn-sm" onClick={() => setEditing('new')}>
            Add reference
          </button>
        ) : null
      }
    >
      {remove.error ? <ErrorBanner error={remove.error} /> : null}
      {customer.creditReferences.length === 0 ? (
        <Empty>No credit references.</Empty>
      ) : (
        <table className="data-table" aria-label="Credit references">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Name</th>
              <th scope="col">Contact</th>
              <th scope="col">Phone</th>
              <th scope="col">Email</th>
              <th scope="col">Notes</th>
              {editable ? (
                <th scope="col" className="actions">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {customer.creditReferences.map((r: CreditReference) => (
              <tr key={r.id}>
                <td>{r.kind === 'bank' ? 'Bank' : 'Trade'}</td>
                <td>{r.name}</td>
                <td>
                  <Dash v={r.contactName} />
                </td>
                <td>
                  <Dash v={r.phone} />
                </td>
                <td>
                  <Dash v={r.email} />
                </td>
                <td className="wrap">
                  <Dash v={r.notes} />
                </td>
                {editable ? (
                  <td className="actions">
                    <button
                      type="button"
                      className="btn btn-ghost btn-sm"
                      aria-label={`Edit credit reference ${r.name}`}
                      onClick={() => setEditing(r)}
                    >
                      Edit
                    </button>
                    <RemoveButton
                      what={`credit reference ${r.name}`}
                      pending={remove.isPending}
                      onConfirm={() => remove.mutate(r.id)}
                    />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editable && editing !== null ? (
        <CreditReferenceForm
          key={editing === 'new' ? 'new' : editing.id}
          customerId={customer.id}
          reference={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      ) : null}
    </Section>
  );
}

function CreditReferenceForm({
  customerId,
  reference,
  onDone,
}: {
  customerId: string;
  reference: CreditReference | null;
  onDone: () => void;
}) {
  const [v, setV] = useState({
    kind: reference?.kind ?? ('trade' as CreditReferenceKind),
    name: reference?.name ?? '',
    contactName: reference?.contactName ?? '',
    phone: reference?.phone ?? '',
    email: reference?.email ?? '',
    notes: reference?.notes ?? '',
  });
  const [missing, setMissing] = useState<Record<string, string>>({});
  const save = useSaveChild<CreditReference>(customerId, 'credit-references', onDone);
  const errors = { ...fieldErrorsOf(save.error), ...missing };
  const set = (k: keyof typeof v, value: string) => setV((p) => ({ ...p, [k]: value }));

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!v.name.trim()) {
      setMissing({ name: 'Name is required' });
      return;
    }
    setMissing({});
    save.mutate({
      childId: reference?.id,
      body: {
        kind: v.kind,
        name: v.name.trim(),
        contactName: nullIfBlank(v.contactName),
        phone: nullIfBlank(v.phone),
        email: nullIfBlank(v.email),
        notes: nullIfBlank(v.notes),
      },
    });
  }

  return (
    <form
      className="subform"
      onSubmit={submit}
      noValidate
      aria-label={reference ? `Edit credit reference ${reference.name}` : 'New credit reference'}
    >
      <h3>{reference ? `Edit ${reference.name}` : 'New credit reference'}</h3>
      {save.error ? <ErrorBanner error={save.error} /> : null}
      <UnplacedErrors
        errors={errors}
        placed={['kind', 'name', 'contactName', 'phone', 'email', 'notes']}
      />
      <div className="grid grid-4">
        <Field label="Kind" error={errors.kind}>
          {(p) => (
            <select {...p} value={v.kind} onChange={(e) => set('kind', e.target.value)}>
              <option value="trade">Trade</option>
              <option value="bank">Bank</option>
            </select>
          )}
        </Field>
        <Field label="Reference name" required error={errors.name}>
          {(p) => (
            <input {...p} value={v.name} autoFocus onChange={(e) => set('name', e.target.value)} />
          )}
        </Field>
        <Field label="Contact name" error={errors.contactName}>
          {(p) => (
            <input
              {...p}
              value={v.contactName}
              onChange={(e) => set('contactName', e.target.value)}
            />
          )}
        </Field>
        <Field label="Phone" error={errors.phone}>
          {(p) => (
            <input
              {...p}
              type="tel"
              value={v.phone}
              onChange={(e) => set('phone', e.target.value)}
            />
          )}
        </Field>
        <Field label="Email" error={errors.email}>
          {(p) => (
            <input
              {...p}
              type="email"
              value={v.email}
              onChange={(e) => set('email', e.target.value)}
            />
          )}
        </Field>
        <Field label="Notes" error={errors.notes} className="span-3">
          {(p) => <input {...p} value={v.notes} onChange={(e) => set('notes', e.target.value)} />}
        </Field>
      </div>
      <FormButtons
        pending={save.isPending}
        onCancel={onDone}
        submitLabel={reference ? 'Save reference' : 'Add reference'}
      />
    </form>
  );
}

// ---------- Notes ----------

export function NotesSection({ customerId, editable }: { customerId: string; editable: boolean }) {
  const qc = useQueryClient();
  const notes = useQuery({
    queryKey: notesKey(customerId),
    queryFn: () => api.listNotes(customerId),
  });
  const [body, setBody] = useState('');
  const idem = useIdempotencyKey();
  const add = useMutation({
    mutationFn: (text: string) => api.addNote(customerId, text, idem.keyFor(text)),
    onSuccess: async () => {
      idem.reset();
      setBody('');
      await Promise.all([
        qc.invalidateQueries({ queryKey: notesKey(customerId) }),
        qc.invalidateQueries({ queryKey: auditKey(customerId) }),
      ]);
    },
  });
  const errors = fieldErrorsOf(add.error);

  return (
    <Section title="Notes">
      {editable ? (
        <form
          className="note-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (body.trim()) add.mutate(body.trim());
          }}
        >
          {add.error ? <ErrorBanner error={add.error} /> : null}
          <Field label="New note" error={errors.body}>
            {(p) => (
              <textarea
                {...p}
                rows={3}
                value={body}
                placeholder="Spoke with AP; invoice 1043 scheduled for Friday's run…"
                onChange={(e) => setBody(e.target.value)}
              />
            )}
          </Field>
          <div className="form-actions">
            <button
              type="submit"
              className="btn btn-primary btn-sm"
              disabled={add.isPending || !body.trim()}
            >
              {add.isPending ? 'Adding…' : 'Add note'}
            </button>
          </div>
        </form>
      ) : null}
      {notes.error ? <ErrorBanner error={notes.error} /> : null}
      {notes.isPending ? (
        <Spinner />
      ) : (notes.data ?? []).length === 0 ? (
        <Empty>No notes yet.</Empty>
      ) : (
        <ol className="notes">
          {[...(notes.data ?? [])]
            .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
            .map((n) => (
              <li key={n.id} className="note" data-testid="note">
                <div className="note-meta">
                  <strong>{n.author?.name ?? 'System'}</strong>
                  <time dateTime={n.createdAt}>{formatDateTime(n.createdAt)}</time>
                </div>
                <div className="note-body">{n.body}</div>
              </li>
            ))}
        </ol>
      )}
    </Section>
  );
}

// ---------- Status history ----------

export function StatusHistorySection({ customer }: { customer: Customer }) {
  const rows = [...customer.statusHistory].sort((a, b) => b.changedAt.localeCompare(a.changedAt));
  return (
    <Section title="Status history">
      {rows.length === 0 ? (
        <Empty>No status changes.</Empty>
      ) : (
        <table className="data-table" aria-label="Status history">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Reason</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((h, i) => (
              <tr key={`${h.changedAt}-${i}`}>
                <td className="nowrap">{formatDateTime(h.changedAt)}</td>
                <td>
                  {h.fromStatus ? (
                    <StatusBadge status={h.fromStatus} />
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>
                  <StatusBadge status={h.toStatus} />
                </td>
                <td className="wrap">
                  <Dash v={h.reason} />
                </td>
                <td>
                  <Dash v={h.changedBy?.name} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

// ---------- Audit history ----------

const HIDDEN_AUDIT_FIELDS = new Set(['updatedAt', 'version', 'orgId', 'searchText']);

function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return '∅';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(show).join(', ');
  if (typeof v === 'object' && 'name' in v && typeof v.name === 'string') return v.name;
  return JSON.stringify(v);
}

export function diffFields(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): { field: string; before: unknown; after: unknown }[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const out: { field: string; before: unknown; after: unknown }[] = [];
  for (const k of keys) {
    if (HIDDEN_AUDIT_FIELDS.has(k)) continue;
    const b = before?.[k];
    const a = after?.[k];
    if (JSON.stringify(b ?? null) === JSON.stringify(a ?? null)) continue;
    out.push({ field: k, before: b, after: a });
  }
  return out;
}

function humanize(field: string): string {
  const words = field
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const MONEY_FIELDS = new Set(['creditLimit', 'amount', 'balance']);

function showField(field: string, v: unknown): string {
  if (MONEY_FIELDS.has(field) && typeof v === 'string') return formatMoney(v);
  return show(v);
}

function AuditDiff({ entry }: { entry: api.AuditEntry }) {
  const changes = diffFields(entry.before, entry.after);
  if (changes.length === 0) return <span className="muted">No field changes</span>;
  const creating = entry.before === null;
  const list = (
    <ul className="diff">
      {changes.map((c) => (
        <li key={c.field}>
          <span className="diff-field">{humanize(c.field)}</span>{' '}
          {creating ? (
            <span className="diff-after">{showField(c.field, c.after)}</span>
          ) : (
            <>
              <span className="diff-before">{showField(c.field, c.before)}</span>
              <span className="diff-arrow" aria-label="changed to">
                {' → '}
              </span>
              <span className="diff-after">{showField(c.field, c.after)}</span>
            </>
          )}
        </li>
      ))}
    </ul>
  );
  if (changes.length > 6) {
    return (
      <details>
        <summary>{changes.length} fields</summary>
        {list}
      </details>
    );
  }
  return list;
}

export function AuditSection({ customerId }: { customerId: string }) {
  const audit = useInfiniteQuery({
    queryKey: auditKey(customerId),
    queryFn: ({ pageParam }) => api.listAudit('customer', customerId, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = (audit.data?.pages ?? []).flatMap((p) => p.items);
  return (
    <Section title="Audit history">
      {audit.error ? <ErrorBanner error={audit.error} /> : null}
      {audit.isPending ? (
        <Spinner />
      ) : rows.length === 0 ? (
        <Empty>No audit entries.</Empty>
      ) : (
        <table className="data-table audit" aria-label="Audit history">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Changes</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.id} data-testid="audit-row">
                <td className="nowrap">{formatDateTime(e.at)}</td>
                <td className="nowrap">
                  {e.actor?.name ?? 'System'}
                  {e.actor && e.actor.type !== 'user' ? (
                    <span className="cell-sub">{e.actor.type.replace('_', ' ')}</span>
                  ) : null}
                </td>
                <td className="nowrap">
                  <code>{e.action}</code>
                </td>
                <td>
                  <AuditDiff entry={e} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {audit.hasNextPage ? (
        <div className="form-actions load-more">
          <button
            type="button"
            className="btn btn-sm"
            disabled={audit.isFetchingNextPage}
            onClick={() => void audit.fetchNextPage()}
          >
            {audit.isFetchingNextPage ? 'Loading…' : 'Load older entries'}
          </button>
        </div>
      ) : null}
    </Section>
  );
}
