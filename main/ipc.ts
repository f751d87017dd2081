import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import {
  EVENT_CHANNEL,
  OPERATION_NAMES,
  channelOf,
  type AppEvent,
  type ContractHandlers,
} from '../src/contract';
import { dispatchOperation } from '../src/service/dispatch';
import type { Logger } from '../src/log/logger';
import { isTrustedSender } from './security';

/**
 * The only place main touches raw IPC: one handler per contract operation,
 * each checking its sender before the payload is parsed and the core called.
 */

function isFromOurWindow(
  event: IpcMainInvokeEvent,
  window: BrowserWindow | null,
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

/** Registers every operation of the contract against the core's handlers. */
export function registerContractHandlers(
  handlers: ContractHandlers,
  getWindow: () => BrowserWindow | null,
  logger: Logger,
): void {
  for (const name of OPERATION_NAMES) {
    ipcMain.handle(channelOf(name), (event, payload: unknown) => {
      if (!isFromOurWindow(event, getWindow())) {
        logger.warn({ operation: name }, 'refused IPC from an unknown sender');
        throw new Error('Refused: the request did not come from the app.');
      }
      return dispatchOperation(handlers, name, payload);
    });
  }
}

/** Pushes an event (progress, deep link) to the window if it is open. */
export function sendAppEvent(window: BrowserWindow | null, event: AppEvent) {
  if (window && !window.isDestroyed()) {
    window.webContents.send(EVENT_CHANNEL, event);
  }
}
