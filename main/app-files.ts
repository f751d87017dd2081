import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY, rendererFilePath } from './security';

/**
 * Answers `app://keys/...` requests with the built UI's files: only files of
 * the renderer folder, each with the app's Content-Security-Policy. Plain
 * Node, so tests serve real files without Electron.
 */

const MEDIA_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** The headers every app-scheme answer carries, found or not. */
export function appResponseHeaders(mediaType: string): Headers {
  return new Headers({
    'Content-Type': mediaType,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
  });
}

function notFound(): Response {
  return new Response('Not found', {
    status: 404,
    headers: appResponseHeaders('text/plain; charset=utf-8'),
  });
}

/** The app protocol's handler for the renderer folder `rendererDir`. */
export function rendererFileServer(
  rendererDir: string,
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return notFound();
    }
    const relative = rendererFilePath(request.url);
    if (relative === null) return notFound();

    const file = path.join(rendererDir, ...relative.split('/'));
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      // Missing files and folders alike.
      return notFound();
    }
    const mediaType =
      MEDIA_TYPES[path.extname(file).toLowerCase()] ??
      'application/octet-stream';
    return new Response(
      request.method === 'HEAD' ? null : new Uint8Array(body),
      {
        status: 200,
        headers: appResponseHeaders(mediaType),
      },
    );
  };
}
