import { normalizeBaseUrl } from '../greenfield/base-url';
import { VaultError } from './vault-error';

/**
 * The form server URLs are stored and compared in: the Greenfield client's
 * canonical base URL (http(s), sub-path kept, always ending in `/`), so a
 * server is found under the same address every area uses.
 */
export function normaliseServerUrl(input: string): string {
  const normalized = normalizeBaseUrl(input);
  if (normalized.ok) return normalized.url;
  // The input is not echoed: it could carry a user name and password.
  throw new VaultError(
    'invalid-url',
    normalized.reason,
    'Give the address of the BTCPay server, e.g. https://btcpay.example.com.',
  );
}
