import { useEffect, useState } from 'react';
import type {
  DeepLinkMethod,
  DeepLinkRequestView,
  ServerAuth,
} from '../../src/contract';
import { call, useApi } from '../api';
import {
  basicAuth,
  BasicSignIn,
  NO_CREDENTIALS,
  type Credentials,
} from '../components/BasicSignIn';
import { Dialog } from '../components/Dialog';
import { PermissionInspector } from '../components/PermissionInspector';
import { RiskBadges } from '../components/RiskBadges';
import { FailureNotice } from '../components/Status';
import { useAction } from '../hooks';
import type { Navigate } from '../routes';
import { AddLinkServer } from './deep-link/AddLinkServer';
import { MethodChoice } from './deep-link/MethodChoice';
import { RefusedLink } from './deep-link/RefusedLink';
import { StorePicker } from './deep-link/StorePicker';

/**
 * Another app asked for a key through a btcpay-keys link. Who claims to ask
 * (unverified), where the key would go, what it could do, how the key is
 * obtained, and the choice.
 */

function callbackText(request: DeepLinkRequestView): string {
  if (request.callbackPort === null) {
    return 'Nowhere: it stays here and you copy it to the app.';
  }
  const program = request.callbackProcess
    ? ` (${request.callbackProcess}${request.callbackExecutable ? `, ${request.callbackExecutable}` : ''})`
    : ' (which program listens could not be told)';
  return `The program listening on 127.0.0.1 port ${request.callbackPort}${program}`;
}

/** Why Approve is not possible yet, or null when it is. */
function approveBlocker(
  request: DeepLinkRequestView,
  method: DeepLinkMethod,
  storeId: string | null,
  signIn: Credentials,
): string | null {
  if (!request.serverId) return 'Add the server first.';
  const minting = method === 'manager' || method === 'basic';
  if (minting && request.needsStore && !storeId) return 'Pick the store first.';
  if (method === 'basic' && (!signIn.email || !signIn.password)) {
    return 'Fill in the email and password first.';
  }
  return null;
}

/** The auth to list stores with for the chosen way, if it has one yet. */
function storeListAuth(
  method: DeepLinkMethod,
  signIn: Credentials,
): ServerAuth | null {
  return method === 'manager' ? { kind: 'manager' } : basicAuth(signIn);
}

function RequestFacts({ request }: { request: DeepLinkRequestView }) {
  const risks = [...new Set(request.permissions.flatMap((p) => p.risks))];
  return (
    <>
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
        <dd>{request.serverUrl}</dd>
        <dt>Key goes to</dt>
        <dd>{callbackText(request)}</dd>
        <dt>Risks</dt>
        <dd>
          {risks.length > 0 ? <RiskBadges risks={risks} /> : 'None known'}
        </dd>
      </dl>
      {(request.warnings.length > 0 || request.rememberedMismatch) && (
        <ul className="notice" aria-label="Notes about this request">
          {request.rememberedMismatch && <li>{request.rememberedMismatch}</li>}
          {request.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <PermissionInspector
        lines={request.permissions}
        emptyText="No permission: the key would only identify you."
      />
    </>
  );
}

/** Remember, what still blocks Approve, and the two answers. */
function ConsentFooter({
  remember,
  onRemember,
  queued,
  blocker,
  busy,
  onAnswer,
}: {
  remember: boolean;
  onRemember: (remember: boolean) => void;
  queued: number;
  blocker: string | null;
  busy: boolean;
  onAnswer: (decision: 'approve' | 'deny') => void;
}) {
  return (
    <>
      <label>
        <input
          type="checkbox"
          checked={remember}
          onChange={(e) => onRemember(e.target.checked)}
        />{' '}
        Remember my answer for this app and these permissions
      </label>
      {queued > 0 && <p className="muted">{queued} more request(s) waiting.</p>}
      {blocker && <p className="muted">{blocker}</p>}
      <div className="actions">
        <button type="button" onClick={() => onAnswer('deny')} disabled={busy}>
          Deny
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => onAnswer('approve')}
          disabled={busy || blocker !== null}
        >
          {busy ? 'Working…' : 'Approve'}
        </button>
      </div>
    </>
  );
}

function Consent({
  request,
  queued,
  onAnswered,
  onChanged,
}: {
  request: DeepLinkRequestView;
  queued: number;
  onAnswered: (message: string) => void;
  onChanged: () => void;
}) {
  const api = useApi();
  const { busy, failure, run } = useAction();
  const [remember, setRemember] = useState(false);
  const [storeId, setStoreId] = useState<string | null>(null);
  const [method, setMethod] = useState<DeepLinkMethod>(request.defaultMethod);
  const [signIn, setSignIn] = useState(NO_CREDENTIALS);
  const answer = (decision: 'approve' | 'deny') =>
    run(async () => {
      const { message } = await call(api, 'answerDeepLink', {
        requestId: request.id,
        decision,
        remember,
        storeId: decision === 'approve' ? storeId : null,
        ...(decision === 'approve' ? { method } : {}),
        ...(decision === 'approve' && method === 'basic'
          ? { basic: signIn }
          : {}),
      });
      onAnswered(message);
    });
  const who = request.applicationName ?? 'An app';
  const blocker = approveBlocker(request, method, storeId, signIn);
  const minting = method === 'manager' || method === 'basic';

  if (request.refusal) {
    return (
      <RefusedLink
        refusal={request.refusal}
        busy={busy}
        onDismiss={() => void answer('deny')}
      />
    );
  }
  return (
    <Dialog
      title={`${who} asks for a BTCPay key`}
      onCancel={() => void answer('deny')}
    >
      <RequestFacts request={request} />
      {request.serverId ? (
        <MethodChoice request={request} method={method} onMethod={setMethod} />
      ) : (
        <AddLinkServer serverUrl={request.serverUrl} onAdded={onChanged} />
      )}
      {request.serverId && method === 'basic' && (
        <BasicSignIn auth={signIn} onAuth={setSignIn} />
      )}
      {request.serverId && request.needsStore && minting && (
        <StorePicker
          serverId={request.serverId}
          auth={storeListAuth(method, signIn)}
          storeId={storeId}
          onStore={setStoreId}
        />
      )}
      {request.needsStore && method === 'authorize' && (
        <p className="muted">BTCPay’s page will ask you which store.</p>
      )}
      <ConsentFooter
        remember={remember}
        onRemember={setRemember}
        queued={queued}
        blocker={blocker}
        busy={busy}
        onAnswer={(decision) => void answer(decision)}
      />
      {failure && <FailureNotice failure={failure} />}
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
  const reload = () => setGeneration((g) => g + 1);
  const close = () => {
    setOutcome(null);
    reload();
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
      onChanged={reload}
    />
  );
}
