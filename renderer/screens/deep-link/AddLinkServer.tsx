import { call, useApi } from '../../api';
import { FailureNotice } from '../../components/Status';
import { useAction } from '../../hooks';

/**
 * Offers to add the server a deep link names, checked with BTCPay's health
 * endpoint as on the Servers screen, so the request can go on instead of
 * being denied for want of it.
 */
export function AddLinkServer({
  serverUrl,
  onAdded,
}: {
  serverUrl: string;
  onAdded: () => void;
}) {
  const api = useApi();
  const { busy, failure, run } = useAction();
  const add = () =>
    run(async () => {
      await call(api, 'addServer', { url: serverUrl });
      onAdded();
    });
  return (
    <div className="notice">
      <p>
        {serverUrl} is not one of your servers yet. Add it to go on: BTCPay Key
        Manager first checks that it answers like a BTCPay server.
      </p>
      <button type="button" onClick={() => void add()} disabled={busy}>
        {busy ? 'Checking…' : 'Add this server'}
      </button>
      {failure && <FailureNotice failure={failure} />}
    </div>
  );
}
