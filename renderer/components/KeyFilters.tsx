import type { KeyView, RiskClass } from '../../src/contract';
import { RISK_NAMES } from '../format';

/**
 * Narrowing the key inventory: a search over label, server, app and
 * permissions, and filters by server, risk, origin and revocation.
 */

/** What the inventory can be narrowed by. */
export interface Filters {
  text: string;
  showRevoked: boolean;
  serverId: string;
  risk: RiskClass | '';
  origin: KeyView['origin']['kind'] | '';
}

/** No narrowing: every active key. */
export const NO_FILTERS: Filters = {
  text: '',
  showRevoked: false,
  serverId: '',
  risk: '',
  origin: '',
};

const ORIGIN_NAMES: Record<KeyView['origin']['kind'], string> = {
  authorize: 'Authorized in browser',
  rest: 'Created over the API',
  imported: 'Imported',
  delegated: 'Delegated to an app',
};

/** The keys that match every filter; text matches label, server and app. */
export function filterKeys(
  keys: readonly KeyView[],
  filters: Filters,
): KeyView[] {
  const words = filters.text.toLowerCase().split(/\s+/).filter(Boolean);
  return keys.filter((key) => {
    if (!filters.showRevoked && key.revokedAt !== null) return false;
    if (filters.serverId && key.serverId !== filters.serverId) return false;
    if (filters.risk && !key.risks.includes(filters.risk)) return false;
    if (filters.origin && key.origin.kind !== filters.origin) return false;
    if (words.length === 0) return true;
    const text = [
      key.label,
      key.serverName,
      key.fingerprint,
      key.origin.appName ?? '',
      ...key.grantedPermissions,
    ]
      .join(' ')
      .toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

function Choice<T extends string>({
  label,
  value,
  anyLabel,
  options,
  onChange,
}: {
  label: string;
  value: T | '';
  anyLabel: string;
  options: readonly (readonly [T, string])[];
  onChange: (value: T | '') => void;
}) {
  return (
    <label>
      {label}
      <select
        value={value}
        onChange={(e) => onChange(e.target.value as T | '')}
      >
        <option value="">{anyLabel}</option>
        {options.map(([id, name]) => (
          <option key={id} value={id}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The search box and filters above the key list. */
export function KeyFilters({
  filters,
  servers,
  onChange,
}: {
  filters: Filters;
  servers: readonly (readonly [string, string])[];
  onChange: (patch: Partial<Filters>) => void;
}) {
  return (
    <div className="filters" role="search">
      <label>
        Search
        <input
          type="search"
          value={filters.text}
          onChange={(e) => onChange({ text: e.target.value })}
          placeholder="Label, server, app or permission"
        />
      </label>
      <Choice
        label="Server"
        value={filters.serverId}
        anyLabel="All servers"
        options={servers}
        onChange={(serverId) => onChange({ serverId })}
      />
      <Choice
        label="Risk"
        value={filters.risk}
        anyLabel="Any risk"
        options={Object.entries(RISK_NAMES) as [RiskClass, string][]}
        onChange={(risk) => onChange({ risk })}
      />
      <Choice
        label="Origin"
        value={filters.origin}
        anyLabel="Any origin"
        options={
          Object.entries(ORIGIN_NAMES) as [Filters['origin'] & string, string][]
        }
        onChange={(origin) => onChange({ origin })}
      />
      <label>
        <input
          type="checkbox"
          checked={filters.showRevoked}
          onChange={(e) => onChange({ showRevoked: e.target.checked })}
        />
        Show revoked keys
      </label>
    </div>
  );
}
