import { useDeferredValue, useState } from 'react';
import { Empty, FailureNotice, Loading } from '../components/Status';
import { formatDate } from '../format';
import { useOperation } from '../hooks';

/** The event log: every action, newest first, searchable. No secrets in it. */
export function EventLogScreen() {
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query);
  const { data, reload } = useOperation(
    'listEvents',
    { query: deferred, limit: 500 },
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
          onChange={(e) => setQuery(e.target.value)}
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
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col">Key</th>
                </tr>
              </thead>
              <tbody>
                {data.value.events.map((e, i) => (
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
          )}
        </>
      )}
    </section>
  );
}
