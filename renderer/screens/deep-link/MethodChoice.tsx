import type {
  DeepLinkMethod,
  DeepLinkRequestView,
} from '../../../src/contract';

/**
 * How the key for a deep-link request is obtained: hand over a matching key
 * already stored, create one with the manager key, approve one on BTCPay's
 * page, or sign in with a BTCPay password (spent once, never stored).
 */

function methodLabel(
  method: DeepLinkMethod,
  request: DeepLinkRequestView,
): string {
  switch (method) {
    case 'reuse':
      return request.reusableKey
        ? `Hand over your key “${request.reusableKey.label}” (${request.reusableKey.fingerprint}); it has exactly these permissions`
        : 'Hand over a key you already have';
    case 'manager':
      return 'Create a new key with the manager key';
    case 'authorize':
      return 'Approve a new key in the browser, on BTCPay’s page';
    case 'basic':
      return 'Create a new key by signing in with your BTCPay password';
  }
}

/** The radio group of the ways open for this request. */
export function MethodChoice({
  request,
  method,
  onMethod,
}: {
  request: DeepLinkRequestView;
  method: DeepLinkMethod;
  onMethod: (method: DeepLinkMethod) => void;
}) {
  return (
    <fieldset>
      <legend>How to get the key</legend>
      {request.methods.map((m) => (
        <label key={m}>
          <input
            type="radio"
            name="deep-link-method"
            value={m}
            checked={method === m}
            onChange={() => onMethod(m)}
          />{' '}
          {methodLabel(m, request)}
          {m === request.defaultMethod && (
            <span className="muted"> (this server’s usual way)</span>
          )}
        </label>
      ))}
    </fieldset>
  );
}
