import type { ServerAuth } from '../../src/contract';

/**
 * The BTCPay email and password for one Basic-auth call: minting a key or
 * listing the stores it may cover. Nothing of it is stored.
 */

/** An email and password typed for one Basic-auth call. */
export type Credentials = { email: string; password: string };

/** Empty sign-in fields. */
export const NO_CREDENTIALS: Credentials = { email: '', password: '' };

/** The Basic auth for a server call, or null until both fields are filled. */
export function basicAuth(credentials: Credentials): ServerAuth | null {
  return credentials.email && credentials.password
    ? { kind: 'basic', ...credentials }
    : null;
}

/** The sign-in fields of the password method. */
export function BasicSignIn({
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
      <p className="muted">
        Servers from BTCPay 2.4.2 on refuse passwords unless their admin allowed
        it.
      </p>
    </fieldset>
  );
}
