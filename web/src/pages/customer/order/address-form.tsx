// The delivery address, changed in place of a cancellation (the brief: a wrong address should not cost an order).
// Prefilled with the order's address; checked here as the server checks it, and the server's refusals land on
// the field they name.
import { useState } from 'react';
import type { Address } from '../../../api.ts';
import { invalidFields, useI18n, type Key } from '../../../i18n/index.ts';
import { TextField } from '../../../ui/field.tsx';

type Field = keyof Address;
const FIELDS: { name: Field; label: Key; max: number; autoComplete: string }[] = [
  { name: 'province', label: 'form.province', max: 50, autoComplete: 'address-level1' },
  { name: 'city', label: 'form.city', max: 50, autoComplete: 'address-level2' },
  { name: 'district', label: 'form.district', max: 50, autoComplete: 'address-level3' },
  { name: 'detail', label: 'form.detail', max: 200, autoComplete: 'street-address' },
];

export type AddressErrors = Partial<Record<Field, string>>;

export function useAddressForm(initial: Address) {
  const { t } = useI18n();
  const [value, setValue] = useState<Address>(initial);
  const [errors, setErrors] = useState<AddressErrors>({});
  /** The trimmed address, or null with each bad field marked. */
  const check = (): Address | null => {
    const next: AddressErrors = {};
    const trimmed = { province: value.province.trim(), city: value.city.trim(), district: value.district.trim(), detail: value.detail.trim() };
    for (const f of FIELDS) {
      if (!trimmed[f.name]) next[f.name] = t('form.required');
      else if (trimmed[f.name].length > f.max) next[f.name] = t('form.checkField');
    }
    setErrors(next);
    return Object.keys(next).length === 0 ? trimmed : null;
  };
  /** A REQUEST.INVALID from the server, shown on the fields it names. */
  const fromServer = (e: unknown): boolean => {
    const named = invalidFields(e).map((f) => f.replace(/^address\./, '')).filter((f): f is Field => FIELDS.some((x) => x.name === f));
    if (named.length === 0) return false;
    setErrors(Object.fromEntries(named.map((f) => [f, t('form.checkField')])));
    return true;
  };
  const changed = (a: Address) => FIELDS.some((f) => value[f.name].trim() !== a[f.name]);
  /** Typing into a field takes its old error away; the next save checks again. */
  const edit = (f: Field, v: string) => {
    setValue((cur) => ({ ...cur, [f]: v }));
    setErrors((cur) => {
      const { [f]: _gone, ...rest } = cur;
      return rest;
    });
  };
  return { value, setValue, errors, check, fromServer, changed, edit };
}

export function AddressFields({ form }: { form: ReturnType<typeof useAddressForm> }) {
  const { t } = useI18n();
  return (
    <div className="form address-form">
      <div className="grid-3">
        {FIELDS.slice(0, 3).map((f) => (
          <TextField key={f.name} label={t(f.label)} value={form.value[f.name]} maxLength={f.max} autoComplete={f.autoComplete} error={form.errors[f.name] ?? null}
            onChange={(e) => form.edit(f.name, e.target.value)} />
        ))}
      </div>
      {FIELDS.slice(3).map((f) => (
        <TextField key={f.name} label={t(f.label)} value={form.value[f.name]} maxLength={f.max} autoComplete={f.autoComplete} error={form.errors[f.name] ?? null}
          onChange={(e) => form.edit(f.name, e.target.value)} />
      ))}
    </div>
  );
}
