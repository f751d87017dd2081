import { useState } from 'react';
import type { DelegationView } from '../../src/contract';
import { call, useApi } from '../api';
import { Dialog } from '../components/Dialog';
import { Empty, FailureNotice, Loading } from '../components/Status';
import { formatDate } from '../format';
import { useAction, useOperation } from '../hooks';

/** Remembered answers to apps that asked for keys, each revocable. */

function RevokeDialog({
  delegation,
  onDone,
}: {
  delegation: DelegationView;
  onDone: () => void;
}) {
  const api = useApi();
  const { busy, failure, run } = useAction();
  const [alsoKey, setAlsoKey] = useState(delegation.keyId !== null);
  const revoke = () =>
    run(async () => {
      await call(api, 'revokeDelegation', {
        id: delegation.id,
        revokeKey: alsoKey,
      });
      onDone();
    });
  return (
    <Dialog
      title={`Forget the answer for ${delegation.applicationName ?? delegation.applicationIdentifier}?`}
      onCancel={onDone}
    >
      <p>The app will be asked again next time.</p>
      {delegation.keyId && (
        <label>
          <input
            type="checkbox"
            checked={alsoKey}
            onChange={(e) => setAlsoKey(e.target.checked)}
          />{' '}
          Also revoke its key on the server
        </label>
      )}
      {failure && <FailureNotice failure={failure} />}
      <div className="actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button
          type="button"
          className="danger"
          onClick={revoke}
          disabled={busy}
        >
          Forget
        </button>
      </div>
    </Dialog>
  );
}

/** The app-access screen. */
export function DelegationsScreen() {
  const { data, reload } = useOperation(
    'listDelegations',
    {},
    { followInventory: true },
  );
  const [revoking, setRevoking] = useState<DelegationView | null>(null);
  return (
    <section className="screen" aria-labelledby="delegations-title">
      <h1 id="delegations-title">App access</h1>
      <p className="muted">
        Apps that asked for a key through a btcpay-keys link, and the answer you
        asked us to remember.
      </p>
      {data.state === 'loading' && <Loading label="Loading…" />}
      {data.state === 'failed' && (
        <FailureNotice failure={data.failure} onRetry={reload} />
      )}
      {data.state === 'ready' && data.value.length === 0 && (
        <Empty title="No remembered answers" />
      )}
      {data.state === 'ready' && data.value.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">App (unverified)</th>
              <th scope="col">Server</th>
              <th scope="col">Answer</th>
              <th scope="col">Since</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.value.map((d) => (
              <tr key={d.id}>
                <td>
                  {d.applicationName ?? '—'}{' '}
                  <code>{d.applicationIdentifier}</code>
                </td>
                <td>{d.serverName}</td>
                <td>{d.decision === 'allow' ? 'Allowed' : 'Denied'}</td>
                <td>{formatDate(d.createdAt)}</td>
                <td>
                  <button type="button" onClick={() => setRevoking(d)}>
                    Forget…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revoking && (
        <RevokeDialog
          delegation={revoking}
          onDone={() => {
            setRevoking(null);
            reload();
          }}
        />
      )}
    </section>
  );
}
