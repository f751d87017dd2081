import {
  GreenfieldError,
  healthProblem,
  UNREACHABLE_KINDS,
} from '../greenfield';
import { clientForServer, type ClientFactory } from '../keys/clients';
import { silentLogger, type Logger } from '../log/logger';
import type { Vault } from '../vault';
import type { KeyRecord } from '../vault/schema';
import { prepareConsent, refreshConsent, type ConsentView } from './consent';
import {
  findRememberedDecision,
  rememberDecision,
  sameCallbackProgram,
  touchDecision,
} from './decisions';
import type { DeliveryOutcome } from './deliver';
import {
  deliverKey,
  markDelegated,
  replyWithError,
  type HandOverContext,
} from './hand-over';
import type { DelegationRequest } from './link';
import {
  obtainKey,
  ObtainKeyError,
  type ApprovedMint,
  type AuthorizeControls,
} from './obtain';

export { prepareConsent, refreshConsent, type ConsentView };

/**
 * Handling one deep-link request from start to end: show the user what is
 * asked, get the key the way they approve, store it as delegated to the app,
 * and deliver it (or the refusal) to the app's loopback callback.
 */

/** The user's answer on the consent screen. */
export type ConsentAnswer =
  | { approve: false; remember?: boolean }
  | ({ approve: true; remember?: boolean } & ApprovedMint);

/** How a request ended, for the screen and the terminal; never the key. */
export type DelegationOutcome =
  | {
      status: 'delivered' | 'undelivered' | 'stored';
      key: KeyRecord;
      delivery: DeliveryOutcome | null;
      byRememberedDecision: boolean;
    }
  | {
      status: 'denied';
      delivery: DeliveryOutcome | null;
      byRememberedDecision: boolean;
    }
  | {
      status: 'failed';
      /** What the requester was told: the `error` of the reply. */
      reply: FailureReply;
      /** True when the server could not be reached or is not BTCPay. */
      unreachable: boolean;
      message: string;
      nextStep: string;
      delivery: DeliveryOutcome | null;
    };

/** The `error` a failed request is answered with. */
export type FailureReply = ObtainKeyError['reply'];

/** Options of {@link handleDelegation}. */
export interface HandleDelegationOptions extends HandOverContext {
  vault: Vault;
  request: DelegationRequest;
  /** Asks the user; only called when no remembered decision answers. */
  consent: (view: ConsentView) => Promise<ConsentAnswer>;
  authorize?: AuthorizeControls;
  clientFactory?: ClientFactory;
  logger?: Logger;
  /**
   * Health-check a server not stored here before asking anything, and
   * answer `server_error` at once when it does not answer as BTCPay. For
   * the command line, where the merchant cannot add the server on screen.
   */
  checkNewServerFirst?: boolean;
}

const DIFFERENT_PROGRAM =
  'You allowed this app before, but a different program listens on its ' +
  'callback now, so you are asked again.';

/** Runs a request to its end; expected failures become a `failed` outcome. */
export async function handleDelegation(
  options: HandleDelegationOptions,
): Promise<DelegationOutcome> {
  const { vault, request } = options;
  const logger = options.logger ?? silentLogger;
  const view = await prepareConsent(vault, request);
  if (options.checkNewServerFirst && !view.server) {
    const unanswered = await newServerProblem(options);
    if (unanswered) return failed(options, unanswered);
  }

  const remembered = view.server
    ? await findRememberedDecision(vault, view.server.id, request)
    : null;
  if (remembered?.decision === 'deny') {
    await touchDecision(vault, remembered.id);
    return deny(options, true);
  }
  const rememberedKey =
    remembered?.keyId && view.reusableKey?.id === remembered.keyId
      ? view.reusableKey
      : null;
  if (remembered && rememberedKey) {
    if (sameCallbackProgram(remembered, view.listener)) {
      await touchDecision(vault, remembered.id);
      const key = await markDelegated(vault, rememberedKey, request, true);
      return handOver(options, key, true, logger);
    }
    view.rememberedMismatch = DIFFERENT_PROGRAM;
  }

  const answer = await options.consent(view);
  if (!answer.approve) {
    if (answer.remember && view.server) {
      await rememberDecision(vault, {
        serverId: view.server.id,
        request,
        decision: 'deny',
        keyId: null,
        listener: view.listener,
      });
    }
    return deny(options, false);
  }
  // The merchant may have added the server while the request was on screen.
  return approve(options, await refreshConsent(vault, view), answer, logger);
}

async function approve(
  options: HandleDelegationOptions,
  view: ConsentView,
  answer: ConsentAnswer & { approve: true },
  logger: Logger,
): Promise<DelegationOutcome> {
  const { vault, request } = options;
  let key: KeyRecord;
  try {
    if (!view.methods.includes(answer.method)) {
      throw new ObtainKeyError(
        'server_error',
        `No key was made: "${answer.method}" is not a way open for this request.`,
        `Answer again with one of: ${view.methods.join(', ')}.`,
      );
    }
    key = await obtainKey(vault, request, answer, {
      server: view.server,
      reusable: view.reusableKey,
      ...(options.authorize ? { authorize: options.authorize } : {}),
      ...(options.clientFactory
        ? { clientFactory: options.clientFactory }
        : {}),
    });
  } catch (error) {
    return failed(options, error);
  }
  key = await markDelegated(vault, key, request, answer.method === 'reuse');
  if (answer.remember) {
    await rememberDecision(vault, {
      serverId: key.serverId,
      request,
      decision: 'allow',
      keyId: key.id,
      listener: view.listener,
    });
  }
  return handOver(options, key, false, logger);
}

/** Delivers a key to the requester and records the outcome. */
async function handOver(
  options: HandleDelegationOptions,
  key: KeyRecord,
  byRememberedDecision: boolean,
  logger: Logger,
): Promise<DelegationOutcome> {
  if (!options.request.redirect) {
    return { status: 'stored', key, delivery: null, byRememberedDecision };
  }
  const { key: recorded, delivery } = await deliverKey(options, key);
  const delivered = delivery?.delivered === true;
  logger.info(
    { keyId: key.id, fingerprint: key.fingerprint, delivered },
    'delegated key delivery',
  );
  return {
    status: delivered ? 'delivered' : 'undelivered',
    key: recorded,
    delivery,
    byRememberedDecision,
  };
}

async function deny(
  options: HandleDelegationOptions,
  byRememberedDecision: boolean,
): Promise<DelegationOutcome> {
  const delivery = await replyWithError(
    options,
    'access_denied',
    'The merchant refused the request.',
  );
  return { status: 'denied', delivery, byRememberedDecision };
}

/**
 * Why a server new to this app cannot be asked for a key (its health check
 * failed), or null when it answers as BTCPay.
 */
async function newServerProblem(
  options: HandleDelegationOptions,
): Promise<ObtainKeyError | null> {
  const server = options.request.server;
  const client = clientForServer(server, { clientFor: options.clientFactory });
  const error = await healthProblem(client);
  if (!error) return null;
  return new ObtainKeyError(
    'server_error',
    `${server} did not answer as a BTCPay Server, so no key was asked ` +
      `for: ${error.message}`,
    error.nextStep,
    true,
  );
}

async function failed(
  options: HandleDelegationOptions,
  error: unknown,
): Promise<DelegationOutcome> {
  const known = error as { message?: unknown; nextStep?: unknown };
  if (
    typeof known?.nextStep !== 'string' ||
    typeof known.message !== 'string'
  ) {
    throw error;
  }
  const reply = error instanceof ObtainKeyError ? error.reply : 'server_error';
  const unreachable =
    error instanceof ObtainKeyError
      ? error.unreachable
      : error instanceof GreenfieldError &&
        UNREACHABLE_KINDS.includes(error.kind);
  const delivery = await replyWithError(options, reply, known.message);
  return {
    status: 'failed',
    reply,
    unreachable,
    message: known.message,
    nextStep: known.nextStep,
    delivery,
  };
}
