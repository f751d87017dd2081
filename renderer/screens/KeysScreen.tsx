import { useVirtualizer } from '@tanstack/react-virtual';
import {
  useCallback,
  useDeferredValue,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { AppEvent, KeyView, RiskClass } from '../../src/contract';
import { call, useApi } from '../api';
import { Empty, FailureNotice, Loading } from '../components/Status';
import { RiskBadges } from '../components/RiskBadges';
import { formatDate, plural, RISK_NAMES } from '../format';
import { useAction, useAppEvent, useOperation } from '../hooks';
import type { Navigate } from '../routes';

/**
 * The key inventory: search, filters and a virtualised list that stays
 * smooth with tens of thousands of keys.
 */

interface Filters {
  text: string;
  showRevoked: boolean;
  serverId: string;
  risk: RiskClass | '';
  origin: KeyView['origin']['kind'] | '';
}

const ORIGIN_NAMES: Record<KeyView['origin']['kind'], string> = {
  authorize: 'Authorized in browser',
  rest: 'Created over the API',
  imported: 'Imported',
  delegated: 'Delegated to an app',
};

const VERIFY_WORDS = {
  valid: 'Works',
  'unknown-key': 'Unknown to server',
  'owner-blocked': 'Owner blocked',
  error: 'Could not check',
} as const;

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

function KeyRow({ keyView, onOpen }: { keyView: KeyView; onOpen: () => void }) {
  const verification = keyView.lastVerification;
  return (
    <button type="button" className="key-row" onClick={onOpen}>
      <span className="key-row-main">
        <span className="key-label">
          {keyView.label}
          {keyView.isManager && <span className="tag">Manager</span>}
          {keyView.revokedAt && <span className="tag">Revoked</span>}
        </span>
        <span className="muted">
          {keyView.serverName} · {keyView.origin.detail}
        </span>
      </span>
      <RiskBadges risks={keyView.risks} />
      <span className="key-row-check muted">
        {verification
          ? `${VERIFY_WORDS[verification.result]}, ${formatDate(verification.at)}`
          : 'Never verified'}
      </span>
    </button>
  );
}

function KeyList({ keys, navigate }: { keys: KeyView[]; navigate: Navigate }) {
  const scroller = useRef<HTMLDivElement>(null);
  // The virtualiser is a React-compatible library, not a memoisation hazard.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: keys.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 64,
    overscan: 8,
    initialRect: { width: 800, height: 640 },
  });
  return (
    <div ref={scroller} className="key-list" role="list" aria-label="Keys">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const key = keys[item.index];
          if (!key) return null;
          return (
            <div
              key={key.id}
              role="listitem"
              className="key-list-item"
              style={{
                transform: `translateY(${item.start}px)`,
                height: item.size,
              }}
            >
              <KeyRow
                keyView={key}
                onOpen={() => navigate({ screen: 'key', keyId: key.id })}
              />
            </div>
          );
        })}
      </div>
    </div>
  );
}

function VerifyAll({ disabled }: { disabled: boolean }) {
  const api = useApi();
  const { busy, failure, run } = useAction();
  const [progress, setProgress] = useState<{
    done: number;
    total: number;
  } | null>(null);
  const [summary, setSummary] = useState<string | null>(null);
  useAppEvent(
    useCallback((event: AppEvent) => {
      if (event.type === 'verify') setProgress(event);
    }, []),
  );
  const verify = () =>
    run(async () => {
      setSummary(null);
      setProgress(null);
      const result = await call(api, 'verifyKeys', { keyIds: 'all' });
      setSummary(
        `Checked ${plural(result.checked, 'key')}: ${result.valid} work, ${result.problems} need attention.`,
      );
    });
  return (
    <div className="verify-all">
      <button type="button" onClick={verify} disabled={busy || disabled}>
        {busy ? 'Verifying…' : 'Verify all keys'}
      </button>
      {busy && progress && (
        <progress
          value={progress.done}
          max={progress.total}
          aria-label="Verification progress"
        >
          {progress.done} of {progress.total}
        </progress>
      )}
      {busy && progress && (
        <span className="muted" aria-live="polite">
          {progress.done} of {progress.total}
        </span>
      )}
      {summary && <span role="status">{summary}</span>}
      {failure && <FailureNotice failure={failure} />}
    </div>
  );
}

/** The inventory screen. */
export function KeysScreen({
  navigate,
  notice,
}: {
  navigate: Navigate;
  notice?: string;
}) {
  const { data, reload } = useOperation(
    'listKeys',
    {},
    { followInventory: true },
  );
  const [filters, setFilters] = useState<Filters>({
    text: '',
    showRevoked: false,
    serverId: '',
    risk: '',
    origin: '',
  });
  const deferred = useDeferredValue(filters);
  const keys = useMemo(
    () => (data.state === 'ready' ? data.value : []),
    [data],
  );
  const servers = useMemo(
    () => [...new Map(keys.map((k) => [k.serverId, k.serverName]))],
    [keys],
  );
  const shown = useMemo(() => filterKeys(keys, deferred), [keys, deferred]);
  const set = (patch: Partial<Filters>) =>
    setFilters((f) => ({ ...f, ...patch }));

  return (
    <section className="screen screen-keys" aria-labelledby="keys-title">
      <div className="screen-head">
        <h1 id="keys-title">Keys</h1>
        <button type="button" onClick={() => navigate({ screen: 'new-key' })}>
          New key
        </button>
      </div>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <div className="filters" role="search">
        <label>
          Search
          <input
            type="search"
            value={filters.text}
            onChange={(e) => set({ text: e.target.value })}
            placeholder="Label, server, app or permission"
          />
        </label>
        <label>
          Server
          <select
            value={filters.serverId}
            onChange={(e) => set({ serverId: e.target.value })}
          >
            <option value="">All servers</option>
            {servers.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Risk
          <select
            value={filters.risk}
            onChange={(e) => set({ risk: e.target.value as Filters['risk'] })}
          >
            <option value="">Any risk</option>
            {Object.entries(RISK_NAMES).map(([risk, name]) => (
              <option key={risk} value={risk}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Origin
          <select
            value={filters.origin}
            onChange={(e) =>
              set({ origin: e.target.value as Filters['origin'] })
            }
          >
            <option value="">Any origin</option>
            {Object.entries(ORIGIN_NAMES).map(([origin, name]) => (
              <option key={origin} value={origin}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            checked={filters.showRevoked}
            onChange={(e) => set({ showRevoked: e.target.checked })}
          />
          Show revoked keys
        </label>
      </div>
      <VerifyAll disabled={keys.every((k) => k.revokedAt !== null)} />
      {data.state === 'loading' && <Loading label="Loading keys…" />}
      {data.state === 'failed' && (
        <FailureNotice failure={data.failure} onRetry={reload} />
      )}
      {data.state === 'ready' && keys.length === 0 && (
        <Empty title="No keys yet">
          <p>Add a BTCPay server, then create or import a key.</p>
          <button type="button" onClick={() => navigate({ screen: 'servers' })}>
            Add a server
          </button>
        </Empty>
      )}
      {data.state === 'ready' && keys.length > 0 && (
        <>
          <p className="muted" aria-live="polite">
            Showing {shown.length} of {plural(keys.length, 'key')}
          </p>
          <KeyList keys={shown} navigate={navigate} />
        </>
      )}
    </section>
  );
}
