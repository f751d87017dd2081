import fc from 'fast-check';
import { sendRaw } from '../../authorize/http-client';
import { nastyText } from './arbitraries';

/**
 * Requests a hostile local process or web page could send to the callback
 * receiver: any method, path, Host, Origin, content type and body, sometimes
 * aimed at the real callback path with a well-formed but fake key.
 */

/** One forged request, relative to a receiver's real address. */
export interface ForgedRequest {
  method: string;
  /** 'real' aims at the receiver's secret path; otherwise a path of its own. */
  path: 'real' | 'real-variant' | string;
  host: 'real' | string;
  origin: string | null;
  contentType: string | null;
  body: string;
}

const headerSafe = (text: string): string =>
  // Node refuses to send header values with control characters at all.
  // eslint-disable-next-line no-control-regex
  text.replace(/[\u0000-\u001f\u007f-\uffff]/g, '');

const fakeForm = fc
  .tuple(
    fc.stringMatching(/^[0-9a-f]{40}$/),
    fc.option(fc.string({ maxLength: 20 })),
    fc.array(fc.string({ maxLength: 40 }), { maxLength: 4 }),
  )
  .map(([apiKey, userId, permissions]) => {
    const form = new URLSearchParams({ apiKey });
    if (userId !== null) form.set('userId', userId);
    for (const permission of permissions)
      form.append('permissions[]', permission);
    return form.toString();
  });

/** Any forged request. */
export const forgedRequest: fc.Arbitrary<ForgedRequest> = fc.record({
  method: fc.oneof(
    fc.constantFrom('POST', 'GET', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH'),
    fc.stringMatching(/^[A-Z]{1,8}$/),
  ),
  path: fc.oneof(
    fc.constantFrom('real', 'real-variant', '/', '/callback/', '/favicon.ico'),
    fc.webPath(),
    nastyText.map((text) => `/${encodeURIComponent(text)}`),
  ),
  host: fc.oneof(
    fc.constant('real'),
    fc.constantFrom('localhost', 'evil.example', '127.0.0.1', '[::1]:80'),
    nastyText.map(headerSafe),
  ),
  origin: fc.option(
    fc.constantFrom('null', 'https://evil.example', 'http://127.0.0.1'),
  ),
  contentType: fc.option(
    fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=utf-8',
      'APPLICATION/X-WWW-FORM-URLENCODED',
      'application/json',
      'multipart/form-data; boundary=x',
      'text/plain',
    ),
  ),
  body: fc.oneof(fakeForm, nastyText, fc.constant('')),
});

/** What the receiver answered; 0 when it dropped the connection instead. */
export async function sendForged(
  redirectUrl: string,
  forged: ForgedRequest,
): Promise<number> {
  const real = new URL(redirectUrl);
  const path =
    forged.path === 'real'
      ? real.pathname
      : forged.path === 'real-variant'
        ? `${real.pathname}/`
        : forged.path;
  const headers: Record<string, string> = {
    Host: forged.host === 'real' ? real.host : forged.host,
  };
  if (forged.origin !== null) headers['Origin'] = forged.origin;
  if (forged.contentType !== null) headers['Content-Type'] = forged.contentType;
  try {
    const answer = await sendRaw({
      url: `${real.origin}${path.startsWith('/') ? path : `/${path}`}`,
      method: forged.method,
      headers,
      body:
        forged.method === 'GET' || forged.method === 'HEAD' ? '' : forged.body,
    });
    return answer.status;
  } catch {
    return 0;
  }
}

/** The callback BTCPay's page posts, with the real key. */
export function realCallback(
  redirectUrl: string,
  apiKey: string,
): Promise<number> {
  const form = new URLSearchParams({ apiKey, userId: 'user-1' });
  form.append('permissions[]', 'btcpay.store.canviewinvoices');
  return sendRaw({
    url: redirectUrl,
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: 'null',
    },
    body: form.toString(),
  }).then((answer) => answer.status);
}

/** Statuses the receiver may give a forged request (0: connection dropped). */
export const REFUSED_STATUSES = [
  0, 400, 403, 404, 405, 408, 410, 413, 415, 421,
];
