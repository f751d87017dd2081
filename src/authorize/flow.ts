import {
  createGreenfieldClient,
  isInsecureServer,
  normalizeBaseUrl,
  type GreenfieldClient,
} from '../greenfield';
import { silentLogger, type Logger } from '../log/logger';
import { diffPermissions, type PermissionDifference } from '../permissions';
import type { Vault } from '../vault';
import type { KeyRecord, ServerRecord } from '../vault/schema';
import {
  cancelledFailure,
  refusedKeyFailure,
  serverVersionForReport,
  timeoutFailure,
  type AuthorizeFlowFailure,
} from './flow-failures';
import { startCallbackReceiver, type CallbackReceiver } from './receiver';
import { buildAuthorizeUrl, type AuthorizeRequest } from './request';
import { authorizeWarnings, type AuthorizeWarning } from './warnings';

/**
 * The browser authorize flow: open BTCPay's consent page in the user's own
 * browser, receive the key on a one-time loopback callback, check it with the
 * server the flow started with, and store only what that server confirms.
 */

/** Something the user should know before or after approving. */
export interface FlowWarning {
  code:
    | AuthorizeWarning['code']
    | 'insecure-server'
    | 'manager-risk'
    | 'browser-not-opened'
    | 'manager-not-granted';
  message: string;
  subjects?: string[];
}

/** Options of {@link runAuthorizeFlow}. */
export interface AuthorizeFlowOptions {
  vault: Vault;
  /** The BTCPay address as the user typed it. */
  serverUrl: string;
  /** What to ask for; the redirect is always the flow's own receiver. */
  request: Omit<AuthorizeRequest, 'redirect'>;
  /** Ask for `unrestricted` and keep the key as the server's manager key. */
  manager?: boolean;
  /** Told what BTCPay will do differently, before the browser opens. */
  onWarnings?: (warnings: FlowWarning[]) => void;
  /** Opens the URL in the system browser; absent means only report it. */
  openBrowser?: (url: string) => Promise<boolean>;
  /** Told the URL before the wait starts, and whether a browser opened. */
  onAuthorizeUrl?: (url: string, state: { browserOpened: boolean }) => void;
  /** Told when the flow moves on from waiting to checking the key. */
  onProgress?: (stage: 'waiting' | 'verifying') => void;
  timeoutMs?: number;
  signal?: AbortSignal;
  clientFactory?: (baseUrl: string) => GreenfieldClient;
  logger?: Logger;
}

/** What the flow ended with. */
export type AuthorizeFlowResult = AuthorizeFlowSuccess | AuthorizeFlowFailure;

/** A verified key, stored with the permissions the server reported. */
export interface AuthorizeFlowSuccess {
  outcome: 'stored';
  key: KeyRecord;
  server: ServerRecord;
  authorizeUrl: string;
  requested: string[];
  granted: string[];
  differences: PermissionDifference[];
  /** Older keys of the same application on this server, still active. */
  supersededKeys: KeyRecord[];
  warnings: FlowWarning[];
  serverVersion: string | null;
}

/** What a manager key can do, said before the user approves one. */
export const MANAGER_RISK =
  'A manager key has unrestricted access: it can do everything your BTCPay ' +
  'account can, including spending from hot wallets, changing stores and, ' +
  'for an administrator, the whole server. BTCPay Key Manager keeps it in ' +
  'the OS keychain and uses it only to create and revoke keys; anyone who ' +
  'copies it gets the same power.';

/** Runs the whole flow; cancel and timeout store nothing. */
export async function runAuthorizeFlow(
  options: AuthorizeFlowOptions,
): Promise<AuthorizeFlowResult> {
  const logger = options.logger ?? silentLogger;
  const base = normalizeBaseUrl(options.serverUrl);
  if (!base.ok) {
    return invalidServer(base.reason);
  }
  const baseUrl = base.url;
  const request = requestFor(options);
  const warnings = flowWarnings(baseUrl, request, options.manager === true);
  options.onWarnings?.([...warnings]);
  const client = (options.clientFactory ?? defaultClient)(baseUrl);

  const receiver = await startCallbackReceiver({
    timeoutMs: options.timeoutMs,
    expectedOrigin: new URL(baseUrl).origin,
    signal: options.signal,
    logger,
  });
  try {
    const authorizeUrl = buildAuthorizeUrl(baseUrl, {
      ...request,
      redirect: receiver.redirectUrl,
    });
    await sendUserToBrowser(options, authorizeUrl, warnings);
    options.onProgress?.('waiting');
    return await awaitAndStore(options, {
      receiver,
      client,
      baseUrl,
      request,
      authorizeUrl,
      warnings,
      logger,
    });
  } finally {
    await receiver.close();
  }
}

function defaultClient(baseUrl: string): GreenfieldClient {
  return createGreenfieldClient({ baseUrl });
}

/** The request as sent: manager mode asks for exactly `unrestricted`. */
function requestFor(
  options: AuthorizeFlowOptions,
): Omit<AuthorizeRequest, 'redirect'> {
  if (!options.manager) return options.request;
  return {
    ...options.request,
    applicationName: options.request.applicationName ?? 'BTCPay Key Manager',
    permissions: ['unrestricted'],
    strict: true,
    selectiveStores: false,
  };
}

function flowWarnings(
  baseUrl: string,
  request: Omit<AuthorizeRequest, 'redirect'>,
  manager: boolean,
): FlowWarning[] {
  const warnings: FlowWarning[] = [];
  if (isInsecureServer(baseUrl)) {
    warnings.push({
      code: 'insecure-server',
      message:
        `${baseUrl} is plain http on a public address. BTCPay refuses to ` +
        'create API keys there on mainnet ("Cannot generate API keys while ' +
        'not using HTTPS or Tor"), and anything sent travels unencrypted. ' +
        'Use the https:// address of your server.',
    });
  }
  if (manager) warnings.push({ code: 'manager-risk', message: MANAGER_RISK });
  // The flow's redirect is a fresh one-time address, so BTCPay never finds an
  // earlier key to reuse and the non-strict reuse error page cannot happen.
  const placeholder = 'http://127.0.0.1/callback';
  for (const warning of authorizeWarnings({
    ...request,
    redirect: placeholder,
  })) {
    if (warning.code !== 'strict-false-identifier-store')
      warnings.push(warning);
  }
  return warnings;
}

async function sendUserToBrowser(
  options: AuthorizeFlowOptions,
  authorizeUrl: string,
  warnings: FlowWarning[],
): Promise<void> {
  let browserOpened = false;
  if (options.openBrowser) {
    browserOpened = await options.openBrowser(authorizeUrl).catch(() => false);
    if (!browserOpened) {
      warnings.push({
        code: 'browser-not-opened',
        message:
          'No browser could be opened. Open the authorize address in the ' +
          'browser where you are signed in to BTCPay.',
      });
    }
  }
  options.onAuthorizeUrl?.(authorizeUrl, { browserOpened });
}

type FlowState = {
  receiver: CallbackReceiver;
  client: GreenfieldClient;
  baseUrl: string;
  request: Omit<AuthorizeRequest, 'redirect'>;
  authorizeUrl: string;
  warnings: FlowWarning[];
  logger: Logger;
};

async function awaitAndStore(
  options: AuthorizeFlowOptions,
  state: FlowState,
): Promise<AuthorizeFlowResult> {
  const callback = await state.receiver.result;
  const common = { authorizeUrl: state.authorizeUrl, warnings: state.warnings };
  if (callback.outcome !== 'received') {
    state.logger.info(
      { outcome: callback.outcome },
      'authorize flow ended without a key',
    );
    const serverVersion = await serverVersionForReport(
      options.vault,
      state.baseUrl,
      state.client,
    );
    const failure =
      callback.outcome === 'timeout'
        ? timeoutFailure(options.timeoutMs, serverVersion)
        : cancelledFailure();
    return { ...common, ...failure, serverVersion };
  }

  options.onProgress?.('verifying');
  let current: Awaited<ReturnType<GreenfieldClient['currentApiKey']>>;
  try {
    current = await state.client.currentApiKey(callback.apiKey, {
      signal: options.signal,
    });
  } catch (error) {
    state.logger.warn(
      { error: errorKind(error) },
      'refused an authorize callback key',
    );
    const serverVersion = await serverVersionForReport(
      options.vault,
      state.baseUrl,
      state.client,
    );
    return {
      ...common,
      ...refusedKeyFailure(error, serverVersion),
      serverVersion,
    };
  }

  const serverVersion = await state.client
    .serverInfo({ kind: 'token', apiKey: callback.apiKey })
    .then((info) => info.version ?? null)
    .catch(() => null);
  return storeVerifiedKey(options, state, {
    apiKey: callback.apiKey,
    userId: callback.userId,
    label: current.label,
    granted: current.permissions,
    serverVersion,
  });
}

type VerifiedKey = {
  apiKey: string;
  userId: string | null;
  label: string;
  granted: string[];
  serverVersion: string | null;
};

async function storeVerifiedKey(
  options: AuthorizeFlowOptions,
  state: FlowState,
  verified: VerifiedKey,
): Promise<AuthorizeFlowResult> {
  const { vault } = options;
  const { request, warnings } = state;
  const server = await serverRecord(vault, state.baseUrl, verified);
  const grantsManager = verified.granted.includes('unrestricted');
  const isManager = options.manager === true && grantsManager;
  if (options.manager && !grantsManager) {
    warnings.push({
      code: 'manager-not-granted',
      message:
        'The server did not grant unrestricted access, so this key is not ' +
        'kept as the manager key.',
    });
  }

  const key = await vault
    .storeKey({
      secret: verified.apiKey,
      serverId: server.id,
      label: verified.label || request.applicationName || 'Authorized key',
      grantedPermissions: verified.granted,
      requestedPermissions: request.permissions,
      origin: {
        kind: 'authorize',
        applicationName: request.applicationName ?? null,
        applicationIdentifier: request.applicationIdentifier ?? null,
      },
      userId: verified.userId,
      isManager,
    })
    .catch(async (error: unknown) => {
      // A working key nobody can see is worse than none: take it back.
      await state.client
        .revokeCurrentApiKey(verified.apiKey)
        .catch(() => undefined);
      throw error;
    });
  state.logger.info(
    { keyId: key.id, fingerprint: key.fingerprint, serverId: server.id },
    'stored a key from the browser authorize flow',
  );

  if (isManager) await adoptManagerKey(vault, server, key);
  const storedServer = (await vault.findServer(server.id)) ?? server;
  const supersededKeys = await findSupersededKeys(
    vault,
    key,
    request,
    isManager,
  );
  return {
    outcome: 'stored',
    key,
    server: storedServer,
    authorizeUrl: state.authorizeUrl,
    requested: request.permissions,
    granted: verified.granted,
    differences: diffPermissions(request.permissions, verified.granted),
    supersededKeys,
    warnings,
    serverVersion: verified.serverVersion,
  };
}

/** The stored server for the base URL, added now that a key proved it. */
async function serverRecord(
  vault: Vault,
  baseUrl: string,
  verified: VerifiedKey,
): Promise<ServerRecord> {
  const existing = await vault.findServer(baseUrl);
  const server =
    existing ??
    (await vault.addServer({
      baseUrl,
      name: new URL(baseUrl).host,
      mintMethod: 'authorize',
    }));
  const changes: Partial<Pick<ServerRecord, 'userId' | 'serverVersion'>> = {};
  if (verified.userId && !server.userId) changes.userId = verified.userId;
  if (verified.serverVersion) changes.serverVersion = verified.serverVersion;
  if (Object.keys(changes).length === 0) return server;
  return vault.updateServer(server.id, changes);
}

async function adoptManagerKey(
  vault: Vault,
  server: ServerRecord,
  key: KeyRecord,
): Promise<void> {
  const previous = server.managerKeyId;
  if (previous && previous !== key.id) {
    await vault.updateKey(previous, { isManager: false });
  }
  await vault.updateServer(server.id, {
    managerKeyId: key.id,
    mintMethod: 'manager',
  });
}

/**
 * Older active keys of the same application on the same server. BTCPay's own
 * reuse needs the identical redirect URL, which a fresh loopback port never
 * is, so every run mints a new key and the old ones pile up unless offered
 * for revocation here.
 */
async function findSupersededKeys(
  vault: Vault,
  key: KeyRecord,
  request: Omit<AuthorizeRequest, 'redirect'>,
  isManager: boolean,
): Promise<KeyRecord[]> {
  const { keys } = await vault.metadata();
  return keys.filter((older) => {
    if (older.id === key.id || older.serverId !== key.serverId) return false;
    if (older.revokedAt !== null) return false;
    if (isManager && older.isManager) return true;
    if (older.origin.kind !== 'authorize') return false;
    if (request.applicationIdentifier) {
      return (
        older.origin.applicationIdentifier === request.applicationIdentifier
      );
    }
    return (
      request.applicationName !== undefined &&
      older.origin.applicationName === request.applicationName
    );
  });
}

function invalidServer(reason: string): AuthorizeFlowFailure {
  return {
    outcome: 'invalid-server',
    kind: 'invalid-input',
    message: reason,
    nextStep: 'Check the server address and run the command again.',
    authorizeUrl: null,
    warnings: [],
    serverVersion: null,
  };
}

function errorKind(error: unknown): string {
  if (error && typeof error === 'object' && 'kind' in error) {
    return String((error as { kind: unknown }).kind);
  }
  return error instanceof Error ? error.name : typeof error;
}
