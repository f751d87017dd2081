import { createGreenfieldClient } from '../greenfield';
import type { ClientFactory } from '../keys';
import type { Vault } from '../vault';
import type { KeyRecord, ServerRecord } from '../vault/schema';
import {
  deliverToRequester,
  type DelegationErrorCode,
  type DeliveryOutcome,
} from './deliver';
import type { DelegationRequest } from './link';

/**
 * The last steps of a deep-link request: record the key as delegated to the
 * app, post it (or the refusal) to the app's callback, and record how the
 * delivery went. Nothing here logs or returns the key itself.
 */

/** What the hand-over steps need besides the key. */
export interface HandOverContext {
  vault: Vault;
  request: DelegationRequest;
  clientFactory?: ClientFactory;
  deliveryTimeoutMs?: number;
}

/**
 * Marks a key as delegated to the requesting app, with the callback it goes
 * to, and logs the delegation. A reused key keeps how it was first made.
 */
export async function markDelegated(
  vault: Vault,
  key: KeyRecord,
  request: DelegationRequest,
  reused: boolean,
): Promise<KeyRecord> {
  const via =
    key.origin.kind === 'delegated'
      ? key.origin.via
      : reused
        ? 'reused'
        : key.origin.kind === 'rest'
          ? key.origin.via
          : 'authorize';
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
    details: {
      applicationName: request.applicationName,
      applicationIdentifier: request.applicationIdentifier,
      callbackPort: request.redirect?.port ?? null,
      reused,
    },
  });
  return updated;
}

/** Posts the key to the app's callback and records the outcome on the key. */
export async function deliverKey(
  context: HandOverContext,
  key: KeyRecord,
): Promise<{ key: KeyRecord; delivery: DeliveryOutcome | null }> {
  const { vault, request } = context;
  if (!request.redirect) return { key, delivery: null };
  const server = await vault.findServer(key.serverId);
  const apiKey = await vault.readSecret(key.id, 'use');
  const userId =
    key.userId ?? server?.userId ?? (await lookUpUserId(context, server));
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
    { timeoutMs: context.deliveryTimeoutMs },
  );
  return { key: await recordDelivery(vault, key, delivery), delivery };
}

/** Tells the app why it gets no key; null when it gave no callback. */
export async function replyWithError(
  context: HandOverContext,
  error: DelegationErrorCode,
  description: string,
): Promise<DeliveryOutcome | null> {
  const { request } = context;
  if (!request.redirect) return null;
  return deliverToRequester(
    request.redirect,
    { kind: 'error', error, description, state: request.state },
    { timeoutMs: context.deliveryTimeoutMs },
  );
}

/**
 * The BTCPay user id integrators expect in `userId`: keys minted over REST
 * do not carry it, so it is asked once with the manager key and kept.
 * Without a manager key it stays unknown and the field is left out.
 */
async function lookUpUserId(
  context: HandOverContext,
  server: ServerRecord | null,
): Promise<string | null> {
  if (!server?.managerKeyId) return null;
  try {
    const managerKey = await context.vault.readSecret(
      server.managerKeyId,
      'use',
    );
    const client = (context.clientFactory ?? defaultClient)(server.baseUrl);
    const user = await client.currentUser({
      kind: 'token',
      apiKey: managerKey,
    });
    await context.vault.updateServer(server.id, {
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
