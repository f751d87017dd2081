import type { DeepLinkRequestView } from '../contract';
import type { ConsentAnswer, ConsentView } from '../delegation/handle';
import type { LinkRefusal } from '../delegation/link';
import type { QueuedRequest } from '../delegation/queue';
import { permissionLines } from './permission-words';

/**
 * The deep-link request as the consent dialog sees it, and the dialog's
 * answer as the delegation core takes it. The reusable key travels as its
 * id, label and fingerprint only, never its secret.
 */

/** A refused link waiting for the merchant to read why. */
export interface RefusedLink {
  id: string;
  receivedAt: string;
  refusal: LinkRefusal;
}

/** The view of a refused link: only the reason and where the app listens. */
export function refusedLinkView(refused: RefusedLink): DeepLinkRequestView {
  return {
    id: refused.id,
    receivedAt: refused.receivedAt,
    serverUrl: '',
    serverId: null,
    applicationName: null,
    applicationIdentifier: null,
    callbackPort: refused.refusal.redirect?.port ?? null,
    callbackProcess: null,
    callbackExecutable: null,
    permissions: [],
    selectiveStores: false,
    needsStore: false,
    warnings: [],
    reusableKey: null,
    methods: [],
    defaultMethod: 'authorize',
    rememberedMismatch: null,
    refusal: refused.refusal.message,
  };
}

/** The view of a request waiting for consent. */
export function consentRequestView(
  queued: QueuedRequest,
  view: ConsentView,
): DeepLinkRequestView {
  const { request, reusableKey } = view;
  return {
    id: queued.id,
    receivedAt: queued.receivedAt,
    serverUrl: request.server,
    serverId: view.server?.id ?? null,
    applicationName: request.applicationName,
    applicationIdentifier: request.applicationIdentifier,
    callbackPort: request.redirect?.port ?? null,
    callbackProcess: view.listener?.name ?? null,
    callbackExecutable: view.listener?.executable ?? null,
    permissions: permissionLines(request.permissions, null),
    selectiveStores: request.selectiveStores,
    needsStore: view.needsStore,
    warnings: request.warnings.map((w) => w.message),
    reusableKey: reusableKey
      ? {
          id: reusableKey.id,
          label: reusableKey.label,
          fingerprint: reusableKey.fingerprint,
        }
      : null,
    methods: view.methods,
    defaultMethod: view.defaultMethod,
    rememberedMismatch: view.rememberedMismatch,
    refusal: null,
  };
}

/** What the dialog sent, for the core: the view's default way when none. */
export function consentAnswerFrom(
  view: ConsentView,
  answer: {
    decision: 'approve' | 'deny';
    remember: boolean;
    storeId: string | null;
    method?: ConsentView['defaultMethod'];
    basic?: { email: string; password: string };
  },
): ConsentAnswer {
  if (answer.decision === 'deny') {
    return { approve: false, remember: answer.remember };
  }
  return {
    approve: true,
    remember: answer.remember,
    method: answer.method ?? view.defaultMethod,
    ...(answer.storeId ? { stores: [answer.storeId] } : {}),
    ...(answer.basic ? { basic: answer.basic } : {}),
  };
}
