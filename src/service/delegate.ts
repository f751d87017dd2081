import type { DelegationRequest } from '../delegation/link';
import { deliverToRequester } from '../delegation/deliver';
import type { QueuedRequest } from '../delegation/queue';
import { createKeyOverRest } from '../keys/create';
import { scopePermissionsToStores } from '../keys/scope';
import { newDelegationId } from '../vault/ids';
import type { KeyRecord, ServerRecord } from '../vault/schema';
import type { FlowStart, StartedFlow } from './authorize';
import type { ServiceContext } from './context';
import { ExpectedFailure } from './failures';

/**
 * Approving a deep-link request: mint the key (manager key when the server
 * has one, else the browser authorize flow with our own receiver), store it
 * as delegated to the app, then post it to the app's loopback callback.
 *
 * TODO: hand this to the delegation core's orchestrator (key reuse with the
 * user's confirmation, Basic auth) once it exposes one, so the command line
 * and the app decide the same way.
 */

/** Stores the user's decision so the same request is answered alike later. */
export async function rememberDecision(
  context: ServiceContext,
  request: DelegationRequest,
  decision: 'allow' | 'deny',
  keyId: string | null,
): Promise<void> {
  const server = await context.vault.findServer(request.server);
  if (!server || !request.applicationIdentifier) return;
  const identifier = request.applicationIdentifier;
  await context.vault.update((draft) => {
    draft.delegations.push({
      id: newDelegationId(),
      serverId: server.id,
      applicationIdentifier: identifier,
      applicationName: request.applicationName,
      permissions: [...request.permissions].sort(),
      decision,
      keyId,
      createdAt: context.now().toISOString(),
      lastUsedAt: null,
    });
  });
  await context.vault.log({
    action: 'delegation.remembered',
    serverId: server.id,
    ...(keyId ? { keyId } : {}),
  });
}

async function mintKey(
  context: ServiceContext,
  startFlow: (request: FlowStart) => Promise<StartedFlow>,
  server: ServerRecord,
  request: DelegationRequest,
  permissions: string[],
  storeChosen: boolean,
): Promise<{ key: KeyRecord; via: 'manager' | 'authorize' }> {
  const label = request.applicationName ?? 'Delegated key';
  if (server.managerKeyId) {
    const options = context.clientFor ? { clientFor: context.clientFor } : {};
    const { key } = await createKeyOverRest(
      context.vault,
      { serverId: server.id, label, permissions, auth: { kind: 'manager' } },
      options,
    );
    return { key, via: 'manager' };
  }
  const started = await startFlow({
    serverId: server.id,
    label,
    permissions,
    strict: request.strict,
    // A store chosen here is already in the permissions; otherwise BTCPay
    // lets the user pick one when the app asked for that.
    selectiveStores: request.selectiveStores && !storeChosen,
    manager: false,
  });
  const result = started.settled ? await started.settled : null;
  if (!started.answer.ok) {
    const { kind, message, nextStep } = started.answer.error;
    throw new ExpectedFailure(kind, message, nextStep);
  }
  if (!result || result.outcome !== 'stored') {
    throw new ExpectedFailure(
      result?.kind ?? 'cancelled',
      result?.message ?? 'No key was created.',
      result?.nextStep ?? 'Approve the request again.',
    );
  }
  return { key: result.key, via: 'authorize' };
}

/** Mints, stores and delivers the key for an approved request. */
export async function approveDelegation(
  context: ServiceContext,
  startFlow: (request: FlowStart) => Promise<StartedFlow>,
  queued: QueuedRequest,
  choice: { remember: boolean; storeId: string | null },
): Promise<{ message: string }> {
  const { request } = queued;
  const server = await context.vault.findServer(request.server);
  if (!server) {
    throw new ExpectedFailure(
      'not-found',
      `${request.server} is not one of your servers.`,
      'Add the server on the Servers screen, then approve the request again.',
    );
  }
  const permissions =
    request.selectiveStores && choice.storeId
      ? scopePermissionsToStores(request.permissions, [choice.storeId])
      : request.permissions;

  const { key, via } = await mintKey(
    context,
    startFlow,
    server,
    request,
    permissions,
    choice.storeId !== null,
  );
  const app = {
    name: request.applicationName,
    identifier: request.applicationIdentifier,
    callback: request.redirect?.url ?? null,
  };
  await context.vault.updateKey(key.id, {
    origin: {
      kind: 'delegated',
      app,
      via,
      delivery: { status: 'pending', at: null, error: null },
    },
  });
  if (choice.remember) {
    await rememberDecision(context, request, 'allow', key.id);
  }
  context.emit({ type: 'inventoryChanged' });
  if (!request.redirect) {
    return {
      message: `Stored "${key.label}". Copy it from the key list for the app.`,
    };
  }
  return deliver(context, request, key, { app, via });
}

async function deliver(
  context: ServiceContext,
  request: DelegationRequest,
  key: KeyRecord,
  delegated: {
    app: {
      name: string | null;
      identifier: string | null;
      callback: string | null;
    };
    via: 'manager' | 'authorize';
  },
): Promise<{ message: string }> {
  const { app, via } = delegated;
  const redirect = request.redirect;
  if (!redirect) return { message: 'Nothing to deliver.' };
  const apiKey = await context.vault.readSecret(key.id, 'use');
  const outcome = await deliverToRequester(redirect, {
    kind: 'key',
    key: {
      apiKey,
      userId: key.userId,
      permissions: key.grantedPermissions,
      server: request.server,
    },
    state: request.state,
  });
  const at = context.now().toISOString();
  const delivery = outcome.delivered
    ? { status: 'delivered' as const, at, error: null }
    : { status: 'failed' as const, at, error: outcome.reason };
  await context.vault.updateKey(key.id, {
    origin: { kind: 'delegated', app, via, delivery },
  });
  await context.vault.log({
    action: 'key.delivered',
    keyId: key.id,
    serverId: key.serverId,
    details: { delivered: outcome.delivered },
  });
  context.emit({ type: 'inventoryChanged' });
  return {
    message: outcome.delivered
      ? `The key was delivered to ${app.name ?? 'the app'}.`
      : `The key is stored here but could not be delivered: ${outcome.reason}`,
  };
}
