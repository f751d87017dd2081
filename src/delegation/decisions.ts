import { randomBytes } from 'node:crypto';
import type { Vault } from '../vault';
import type { DelegationDecision } from '../vault/schema';
import type { DelegationRequest } from './link';
import type { ListeningProcess } from './listener-process';

/**
 * Remembered consent decisions: per server, application identifier and exact
 * permission set, so an app that asks again for the same thing is answered
 * without asking the user, until the user forgets the decision.
 *
 * An allow also remembers which program listened on the app's callback, when
 * the OS could tell. A later request whose callback is served by a different
 * program is asked again instead of being answered: the name and identifier
 * in a link are claims anyone can make, the listening executable is not.
 */

/** The permission set a decision is remembered for: sorted and de-duplicated. */
export function permissionSetKey(permissions: readonly string[]): string[] {
  return [...new Set(permissions)].sort();
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = permissionSetKey(a);
  const right = permissionSetKey(b);
  return left.length === right.length && left.every((p, i) => p === right[i]);
}

/**
 * The program that listens on a callback, as remembered: its executable
 * path where the OS gives one, else its name; null when nobody could tell.
 */
export function callbackProgramOf(
  listener: ListeningProcess | null,
): string | null {
  if (!listener) return null;
  return listener.executable ?? listener.name;
}

/** The remembered decision for this server, app and permission set, if any. */
export async function findRememberedDecision(
  vault: Vault,
  serverId: string,
  request: DelegationRequest,
): Promise<DelegationDecision | null> {
  if (!request.applicationIdentifier) return null;
  const { delegations } = await vault.metadata();
  return (
    delegations.find(
      (d) =>
        d.serverId === serverId &&
        d.applicationIdentifier === request.applicationIdentifier &&
        sameSet(d.permissions, request.permissions),
    ) ?? null
  );
}

/**
 * Whether a remembered allow may answer without asking: when a program was
 * remembered, the same one must listen on the callback now. A decision made
 * while the OS could not tell matches on server, app and permissions alone.
 */
export function sameCallbackProgram(
  decision: DelegationDecision,
  listener: ListeningProcess | null,
): boolean {
  if (decision.callbackProgram === null) return true;
  return callbackProgramOf(listener) === decision.callbackProgram;
}

/** Remembers a decision, replacing an older one for the same request. */
export async function rememberDecision(
  vault: Vault,
  input: {
    serverId: string;
    request: DelegationRequest;
    decision: 'allow' | 'deny';
    keyId: string | null;
    /** Who listened on the callback when the user decided. */
    listener: ListeningProcess | null;
  },
): Promise<DelegationDecision | null> {
  const { request } = input;
  if (!request.applicationIdentifier) return null;
  const identifier = request.applicationIdentifier;
  const decision: DelegationDecision = {
    id: `d_${randomBytes(8).toString('hex')}`,
    serverId: input.serverId,
    applicationIdentifier: identifier,
    applicationName: request.applicationName,
    permissions: permissionSetKey(request.permissions),
    decision: input.decision,
    keyId: input.keyId,
    callbackProgram: callbackProgramOf(input.listener),
    createdAt: new Date().toISOString(),
    lastUsedAt: null,
  };
  await vault.update((draft) => {
    draft.delegations = draft.delegations.filter(
      (d) =>
        !(
          d.serverId === decision.serverId &&
          d.applicationIdentifier === identifier &&
          sameSet(d.permissions, decision.permissions)
        ),
    );
    draft.delegations.push(decision);
  });
  await vault.log({
    action: 'delegation.remembered',
    serverId: input.serverId,
    ...(input.keyId ? { keyId: input.keyId } : {}),
    details: { decision: input.decision, applicationIdentifier: identifier },
  });
  return decision;
}

/** Notes that a remembered decision answered a request just now. */
export async function touchDecision(vault: Vault, id: string): Promise<void> {
  await vault.update((draft) => {
    const found = draft.delegations.find((d) => d.id === id);
    if (found) found.lastUsedAt = new Date().toISOString();
  });
}

/** Every remembered decision, newest first. */
export async function listDecisions(
  vault: Vault,
): Promise<DelegationDecision[]> {
  const { delegations } = await vault.metadata();
  return [...delegations].sort((a, b) =>
    b.createdAt.localeCompare(a.createdAt),
  );
}

/**
 * Forgets a decision. Its key, if any, stays until the caller revokes it:
 * revoking on the server is offered separately, since it needs the network.
 */
export async function forgetDecision(
  vault: Vault,
  id: string,
): Promise<DelegationDecision | null> {
  const removed = await vault.update((draft) => {
    const index = draft.delegations.findIndex((d) => d.id === id);
    if (index === -1) return null;
    const [decision] = draft.delegations.splice(index, 1);
    return decision ?? null;
  });
  if (removed) {
    await vault.log({
      action: 'delegation.forgotten',
      serverId: removed.serverId,
      ...(removed.keyId ? { keyId: removed.keyId } : {}),
      details: { applicationIdentifier: removed.applicationIdentifier },
    });
  }
  return removed;
}
