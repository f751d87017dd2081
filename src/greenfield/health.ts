import type { GreenfieldClient, RequestOptions } from './client';
import { GreenfieldError } from './errors';

/**
 * Why the server does not answer `/api/v1/health` as BTCPay does (nothing
 * listens, TLS fails, another site), or null when it does. For callers that
 * must not open a browser or wait for an approval on a server that cannot
 * give one; any other failure is thrown.
 */
export async function healthProblem(
  client: Pick<GreenfieldClient, 'health'>,
  options: RequestOptions = {},
): Promise<GreenfieldError | null> {
  try {
    await client.health(options);
    return null;
  } catch (error) {
    if (error instanceof GreenfieldError) return error;
    throw error;
  }
}
