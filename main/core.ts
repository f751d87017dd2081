import { clipboard } from 'electron';
import path from 'node:path';
import type { AppEvent } from '../src/contract';
import { createLogger, type Logger } from '../src/log/logger';
import {
  createKeyManagerService,
  type KeyManagerService,
} from '../src/service';
import { dataHome, openVault } from '../src/vault';
import { checkedBrowserOpener } from './external-links';
import { openInSystemBrowser } from './window';

/**
 * Opens the vault in the data folder the command line shares and builds the
 * core service with Electron's browser and clipboard.
 */

/** The running core plus the logger main writes to. */
export interface Core {
  service: KeyManagerService;
  logger: Logger;
}

/** Opens the vault and builds the service the IPC handlers call. */
export async function setupCore(
  emit: (event: AppEvent) => void,
): Promise<Core> {
  const home = dataHome();
  const logger = createLogger({
    destination: path.join(home, 'logs', 'app.log'),
  });
  const vault = await openVault({ home, logger });

  const service = createKeyManagerService({
    vault,
    logger,
    emit,
    openBrowser: checkedBrowserOpener(openInSystemBrowser, logger),
    clipboard: {
      write: (text) => clipboard.writeText(text),
      read: () => clipboard.readText(),
    },
  });
  return { service, logger };
}
