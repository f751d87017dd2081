import { useState, type FormEvent } from 'react';
import type { PolicyView, ServerView, StoreView } from '../../src/contract';
import { call, useApi } from '../api';
import {
  AuthorizingDialog,
  type StartedFlow,
} from '../components/AuthorizingDialog';
import { PermissionPicker } from '../components/PermissionPicker';
import { Empty, FailureNotice, Loading } from '../components/Status';
import { useAction, useOperation } from '../hooks';
import type { Navigate } from '../routes';

/**
 * A new key: authorize in the browser (the default since BTCPay 2.4.2 turned
 * Basic auth off), mint it over REST with the manager key or a password, or
 * import one made on BTCPay.
 */

type Method = 'browser' | 'manager' | 'basic' | 'import';

const METHODS: { id: Method; label: string; hint: string }[] = [
  {
    id: 'browser',
    label: 'Approve in the browser',
    hint: 'Opens BTCPay’s consent page. Works on every server.',
  },
  {
    id: 'manager',
    label: 'Use the manager key',
    hint: 'No browser; needs a connected manager key.',
  },
  {
    id: 'basic',
    label: 'Sign in with a password',
    hint: 'Sent once, never stored. Off by default since BTCPay 2.4.2.',
  },
  {
    id: 'import',
    label: 'Import an existing key',
    hint: 'Paste a key created on BTCPay.',
  },
];

/** Store permissions scoped to one store; the others stay as they are. */
function scoped(
  permissions: string[],
  policies: readonly PolicyView[],
  storeId: string,
) {
  const storeKind = new Set(
    policies.filter((p) => p.kind === 'store').map((p) => p.policy),
  );
  return permissions.map((p) =>
    storeId && storeKind.has(p) ? `${p}:${storeId}` : p,
  );
}

function StoreChoice({
  method,
  server,
  auth,
  storeId,
  onStore,
  selectOnBtcpay,
  onSelectOnBtcpay,
}: {
  method: Method;
  server: ServerView;
  auth: { email: string; password: string };
  storeId: string;
  onStore: (id: string) => void;
  selectOnBtcpay: boolean;
  onSelectOnBtcpay: (value: boolean) => void;
}) {
  const api = useApi();
  const { busy, failure, run } = useAction();
  const [stores, setStores] = useState<StoreView[] | null>(null);
  if (method === 'import') return null;
  if (method === 'browser') {
    return (
      <fieldset>
        <legend>Stores</legend>
        <label>
          <input
            type="radio"
            checked={!selectOnBtcpay}
            onChange={() => onSelectOnBtcpay(false)}
          />{' '}
          All my stores, including future ones
        </label>
        <label>
          <input
            type="radio"
            checked={selectOnBtcpay}
            onChange={() => onSelectOnBtcpay(true)}
          />{' '}
          Let me pick one store on BTCPay’s page
        </label>
      </fieldset>
    );
  }
  const load = () =>
    run(async () => {
      const credential =
        method === 'manager'
          ? { kind: 'manager' as const }
          : { kind: 'basic' as const, ...auth };
      setStores(
        await call(api, 'listStores', {
          serverId: server.id,
          auth: credential,
        }),
      );
    });
  return (
    <fieldset>
      <legend>Stores</legend>
      {stores === null ? (
        <button type="button" onClick={load} disabled={busy}>
          Load the stores of {server.name}
        </button>
      ) : (
        <label>
          Store
          <select value={storeId} onChange={(e) => onStore(e.target.value)}>
            <option value="">All stores, including future ones</option>
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

const SUBMIT_WORDS: Record<Method, string> = {
  browser: 'Open BTCPay to approve',
  manager: 'Create the key',
  basic: 'Create the key',
  import: 'Check and store the key',
};

function MethodChoice({
  method,
  onMethod,
  hasManager,
}: {
  method: Method;
  onMethod: (method: Method) => void;
  hasManager: boolean;
}) {
  return (
    <fieldset>
      <legend>How to get the key</legend>
      {METHODS.map((m) => (
        <label key={m.id} className="choice">
          <input
            type="radio"
            name="method"
            checked={method === m.id}
            onChange={() => onMethod(m.id)}
            disabled={m.id === 'manager' && !hasManager}
          />
          <span>
            {m.label} <span className="muted">— {m.hint}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

type Credentials = { email: string; password: string };

function BasicSignIn({
  auth,
  onAuth,
}: {
  auth: Credentials;
  onAuth: (auth: Credentials) => void;
}) {
  return (
    <fieldset>
      <legend>BTCPay sign-in (used once, never stored)</legend>
      <label>
        Email
        <input
          type="email"
          autoComplete="username"
          value={auth.email}
          onChange={(e) => onAuth({ ...auth, email: e.target.value })}
          required
        />
      </label>
      <label>
        Password
        <input
          type="password"
          autoComplete="current-password"
          value={auth.password}
          onChange={(e) => onAuth({ ...auth, password: e.target.value })}
          required
        />
      </label>
    </fieldset>
  );
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
  presets: {
    id: string;
    name: string;
    description: string;
    permissions: string[];
  }[];
  initialServerId: string | undefined;
  navigate: Navigate;
}) {
  const api = useApi();
  const { busy, failure, run } = useAction();
  const [serverId, setServerId] = useState(
    initialServerId ?? servers[0]?.id ?? '',
  );
  const [method, setMethod] = useState<Method>('browser');
  const [label, setLabel] = useState('');
  const [selected, setSelected] = useState<Set<string>>(
    new Set(presets[0]?.permissions ?? []),
  );
  const [auth, setAuth] = useState({ email: '', password: '' });
  const [apiKey, setApiKey] = useState('');
  const [storeId, setStoreId] = useState('');
  const [selectOnBtcpay, setSelectOnBtcpay] = useState(false);
  const [flow, setFlow] = useState<StartedFlow | null>(null);
  const server = servers.find((s) => s.id === serverId);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const permissions = scoped([...selected], policies, storeId);
      if (method === 'browser') {
        setFlow(
          await call(api, 'startAuthorize', {
            serverId,
            label,
            permissions: [...selected],
            strict: true,
            selectiveStores: selectOnBtcpay,
          }),
        );
        return;
      }
      const key =
        method === 'import'
          ? await call(api, 'importKey', { serverId, label, apiKey })
          : await call(api, 'createKeyRest', {
              serverId,
              label,
              permissions,
              auth:
                method === 'manager'
                  ? { kind: 'manager' }
                  : { kind: 'basic', ...auth },
            });
      setAuth({ email: auth.email, password: '' });
      setApiKey('');
      navigate({ screen: 'key', keyId: key.id });
    });
  };

  return (
    <form onSubmit={submit} className="form">
      <label>
        Server
        <select
          value={serverId}
          onChange={(e) => setServerId(e.target.value)}
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
        onMethod={setMethod}
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
        />
      )}
      {server && (
        <StoreChoice
          method={method}
          server={server}
          auth={auth}
          storeId={storeId}
          onStore={setStoreId}
          selectOnBtcpay={selectOnBtcpay}
          onSelectOnBtcpay={setSelectOnBtcpay}
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
