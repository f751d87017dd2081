import { ipcMain } from 'electron';
import {
  OPERATION_NAMES,
  channelOf,
  type ContractHandlers,
} from '../src/contract';
import type { Logger } from '../src/log/logger';
import { contractListener, type AppWindow } from './ipc-guard';

/**
 * The only place main touches raw IPC: one handler per contract operation,
 * each checking its sender before the payload is parsed and the core called
 * (the checks live in ipc-guard.ts).
 */

/** Registers every operation of the contract against the core's handlers. */
export function registerContractHandlers(
  handlers: ContractHandlers,
  getWindow: () => AppWindow | null,
  logger: Logger,
): void {
  for (const name of OPERATION_NAMES) {
    ipcMain.handle(
      channelOf(name),
      contractListener(name, handlers, getWindow, logger),
    );
  }
}
