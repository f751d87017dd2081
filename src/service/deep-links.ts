import type { ContractHandlers } from '../contract';
import { fail, ok } from '../contract';
import { deliverToRequester } from '../delegation/deliver';
import {
  handleDelegation,
  refreshConsent,
  type ConsentAnswer,
  type ConsentView,
  type DelegationOutcome,
} from '../delegation/handle';
import { parseDeepLink, type LinkRefusal } from '../delegation/link';
import { approvalProblem } from '../delegation/obtain';
import { DelegationQueue, type QueuedRequest } from '../delegation/queue';
import type { ServiceContext } from './context';
import {
  consentAnswerFrom,
  consentRequestView,
  refusedLinkView,
  type RefusedLink,
} from './deep-link-views';
import { delegationHandlers } from './delegations';

/**
 * Deep-link requests from other apps. The delegation core parses them, gets
 * the key and delivers it; this desk queues them (one on screen at a time)
 * and turns the consent step into `pendingDeepLink` / `answerDeepLink`.
 */

type DeepLinkHandlers = Pick<
  ContractHandlers,
  'pendingDeepLink' | 'answerDeepLink' | 'listDelegations' | 'revokeDelegation'
>;

type AnswerRequest = Parameters<DeepLinkHandlers['answerDeepLink']>[0];

/** The request being handled: its consent step and its eventual outcome. */
interface Handling {
  queued: QueuedRequest;
  consent: ConsentView | null;
  decide: ((answer: ConsentAnswer) => void) | null;
  outcome: Promise<DelegationOutcome>;
  /** What the browser flow warned about, beyond the link's own warnings. */
  flowWarnings: string[];
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

/** Why the dialog's answer cannot be carried out, or null when it can. */
function answerProblem(view: ConsentView, given: ConsentAnswer): string | null {
  if (!given.approve) return null;
  if (!view.methods.includes(given.method)) {
    return 'That way of getting the key is not open for this request.';
  }
  return approvalProblem(view.request, given);
}

const alreadyAnswered = () =>
  fail('not-found', 'This request was already answered.', 'Nothing to do.');

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
      flowWarnings: [],
    };
    handling = entry;
    entry.outcome = run(entry);
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

  function run(entry: Handling): Promise<DelegationOutcome> {
    const { request } = entry.queued;
    const linkCodes = new Set<string>(request.warnings.map((w) => w.code));
    return handleDelegation({
      vault: context.vault,
      request,
      consent: (view) =>
        new Promise<ConsentAnswer>((resolve) => {
          entry.consent = view;
          entry.decide = resolve;
          notify();
        }),
      authorize: {
        openBrowser: async (url) => {
          // Main's gate opens only authorize pages on the link's own server.
          await context.openBrowser(url, { serverUrl: request.server });
          return true;
        },
        onWarnings: (warnings) => {
          entry.flowWarnings = warnings
            .filter((w) => !linkCodes.has(w.code))
            .map((w) => w.message);
        },
      },
      ...(context.clientFor ? { clientFactory: context.clientFor } : {}),
      logger: context.logger,
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
      void tellRefusal(parsed.refusal);
    } else if (!queue.enqueue(parsed.request)) {
      return;
    }
    notify();
    handleNext();
  }

  /** The app hears why at once; the merchant reads it when they look. */
  async function tellRefusal(refusal: LinkRefusal): Promise<void> {
    if (!refusal.redirect) return;
    const delivery = await deliverToRequester(refusal.redirect, {
      kind: 'error',
      error: 'invalid_request',
      description: refusal.message,
      state: refusal.state,
    });
    context.logger.info(
      { rule: refusal.rule, delivered: delivery.delivered },
      'told the app its deep link was refused',
    );
  }

  /** The view on screen, re-read: the merchant may have added the server. */
  async function currentView(entry: Handling): Promise<ConsentView | null> {
    if (!entry.consent || !entry.decide) return null;
    entry.consent = await refreshConsent(context.vault, entry.consent);
    return entry.consent;
  }

  async function answerConsent(entry: Handling, given: AnswerRequest) {
    const view = await currentView(entry);
    if (!view || !entry.decide) return alreadyAnswered();
    const consent = consentAnswerFrom(view, given);
    const problem = answerProblem(view, consent);
    if (problem) {
      return fail(
        'invalid-input',
        problem,
        'Change your choice and try again.',
      );
    }
    const decide = entry.decide;
    entry.decide = null;
    decide(consent);
    const outcome = await entry.outcome;
    if (outcome.status === 'failed') {
      return fail('refused', outcome.message, outcome.nextStep);
    }
    const app = entry.queued.request.applicationName ?? 'the app';
    const notes = entry.flowWarnings.map((w) => ` Note: ${w}`).join('');
    return ok({ message: `${outcomeMessage(outcome, app)}${notes}` });
  }

  const handlers: DeepLinkHandlers = {
    pendingDeepLink: async () => {
      const first = refused[0];
      const view = !first && handling ? await currentView(handling) : null;
      const request = first
        ? refusedLinkView(first)
        : handling && view
          ? consentRequestView(handling.queued, view)
          : null;
      const waiting = refused.length + queue.list().length;
      return ok({ request, queued: Math.max(0, waiting - 1) });
    },
    answerDeepLink: async (given) => {
      const refusedIndex = refused.findIndex((r) => r.id === given.requestId);
      if (refusedIndex !== -1) {
        refused.splice(refusedIndex, 1);
        notify();
        return ok({ message: 'The refused request was dismissed.' });
      }
      const entry = handling;
      if (!entry || entry.queued.id !== given.requestId) {
        return alreadyAnswered();
      }
      return answerConsent(entry, given);
    },
    ...delegationHandlers(context),
  };
  return { handlers, enqueue };
}
