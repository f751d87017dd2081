import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import {
  EVENT_CHANNEL,
  type AppEvent,
  type ContractHandlers,
  type OperationName,
} from '../src/contract';
import { checkAppEvent, dispatchOperation } from '../src/service/dispatch';
import type { Logger } from '../src/log/logger';
import { isTrustedSender } from './security';

/**
 * The checks on both directions of the IPC boundary, free of Electron values
 * so tests call them with fake windows and events: who may call an
 * operation, and what main may push to the page.
 */

/** The parts of an IPC invoke event the sender check reads. */
export type InvokeEvent = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;

/** The parts of the window the checks read. */
export type AppWindow = Pick<BrowserWindow, 'isDestroyed' | 'webContents'>;

/**
 * True when the call comes from the top frame of our own window while it
 * shows the app: not a subframe, not another window, not a page it was
 * navigated to.
 */
export function isFromOurWindow(
  event: InvokeEvent,
  window: AppWindow | null,
): boolean {
  const frame = event.senderFrame;
  if (!window || window.isDestroyed() || !frame) return false;
  const main = window.webContents.mainFrame;
  const isOurMainFrame =
    event.sender.id === window.webContents.id &&
    frame.processId === main.processId &&
    frame.routingId === main.routingId;
  return isTrustedSender({ frameUrl: frame.url, isOurMainFrame });
}

/**
 * The `ipcMain.handle` listener of one operation: refuses unknown senders
 * before anything is parsed, then parses the payload and calls the core.
 */
export function contractListener(
  name: OperationName,
  handlers: ContractHandlers,
  getWindow: () => AppWindow | null,
  logger: Logger,
): (event: InvokeEvent, payload: unknown) => Promise<unknown> {
  return async (event, payload) => {
    if (!isFromOurWindow(event, getWindow())) {
      logger.warn({ operation: name }, 'refused IPC from an unknown sender');
      throw new Error('Refused: the request did not come from the app.');
    }
    return dispatchOperation(handlers, name, payload);
  };
}

/**
 * Pushes an event (progress, deep link) to the window if it is open. The
 * event is parsed with the contract's schema first, so only fields the
 * contract names reach the page; a malformed one is logged and dropped.
 * Returns whether it was sent.
 */
export function sendAppEvent(
  window: AppWindow | null,
  event: AppEvent,
  logger: Logger,
): boolean {
  const checked = checkAppEvent(event);
  if (checked === null) {
    logger.error(
      { eventType: (event as { type?: unknown }).type },
      'dropped an event that breaks the contract',
    );
    return false;
  }
  if (!window || window.isDestroyed()) return false;
  window.webContents.send(EVENT_CHANNEL, checked);
  return true;
}
