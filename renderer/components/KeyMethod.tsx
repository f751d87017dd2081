import type { MintMethod, ServerView } from '../../src/contract';

/**
 * How the new-key form gets its key: authorize in the browser (the default
 * since BTCPay 2.4.2 turned Basic auth off), mint it over REST with the
 * manager key or a password, or import one made on BTCPay.
 */

/** A way to get a new key. */
export type Method = 'browser' | 'manager' | 'basic' | 'import';

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

/** The submit button's words for each method. */
export const SUBMIT_WORDS: Record<Method, string> = {
  browser: 'Open BTCPay to approve',
  manager: 'Create the key',
  basic: 'Create the key',
  import: 'Check and store the key',
};

const FROM_MINT_METHOD: Record<MintMethod, Method> = {
  authorize: 'browser',
  manager: 'manager',
  basic: 'basic',
};

/**
 * The method the form starts on for a server: the one chosen under "How keys
 * are minted" on the Servers screen, or the browser while the chosen manager
 * key is not connected.
 */
export function defaultMethodFor(server: ServerView | undefined): Method {
  if (!server) return 'browser';
  const method = FROM_MINT_METHOD[server.mintMethod];
  return method === 'manager' && !server.managerKeyId ? 'browser' : method;
}

/** The radio group of methods; the manager key only where one is connected. */
export function MethodChoice({
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
