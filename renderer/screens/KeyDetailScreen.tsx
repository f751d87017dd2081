import { useEffect, useState } from 'react';
import type { KeyDetail } from '../../src/contract';
import { call, useApi } from '../api';
import { Dialog } from '../components/Dialog';
import { PermissionInspector } from '../components/PermissionInspector';
import { RiskBadges } from '../components/RiskBadges';
import { FailureNotice, Loading } from '../components/Status';
import { checkWords, formatDate, plural } from '../format';
import { useAction, useOperation } from '../hooks';
import type { Navigate } from '../routes';

/**
 * One key: where it came from, what it can do in plain words, and the
 * actions on it. The secret is fetched only when the user confirms a reveal.
 */

function RevealDialog({
  keyId,
  onClose,
}: {
  keyId: string;
  onClose: () => void;
}) {
  const api = useApi();
  const { busy, failure, run } = useAction();
  const [secret, setSecret] = useState<string | null>(null);
  // Forget the secret as soon as the dialog closes.
  useEffect(() => () => setSecret(null), []);
  const reveal = () =>
    run(async () =>
      setSecret((await call(api, 'revealKey', { keyId })).apiKey),
    );
  return (
    <Dialog title="Reveal this API key?" onCancel={onClose}>
      {secret === null ? (
        <>
          <p>
            Anyone who sees the key can use it with all of its permissions. Make
            sure nobody is watching your screen and it is not being shared or
            recorded. Revealing is written to the event log.
          </p>
          {failure && <FailureNotice failure={failure} />}
          <div className="actions">
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button
              type="button"
              className="danger"
              onClick={reveal}
              disabled={busy}
            >
              Reveal the key
            </button>
          </div>
        </>
      ) : (
        <>
          <p>
            <code className="secret" aria-label="API key">
              {secret}
            </code>
          </p>
          <div className="actions">
            <button type="button" onClick={onClose}>
              Hide
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}

function ConfirmDialog({
  title,
  body,
  confirm,
  onConfirm,
  onCancel,
  busy,
}: {
  title: string;
  body: string;
  confirm: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy: boolean;
}) {
  return (
    <Dialog title={title} onCancel={onCancel}>
      <p>{body}</p>
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="danger"
          onClick={onConfirm}
          disabled={busy}
        >
          {confirm}
        </button>
      </div>
    </Dialog>
  );
}

type Pending = 'reveal' | 'revoke' | 'delete' | null;

function KeyActions({
  detail,
  navigate,
  onChanged,
}: {
  detail: KeyDetail;
  navigate: Navigate;
  onChanged: () => void;
}) {
  const api = useApi();
  const { busy, failure, run } = useAction();
  const [pending, setPending] = useState<Pending>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const keyId = detail.id;

  const verify = () =>
    run(async () => {
      const result = await call(api, 'verifyKeys', { keyIds: [keyId] });
      setNotice(
        result.valid === 1
          ? 'The key works.'
          : 'The key needs attention: see its last check.',
      );
      onChanged();
    });
  const copy = () =>
    run(async () => {
      const { clearsAt, clearsAfterSeconds } = await call(api, 'copyKey', {
        keyId,
      });
      setNotice(
        `Copied. The clipboard is cleared at ${formatDate(clearsAt)} (${plural(clearsAfterSeconds, 'second')}) if it still holds the key.`,
      );
    });
  const revoke = () =>
    run(async () => {
      const result = await call(api, 'revokeKey', { keyId });
      setPending(null);
      navigate({ screen: 'keys', notice: result.message });
    });
  const remove = () =>
    run(async () => {
      await call(api, 'deleteKeyLocal', { keyId });
      setPending(null);
      navigate({
        screen: 'keys',
        notice: `Forgot “${detail.label}” on this computer.`,
      });
    });

  return (
    <div className="key-actions">
      {detail.revokedAt && (
        <p className="notice">
          Revoked on {formatDate(detail.revokedAt)}. Its secret is gone from
          this computer; the record stays for the audit.
        </p>
      )}
      <div className="actions" hidden={detail.revokedAt !== null}>
        <button type="button" onClick={verify} disabled={busy}>
          Verify
        </button>
        <button type="button" onClick={() => setPending('reveal')}>
          Reveal…
        </button>
        <button type="button" onClick={copy} disabled={busy}>
          Copy
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => setPending('revoke')}
        >
          Revoke…
        </button>
        <button type="button" onClick={() => setPending('delete')}>
          Forget locally…
        </button>
      </div>
      {notice && <p role="status">{notice}</p>}
      {failure && !pending && <FailureNotice failure={failure} />}
      {pending === 'reveal' && (
        <RevealDialog keyId={keyId} onClose={() => setPending(null)} />
      )}
      {pending === 'revoke' && (
        <ConfirmDialog
          title={`Revoke “${detail.label}”?`}
          body="BTCPay deletes the key first, then it is removed here. Any app using it stops working at once."
          confirm="Revoke the key"
          onConfirm={revoke}
          onCancel={() => setPending(null)}
          busy={busy}
        />
      )}
      {pending === 'delete' && (
        <ConfirmDialog
          title={`Forget “${detail.label}” on this computer?`}
          body="The key keeps working on the server; only this computer forgets it. Revoke it instead if nobody should use it."
          confirm="Forget the key"
          onConfirm={remove}
          onCancel={() => setPending(null)}
          busy={busy}
        />
      )}
      {pending && failure && <FailureNotice failure={failure} />}
    </div>
  );
}

/** The key detail screen. */
export function KeyDetailScreen({
  keyId,
  navigate,
  notices = [],
}: {
  keyId: string;
  navigate: Navigate;
  /** What the import or creation that led here wants the merchant to know. */
  notices?: readonly string[];
}) {
  const { data, reload } = useOperation('getKey', { keyId });
  if (data.state === 'loading') return <Loading label="Loading the key…" />;
  if (data.state === 'failed')
    return <FailureNotice failure={data.failure} onRetry={reload} />;
  const detail = data.value;
  const check = detail.lastVerification;
  return (
    <section className="screen" aria-labelledby="key-title">
      <button
        type="button"
        className="link"
        onClick={() => navigate({ screen: 'keys' })}
      >
        ← All keys
      </button>
      <div className="screen-head">
        <h1 id="key-title">{detail.label}</h1>
        <RiskBadges risks={detail.risks} />
      </div>
      {notices.length > 0 && (
        <ul className="notice" role="status" aria-label="About this key">
          {notices.map((text) => (
            <li key={text}>{text}</li>
          ))}
        </ul>
      )}
      <dl className="facts">
        <dt>Server</dt>
        <dd>
          {detail.server
            ? `${detail.server.name} (${detail.server.baseUrl})`
            : detail.serverName}
        </dd>
        <dt>Fingerprint</dt>
        <dd>
          <code>{detail.fingerprint}</code>
        </dd>
        <dt>Origin</dt>
        <dd>
          {detail.origin.detail}
          {detail.isManager ? ' · manager key of this server' : ''}
        </dd>
        <dt>Created</dt>
        <dd>{formatDate(detail.createdAt)}</dd>
        <dt>Last check</dt>
        <dd>
          {checkWords(check)}
          {check?.message ? ` — ${check.message}` : ''}
        </dd>
      </dl>
      <KeyActions detail={detail} navigate={navigate} onChanged={reload} />
      <h2>What this key can do</h2>
      {detail.requestedPermissions && (
        <p className="muted">
          Requested and granted permissions are compared below.
        </p>
      )}
      <PermissionInspector lines={detail.permissions} />
    </section>
  );
}
