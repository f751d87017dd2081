/** The OS credential store behind the keychain on this platform. */
export type KeychainStoreName =
  | 'Secret Service (libsecret)'
  | 'macOS Keychain'
  | 'Windows Credential Manager';

/** Why the keychain could not be used. */
export type KeychainFailure =
  'unavailable' | 'locked' | 'denied' | 'timeout' | 'native-module';

/**
 * The OS keychain is missing, locked, refused access or did not answer.
 *
 * Expected on machines without a keyring: the message names the store and
 * the reason, `fix` says what to do. Secrets never fall back to a file.
 */
export class KeychainError extends Error {
  override readonly name = 'KeychainError';

  constructor(
    readonly store: KeychainStoreName,
    readonly reason: KeychainFailure,
    readonly fix: string,
    /** What the keychain itself said, for diagnostics; never a secret. */
    readonly detail: string | null = null,
  ) {
    super(
      `${store} ${REASON_TEXT[reason]}` +
        (detail ? ` (it said: ${detail})` : '') +
        `. ${fix}`,
    );
  }
}

const REASON_TEXT: Record<KeychainFailure, string> = {
  unavailable: 'is not available, so no API key can be stored or read',
  locked: 'is locked',
  denied: 'refused access to the API keys of BTCPay Key Manager',
  timeout: 'did not answer in time',
  'native-module': 'cannot be reached because keytar could not be loaded',
};

/** The credential store keytar uses on `platform`. */
export function keychainStoreName(
  platform: NodeJS.Platform = process.platform,
): KeychainStoreName {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service (libsecret)';
}

/** Known messages of libsecret, the macOS Security framework and wincred. */
const PATTERNS: { pattern: RegExp; reason: KeychainFailure; noBus?: true }[] = [
  {
    pattern: /autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS/i,
    reason: 'unavailable',
    noBus: true,
  },
  {
    pattern: /Could not connect|transport 'disabled'|Connection refused/i,
    reason: 'unavailable',
    noBus: true,
  },
  {
    pattern:
      /locked collection|locked object|is locked|interaction is not allowed/i,
    reason: 'locked',
  },
  {
    pattern:
      /cancel|dismiss|denied|not permitted|passphrase .* not correct|Access is denied/i,
    reason: 'denied',
  },
];

/** Turns a raw keychain failure into a `KeychainError` with its fix. */
export function classifyKeychainFailure(
  error: unknown,
  platform: NodeJS.Platform = process.platform,
): KeychainError {
  const detail = error instanceof Error ? error.message : String(error);
  const match = PATTERNS.find(({ pattern }) => pattern.test(detail));
  const reason = match?.reason ?? 'unavailable';
  return new KeychainError(
    keychainStoreName(platform),
    reason,
    keychainFix(reason, platform, { noBus: match?.noBus === true }),
    detail,
  );
}

const LINUX_INSTALL =
  'Install a Secret Service (Debian/Ubuntu: `sudo apt-get install ' +
  'gnome-keyring dbus libsecret-1-dev`; Fedora: `sudo dnf install ' +
  'gnome-keyring dbus-daemon libsecret-devel`; KDE: enable the Secret ' +
  'Service in KWallet)';

/** What the user can do about `reason` on `platform`. */
export function keychainFix(
  reason: KeychainFailure,
  platform: NodeJS.Platform = process.platform,
  options: { noBus?: boolean; timeoutMs?: number } = {},
): string {
  if (reason === 'native-module') {
    return (
      'Run `npm ci` (or `npm rebuild keytar`) in the project folder' +
      (platform === 'linux' ? ' after installing libsecret-1-dev' : '') +
      '; the Electron app needs keytar rebuilt for Electron ' +
      '(`npx electron-builder install-app-deps`).'
    );
  }
  if (reason === 'timeout') {
    const seconds = Math.max(
      1,
      Math.round((options.timeoutMs ?? 60_000) / 1000),
    );
    return (
      `Nothing answered within ${seconds} s. If an unlock prompt is open, ` +
      'answer it and try again' +
      (platform === 'linux'
        ? '; otherwise check that the D-Bus session and the Secret Service ' +
          'daemon (gnome-keyring-daemon) are running and responsive.'
        : '.')
    );
  }
  if (platform === 'darwin') return macFix(reason);
  if (platform === 'win32') return windowsFix(reason);
  return linuxFix(reason, options.noBus === true);
}

function linuxFix(reason: KeychainFailure, noBus: boolean): string {
  if (reason === 'locked') {
    return (
      'Unlock the login keyring (Passwords and Keys / Seahorse, or ' +
      '`gnome-keyring-daemon --unlock` on a headless machine) and try again.'
    );
  }
  if (reason === 'denied') {
    return 'The unlock prompt was dismissed or refused: try again and accept it.';
  }
  if (noBus) {
    return (
      'No D-Bus session bus is reachable (common over SSH, in containers and ' +
      `without a desktop session). ${LINUX_INSTALL}, then run inside a ` +
      'session: `dbus-run-session -- bash`, and in it ' +
      '`gnome-keyring-daemon --unlock --components=secrets`.'
    );
  }
  return (
    `No Secret Service answers on the session bus. ${LINUX_INSTALL}, then ` +
    'start it with `gnome-keyring-daemon --start --components=secrets` or ' +
    'log in to a desktop session that starts it.'
  );
}

function macFix(reason: KeychainFailure): string {
  if (reason === 'locked') {
    return 'Unlock the login keychain in Keychain Access and try again.';
  }
  if (reason === 'denied') {
    return (
      'Access was denied. Try again and choose "Allow" or "Always Allow"; ' +
      'in Keychain Access, the items of "btcpay-key-manager" list the apps ' +
      'allowed under Access Control.'
    );
  }
  return (
    'No usable keychain was found. Open Keychain Access and check that a ' +
    'login keychain exists and is the default keychain.'
  );
}

function windowsFix(reason: KeychainFailure): string {
  if (reason === 'denied') {
    return (
      'Windows refused access. Run BTCPay Key Manager as the user who owns ' +
      'the keys, not elevated or as another account.'
    );
  }
  return (
    'Windows Credential Manager needs an interactive logon session; it is ' +
    'not available to services or some remote sessions. Run from a normal ' +
    'desktop session and check that Control Panel > Credential Manager opens.'
  );
}
