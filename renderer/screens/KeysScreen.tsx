import { useVirtualizer } from '@tanstack/react-virtual';
import {
  useCallback,
  useDeferredValue,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { AppEvent, KeyView } from '../../src/contract';
import { call, useApi } from '../api';
import {
  filterKeys,
  KeyFilters,
  NO_FILTERS,
  type Filters,
} from '../components/KeyFilters';
import { Empty, FailureNotice, Loading } from '../components/Status';
import { RiskBadges } from '../components/RiskBadges';
import { checkWords, plural } from '../format';
import { useAction, useAppEvent, useOperation } from '../hooks';
import type { Navigate } from '../routes';

/**
 * The key inventory: search, filters and a virtualised list that stays
 * smooth with tens of thousands of keys.
 */

function KeyRow({ keyView, onOpen }: { keyView: KeyView; onOpen: () => void }) {
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
      {/* The badge column stays in place when a key has no risk badge. */}
      <span className="key-row-risks">
        <RiskBadges risks={keyView.risks} />
      </span>
      <span className="key-row-check muted">
        {checkWords(keyView.lastVerification)}
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

/** What the list says when filters hide every key, and the way back. */
function NothingMatches({
  total,
  onClear,
}: {
  total: number;
  onClear: () => void;
}) {
  const title =
    total === 1
      ? 'Your one key does not match the search and filters'
      : `None of your ${total} keys matches the search and filters`;
  return (
    <Empty title={title}>
      <p role="status">
        Change the search or the filters above, or clear them.
      </p>
      <button type="button" onClick={onClear}>
        Clear search and filters
      </button>
    </Empty>
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
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
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
      <KeyFilters filters={filters} servers={servers} onChange={set} />
      <VerifyAll
        disabled={
          data.state !== 'ready' || !keys.some((k) => k.revokedAt === null)
        }
      />
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
          {shown.length === 0 ? (
            <NothingMatches
              total={keys.length}
              onClear={() => setFilters(NO_FILTERS)}
            />
          ) : (
            <>
              <p className="muted" aria-live="polite">
                Showing {shown.length} of {plural(keys.length, 'key')}
              </p>
              <KeyList keys={shown} navigate={navigate} />
            </>
          )}
        </>
      )}
    </section>
  );
}
