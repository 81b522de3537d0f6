import { useState, type FormEvent } from 'react';
import { api, type Carrier, type NumberResource } from '../../api.ts';
import { useLoad } from '../../hooks.ts';
import { errorText, useI18n } from '../../i18n/index.ts';
import { spacedNumber, yuan } from '../../format.ts';
import { Button } from '../../ui/button.tsx';
import { ChoiceGroup, TextField } from '../../ui/field.tsx';
import { Empty, Loading, Notice } from '../../ui/notice.tsx';

const PAGE = 12;
type Mode = 'contains' | 'endsWith';

/** Free numbers of the plan's carrier, searchable by the digits a customer wants in them. */
export function NumberPicker({ carrier, selected, onSelect, refresh }: { carrier: Carrier; selected: NumberResource | null; onSelect: (n: NumberResource) => void; refresh: number }) {
  const { t } = useI18n();
  const [mode, setMode] = useState<Mode>('contains');
  const [digits, setDigits] = useState('');
  const [search, setSearch] = useState<{ mode: Mode; digits: string; offset: number }>({ mode: 'contains', digits: '', offset: 0 });
  const { data, error } = useLoad(
    () => api.numbers({ carrier, limit: PAGE, offset: search.offset, ...(search.digits ? { [search.mode]: search.digits } : {}) }),
    [carrier, search.mode, search.digits, search.offset, refresh],
  );
  const numbers = data?.numbers ?? [];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSearch({ mode, digits, offset: 0 });
  };
  // A short page means the end of the list: the next batch starts again from the first.
  const another = () => setSearch((s) => ({ ...s, offset: numbers.length < PAGE ? 0 : s.offset + PAGE }));

  return (
    <div className="picker">
      <form className="picker-search" onSubmit={submit} role="search">
        <ChoiceGroup legend={t('picker.mode')} name="mode" value={mode} onChange={setMode}
          options={[{ value: 'contains', label: t('picker.contains') }, { value: 'endsWith', label: t('picker.endsWith') }]} />
        <div className="search-row">
          <TextField label={t('picker.digits')} value={digits} inputMode="numeric" placeholder={t('picker.digits.placeholder')}
            onChange={(e) => setDigits(e.target.value.replace(/\D/g, '').slice(0, 11))} />
          <Button type="submit" variant="secondary">{t('picker.search')}</Button>
        </div>
      </form>
      {error ? <Notice tone="error">{errorText(t, error)}</Notice> : null}
      {!data && !error && <Loading label={t('common.loading')} />}
      {data && numbers.length === 0 && <Empty title={t('picker.none')} />}
      {numbers.length > 0 && (
        <fieldset className="number-grid">
          <legend className="sr-only">{t('picker.choose')}</legend>
          {numbers.map((n) => (
            <label key={n.id} className={`number-option${selected?.id === n.id ? ' number-on' : ''}`}>
              <input type="radio" name="number" value={n.id} checked={selected?.id === n.id} onChange={() => onSelect(n)} />
              <span className="number-digits">{spacedNumber(n.number)}</span>
              <span className="number-price">{n.priceFen > 0 ? t('picker.vanity', { fee: yuan(n.priceFen) }) : t('picker.free')}</span>
            </label>
          ))}
        </fieldset>
      )}
      <Button variant="ghost" onClick={another}>{t('picker.another')}</Button>
    </div>
  );
}
