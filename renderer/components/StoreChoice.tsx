import type { ServerView } from '../../src/contract';
import { scopedTo } from '../../src/permissions';
import { basicAuth, type Credentials } from './BasicSignIn';
import type { Method } from './KeyMethod';
import { StoreList } from './StoreList';

/**
 * Which stores a new key's store permissions cover: all of them, one the
 * user picks on BTCPay's page, or one picked here from `/api/v1/stores`
 * (over REST, or in the browser flow where a manager key can list them).
 */

/** The stores a new key covers. */
export type StoreScope =
  | { kind: 'all' }
  | { kind: 'pick-on-btcpay' }
  | { kind: 'one'; storeId: string };

/** Every store, now and later: where a new key starts. */
export const ALL_STORES: StoreScope = { kind: 'all' };

/**
 * The permissions a new key asks for: its store permissions limited to the
 * store picked here, or as selected when none was.
 */
export function permissionsForScope(
  selected: readonly string[],
  scope: StoreScope,
): string[] {
  return scope.kind === 'one' && scope.storeId !== ''
    ? scopedTo(selected, scope.storeId)
    : [...selected];
}

/** Whether the key will work on a single store only. */
export function coversOneStore(scope: StoreScope): boolean {
  return (
    scope.kind === 'pick-on-btcpay' ||
    (scope.kind === 'one' && scope.storeId !== '')
  );
}

function BrowserStoreChoice({
  server,
  scope,
  onScope,
}: {
  server: ServerView;
  scope: StoreScope;
  onScope: (scope: StoreScope) => void;
}) {
  const radio = (kind: StoreScope['kind'], words: string) => (
    <label>
      <input
        type="radio"
        name="store-scope"
        checked={scope.kind === kind}
        onChange={() =>
          onScope(kind === 'one' ? { kind, storeId: '' } : { kind })
        }
      />{' '}
      {words}
    </label>
  );
  return (
    <>
      {radio('all', 'All my stores, including future ones')}
      {radio('pick-on-btcpay', 'Let me pick one store on BTCPay’s page')}
      {server.managerKeyId && radio('one', 'One store I choose here')}
      {scope.kind === 'one' && (
        <StoreList
          serverId={server.id}
          auth={{ kind: 'manager' }}
          loadWords={`Load the stores of ${server.name}`}
          storeId={scope.storeId}
          allowAll={false}
          onStore={(storeId) => onScope({ kind: 'one', storeId })}
        />
      )}
    </>
  );
}

/** The store part of the new-key form, for the chosen method. */
export function StoreChoice({
  method,
  server,
  auth,
  scope,
  onScope,
}: {
  method: Method;
  server: ServerView;
  auth: Credentials;
  scope: StoreScope;
  onScope: (scope: StoreScope) => void;
}) {
  if (method === 'import') return null;
  return (
    <fieldset>
      <legend>Which stores the key works on</legend>
      {method === 'browser' ? (
        <BrowserStoreChoice server={server} scope={scope} onScope={onScope} />
      ) : (
        <StoreList
          serverId={server.id}
          auth={method === 'manager' ? { kind: 'manager' } : basicAuth(auth)}
          loadWords={`Load the stores of ${server.name}`}
          storeId={scope.kind === 'one' ? scope.storeId : ''}
          allowAll
          onStore={(storeId) =>
            onScope(storeId ? { kind: 'one', storeId } : ALL_STORES)
          }
        />
      )}
    </fieldset>
  );
}
