import type {
  DeepLinkMethod,
  DeepLinkRequestView,
} from '../../../src/contract';

/**
 * How the key for a deep-link request is obtained: hand over a matching key
 * already stored, create one with the manager key, approve one on BTCPay's
 * page, or sign in with a BTCPay password (spent once, never stored).
 */

/** The e-mail and password for the password way. */
export interface SignIn {
  email: string;
  password: string;
}

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

/** The radio group of open ways, with the sign-in fields for a password. */
export function MethodChoice({
  request,
  method,
  onMethod,
  signIn,
  onSignIn,
}: {
  request: DeepLinkRequestView;
  method: DeepLinkMethod;
  onMethod: (method: DeepLinkMethod) => void;
  signIn: SignIn;
  onSignIn: (signIn: SignIn) => void;
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
      {method === 'basic' && (
        <>
          <label>
            BTCPay account email
            <input
              type="email"
              autoComplete="username"
              value={signIn.email}
              onChange={(e) => onSignIn({ ...signIn, email: e.target.value })}
            />
          </label>
          <label>
            Password
            <input
              type="password"
              autoComplete="current-password"
              value={signIn.password}
              onChange={(e) =>
                onSignIn({ ...signIn, password: e.target.value })
              }
            />
          </label>
          <p className="muted">
            Used once for this key and never stored. Servers from BTCPay 2.4.2
            on refuse passwords unless their admin allowed it.
          </p>
        </>
      )}
    </fieldset>
  );
}
