import { useState } from 'react';
import type { ServerAuth, StoreView } from '../../src/contract';
import { call, useApi } from '../api';
import { useAction } from '../hooks';
import { FailureNotice } from './Status';

/**
 * A server's stores (`/api/v1/stores`) as one choice. They are loaded only
 * when the user asks, since listing spends the manager key or the password.
 */
export function StoreList({
  serverId,
  auth,
  loadWords,
  allowAll,
  storeId,
  onStore,
}: {
  serverId: string;
  /** How to list the stores; null until the sign-in is filled in. */
  auth: ServerAuth | null;
  /** The words of the button that loads them. */
  loadWords: string;
  /** True: picking no store leaves the key on every store. */
  allowAll: boolean;
  /** The picked store, '' for none. */
  storeId: string;
  onStore: (storeId: string) => void;
}) {
  const api = useApi();
  const { busy, failure, run } = useAction();
  const [stores, setStores] = useState<StoreView[] | null>(null);
  const load = (listWith: ServerAuth) =>
    run(async () =>
      setStores(await call(api, 'listStores', { serverId, auth: listWith })),
    );

  return (
    <>
      {stores === null ? (
        <button
          type="button"
          onClick={() => auth && void load(auth)}
          disabled={busy || !auth}
        >
          {auth ? loadWords : 'Fill in the sign-in to list the stores'}
        </button>
      ) : stores.length === 0 ? (
        <p>This account has no store yet, so no key can be limited to one.</p>
      ) : (
        <label>
          Store
          <select
            value={storeId}
            onChange={(e) => onStore(e.target.value)}
            required={!allowAll}
          >
            <option value="">
              {allowAll ? 'All stores, including future ones' : 'Pick a store'}
            </option>
            {stores.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {failure && <FailureNotice failure={failure} />}
    </>
  );
}
