import { useCallback, useEffect, useState } from 'react';
import type {
  AppEvent,
  AuthorizeOutcome,
  AuthorizeStage,
} from '../../src/contract';
import { call, useApi } from '../api';
import { plural } from '../format';
import { useAction, useAppEvent, useOperation } from '../hooks';
import { Dialog } from './Dialog';
import { scopeWords } from './PermissionInspector';
import { FailureNotice } from './Status';

/**
 * While BTCPay's consent page is open in the browser: what is happening, a
 * countdown to the timeout, Cancel, and the outcome with requested versus
 * granted.
 */

export interface StartedFlow {
  flowId: string;
  authorizeUrl: string;
  expiresAt: string;
}

function secondsLeft(expiresAt: string): number {
  return Math.max(
    0,
    Math.round((new Date(expiresAt).getTime() - Date.now()) / 1000),
  );
}

function Countdown({ expiresAt }: { expiresAt: string }) {
  const [left, setLeft] = useState(() => secondsLeft(expiresAt));
  useEffect(() => {
    const timer = setInterval(() => setLeft(secondsLeft(expiresAt)), 1000);
    return () => clearInterval(timer);
  }, [expiresAt]);
  const minutes = Math.floor(left / 60);
  const seconds = String(left % 60).padStart(2, '0');
  return (
    <p className="countdown">
      Time left to approve:{' '}
      <strong>
        {minutes}:{seconds}
      </strong>
    </p>
  );
}

/** Permissions by their plain-word titles, or as written until those load. */
function PermissionNames({
  serverId,
  permissions,
}: {
  serverId: string;
  permissions: readonly string[];
}) {
  const { data } = useOperation('describePermissions', {
    serverId,
    permissions: [...permissions],
  });
  const lines = data.state === 'ready' ? data.value : [];
  return (
    <ul>
      {permissions.map((permission) => {
        const line = lines.find((l) => l.permission === permission);
        const scope = line ? scopeWords(line) : null;
        return (
          <li key={permission}>
            {line ? line.title : <code>{permission}</code>}
            {scope && <span className="muted"> · {scope}</span>}
          </li>
        );
      })}
    </ul>
  );
}

function Differences({ outcome }: { outcome: AuthorizeOutcome }) {
  const serverId = outcome.key.serverId;
  const exact = outcome.missing.length === 0 && outcome.extra.length === 0;
  return (
    <div className="outcome">
      <p>
        Asked for {plural(outcome.requested.length, 'permission')}, granted{' '}
        {plural(outcome.granted.length, 'permission')}.
      </p>
      {outcome.missing.length > 0 && (
        <>
          <h3>Asked for but not granted</h3>
          <PermissionNames serverId={serverId} permissions={outcome.missing} />
        </>
      )}
      {outcome.extra.length > 0 && (
        <>
          <h3>Granted without being asked for</h3>
          <PermissionNames serverId={serverId} permissions={outcome.extra} />
        </>
      )}
      {exact && <p>BTCPay granted exactly what was asked for.</p>}
      {outcome.olderKeyIds.length > 0 && (
        <p className="notice">
          You have {plural(outcome.olderKeyIds.length, 'older key')} for this
          app on this server. Consider revoking{' '}
          {outcome.olderKeyIds.length === 1 ? 'it' : 'them'} from the key list.
        </p>
      )}
    </div>
  );
}

const STAGE_TITLES: Record<AuthorizeStage, string> = {
  waiting: 'Approve the request in your browser',
  verifying: 'Checking the new key',
  done: 'Key stored',
  failed: 'No key was stored',
  cancelled: 'Cancelled',
  timeout: 'Timed out',
};

/** The authorizing dialog for one flow. */
export function AuthorizingDialog({
  flow,
  onClose,
  onOpenKey,
}: {
  flow: StartedFlow;
  onClose: () => void;
  onOpenKey: (keyId: string) => void;
}) {
  const api = useApi();
  const { busy, failure, run } = useAction();
  const [stage, setStage] = useState<AuthorizeStage>('waiting');
  const [message, setMessage] = useState(
    'BTCPay’s consent page opened in your browser. Sign in if asked, review the permissions and approve.',
  );
  const [outcome, setOutcome] = useState<AuthorizeOutcome | null>(null);

  useAppEvent(
    useCallback(
      (event: AppEvent) => {
        if (event.type !== 'authorize' || event.flowId !== flow.flowId) return;
        setStage(event.stage);
        setMessage(event.message);
        if (event.outcome) setOutcome(event.outcome);
      },
      [flow.flowId],
    ),
  );
  const finished = stage !== 'waiting' && stage !== 'verifying';
  const cancel = () =>
    run(() => call(api, 'cancelAuthorize', { flowId: flow.flowId }));

  return (
    <Dialog title={STAGE_TITLES[stage]} onCancel={finished ? onClose : cancel}>
      <p role="status" aria-live="polite">
        {message}
      </p>
      {!finished && (
        <>
          <Countdown expiresAt={flow.expiresAt} />
          <p className="muted">
            If no browser opened, open this address where you are signed in to
            BTCPay:
          </p>
          <p>
            <code className="url">{flow.authorizeUrl}</code>
          </p>
        </>
      )}
      {outcome && <Differences outcome={outcome} />}
      {failure && <FailureNotice failure={failure} />}
      <div className="actions">
        {!finished && (
          <button type="button" onClick={cancel} disabled={busy}>
            Cancel
          </button>
        )}
        {finished && outcome && (
          <button type="button" onClick={() => onOpenKey(outcome.key.id)}>
            Open the key
          </button>
        )}
        {finished && (
          <button type="button" onClick={onClose}>
            Close
          </button>
        )}
      </div>
    </Dialog>
  );
}
