import { useState, type FormEvent } from 'react';
import type { MintMethod, ServerView } from '../../src/contract';
import { call, useApi } from '../api';
import {
  AuthorizingDialog,
  type StartedFlow,
} from '../components/AuthorizingDialog';
import { Dialog } from '../components/Dialog';
import { Empty, FailureNotice, Loading } from '../components/Status';
import { formatDate, plural } from '../format';
import { useAction, useOperation } from '../hooks';
import type { Navigate } from '../routes';

/** Servers: add (health-checked), rename, choose how keys are minted, connect a manager key, remove. */

const MINT_WORDS: Record<MintMethod, string> = {
  authorize: 'Approve each key in the browser',
  manager: 'Mint with the manager key',
  basic: 'Mint with a password (asked each time)',
};

function AddServerForm({ onAdded }: { onAdded: () => void }) {
  const api = useApi();
  const { busy, failure, run } = useAction();
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await call(api, 'addServer', { url, name: name || undefined });
      setUrl('');
      setName('');
      onAdded();
    });
  };
  return (
    <form
      className="form form-inline"
      onSubmit={submit}
      aria-label="Add a server"
    >
      <label>
        BTCPay address
        <input
          type="url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="https://btcpay.example.com"
          required
        />
      </label>
      <label>
        Name (optional)
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={200}
        />
      </label>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Checking the server…' : 'Add server'}
      </button>
      {failure && <FailureNotice failure={failure} />}
    </form>
  );
}

function RenameDialog({
  server,
  onDone,
}: {
  server: ServerView;
  onDone: () => void;
}) {
  const api = useApi();
  const { busy, failure, run } = useAction();
  const [name, setName] = useState(server.name);
  const save = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await call(api, 'updateServer', { serverId: server.id, name });
      onDone();
    });
  };
  return (
    <Dialog title={`Rename ${server.name}`} onCancel={onDone}>
      <form onSubmit={save} className="form">
        <label>
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={200}
          />
        </label>
        {failure && <FailureNotice failure={failure} />}
        <div className="actions">
          <button type="button" onClick={onDone}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ServerCard({
  server,
  navigate,
  onChanged,
}: {
  server: ServerView;
  navigate: Navigate;
  onChanged: () => void;
}) {
  const api = useApi();
  const { busy, failure, run } = useAction();
  const [renaming, setRenaming] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [flow, setFlow] = useState<StartedFlow | null>(null);
  const [mintSaved, setMintSaved] = useState(false);
  const setMint = (mintMethod: MintMethod) =>
    run(async () => {
      setMintSaved(false);
      await call(api, 'updateServer', { serverId: server.id, mintMethod });
      setMintSaved(true);
      onChanged();
    });
  const remove = () =>
    run(async () => {
      await call(api, 'removeServer', { serverId: server.id });
      setConfirmRemove(false);
      onChanged();
    });
  const connect = () =>
    run(async () =>
      setFlow(await call(api, 'connectManager', { serverId: server.id })),
    );

  return (
    <li className="card">
      <h2>{server.name}</h2>
      <p className="muted">
        {server.baseUrl} · added {formatDate(server.addedAt)} ·{' '}
        {plural(server.keyCount, 'key')}
      </p>
      {server.insecure && (
        <p className="notice notice-error">
          This server uses plain http on a public address. BTCPay refuses to
          create keys there and everything travels unencrypted.
        </p>
      )}
      <label>
        How keys are minted
        <select
          value={server.mintMethod}
          onChange={(e) => void setMint(e.target.value as MintMethod)}
          disabled={busy}
        >
          {Object.entries(MINT_WORDS).map(([id, words]) => (
            <option
              key={id}
              value={id}
              disabled={id === 'manager' && !server.managerKeyId}
            >
              {words}
            </option>
          ))}
        </select>
      </label>
      {mintSaved && (
        <p className="muted" role="status">
          Saved: the New key form starts with this for {server.name}.
        </p>
      )}
      <p>
        {server.managerKeyId
          ? 'A manager key is connected: keys can be minted and revoked without the browser.'
          : 'No manager key. Connecting one asks BTCPay for an unrestricted key, which can do everything your account can; it is kept in the OS keychain.'}
      </p>
      <div className="actions">
        <button
          type="button"
          onClick={() => navigate({ screen: 'new-key', serverId: server.id })}
        >
          New key here
        </button>
        {!server.managerKeyId && (
          <button type="button" onClick={connect} disabled={busy}>
            Connect a manager key…
          </button>
        )}
        <button type="button" onClick={() => setRenaming(true)}>
          Rename…
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => setConfirmRemove(true)}
        >
          Remove…
        </button>
      </div>
      {failure && !confirmRemove && <FailureNotice failure={failure} />}
      {renaming && (
        <RenameDialog
          server={server}
          onDone={() => {
            setRenaming(false);
            onChanged();
          }}
        />
      )}
      {confirmRemove && (
        <Dialog
          title={`Remove ${server.name}?`}
          onCancel={() => setConfirmRemove(false)}
        >
          <p>
            {server.keyCount > 0
              ? 'Revoke or forget its keys first: a server with stored keys cannot be removed.'
              : 'The server is forgotten on this computer. Nothing changes on BTCPay.'}
          </p>
          {failure && <FailureNotice failure={failure} />}
          <div className="actions">
            <button type="button" onClick={() => setConfirmRemove(false)}>
              Cancel
            </button>
            <button
              type="button"
              className="danger"
              onClick={remove}
              disabled={busy}
            >
              Remove
            </button>
          </div>
        </Dialog>
      )}
      {flow && (
        <AuthorizingDialog
          flow={flow}
          onClose={() => {
            setFlow(null);
            onChanged();
          }}
          onOpenKey={(keyId) => navigate({ screen: 'key', keyId })}
        />
      )}
    </li>
  );
}

/** The servers screen. */
export function ServersScreen({ navigate }: { navigate: Navigate }) {
  const { data, reload } = useOperation(
    'listServers',
    {},
    { followInventory: true },
  );
  return (
    <section className="screen" aria-labelledby="servers-title">
      <h1 id="servers-title">Servers</h1>
      <AddServerForm onAdded={reload} />
      {data.state === 'loading' && <Loading label="Loading servers…" />}
      {data.state === 'failed' && (
        <FailureNotice failure={data.failure} onRetry={reload} />
      )}
      {data.state === 'ready' && data.value.length === 0 && (
        <Empty title="No servers yet">
          <p>
            Add the address of your BTCPay Server above. It is checked before it
            is saved.
          </p>
        </Empty>
      )}
      {data.state === 'ready' && data.value.length > 0 && (
        <ul className="cards">
          {data.value.map((server) => (
            <ServerCard
              key={server.id}
              server={server}
              navigate={navigate}
              onChanged={reload}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
