import type { ContractHandlers } from '../contract';
import { ok } from '../contract';
import { permissionModelForServer } from '../permissions/server-model';
import { authorizeHandlers } from './authorize';
import { auditHandlers } from './audit';
import { ClipboardGuard } from './clipboard';
import { serviceContext, type ServiceDeps } from './context';
import { deepLinkDesk } from './deep-links';
import { answer } from './failures';
import { keyHandlers } from './keys';
import { logAndSettingsHandlers } from './log-and-settings';
import { permissionLines, policyViews, presetViews } from './permission-words';
import { serverHandlers, type StoreNameCache } from './servers';

/**
 * The core side of the UI contract: one handler per operation, built on the
 * vault and the key, authorize, audit and delegation modules. Electron's IPC
 * and the end-to-end test transport both call these handlers, so the app's
 * behaviour is testable without Electron.
 */

export type { ServiceDeps } from './context';
export { checkAppEvent, dispatchOperation, isOperationName } from './dispatch';

/** A running service: its handlers plus what the host feeds it. */
export interface KeyManagerService {
  handlers: ContractHandlers;
  /** Queues a `btcpay-keys:` link the OS handed to the app. */
  enqueueDeepLink: (url: string) => void;
  /**
   * Cancels running flows and clears a copied key still on the clipboard;
   * the host awaits it before the app exits.
   */
  close: () => Promise<void>;
}

/** Builds the service for one vault. */
export function createKeyManagerService(deps: ServiceDeps): KeyManagerService {
  const context = serviceContext(deps);
  const storeNames: StoreNameCache = new Map();
  const clipboard = new ClipboardGuard(context);
  const authorize = authorizeHandlers(context);
  const desk = deepLinkDesk(context);

  const handlers: ContractHandlers = {
    ...serverHandlers(context, storeNames),
    ...keyHandlers(context, storeNames, clipboard),
    ...authorize.handlers,
    ...auditHandlers(context),
    ...logAndSettingsHandlers(context),
    ...desk.handlers,
    permissionCatalogue: async () =>
      ok({ policies: policyViews(), presets: presetViews() }),
    describePermissions: ({ serverId, permissions }) =>
      answer(async () =>
        permissionLines(
          permissions,
          null,
          serverId ? storeNames.get(serverId) : undefined,
          permissionModelForServer(
            serverId ? await context.vault.findServer(serverId) : null,
          ),
        ),
      ),
  };

  return {
    handlers,
    enqueueDeepLink: desk.enqueue,
    close: async () => {
      authorize.cancelAll();
      await clipboard.close();
    },
  };
}
