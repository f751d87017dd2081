import { useState } from 'react';
import type {
  PolicyView,
  ServerAuth,
  ServerView,
  StoreView,
} from '../../src/contract';
import { call, OperationFailure, useApi } from '../api';
import { useAction } from '../hooks';
import type { Credentials, Method } from './KeyMethod';
import { FailureNotice } from './Status';

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

/** Store permissions scoped to one store; the others stay as they are. */
export function scopedToStore(
  permissions: readonly string[],
  policies: readonly PolicyView[],
  storeId: string,
): string[] {
  const storeKind = new Set(
    policies.filter((p) => p.kind === 'store').map((p) => p.policy),
  );
  return permissions.map((p) =>
    storeId && storeKind.has(p) ? `${p}:${storeId}` : p,
  );
}

/** Whether the key will work on a single store only. */
export function coversOneStore(scope: StoreScope): boolean {
  return (
    scope.kind === 'pick-on-btcpay' ||
    (scope.kind === 'one' && scope.storeId !== '')
  );
}

function StoreList({
  server,
  credential,
  storeId,
  allowAll,
  onStore,
}: {
  server: ServerView;
  credential: ServerAuth;
  storeId: string;
  allowAll: boolean;
  onStore: (storeId: string) => void;
}) {
  const api = useApi();
  const { busy, failure, run } = useAction();
  const [stores, setStores] = useState<StoreView[] | null>(null);
  const load = () =>
    run(async () => {
      if (credential.kind === 'basic' && !credential.password) {
        throw new OperationFailure({
          kind: 'invalid-input',
          message: 'Enter your BTCPay email and password first.',
          nextStep: 'They are used once to list the stores and never stored.',
        });
      }
      setStores(
        await call(api, 'listStores', {
          serverId: server.id,
          auth: credential,
        }),
      );
    });
  return (
    <>
      {stores === null ? (
        <button type="button" onClick={load} disabled={busy}>
          Load the stores of {server.name}
        </button>
      ) : (
        <label>
          Store
          <select
            value={storeId}
            onChange={(e) => onStore(e.target.value)}
            required={!allowAll}
          >
            <option value="">
              {allowAll
                ? 'All stores, including future ones'
                : 'Choose a store'}
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
          server={server}
          credential={{ kind: 'manager' }}
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
          server={server}
          credential={
            method === 'manager'
              ? { kind: 'manager' }
              : { kind: 'basic', ...auth }
          }
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
