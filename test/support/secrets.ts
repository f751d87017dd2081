import { appendFileSync } from 'node:fs';

/**
 * The run-wide list of every secret a test created (API keys the sandbox
 * minted, passwords it made up, keys a child process stored), so the hygiene
 * check at the end of the run can look for each one wherever it must not be.
 *
 * The list is a JSON-lines file named by BTCPAY_KEYS_TEST_SECRETS_FILE, which
 * the global setup creates; every worker and child process inherits the
 * variable. Outside a test run the variable is unset and nothing is written.
 */

/** The environment variable naming the registry file. */
export const SECRETS_FILE_VARIABLE = 'BTCPAY_KEYS_TEST_SECRETS_FILE';

/** Shorter strings would match by accident anywhere. */
const SHORTEST_SCANNED = 8;

/** Adds a secret this run created to the registry; returns it unchanged. */
export function recordTestSecret(secret: string, kind = 'secret'): string {
  const file = process.env[SECRETS_FILE_VARIABLE];
  if (!file || secret.length < SHORTEST_SCANNED) return secret;
  // One short synchronous append per secret: a line is never interleaved
  // with another process's, and a killed child loses nothing it recorded.
  appendFileSync(file, `${JSON.stringify({ kind, secret })}\n`, {
    mode: 0o600,
  });
  return secret;
}
