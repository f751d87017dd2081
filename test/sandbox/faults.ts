import type { ServerResponse } from 'node:http';
import { page } from './html';
import { redirect, sendHtml, type SandboxRequest } from './http-util';
import type { SandboxFault } from './state';

/** True when the fault covers this path (prefix match below the base path). */
export function faultApplies(
  fault: SandboxFault | null,
  path: string,
): fault is SandboxFault {
  if (!fault) return false;
  // The login page stays reachable so a followed html-login redirect ends.
  if (fault.kind === 'html-login' && path.startsWith('/login')) return false;
  return !fault.paths || fault.paths.some((prefix) => path.startsWith(prefix));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Answers with the injected failure; returns false for 'slow', which only
 * delays and then lets the normal answer through.
 */
export async function applyFault(
  fault: SandboxFault,
  request: SandboxRequest,
  response: ServerResponse,
): Promise<boolean> {
  switch (fault.kind) {
    case 'slow':
      await sleep(fault.delayMs ?? 5_000);
      return false;
    case 'status500':
      sendHtml(
        response,
        500,
        page(
          'Error',
          '<h1>An error occurred while processing your request.</h1>',
        ),
      );
      return true;
    case 'drop-connection':
      request.raw.socket.destroy();
      return true;
    case 'invalid-json': {
      const text = '{"apiKey": "unterminated';
      response.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
      });
      response.end(text);
      return true;
    }
    case 'html-login':
      redirect(
        response,
        `${request.baseUrl}login?ReturnUrl=${encodeURIComponent(request.raw.url ?? '/')}`,
      );
      return true;
    case 'html-page':
      // A website (or a parked domain) at the address: 200 and a web page,
      // whatever the path, the way a plain web server answers.
      sendHtml(
        response,
        200,
        page('Welcome', '<h1>Welcome to our shop</h1><p>Coming soon.</p>'),
      );
      return true;
    case 'rate-limit':
      response.writeHead(429, {
        'retry-after': '60',
        'content-type': 'text/plain',
      });
      response.end('Too Many Requests');
      return true;
  }
}
