import { randomUUID } from 'node:crypto';
import type {
  AppEvent,
  ContractHandlers,
  Failure,
  ResponseOf,
} from '../contract';
import { fail, ok } from '../contract';
import { runAuthorizeFlow, type AuthorizeFlowResult } from '../authorize/flow';
import { requireServer } from '../keys/lookup';
import type { ServiceContext } from './context';
import { failureOf } from './failures';
import { keyView, serversById } from './views';

/**
 * Browser authorize flows started from the UI: one loopback receiver each,
 * progress pushed as `authorize` events, cancellable by id.
 */

type AuthorizeHandlers = Pick<
  ContractHandlers,
  'startAuthorize' | 'cancelAuthorize' | 'connectManager'
>;

/** A started flow: the answer for the UI and the flow's eventual result. */
export interface StartedFlow {
  answer: ResponseOf<'startAuthorize'>;
  /** Null when the flow never started. */
  settled: Promise<AuthorizeFlowResult | null> | null;
}

/** What a flow asks BTCPay for. */
export interface FlowStart {
  serverId: string;
  label: string;
  permissions: string[];
  strict: boolean;
  selectiveStores: boolean;
  manager: boolean;
}

const STAGE_MESSAGES = {
  waiting: 'Waiting for you to approve the request in your browser.',
  verifying: 'The key arrived. Checking it with your BTCPay server.',
} as const;

function difference(from: string[], without: string[]): string[] {
  const excluded = new Set(without);
  return from.filter((permission) => !excluded.has(permission));
}

/** Builds the event that ends a flow, from the flow's result. */
async function finalEvent(
  context: ServiceContext,
  flowId: string,
  result: AuthorizeFlowResult,
): Promise<AppEvent> {
  if (result.outcome !== 'stored') {
    const stage =
      result.outcome === 'timeout' || result.outcome === 'cancelled'
        ? result.outcome
        : 'failed';
    const message = `${result.message} ${result.nextStep}`;
    return { type: 'authorize', flowId, stage, message, outcome: null };
  }
  const metadata = await context.vault.metadata();
  return {
    type: 'authorize',
    flowId,
    stage: 'done',
    message: `Stored "${result.key.label}" with the permissions BTCPay granted.`,
    outcome: {
      key: keyView(result.key, serversById(metadata.servers)),
      requested: result.requested,
      granted: result.granted,
      missing: difference(result.requested, result.granted),
      extra: difference(result.granted, result.requested),
      olderKeyIds: result.supersededKeys.map((key) => key.id),
    },
  };
}

/** The authorize screen's operations. */
export function authorizeHandlers(context: ServiceContext): {
  handlers: AuthorizeHandlers;
  cancelAll: () => void;
} {
  const flows = new Map<string, AbortController>();

  async function startFlow(request: FlowStart): Promise<StartedFlow> {
    let server;
    try {
      server = await requireServer(context.vault, request.serverId);
    } catch (error) {
      const failure = failureOf(error);
      if (!failure) throw error;
      return { answer: { ok: false, error: failure }, settled: null };
    }
    const settings = (await context.vault.metadata()).settings;
    const timeoutMs = settings.authorizeTimeoutSeconds * 1000;
    const flowId = randomUUID();
    const controller = new AbortController();
    flows.set(flowId, controller);

    let announce: (url: string | null) => void = () => undefined;
    const urlKnown = new Promise<string | null>((resolve) => {
      announce = resolve;
    });
    const flow = runAuthorizeFlow({
      vault: context.vault,
      serverUrl: server.baseUrl,
      request: {
        applicationName: request.label,
        permissions: request.permissions,
        strict: request.strict,
        selectiveStores: request.selectiveStores,
      },
      manager: request.manager,
      openBrowser: async (url) => {
        await context.openBrowser(url, { serverUrl: server.baseUrl });
        return true;
      },
      onAuthorizeUrl: (url) => announce(url),
      onProgress: (stage) =>
        context.emit({
          type: 'authorize',
          flowId,
          stage,
          message: STAGE_MESSAGES[stage],
          outcome: null,
        }),
      timeoutMs,
      signal: controller.signal,
      ...(context.clientFor ? { clientFactory: context.clientFor } : {}),
      logger: context.logger,
    });

    const settled = flow.then(
      async (result) => {
        context.emit(await finalEvent(context, flowId, result));
        if (result.outcome === 'stored') {
          context.emit({ type: 'inventoryChanged' });
        }
        return result;
      },
      (error: unknown) => {
        context.logger.error(
          { flowId, error: String(error) },
          'authorize flow failed',
        );
        const failure: Failure = failureOf(error) ?? {
          kind: 'internal',
          message: 'The authorize flow stopped unexpectedly.',
          nextStep: 'Try again; if it keeps failing, report it as a bug.',
        };
        context.emit({
          type: 'authorize',
          flowId,
          stage: 'failed',
          message: `${failure.message} ${failure.nextStep}`,
          outcome: null,
        });
        return null;
      },
    );
    void settled.finally(() => {
      flows.delete(flowId);
      announce(null);
    });

    const authorizeUrl = await urlKnown;
    if (authorizeUrl === null) {
      const result = await settled;
      const answer =
        result && result.outcome !== 'stored'
          ? fail(result.kind, result.message, result.nextStep)
          : fail(
              'internal',
              'The authorize flow ended before it began.',
              'Try again.',
            );
      return { answer, settled };
    }
    const answer = ok({
      flowId,
      authorizeUrl,
      expiresAt: new Date(context.now().getTime() + timeoutMs).toISOString(),
    });
    return { answer, settled };
  }

  const start = async (request: FlowStart) => (await startFlow(request)).answer;

  const handlers: AuthorizeHandlers = {
    startAuthorize: (request) => start({ ...request, manager: false }),
    connectManager: ({ serverId }) =>
      start({
        serverId,
        label: 'BTCPay Key Manager',
        permissions: ['unrestricted'],
        strict: true,
        selectiveStores: false,
        manager: true,
      }),
    cancelAuthorize: async ({ flowId }) => {
      const controller = flows.get(flowId);
      if (!controller) {
        return fail(
          'not-found',
          'This authorize request already ended.',
          'Nothing to cancel.',
        );
      }
      controller.abort();
      return ok({});
    },
  };
  return {
    handlers,
    cancelAll: () => flows.forEach((controller) => controller.abort()),
  };
}
