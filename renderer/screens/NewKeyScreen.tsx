import { useState, type FormEvent } from 'react';
import type { PolicyView, PresetView, ServerView } from '../../src/contract';
import { call, OperationFailure, useApi } from '../api';
import {
  AuthorizingDialog,
  type StartedFlow,
} from '../components/AuthorizingDialog';
import { BasicSignIn, NO_CREDENTIALS } from '../components/BasicSignIn';
import {
  defaultMethodFor,
  MethodChoice,
  SUBMIT_WORDS,
  type Method,
} from '../components/KeyMethod';
import { PermissionPicker } from '../components/PermissionPicker';
import { Empty, FailureNotice, Loading } from '../components/Status';
import {
  ALL_STORES,
  coversOneStore,
  permissionsForScope,
  StoreChoice,
  type StoreScope,
} from '../components/StoreChoice';
import { useAction, useOperation } from '../hooks';
import type { Navigate } from '../routes';

/**
 * A new key for one of the servers: the method (the server's own choice of
 * how keys are minted to begin with), a label, the permissions and which
 * stores they cover.
 */

/** What a browser authorize request asks BTCPay for, from the store choice. */
function browserRequest(
  selected: readonly string[],
  scope: StoreScope,
): { permissions: string[]; selectiveStores: boolean } {
  if (scope.kind === 'one' && scope.storeId === '') {
    throw new OperationFailure({
      kind: 'invalid-input',
      message: 'Choose the store the key is for.',
      nextStep: 'Pick it in the store list, or choose another store option.',
    });
  }
  // Pre-scoped permissions keep their store only with selectiveStores.
  return {
    permissions: permissionsForScope(selected, scope),
    selectiveStores: scope.kind !== 'all',
  };
}

function NewKeyForm({
  servers,
  policies,
  presets,
  initialServerId,
  navigate,
}: {
  servers: ServerView[];
  policies: PolicyView[];
  presets: PresetView[];
  initialServerId: string | undefined;
  navigate: Navigate;
}) {
  const api = useApi();
  const { busy, failure, run, clearFailure } = useAction();
  const [serverId, setServerId] = useState(
    initialServerId ?? servers[0]?.id ?? '',
  );
  const server = servers.find((s) => s.id === serverId);
  const [method, setMethod] = useState<Method>(() => defaultMethodFor(server));
  const [label, setLabel] = useState('');
  const [selected, setSelected] = useState<Set<string>>(
    new Set(presets[0]?.permissions ?? []),
  );
  const [auth, setAuth] = useState(NO_CREDENTIALS);
  const [apiKey, setApiKey] = useState('');
  const [storeScope, setStoreScope] = useState<StoreScope>(ALL_STORES);
  const [flow, setFlow] = useState<StartedFlow | null>(null);

  // Stores, the store choice and the password belong to one server.
  const chooseServer = (id: string) => {
    setServerId(id);
    setMethod(defaultMethodFor(servers.find((s) => s.id === id)));
    setStoreScope(ALL_STORES);
    setAuth({ email: auth.email, password: '' });
    clearFailure();
  };
  const chooseMethod = (next: Method) => {
    setMethod(next);
    setStoreScope(ALL_STORES);
  };

  const createOverRest = () =>
    method === 'import'
      ? call(api, 'importKey', { serverId, label, apiKey })
      : call(api, 'createKeyRest', {
          serverId,
          label,
          permissions: permissionsForScope([...selected], storeScope),
          auth:
            method === 'manager'
              ? { kind: 'manager' }
              : { kind: 'basic', ...auth },
        });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      if (method === 'browser') {
        const request = browserRequest([...selected], storeScope);
        setFlow(
          await call(api, 'startAuthorize', {
            serverId,
            label,
            strict: true,
            ...request,
          }),
        );
        return;
      }
      const { key, notices } = await createOverRest();
      setAuth({ email: auth.email, password: '' });
      setApiKey('');
      navigate({ screen: 'key', keyId: key.id, notices });
    });
  };

  return (
    <form onSubmit={submit} className="form">
      <label>
        Server
        <select
          value={serverId}
          onChange={(e) => chooseServer(e.target.value)}
          required
        >
          {servers.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Label (the app or person the key is for)
        <input
          value={label}
          onChange={(e) => setLabel(e.target.value)}
          required
          maxLength={200}
        />
      </label>
      <MethodChoice
        method={method}
        onMethod={chooseMethod}
        hasManager={Boolean(server?.managerKeyId)}
      />
      {method === 'basic' && <BasicSignIn auth={auth} onAuth={setAuth} />}
      {method === 'import' ? (
        <label>
          API key
          <input
            type="password"
            autoComplete="off"
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
            required
          />
        </label>
      ) : (
        <PermissionPicker
          policies={policies}
          presets={presets}
          selected={selected}
          onChange={setSelected}
          oneStore={coversOneStore(storeScope)}
        />
      )}
      {server && (
        <StoreChoice
          key={server.id}
          method={method}
          server={server}
          auth={auth}
          scope={storeScope}
          onScope={setStoreScope}
        />
      )}
      {failure && <FailureNotice failure={failure} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || !serverId}>
          {SUBMIT_WORDS[method]}
        </button>
      </div>
      {flow && (
        <AuthorizingDialog
          flow={flow}
          onClose={() => setFlow(null)}
          onOpenKey={(keyId) => navigate({ screen: 'key', keyId })}
        />
      )}
    </form>
  );
}

/** The new-key screen. */
export function NewKeyScreen({
  serverId,
  navigate,
}: {
  serverId?: string;
  navigate: Navigate;
}) {
  const servers = useOperation('listServers', {});
  const catalogue = useOperation('permissionCatalogue', {});
  return (
    <section className="screen" aria-labelledby="new-key-title">
      <h1 id="new-key-title">New key</h1>
      {(servers.data.state === 'loading' ||
        catalogue.data.state === 'loading') && <Loading label="Loading…" />}
      {servers.data.state === 'failed' && (
        <FailureNotice
          failure={servers.data.failure}
          onRetry={servers.reload}
        />
      )}
      {catalogue.data.state === 'failed' && (
        <FailureNotice
          failure={catalogue.data.failure}
          onRetry={catalogue.reload}
        />
      )}
      {servers.data.state === 'ready' && servers.data.value.length === 0 && (
        <Empty title="Add a server first">
          <button type="button" onClick={() => navigate({ screen: 'servers' })}>
            Add a server
          </button>
        </Empty>
      )}
      {servers.data.state === 'ready' &&
        servers.data.value.length > 0 &&
        catalogue.data.state === 'ready' && (
          <NewKeyForm
            servers={servers.data.value}
            policies={catalogue.data.value.policies}
            presets={catalogue.data.value.presets}
            initialServerId={serverId}
            navigate={navigate}
          />
        )}
    </section>
  );
}
