import { protocol } from 'electron';
import { APP_SCHEME } from './security';
import { rendererFileServer } from './app-files';

/**
 * Serves the built UI from `app://keys/` instead of `file://`, so the page has
 * a real origin that IPC checks and the CSP can name. The file mapping and
 * headers live in app-files.ts.
 */

/** Declares the app scheme standard and secure; must run before `ready`. */
export function setupAppSchemePrivileges(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: {
        standard: true,
        secure: true,
        supportFetchAPI: true,
        // Module scripts are fetched in CORS mode, even from their own origin.
        corsEnabled: true,
      },
    },
  ]);
}

/** Answers app-scheme requests with files of the renderer folder only. */
export function setupAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, rendererFileServer(rendererDir));
}
