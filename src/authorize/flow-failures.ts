import type { FailureKind } from '../contract/result';
import { GreenfieldError, type GreenfieldClient } from '../greenfield';
import type { Vault } from '../vault';
import { durationInWords } from './duration';
import type { FlowWarning } from './flow';
import { DEFAULT_CALLBACK_TIMEOUT_MS } from './receiver';

/**
 * How the authorize flow ends without a key, in words a merchant can act on,
 * with the server's version for error reports when a key is at hand to ask.
 */

/** Why the flow ended without storing anything. */
export interface AuthorizeFlowFailure {
  outcome:
    'timeout' | 'cancelled' | 'refused' | 'invalid-server' | 'unreachable';
  kind: FailureKind;
  message: string;
  nextStep: string;
  /** Null when the flow stopped before building it. */
  authorizeUrl: string | null;
  warnings: FlowWarning[];
  /** The server's BTCPay version, for error reports; null when unknown. */
  serverVersion: string | null;
}

type FailureCore = Pick<
  AuthorizeFlowFailure,
  'outcome' | 'kind' | 'message' | 'nextStep'
>;

const PASTE_INSTEAD =
  'Or create the key on BTCPay yourself (Account, API Keys) and store it ' +
  'with `btcpay-keys key import`.';

const ORPHAN_KEY =
  'If you approved in the browser, BTCPay created a key this program never ' +
  'kept: delete it under Account, API Keys on BTCPay.';

/** No callback arrived in time: BTCPay's Cancel and its error pages send none. */
export function timeoutFailure(
  timeoutMs: number | undefined,
  serverVersion: string | null,
): FailureCore {
  const waited = durationInWords(timeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS);
  return {
    outcome: 'timeout',
    kind: 'timeout',
    message: withVersion(
      `No key arrived within ${waited}; ` +
        'nothing was stored. BTCPay sends nothing back when Cancel is ' +
        'pressed on its page or when it shows an error page instead.',
      serverVersion,
    ),
    nextStep: `Run the command again and approve in the browser. ${PASTE_INSTEAD}`,
  };
}

/** The user stopped the flow here. */
export function cancelledFailure(): FailureCore {
  return {
    outcome: 'cancelled',
    kind: 'cancelled',
    message: 'The authorize flow was cancelled; nothing was stored.',
    nextStep: ORPHAN_KEY,
  };
}

/**
 * The server did not answer its health check as BTCPay does, so no browser
 * was opened and nobody waits for an approval that cannot come.
 */
export function unreachableFailure(
  baseUrl: string,
  error: GreenfieldError,
): FailureCore {
  const kinds: Partial<Record<GreenfieldError['kind'], FailureKind>> = {
    'not-btcpay': 'not-btcpay',
    tls: 'tls',
    'server-error': 'server-error',
  };
  return {
    outcome: 'unreachable',
    kind: kinds[error.kind] ?? 'network',
    message:
      `${baseUrl} did not answer as a BTCPay Server, so no authorize page ` +
      `was opened: ${error.message}`,
    nextStep: error.nextStep,
  };
}

/** A key arrived but the server the flow started with did not confirm it. */
export function refusedKeyFailure(
  error: unknown,
  serverVersion: string | null,
): FailureCore {
  if (!(error instanceof GreenfieldError)) throw error;
  if (error.kind === 'aborted') return cancelledFailure();
  if (error.kind === 'key-unknown') {
    return {
      outcome: 'refused',
      kind: 'unknown-key',
      message: withVersion(
        'The key that arrived is unknown to this server, so it was refused ' +
          'and not stored. It did not come from this BTCPay server.',
        serverVersion,
      ),
      nextStep:
        'Run the command again and approve on your server’s page. If this ' +
        'repeats, another program on this computer is posting keys to it.',
    };
  }
  if (error.kind === 'owner-blocked') {
    return {
      outcome: 'refused',
      kind: 'owner-blocked',
      message: withVersion(
        `${error.message} The key was not stored.`,
        serverVersion,
      ),
      nextStep: error.nextStep,
    };
  }
  return {
    outcome: 'refused',
    kind: isUnreachable(error) ? 'network' : 'server-error',
    message: withVersion(
      `The key could not be checked with the server, so it was not stored: ` +
        error.message,
      serverVersion,
    ),
    nextStep: `${error.nextStep} ${ORPHAN_KEY}`,
  };
}

function isUnreachable(error: GreenfieldError): boolean {
  return ['network', 'timeout', 'tls', 'not-btcpay'].includes(error.kind);
}

function withVersion(message: string, serverVersion: string | null): string {
  return serverVersion === null
    ? message
    : `${message} (BTCPay Server ${serverVersion})`;
}

/**
 * The server's version for an error report: asked live with a key already
 * stored for the server (the manager key first), else the version recorded
 * the last time. Never fails; null when nothing is at hand.
 */
export async function serverVersionForReport(
  vault: Vault,
  baseUrl: string,
  client: GreenfieldClient,
): Promise<string | null> {
  let recorded: string | null = null;
  try {
    const server = await vault.findServer(baseUrl);
    if (!server) return null;
    const metadata = await vault.metadata();
    recorded = server.serverVersion;
    const isManager = (id: string): number =>
      Number(id === server.managerKeyId);
    const [key] = metadata.keys
      .filter((k) => k.serverId === server.id && k.revokedAt === null)
      .sort((a, b) => isManager(b.id) - isManager(a.id));
    if (!key) return recorded;
    const apiKey = await vault.readSecret(key.id, 'use');
    const info = await client.serverInfo({ kind: 'token', apiKey });
    return info.version ?? recorded;
  } catch {
    return recorded;
  }
}
