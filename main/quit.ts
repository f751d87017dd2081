import type { App } from 'electron';
import type { Logger } from '../src/log/logger';

/**
 * Quitting waits for the core to close: a copied key still on the clipboard
 * is wiped and running flows are cancelled before the process exits.
 * Electron does not await `before-quit` listeners, so the first quit is held
 * back, the core closed, and the quit asked for again.
 */

/** The parts of Electron's `app` the quit guard uses. */
export type QuittingApp = Pick<App, 'on' | 'quit'>;

/** Holds the first quit until `close` settled, then quits for real. */
export function closeBeforeQuit(
  app: QuittingApp,
  close: () => Promise<void>,
  logger: Logger,
): void {
  let state: 'running' | 'closing' | 'closed' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    close()
      .catch((error: unknown) =>
        logger.error({ error: String(error) }, 'closing the core failed'),
      )
      .finally(() => {
        state = 'closed';
        app.quit();
      });
  });
}
