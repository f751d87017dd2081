import { useState } from 'react';
import type { ServerAuth, StoreView } from '../../../src/contract';
import { call, useApi } from '../../api';
import { FailureNotice } from '../../components/Status';
import { useAction } from '../../hooks';

/**
 * The one store a key made here is limited to, when the app asked the
 * merchant to pick it. The list comes from the server with the manager key
 * or the password being used; without a store nothing can be approved.
 */
export function StorePicker({
  serverId,
  auth,
  storeId,
  onStore,
}: {
  serverId: string;
  /** How to list the stores; null until the sign-in is filled in. */
  auth: ServerAuth | null;
  storeId: string | null;
  onStore: (id: string | null) => void;
}) {
  const api = useApi();
  const { busy, failure, run } = useAction();
  const [stores, setStores] = useState<StoreView[] | null>(null);
  const load = () =>
    auth &&
    run(async () =>
      setStores(await call(api, 'listStores', { serverId, auth })),
    );
  return (
    <fieldset>
      <legend>Which store</legend>
      <p className="muted">
        The app asked you to pick one store. The key will work for that store
        only.
      </p>
      {stores === null ? (
        <button
          type="button"
          onClick={() => void load()}
          disabled={busy || !auth}
        >
          {auth ? 'List my stores' : 'Fill in the sign-in to list your stores'}
        </button>
      ) : stores.length === 0 ? (
        <p>This account has no store yet, so no key can be limited to one.</p>
      ) : (
        <label>
          Store
          <select
            value={storeId ?? ''}
            onChange={(e) => onStore(e.target.value || null)}
          >
            <option value="">Pick a store</option>
            {stores.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {failure && <FailureNotice failure={failure} />}
    </fieldset>
  );
}
