import { api, call } from '../../api/client';
import type { HouseView, PersonView } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { SearchSelect } from '../SearchSelect';

interface PickerProps<T> {
  value?: number;
  onChange?: (id: number | undefined, item: T | undefined) => void;
  placeholder?: string;
  initial?: T | null;
  id?: string;
  size?: 'large' | 'middle' | 'small';
  /** Only houses of this area subtree. */
  within?: number;
}

/** Finds a house by part of its address. */
export function HouseSelect({ within, placeholder, ...props }: PickerProps<HouseView>) {
  const { t } = useI18n();
  return (
    <SearchSelect<HouseView>
      {...props}
      testId="house-select"
      placeholder={placeholder ?? t('houseSelect.placeholder')}
      search={(q, signal) =>
        call(
          api.GET('/api/houses', { params: { query: { q: q || undefined, within, pageSize: 20 } }, signal }),
        ).then((page) => page.items)
      }
      render={(house) => (
        <span className="option-line">
          <span>{house.address}</span>
          <span className="muted">{house.area.name}</span>
        </span>
      )}
    />
  );
}

/** Finds a registered person by name, ID number or phone. */
export function PersonSelect({ within, placeholder, ...props }: PickerProps<PersonView>) {
  return (
    <SearchSelect<PersonView>
      {...props}
      placeholder={placeholder}
      search={(q, signal) =>
        call(
          api.GET('/api/persons', { params: { query: { q: q || undefined, within, pageSize: 20 } }, signal }),
        ).then((page) => page.items)
      }
      render={(person) => (
        <span className="option-line">
          <span>{person.name}</span>
          <span className="muted code-text">{person.documentMasked}</span>
        </span>
      )}
    />
  );
}
