import { createRequire } from 'node:module';
import {
  KeychainError,
  classifyKeychainFailure,
  keychainFix,
  keychainStoreName,
} from './keychain-error';
import { hasLockedItems } from './locked-items';
import { listSecretServiceAccounts } from './secret-service-items';
import { probeSessionBus } from './session-bus';

export {
  KeychainError,
  type KeychainFailure,
  type KeychainStoreName,
} from './keychain-error';

/**
 * Where secrets live: one entry per account (a local key id) under one
 * service. The only way secrets enter or leave the OS keychain.
 */
export interface SecretStore {
  /** Stores or replaces the secret of `account`. */
  set(account: string, secret: string): Promise<void>;
  /** The secret of `account`, or null when there is none. */
  get(account: string): Promise<string | null>;
  /** Removes `account`; false when it did not exist. */
  delete(account: string): Promise<boolean>;
  /** The accounts stored under the service; never their secrets. */
  accounts(): Promise<string[]>;
}

/** The part of keytar this module uses, so tests can stand in for it. */
export interface KeytarBackend {
  setPassword(
    service: string,
    account: string,
    password: string,
  ): Promise<void>;
  getPassword(service: string, account: string): Promise<string | null>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(
    service: string,
  ): Promise<Array<{ account: string; password: string }>>;
}

/** The keychain service every BTCPay Key Manager secret is filed under. */
export const KEYCHAIN_SERVICE = 'btcpay-key-manager';

/** Long enough for a human to answer an unlock prompt. */
export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 60_000;

/** Options of `createKeytarStore`. */
export interface KeytarStoreOptions {
  service?: string;
  timeoutMs?: number;
  /** Stands in for keytar; loaded lazily from node_modules when absent. */
  backend?: KeytarBackend;
  platform?: NodeJS.Platform;
}

/**
 * The OS keychain through keytar, every call under a timeout.
 *
 * keytar is loaded on first use, so reading metadata never needs the native
 * module, and a missing module is a `KeychainError`, not a crash at import.
 */
export function createKeytarStore(
  options: KeytarStoreOptions = {},
): SecretStore {
  const service = options.service ?? KEYCHAIN_SERVICE;
  const timeoutMs = options.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS;
  const platform = options.platform ?? process.platform;
  const injected = options.backend;
  let ready: Promise<KeytarBackend> | undefined;

  const call = async <T>(
    operation: (keytar: KeytarBackend) => Promise<T>,
  ): Promise<T> => {
    // A failed start is not remembered: the user may fix it and retry.
    ready ??= connect(injected, platform, timeoutMs).catch((error) => {
      ready = undefined;
      throw error;
    });
    const keytar = await ready;
    const pending = operation(keytar).catch((error: unknown) => {
      throw classifyKeychainFailure(error, platform);
    });
    return withTimeout(pending, timeoutMs, platform);
  };
  // keytar cannot tell a locked Secret Service collection from a missing
  // entry (and crashes listing one), so ask the Secret Service directly.
  const refuseIfLocked = async (): Promise<void> => {
    if (injected || platform !== 'linux') return;
    if ((await hasLockedItems(service, Math.min(timeoutMs, 5_000))) !== true) {
      return;
    }
    throw new KeychainError(
      keychainStoreName(platform),
      'locked',
      keychainFix('locked', platform),
    );
  };

  return {
    set: async (account, secret) => {
      checkAccount(account);
      let takeBack: (() => Promise<unknown>) | undefined;
      try {
        await call((keytar) => {
          const write = keytar.setPassword(service, account, secret);
          takeBack = () =>
            write.then(() => keytar.deletePassword(service, account));
          return write;
        });
      } catch (error) {
        // The caller was told nothing was stored: a write that lands after
        // the timeout is removed again instead of becoming an orphan.
        // LIMITATION: a process that exits first leaves it to reconcile.
        if (error instanceof KeychainError && error.reason === 'timeout') {
          void takeBack?.().catch(() => undefined);
        }
        throw error;
      }
    },
    get: async (account) => {
      checkAccount(account);
      const secret = await call((keytar) =>
        keytar.getPassword(service, account),
      );
      if (secret === null) await refuseIfLocked();
      return secret;
    },
    delete: async (account) => {
      checkAccount(account);
      return call((keytar) => keytar.deletePassword(service, account));
    },
    // On Linux the names come from the Secret Service's item attributes,
    // so no secret is read. LIMITATION: keytar, used elsewhere (and on Linux
    // when the Secret Service cannot be asked over D-Bus that way), can only
    // list accounts together with their secrets; they are dropped here so no
    // caller ever sees them. Fixing it needs a macOS and Windows binding
    // that lists names alone.
    accounts: async () => {
      if (!injected && platform === 'linux') {
        const listed = await listLinuxAccounts(service, timeoutMs);
        if (listed !== null) return listed;
      }
      await refuseIfLocked();
      return call(async (keytar) =>
        (await keytar.findCredentials(service)).map((entry) => entry.account),
      );
    },
  };
}

/**
 * The accounts of `service` from the Secret Service's item attributes,
 * without loading keytar or reading a secret. Null when D-Bus cannot answer
 * that way; a dead bus or a locked collection is a `KeychainError`, as it is
 * for every other keychain call.
 */
async function listLinuxAccounts(
  service: string,
  timeoutMs: number,
): Promise<string[] | null> {
  await refuseDeadSessionBus('linux', timeoutMs);
  const listed = await listSecretServiceAccounts(service, timeoutMs);
  if (listed === null) return null;
  if (listed.locked) {
    throw new KeychainError(
      keychainStoreName('linux'),
      'locked',
      keychainFix('locked', 'linux'),
    );
  }
  return listed.accounts;
}

/** Longest wait for the session bus to say anything at all. */
const BUS_PROBE_MS = 5_000;

/**
 * Loads keytar and, on Linux, checks the session bus first: a keytar call
 * stuck on a silent bus could never be cancelled.
 */
async function connect(
  injected: KeytarBackend | undefined,
  platform: NodeJS.Platform,
  timeoutMs: number,
): Promise<KeytarBackend> {
  if (injected) return injected;
  const keytar = loadKeytar(platform);
  if (platform === 'linux') await refuseDeadSessionBus(platform, timeoutMs);
  return keytar;
}

/** Throws the keychain's "no session bus" error when the bus is dead. */
async function refuseDeadSessionBus(
  platform: NodeJS.Platform,
  timeoutMs: number,
): Promise<void> {
  const address = process.env['DBUS_SESSION_BUS_ADDRESS'];
  const probeMs = Math.min(timeoutMs, BUS_PROBE_MS);
  const bus = await probeSessionBus(address, probeMs);
  if (bus !== 'silent' && bus !== 'unreachable') return;
  const reason = bus === 'silent' ? 'timeout' : 'unavailable';
  throw new KeychainError(
    keychainStoreName(platform),
    reason,
    keychainFix(reason, platform, { noBus: true, timeoutMs: probeMs }),
    bus === 'silent'
      ? 'the D-Bus session bus accepted a connection but never answered'
      : 'the D-Bus session bus cannot be reached',
  );
}

/** Loads the keytar native module, or explains why it cannot be loaded. */
function loadKeytar(platform: NodeJS.Platform): KeytarBackend {
  try {
    const require = createRequire(import.meta.url);
    return require('keytar') as KeytarBackend;
  } catch (error) {
    throw new KeychainError(
      keychainStoreName(platform),
      'native-module',
      keychainFix('native-module', platform),
      error instanceof Error ? error.message.split('\n')[0] : String(error),
    );
  }
}

/**
 * Rejects with a timeout `KeychainError` if `pending` takes too long.
 *
 * LIMITATION: the native call itself cannot be cancelled. It keeps a libuv
 * worker thread busy, and Node joins those threads on exit, so a process
 * whose keychain call hung (a frozen Secret Service, not a dead bus, which
 * `connect` catches first) only ends by signal. Fixing it needs a keychain
 * binding with cancellable calls.
 */
export function withTimeout<T>(
  pending: Promise<T>,
  timeoutMs: number,
  platform: NodeJS.Platform = process.platform,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new KeychainError(
          keychainStoreName(platform),
          'timeout',
          keychainFix('timeout', platform, { timeoutMs }),
        ),
      );
    }, timeoutMs);
  });
  return Promise.race([pending, timeout]).finally(() => clearTimeout(timer));
}

const ACCOUNT = /^[A-Za-z0-9_.:-]{1,128}$/;
const LOOKS_LIKE_API_KEY = /^[0-9a-f]{40}$/i;

/** Account names are local ids; an API key must never become one. */
function checkAccount(account: string): void {
  if (!ACCOUNT.test(account) || LOOKS_LIKE_API_KEY.test(account)) {
    throw new Error(
      'A keychain account must be a local id (letters, digits, _ . : -), ' +
        'never a key.',
    );
  }
}
