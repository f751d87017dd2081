import type { ServerAuth } from '../../../src/contract';
import { StoreList } from '../../components/StoreList';

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
  return (
    <fieldset>
      <legend>Which store</legend>
      <p className="muted">
        The app asked you to pick one store. The key will work for that store
        only.
      </p>
      <StoreList
        serverId={serverId}
        auth={auth}
        loadWords="List my stores"
        allowAll={false}
        storeId={storeId ?? ''}
        onStore={(id) => onStore(id || null)}
      />
    </fieldset>
  );
}
