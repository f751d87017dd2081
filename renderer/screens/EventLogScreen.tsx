import { useDeferredValue, useState } from 'react';
import type { EventView } from '../../src/contract';
import { Empty, FailureNotice, Loading } from '../components/Status';
import { formatDate, plural } from '../format';
import { useOperation } from '../hooks';

/** The event log: every action, newest first, searchable. No secrets in it. */

/** How many entries one page of the log adds. */
export const LOG_PAGE = 500;

/** The most the core answers at once; past it, searching narrows the log. */
export const LOG_MOST = 5000;

function LogTable({ events }: { events: readonly EventView[] }) {
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">What</th>
          <th scope="col">Key</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e, i) => (
          <tr key={`${e.at}-${i}`}>
            <td>{formatDate(e.at)}</td>
            <td>{e.summary}</td>
            <td>
              <code>{e.keyId ?? '—'}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Says when the table holds only the newest entries, and offers more. */
function MoreEntries({
  shown,
  matching,
  onMore,
}: {
  shown: number;
  matching: number;
  onMore: () => void;
}) {
  if (shown >= matching) return null;
  const canLoadMore = shown < LOG_MOST;
  return (
    <div className="notice more-entries">
      <p role="status">
        Showing the newest {shown} of {plural(matching, 'entry', 'entries')}.{' '}
        {canLoadMore
          ? 'Load more, or search to find older ones.'
          : 'Search to find older ones.'}
      </p>
      {canLoadMore && (
        <button type="button" onClick={onMore}>
          Show {Math.min(LOG_PAGE, LOG_MOST - shown, matching - shown)} more
        </button>
      )}
    </div>
  );
}

/** The event log screen. */
export function EventLogScreen() {
  const [query, setQuery] = useState('');
  const [limit, setLimit] = useState(LOG_PAGE);
  const deferred = useDeferredValue(query);
  const { data, reload } = useOperation(
    'listEvents',
    { query: deferred, limit },
    { followInventory: true },
  );
  return (
    <section className="screen" aria-labelledby="log-title">
      <h1 id="log-title">Event log</h1>
      <label className="search">
        Search the log
        <input
          type="search"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setLimit(LOG_PAGE);
          }}
          placeholder="e.g. revoked, a key id, a label"
        />
      </label>
      {data.state === 'loading' && <Loading label="Reading the log…" />}
      {data.state === 'failed' && (
        <FailureNotice failure={data.failure} onRetry={reload} />
      )}
      {data.state === 'ready' && (
        <>
          <p
            className={data.value.chainIntact ? 'muted' : 'notice notice-error'}
            role="status"
          >
            {data.value.chainIntact
              ? 'The log is intact: no entry was changed or removed.'
              : 'The log was changed, shortened or damaged. Run the audit for details.'}
          </p>
          {data.value.events.length === 0 ? (
            <Empty title={query ? 'Nothing matches' : 'Nothing logged yet'} />
          ) : (
            <LogTable events={data.value.events} />
          )}
          <MoreEntries
            shown={data.value.events.length}
            matching={data.value.matching}
            onMore={() => setLimit((l) => Math.min(LOG_MOST, l + LOG_PAGE))}
          />
        </>
      )}
    </section>
  );
}
