import type {
  ContractHandlers,
  DeepLinkRequestView,
  DelegationView,
} from '../contract';
import { fail, ok } from '../contract';
import type { DeliveryPayload } from '../delegation/deliver';
import { deliverToRequester } from '../delegation/deliver';
import { parseDeepLink, type LinkRefusal } from '../delegation/link';
import { findListeningProcess } from '../delegation/listener-process';
import { DelegationQueue, type QueuedRequest } from '../delegation/queue';
import type { LoopbackRedirect } from '../delegation/redirect';
import { revokeKey } from '../keys/revoke';
import type { ServiceContext } from './context';
import { answer } from './failures';
import { approveDelegation, rememberDecision } from './delegate';
import type { FlowStart, StartedFlow } from './authorize';
import { permissionLines } from './permission-words';

/**
 * Deep-link requests from other apps: parsed and checked by the delegation
 * core, queued one on screen at a time, answered by the user.
 */

type DeepLinkHandlers = Pick<
  ContractHandlers,
  'pendingDeepLink' | 'answerDeepLink' | 'listDelegations' | 'revokeDelegation'
>;

interface RefusedLink {
  id: string;
  receivedAt: string;
  refusal: LinkRefusal;
}

/** The deep-link desk: the queue plus the operations that answer it. */
export interface DeepLinkDesk {
  handlers: DeepLinkHandlers;
  /** Takes a raw `btcpay-keys:` URL from the OS. */
  enqueue: (url: string) => void;
}

async function errorReply(
  redirect: LoopbackRedirect | null,
  payload: Extract<DeliveryPayload, { kind: 'error' }>,
): Promise<void> {
  if (redirect) await deliverToRequester(redirect, payload);
}

/** Builds the desk around a queue and the authorize flow starter. */
export function deepLinkDesk(
  context: ServiceContext,
  startFlow: (request: FlowStart) => Promise<StartedFlow>,
): DeepLinkDesk {
  const queue = new DelegationQueue(context.now);
  const refused: RefusedLink[] = [];
  const processes = new Map<string, string | null>();
  let refusedCount = 0;

  const notify = () =>
    context.emit({
      type: 'deepLink',
      pending: refused.length + queue.list().length,
    });

  function lookUpProcess(queued: QueuedRequest): void {
    const port = queued.request.redirect?.port;
    if (port === undefined) return;
    void findListeningProcess(port)
      .then((found) => processes.set(queued.id, found ? found.name : null))
      .catch(() => processes.set(queued.id, null))
      .finally(notify);
  }

  function enqueue(url: string): void {
    const parsed = parseDeepLink(url);
    if (!parsed.ok) {
      refusedCount += 1;
      refused.push({
        id: `refused-${refusedCount}`,
        receivedAt: context.now().toISOString(),
        refusal: parsed.refusal,
      });
      context.logger.warn({ rule: parsed.refusal.rule }, 'refused a deep link');
    } else {
      const queued = queue.enqueue(parsed.request);
      if (!queued) return;
      lookUpProcess(queued);
    }
    notify();
  }

  async function currentView(): Promise<DeepLinkRequestView | null> {
    const first = refused[0];
    if (first) {
      return {
        id: first.id,
        receivedAt: first.receivedAt,
        serverUrl: '',
        serverId: null,
        applicationName: null,
        applicationIdentifier: null,
        callbackPort: first.refusal.redirect?.port ?? null,
        callbackProcess: null,
        permissions: [],
        selectiveStores: false,
        refusal: first.refusal.message,
      };
    }
    const current = queue.current;
    if (!current) return null;
    const { request } = current;
    const server = await context.vault.findServer(request.server);
    return {
      id: current.id,
      receivedAt: current.receivedAt,
      serverUrl: request.server,
      serverId: server?.id ?? null,
      applicationName: request.applicationName,
      applicationIdentifier: request.applicationIdentifier,
      callbackPort: request.redirect?.port ?? null,
      callbackProcess: processes.get(current.id) ?? null,
      permissions: permissionLines(request.permissions, null),
      selectiveStores: request.selectiveStores,
      refusal: null,
    };
  }

  const handlers: DeepLinkHandlers = {
    pendingDeepLink: () =>
      answer(async () => ({
        request: await currentView(),
        queued: Math.max(0, refused.length + queue.list().length - 1),
      })),
    answerDeepLink: async ({ requestId, decision, remember, storeId }) => {
      const refusedIndex = refused.findIndex((r) => r.id === requestId);
      if (refusedIndex !== -1) {
        const [dismissed] = refused.splice(refusedIndex, 1);
        if (dismissed) {
          await errorReply(dismissed.refusal.redirect, {
            kind: 'error',
            error: 'invalid_request',
            description: dismissed.refusal.message,
            state: dismissed.refusal.state,
          });
        }
        notify();
        return ok({ message: 'The refused request was dismissed.' });
      }
      const queued = queue.list().find((q) => q.id === requestId);
      if (!queued) {
        return fail(
          'not-found',
          'This request was already answered.',
          'Nothing to do.',
        );
      }
      const result = await answer(() =>
        decision === 'deny'
          ? denyDelegation(context, queued, remember)
          : approveDelegation(context, startFlow, queued, {
              remember,
              storeId,
            }),
      );
      // A failed approval stays on screen so the user can retry or deny.
      if (result.ok || decision === 'deny') queue.settle(requestId);
      processes.delete(requestId);
      notify();
      return result;
    },
    listDelegations: () =>
      answer(async () => {
        const metadata = await context.vault.metadata();
        return metadata.delegations.map((d): DelegationView => ({
          ...d,
          serverName:
            metadata.servers.find((s) => s.id === d.serverId)?.name ??
            'Unknown server',
        }));
      }),
    revokeDelegation: ({ id, revokeKey: alsoRevokeKey }) =>
      answer(async () => {
        const removed = await context.vault.update((draft) => {
          const index = draft.delegations.findIndex((d) => d.id === id);
          return index === -1 ? null : draft.delegations.splice(index, 1)[0];
        });
        if (!removed) return {};
        await context.vault.log({
          action: 'delegation.forgotten',
          serverId: removed.serverId,
        });
        if (alsoRevokeKey && removed.keyId) {
          const options = context.clientFor
            ? { clientFor: context.clientFor }
            : {};
          await revokeKey(context.vault, removed.keyId, options);
        }
        context.emit({ type: 'inventoryChanged' });
        return {};
      }),
  };
  return { handlers, enqueue };
}

async function denyDelegation(
  context: ServiceContext,
  queued: QueuedRequest,
  remember: boolean,
): Promise<{ message: string }> {
  const { request } = queued;
  await errorReply(request.redirect, {
    kind: 'error',
    error: 'access_denied',
    description: 'The user denied the request.',
    state: request.state,
  });
  if (remember) {
    await rememberDecision(context, request, 'deny', null);
  }
  return { message: 'The request was denied and the app was told.' };
}
