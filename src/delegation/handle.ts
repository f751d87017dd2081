import { createGreenfieldClient } from '../greenfield';
import type { ClientFactory } from '../keys';
import { silentLogger, type Logger } from '../log/logger';
import {
  describePermission,
  riskClasses,
  type PermissionDescription,
  type RiskClass,
} from '../permissions';
import type { Vault } from '../vault';
import type { KeyRecord, ServerRecord } from '../vault/schema';
import {
  findRememberedDecision,
  rememberDecision,
  touchDecision,
} from './decisions';
import {
  deliverToRequester,
  type DelegationErrorCode,
  type DeliveryOutcome,
} from './deliver';
import type { DelegationRequest } from './link';
import {
  findListeningProcess,
  type ListeningProcess,
} from './listener-process';
import {
  findReusableKey,
  obtainKey,
  ObtainKeyError,
  type ApprovedMint,
  type AuthorizeControls,
  type MintChoice,
} from './obtain';

/**
 * Handling one deep-link request from start to end: show the user what is
 * asked, get the key the way they approve, store it as delegated to the app,
 * and deliver it (or the refusal) to the app's loopback callback.
 */

/** Everything the consent screen shows about a request. */
export interface ConsentView {
  request: DelegationRequest;
  /** The server as stored here, or null when it is new to this app. */
  server: ServerRecord | null;
  /** Who listens on the callback port, when the OS can tell. */
  listener: ListeningProcess | null;
  permissions: PermissionDescription[];
  risks: RiskClass[];
  /** A stored key that already matches the request, offered for reuse. */
  reusableKey: KeyRecord | null;
  /** The ways the key can be obtained here, the preferred one first. */
  methods: MintChoice[];
}

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
      message: string;
      nextStep: string;
      delivery: DeliveryOutcome | null;
    };

/** Options of {@link handleDelegation}. */
export interface HandleDelegationOptions {
  vault: Vault;
  request: DelegationRequest;
  /** Asks the user; only called when no remembered decision answers. */
  consent: (view: ConsentView) => Promise<ConsentAnswer>;
  authorize?: AuthorizeControls;
  clientFactory?: ClientFactory;
  deliveryTimeoutMs?: number;
  logger?: Logger;
}

/** Builds what the consent screen shows. */
export async function prepareConsent(
  vault: Vault,
  request: DelegationRequest,
): Promise<ConsentView> {
  const server = await vault.findServer(request.server);
  const { keys } = await vault.metadata();
  const reusableKey = server ? findReusableKey(keys, server.id, request) : null;
  const methods: MintChoice[] = [];
  if (reusableKey) methods.push('reuse');
  if (server?.managerKeyId) methods.push('manager');
  methods.push('authorize', 'basic');
  return {
    request,
    server,
    listener: request.redirect
      ? await findListeningProcess(request.redirect.port)
      : null,
    permissions: request.permissions.map((p) => describePermission(p)),
    risks: riskClasses(request.permissions),
    reusableKey,
    methods,
  };
}

/** Runs a request to its end; expected failures become a `failed` outcome. */
export async function handleDelegation(
  options: HandleDelegationOptions,
): Promise<DelegationOutcome> {
  const { vault, request } = options;
  const logger = options.logger ?? silentLogger;
  const view = await prepareConsent(vault, request);

  const remembered = view.server
    ? await findRememberedDecision(vault, view.server.id, request)
    : null;
  if (remembered?.decision === 'deny') {
    await touchDecision(vault, remembered.id);
    return deny(options, true);
  }
  const rememberedKey = remembered?.keyId
    ? view.reusableKey?.id === remembered.keyId
      ? view.reusableKey
      : null
    : null;
  if (remembered && rememberedKey) {
    await touchDecision(vault, remembered.id);
    return handOver(options, rememberedKey, true, logger);
  }

  const answer = await options.consent(view);
  if (!answer.approve) {
    if (answer.remember && view.server) {
      await rememberDecision(vault, {
        serverId: view.server.id,
        request,
        decision: 'deny',
        keyId: null,
      });
    }
    return deny(options, false);
  }
  return approve(options, view, answer, logger);
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
  if (answer.method !== 'reuse') key = await markDelegated(vault, key, request);
  if (answer.remember) {
    await rememberDecision(vault, {
      serverId: key.serverId,
      request,
      decision: 'allow',
      keyId: key.id,
    });
  }
  return handOver(options, key, false, logger);
}

async function markDelegated(
  vault: Vault,
  key: KeyRecord,
  request: DelegationRequest,
): Promise<KeyRecord> {
  const via = key.origin.kind === 'rest' ? key.origin.via : 'authorize';
  const updated = await vault.updateKey(key.id, {
    origin: {
      kind: 'delegated',
      app: {
        name: request.applicationName,
        identifier: request.applicationIdentifier,
        callback: request.redirect?.url ?? null,
      },
      via,
      delivery: { status: 'pending', at: null, error: null },
    },
  });
  await vault.log({
    action: 'key.delegated',
    serverId: key.serverId,
    keyId: key.id,
    fingerprint: key.fingerprint,
    details: delegationDetails(request),
  });
  return updated;
}

function delegationDetails(
  request: DelegationRequest,
): Record<string, unknown> {
  return {
    applicationName: request.applicationName,
    applicationIdentifier: request.applicationIdentifier,
    callbackPort: request.redirect?.port ?? null,
  };
}

/** Delivers a key to the requester and records the outcome. */
async function handOver(
  options: HandleDelegationOptions,
  key: KeyRecord,
  byRememberedDecision: boolean,
  logger: Logger,
): Promise<DelegationOutcome> {
  const { vault, request } = options;
  if (!request.redirect) {
    return { status: 'stored', key, delivery: null, byRememberedDecision };
  }
  const server = await vault.findServer(key.serverId);
  const apiKey = await vault.readSecret(key.id, 'use');
  const userId =
    key.userId ?? server?.userId ?? (await lookUpUserId(options, server));
  const delivery = await deliverToRequester(
    request.redirect,
    {
      kind: 'key',
      key: {
        apiKey,
        userId,
        permissions: key.grantedPermissions,
        server: server?.baseUrl ?? request.server,
      },
      state: request.state,
    },
    { timeoutMs: options.deliveryTimeoutMs },
  );
  const recorded = await recordDelivery(vault, key, delivery);
  logger.info(
    {
      keyId: key.id,
      fingerprint: key.fingerprint,
      delivered: delivery.delivered,
    },
    'delegated key delivery',
  );
  return {
    status: delivery.delivered ? 'delivered' : 'undelivered',
    key: recorded,
    delivery,
    byRememberedDecision,
  };
}

/**
 * The BTCPay user id integrators expect in `userId`: keys minted over REST
 * do not carry it, so it is asked once with the manager key and kept.
 */
async function lookUpUserId(
  options: HandleDelegationOptions,
  server: ServerRecord | null,
): Promise<string | null> {
  if (!server?.managerKeyId) return null;
  try {
    const managerKey = await options.vault.readSecret(
      server.managerKeyId,
      'use',
    );
    const client = (options.clientFactory ?? defaultClient)(server.baseUrl);
    const user = await client.currentUser({
      kind: 'token',
      apiKey: managerKey,
    });
    await options.vault.updateServer(server.id, {
      userId: user.id,
      email: user.email ?? null,
    });
    return user.id;
  } catch {
    return null;
  }
}

function defaultClient(baseUrl: string) {
  return createGreenfieldClient({ baseUrl });
}

async function recordDelivery(
  vault: Vault,
  key: KeyRecord,
  delivery: DeliveryOutcome,
): Promise<KeyRecord> {
  await vault.log({
    action: 'key.delivered',
    serverId: key.serverId,
    keyId: key.id,
    fingerprint: key.fingerprint,
    details: delivery.delivered
      ? { delivered: true, status: delivery.status }
      : { delivered: false, status: delivery.status, reason: delivery.reason },
  });
  if (key.origin.kind !== 'delegated') return key;
  return vault.updateKey(key.id, {
    origin: {
      ...key.origin,
      delivery: {
        status: delivery.delivered ? 'delivered' : 'failed',
        at: new Date().toISOString(),
        error: delivery.delivered ? null : delivery.reason,
      },
    },
  });
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
  const delivery = await replyWithError(options, reply, known.message);
  return {
    status: 'failed',
    message: known.message,
    nextStep: known.nextStep,
    delivery,
  };
}

async function replyWithError(
  options: HandleDelegationOptions,
  error: DelegationErrorCode,
  description: string,
): Promise<DeliveryOutcome | null> {
  const { request } = options;
  if (!request.redirect) return null;
  return deliverToRequester(
    request.redirect,
    { kind: 'error', error, description, state: request.state },
    { timeoutMs: options.deliveryTimeoutMs },
  );
}
