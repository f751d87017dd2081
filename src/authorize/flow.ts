import {
  createGreenfieldClient,
  GreenfieldError,
  healthProblem,
  isInsecureServer,
  normalizeBaseUrl,
  type ApiKeyData,
  type GreenfieldClient,
} from '../greenfield';
import { silentLogger, type Logger } from '../log/logger';
import type { PermissionDifference } from '../permissions';
import type { Vault } from '../vault';
import type { KeyRecord, ServerRecord } from '../vault/schema';
import { storeVerifiedKey, type FlowState } from './flow-store';
import {
  cancelledFailure,
  refusedKeyFailure,
  serverVersionForReport,
  timeoutFailure,
  unreachableFailure,
  type AuthorizeFlowFailure,
} from './flow-failures';
import { startCallbackReceiver, type ReceivedCallback } from './receiver';
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
  /** Told when a key arrived that the server did not confirm; still waiting. */
  onRefusedKey?: (refusal: { message: string; nextStep: string }) => void;
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
  if (!base.ok) return invalidServer(base.reason);
  const baseUrl = base.url;
  const client = (options.clientFactory ?? defaultClient)(baseUrl);
  const unanswered = await unansweredServer(client, baseUrl, options.signal);
  if (unanswered) return unanswered;
  const request = requestFor(options);
  const warnings = flowWarnings(baseUrl, request, options.manager === true);
  options.onWarnings?.([...warnings]);
  const verifier = callbackVerifier(client, options, logger);

  const receiver = await startCallbackReceiver({
    timeoutMs: options.timeoutMs,
    expectedOrigin: new URL(baseUrl).origin,
    acceptCallback: verifier.accept,
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
    const callback = await receiver.result;
    const state = { client, baseUrl, request, authorizeUrl, warnings, logger };
    if (callback.outcome !== 'received') {
      return await endedWithoutKey(options, state, callback.outcome, verifier);
    }
    const confirmed = verifier.confirmed.get(callback.apiKey);
    if (!confirmed) throw new Error('The receiver accepted an unchecked key.');
    return await storeVerifiedKey(options, state, {
      apiKey: callback.apiKey,
      userId: callback.userId,
      label: confirmed.label,
      granted: confirmed.permissions,
      serverVersion: await serverVersionOf(client, callback.apiKey),
    });
  } finally {
    await receiver.close();
  }
}

/**
 * Asks the server the flow started with about each key that arrives. Only a
 * key it confirms ends the wait; any other is refused and the wait goes on,
 * so a forged post can neither plant a key nor end the flow.
 */
function callbackVerifier(
  client: GreenfieldClient,
  options: AuthorizeFlowOptions,
  logger: Logger,
) {
  const confirmed = new Map<string, ApiKeyData>();
  let lastRefusal: unknown = undefined;
  const accept = async (callback: ReceivedCallback): Promise<boolean> => {
    options.onProgress?.('verifying');
    try {
      const current = await client.currentApiKey(callback.apiKey, {
        signal: options.signal,
      });
      confirmed.set(callback.apiKey, current);
      return true;
    } catch (error) {
      lastRefusal = error;
      logger.warn(
        { error: errorKind(error) },
        'refused an authorize callback key',
      );
      if (error instanceof GreenfieldError) {
        options.onRefusedKey?.(refusedKeyFailure(error, null));
      }
      options.onProgress?.('waiting');
      return false;
    }
  };
  return { accept, confirmed, lastRefusal: () => lastRefusal };
}

async function serverVersionOf(
  client: GreenfieldClient,
  apiKey: string,
): Promise<string | null> {
  try {
    return (await client.serverInfo({ kind: 'token', apiKey })).version;
  } catch {
    return null;
  }
}

/** Timeout or cancel: nothing is stored; a refused key explains a timeout. */
async function endedWithoutKey(
  options: AuthorizeFlowOptions,
  state: FlowState,
  outcome: 'timeout' | 'cancelled',
  verifier: ReturnType<typeof callbackVerifier>,
): Promise<AuthorizeFlowFailure> {
  state.logger.info({ outcome }, 'authorize flow ended without a key');
  const serverVersion = await serverVersionForReport(
    options.vault,
    state.baseUrl,
    state.client,
  );
  const refusal = verifier.lastRefusal();
  const failure =
    outcome === 'cancelled'
      ? cancelledFailure()
      : refusal !== undefined
        ? refusedKeyFailure(refusal, serverVersion)
        : timeoutFailure(options.timeoutMs, serverVersion);
  return {
    ...failure,
    authorizeUrl: state.authorizeUrl,
    warnings: state.warnings,
    serverVersion,
  };
}

/**
 * Asks `/api/v1/health` (no credentials) before a receiver or a browser is
 * started: a typo, a stopped server or another site would otherwise leave
 * the user waiting for an approval that can never come.
 */
async function unansweredServer(
  client: GreenfieldClient,
  baseUrl: string,
  signal: AbortSignal | undefined,
): Promise<AuthorizeFlowFailure | null> {
  const error = await healthProblem(client, { signal });
  if (!error) return null;
  const failure =
    error.kind === 'aborted'
      ? cancelledFailure()
      : unreachableFailure(baseUrl, error);
  return { ...failure, authorizeUrl: null, warnings: [], serverVersion: null };
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
