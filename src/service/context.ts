import { CLIPBOARD_CLEAR_SECONDS, type AppEvent } from '../contract';
import type { ClientFactory } from '../keys/clients';
import type { Logger } from '../log/logger';
import type { Vault } from '../vault';

/**
 * What the service needs from its host. Electron's main process supplies the
 * system browser and clipboard; the end-to-end tests supply their own.
 */
export interface ServiceDeps {
  vault: Vault;
  logger: Logger;
  /** Pushes progress and notices to the UI. */
  emit: (event: AppEvent) => void;
  /**
   * Opens a BTCPay authorize URL in the system browser; `flow` names the
   * server the flow started with, so the host can check the URL is on it.
   */
  openBrowser: (url: string, flow?: { serverUrl: string }) => Promise<void>;
  clipboard: {
    write: (text: string) => void | Promise<void>;
    read: () => string | Promise<string>;
  };
  /** Swaps the Greenfield client (tests); defaults to the real one. */
  clientFor?: ClientFactory;
  /** How long a copied key stays on the clipboard (default 30 s). */
  clipboardClearMs?: number;
  now?: () => Date;
}

/** The deps with defaults filled in, shared by every handler module. */
export type ServiceContext = Required<Omit<ServiceDeps, 'clientFor'>> & {
  clientFor: ClientFactory | undefined;
};

/** Fills in the defaults of the optional deps. */
export function serviceContext(deps: ServiceDeps): ServiceContext {
  return {
    ...deps,
    clientFor: deps.clientFor,
    clipboardClearMs: deps.clipboardClearMs ?? CLIPBOARD_CLEAR_SECONDS * 1000,
    now: deps.now ?? (() => new Date()),
  };
}
