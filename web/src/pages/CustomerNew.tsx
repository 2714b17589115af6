import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import * as api from '../api.ts';
import { useCanEdit, useCurrentUser } from '../auth.ts';
import { CustomerForm } from '../components/CustomerForm.tsx';
import { customerKey } from '../components/CustomerSections.tsx';
import { Section, useIdempotencyKey } from '../components/ui.tsx';

export function CustomerNewPage() {
  const user = useCurrentUser();
  const editable = useCanEdit();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const idem = useIdempotencyKey();
  const create = useMutation({
    mutationFn: (body: api.CustomerInput) => api.createCustomer(body, idem.keyFor(body)),
    onSuccess: async (created) => {
      idem.reset();
      qc.setQueryData(customerKey(created.id), created);
      await qc.invalidateQueries({ queryKey: ['customers', 'list'] });
      await navigate({ to: '/customers/$id', params: { id: created.id } });
    },
  });

  return (
    <div className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/customers">Customers</Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">New</span>
      </nav>
      <div className="page-header">
        <h1>New customer</h1>
      </div>
      {!editable ? (
        <div className="alert alert-info">
          Your role has read-only access and cannot create customers.
        </div>
      ) : (
        <Section title="Customer">
          <CustomerForm
            customer={null}
            baseCurrency={user.organization.baseCurrency}
            submitLabel="Create customer"
            pending={create.isPending}
            error={create.error}
            onSubmit={(body) => create.mutate(body)}
            onCancel={() => navigate({ to: '/customers' })}
          />
          <p className="muted small">
            Contacts, addresses, certificates and notes can be added once the customer exists.
          </p>
        </Section>
      )}
    </div>
  );
}
