import { useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import * as api from '../api.ts';
import { useDebounced } from './ui.tsx';

export interface PickedCustomer {
  id: string;
  accountNumber: string;
  name: string;
}

interface Props {
  id: string;
  value: PickedCustomer | null;
  onChange: (value: PickedCustomer | null) => void;
  /** Customer ids that may not be picked (the customer itself). */
  excludeIds?: string[];
  disabled?: boolean;
  /** what the Change button does, for screen readers ("Change customer"); the name is appended */
  changeLabel?: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

/**
 * The customer a list is filtered by, for its CustomerPicker: the one just picked, or, after a
 * reload where the URL holds only the id, the customer fetched by that id. Returns the value to
 * show and the setter to call with what was picked.
 */
export function usePickedCustomer(
  customerId: string | undefined,
): [PickedCustomer | null, (value: PickedCustomer | null) => void] {
  const [chosen, setChosen] = useState<PickedCustomer | null>(null);
  const known = chosen !== null && chosen.id === customerId;
  const fetched = useQuery({
    queryKey: ['customers', 'detail', customerId],
    queryFn: () => api.getCustomer(customerId!),
    enabled: !!customerId && !known,
  });
  const value: PickedCustomer | null = known
    ? chosen
    : fetched.data && customerId
      ? { id: fetched.data.id, accountNumber: fetched.data.accountNumber, name: fetched.data.name }
      : null;
  return [value, setChosen];
}

/** Searchable single-customer combobox (the parent account, an invoice's customer, filters). */
export function CustomerPicker({
  id,
  value,
  onChange,
  excludeIds = [],
  disabled,
  changeLabel = 'Change customer',
  ...aria
}: Props) {
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const q = useDebounced(text.trim(), 250);
  const listId = useId();

  const results = useQuery({
    queryKey: ['customers', 'pick', q],
    queryFn: ({ signal }) => api.listCustomers({ search: q, limit: 10, sort: 'name' }, signal),
    enabled: open && q.length > 0,
  });
  const options = (results.data?.items ?? []).filter((c) => !excludeIds.includes(c.id));

  function pick(c: PickedCustomer) {
    onChange({ id: c.id, accountNumber: c.accountNumber, name: c.name });
    setText('');
    setOpen(false);
  }

  if (value) {
    return (
      <div className="picked">
        <span className="picked-value" id={id} tabIndex={-1}>
          <span className="mono">{value.accountNumber}</span> {value.name}
        </span>
        {!disabled ? (
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={() => onChange(null)}
            aria-label={`${changeLabel} ${value.name}`}
          >
            Change
          </button>
        ) : null}
      </div>
    );
  }

  return (
    <div className="combo">
      <input
        id={id}
        type="text"
        role="combobox"
        aria-expanded={open && q.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        autoComplete="off"
        placeholder="Search by name or account number"
        disabled={disabled}
        value={text}
        {...aria}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          setActive(0);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, options.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === 'Enter') {
            const c = options[active];
            if (open && c) {
              e.preventDefault();
              pick(c);
            }
          } else if (e.key === 'Escape') {
            setOpen(false);
          }
        }}
      />
      {open && q.length > 0 ? (
        <ul className="combo-list" id={listId} role="listbox">
          {results.isFetching && options.length === 0 ? (
            <li className="combo-empty">Searching…</li>
          ) : options.length === 0 ? (
            <li className="combo-empty">No matching customers</li>
          ) : (
            options.map((c, i) => (
              <li
                key={c.id}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'active' : undefined}
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(c);
                }}
              >
                <span className="mono">{c.accountNumber}</span> {c.name}
              </li>
            ))
          )}
        </ul>
      ) : null}
    </div>
  );
}
