import { VaultError } from './vault-error';

/**
 * The form server URLs are stored and compared in: http(s) only, no query
 * or fragment, the sub-path kept and always ending in `/`.
 */
export function normaliseServerUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw invalid();
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalid();
  }
  url.search = '';
  url.hash = '';
  url.username = '';
  url.password = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.toString();
}

// The input is not echoed: it could carry a user name and password.
function invalid(): VaultError {
  return new VaultError(
    'invalid-url',
    'The server address is not an http(s) URL.',
    'Give the address of the BTCPay server, e.g. https://btcpay.example.com.',
  );
}
