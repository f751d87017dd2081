import { useEffect, useState } from 'react';
import type { DeepLinkRequestView, StoreView } from '../../src/contract';
import { call, useApi } from '../api';
import { Dialog } from '../components/Dialog';
import { PermissionInspector } from '../components/PermissionInspector';
import { RiskBadges } from '../components/RiskBadges';
import { FailureNotice } from '../components/Status';
import { useAction } from '../hooks';
import type { Navigate } from '../routes';

/**
 * Another app asked for a key through a btcpay-keys link. Who claims to ask
 * (unverified), where the key would go, what it could do, and the choice.
 */

function StorePicker({
  serverId,
  storeId,
  onStore,
}: {
  serverId: string;
  storeId: string | null;
  onStore: (id: string | null) => void;
}) {
  const api = useApi();
  const { busy, failure, run } = useAction();
  const [stores, setStores] = useState<StoreView[] | null>(null);
  const load = () =>
    run(async () =>
      setStores(
        await call(api, 'listStores', { serverId, auth: { kind: 'manager' } }),
      ),
    );
  return (
    <fieldset>
      <legend>Which store</legend>
      {stores === null ? (
        <>
          <p className="muted">
            The app asked you to choose one store. Without a choice here,
            BTCPay’s page asks you.
          </p>
          <button type="button" onClick={load} disabled={busy}>
            Choose the store here
          </button>
        </>
      ) : (
        <label>
          Store
          <select
            value={storeId ?? ''}
            onChange={(e) => onStore(e.target.value || null)}
          >
            <option value="">Choose on BTCPay’s page</option>
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

function Consent({
  request,
  queued,
  onAnswered,
}: {
  request: DeepLinkRequestView;
  queued: number;
  onAnswered: (message: string) => void;
}) {
  const api = useApi();
  const { busy, failure, run } = useAction();
  const [remember, setRemember] = useState(false);
  const [storeId, setStoreId] = useState<string | null>(null);
  const answer = (decision: 'approve' | 'deny') =>
    run(async () => {
      const { message } = await call(api, 'answerDeepLink', {
        requestId: request.id,
        decision,
        remember,
        storeId,
      });
      onAnswered(message);
    });
  const who = request.applicationName ?? 'An app';
  const risks = [...new Set(request.permissions.flatMap((p) => p.risks))];

  if (request.refusal) {
    return (
      <Dialog
        title="A key request was refused"
        onCancel={() => void answer('deny')}
      >
        <p>{request.refusal}</p>
        <p className="muted">
          Nothing was created. The app that sent the link is told why, when it
          can be reached.
        </p>
        <div className="actions">
          <button
            type="button"
            onClick={() => void answer('deny')}
            disabled={busy}
          >
            Dismiss
          </button>
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog
      title={`${who} asks for a BTCPay key`}
      onCancel={() => void answer('deny')}
    >
      <p>
        <span className="tag tag-warning">Unverified</span> Any program can use
        this name.{' '}
        {request.applicationIdentifier && (
          <>
            Identifier: <code>{request.applicationIdentifier}</code>.
          </>
        )}
      </p>
      <dl className="facts">
        <dt>Server</dt>
        <dd>
          {request.serverUrl}
          {request.serverId ? '' : ' — not one of your servers: add it first'}
        </dd>
        <dt>Key goes to</dt>
        <dd>
          {request.callbackPort === null
            ? 'Nowhere: it stays here and you copy it to the app.'
            : `The program listening on 127.0.0.1 port ${request.callbackPort}${request.callbackProcess ? ` (${request.callbackProcess})` : ''}`}
        </dd>
        <dt>Risks</dt>
        <dd>
          {risks.length > 0 ? <RiskBadges risks={risks} /> : 'None known'}
        </dd>
      </dl>
      <PermissionInspector
        lines={request.permissions}
        emptyText="No permission: the key would only identify you."
      />
      {request.selectiveStores && request.serverId && (
        <StorePicker
          serverId={request.serverId}
          storeId={storeId}
          onStore={setStoreId}
        />
      )}
      <label>
        <input
          type="checkbox"
          checked={remember}
          onChange={(e) => setRemember(e.target.checked)}
        />{' '}
        Remember my answer for this app and these permissions
      </label>
      {queued > 0 && <p className="muted">{queued} more request(s) waiting.</p>}
      {failure && <FailureNotice failure={failure} />}
      <div className="actions">
        <button
          type="button"
          onClick={() => void answer('deny')}
          disabled={busy}
        >
          Deny
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => void answer('approve')}
          disabled={busy || !request.serverId}
        >
          {busy ? 'Working…' : 'Approve'}
        </button>
      </div>
    </Dialog>
  );
}

/** Shows the pending deep-link request, if any, on top of every screen. */
export function DeepLinkConsent({
  refreshToken,
  navigate,
}: {
  refreshToken: number;
  navigate: Navigate;
}) {
  const api = useApi();
  const [pending, setPending] = useState<{
    request: DeepLinkRequestView | null;
    queued: number;
  }>({ request: null, queued: 0 });
  const [generation, setGeneration] = useState(0);
  // The outcome stays on screen after the request left the queue.
  const [outcome, setOutcome] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    call(api, 'pendingDeepLink', {}).then(
      (value) => current && setPending(value),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [api, refreshToken, generation]);
  const close = () => {
    setOutcome(null);
    setGeneration((g) => g + 1);
  };
  if (outcome) {
    return (
      <Dialog title="Done" onCancel={close}>
        <p role="status">{outcome}</p>
        <div className="actions">
          <button
            type="button"
            onClick={() => {
              close();
              navigate({ screen: 'keys' });
            }}
          >
            Show my keys
          </button>
          <button type="button" onClick={close}>
            Close
          </button>
        </div>
      </Dialog>
    );
  }
  if (!pending.request) return null;
  return (
    <Consent
      key={pending.request.id}
      request={pending.request}
      queued={pending.queued}
      onAnswered={setOutcome}
    />
  );
}
