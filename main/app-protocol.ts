import { net, protocol } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  APP_SCHEME,
  CONTENT_SECURITY_POLICY,
  rendererFilePath,
} from './security';

/**
 * Serves the built UI from `app://keys/` instead of `file://`, so the page has
 * a real origin that IPC checks and the CSP can name.
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
  protocol.handle(APP_SCHEME, async (request) => {
    const relative = rendererFilePath(request.url);
    if (relative === null) return new Response('Not found', { status: 404 });

    const file = path.join(rendererDir, relative);
    let response: Response;
    try {
      response = await net.fetch(pathToFileURL(file).toString());
    } catch {
      return new Response('Not found', { status: 404 });
    }
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}
