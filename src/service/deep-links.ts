import type {
  ContractHandlers,
  DeepLinkRequestView,
  DelegationView,
} from '../contract';
import { fail, ok } from '../contract';
import { deliverToRequester } from '../delegation/deliver';
import {
  handleDelegation,
  type ConsentAnswer,
  type ConsentView,
  type DelegationOutcome,
} from '../delegation/handle';
import { parseDeepLink, type LinkRefusal } from '../delegation/link';
import { DelegationQueue, type QueuedRequest } from '../delegation/queue';
import { revokeKey } from '../keys/revoke';
import type { ServiceContext } from './context';
import { answer } from './failures';
import { permissionLines } from './permission-words';

/**
 * Deep-link requests from other apps. The delegation core parses them, gets
 * the key and delivers it; this desk queues them (one on screen at a time)
 * and turns the consent step into `pendingDeepLink` / `answerDeepLink`.
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

/** The request being handled: its consent step and its eventual outcome. */
interface Handling {
  queued: QueuedRequest;
  consent: ConsentView | null;
  decide: ((answer: ConsentAnswer) => void) | null;
  outcome: Promise<DelegationOutcome>;
}

/** The deep-link desk: the queue plus the operations that answer it. */
export interface DeepLinkDesk {
  handlers: DeepLinkHandlers;
  /** Takes a raw `btcpay-keys:` URL from the OS. */
  enqueue: (url: string) => void;
}

/** Words for how a request ended. */
function outcomeMessage(outcome: DelegationOutcome, app: string): string {
  switch (outcome.status) {
    case 'delivered':
      return `The key was delivered to ${app}.`;
    case 'undelivered':
      return `The key is stored here but could not be delivered: ${
        outcome.delivery && !outcome.delivery.delivered
          ? outcome.delivery.reason
          : 'the app did not answer'
      }`;
    case 'stored':
      return `Stored "${outcome.key.label}". Copy it from the key list for ${app}.`;
    case 'denied':
      return outcome.byRememberedDecision
        ? `${app} was refused, as you asked to remember.`
        : 'The request was denied and the app was told.';
    case 'failed':
      return `${outcome.message} ${outcome.nextStep}`;
  }
}

/** The approval to give the core: the preferred way that needs no password. */
function approval(
  consent: ConsentView,
  remember: boolean,
  storeId: string | null,
): ConsentAnswer {
  const method =
    consent.methods.find((m) => m !== 'basic') ?? consent.methods[0];
  return {
    approve: true,
    remember,
    method: method ?? 'authorize',
    ...(storeId ? { stores: [storeId] } : {}),
  };
}

/** Builds the desk for one service. */
export function deepLinkDesk(context: ServiceContext): DeepLinkDesk {
  const queue = new DelegationQueue(context.now);
  const refused: RefusedLink[] = [];
  let refusedCount = 0;
  let handling: Handling | null = null;

  const notify = () =>
    context.emit({
      type: 'deepLink',
      pending: refused.length + queue.list().length,
    });

  function handleNext(): void {
    const current = queue.current;
    if (!current || handling) return;
    const entry: Handling = {
      queued: current,
      consent: null,
      decide: null,
      outcome: Promise.resolve(null as never),
    };
    handling = entry;
    entry.outcome = handleDelegation({
      vault: context.vault,
      request: current.request,
      consent: (view) =>
        new Promise<ConsentAnswer>((resolve) => {
          entry.consent = view;
          entry.decide = resolve;
          notify();
        }),
      authorize: {
        openBrowser: async (url) => {
          await context.openBrowser(url);
          return true;
        },
      },
      ...(context.clientFor ? { clientFactory: context.clientFor } : {}),
      logger: context.logger,
    });
    void entry.outcome
      .catch((error: unknown) => {
        context.logger.error({ error: String(error) }, 'deep link failed');
      })
      .finally(() => {
        queue.settle(current.id);
        handling = null;
        context.emit({ type: 'inventoryChanged' });
        notify();
        handleNext();
      });
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
    } else if (!queue.enqueue(parsed.request)) {
      return;
    }
    notify();
    handleNext();
  }

  function refusedView(first: RefusedLink): DeepLinkRequestView {
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

  function consentView(entry: Handling): DeepLinkRequestView | null {
    const view = entry.consent;
    if (!view || !entry.decide) return null;
    const { request } = view;
    return {
      id: entry.queued.id,
      receivedAt: entry.queued.receivedAt,
      serverUrl: request.server,
      serverId: view.server?.id ?? null,
      applicationName: request.applicationName,
      applicationIdentifier: request.applicationIdentifier,
      callbackPort: request.redirect?.port ?? null,
      callbackProcess: view.listener?.name ?? null,
      permissions: permissionLines(request.permissions, null),
      selectiveStores: request.selectiveStores,
      refusal: null,
    };
  }

  async function dismissRefused(index: number) {
    const [dismissed] = refused.splice(index, 1);
    if (dismissed?.refusal.redirect) {
      await deliverToRequester(dismissed.refusal.redirect, {
        kind: 'error',
        error: 'invalid_request',
        description: dismissed.refusal.message,
        state: dismissed.refusal.state,
      });
    }
    notify();
    return ok({ message: 'The refused request was dismissed.' });
  }

  const handlers: DeepLinkHandlers = {
    pendingDeepLink: async () => {
      const first = refused[0];
      const request = first
        ? refusedView(first)
        : handling
          ? consentView(handling)
          : null;
      const waiting = refused.length + queue.list().length;
      return ok({ request, queued: Math.max(0, waiting - 1) });
    },
    answerDeepLink: async ({ requestId, decision, remember, storeId }) => {
      const refusedIndex = refused.findIndex((r) => r.id === requestId);
      if (refusedIndex !== -1) return dismissRefused(refusedIndex);
      const entry = handling;
      if (!entry || entry.queued.id !== requestId || !entry.consent) {
        return fail(
          'not-found',
          'This request was already answered.',
          'Nothing to do.',
        );
      }
      const decide = entry.decide;
      entry.decide = null;
      decide?.(
        decision === 'deny'
          ? { approve: false, remember }
          : approval(entry.consent, remember, storeId),
      );
      const outcome = await entry.outcome;
      const app = entry.queued.request.applicationName ?? 'the app';
      if (outcome.status === 'failed') {
        return fail('refused', outcome.message, outcome.nextStep);
      }
      return ok({ message: outcomeMessage(outcome, app) });
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
