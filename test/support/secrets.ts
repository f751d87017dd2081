import { appendFileSync } from 'node:fs';
import path from 'node:path';

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

/** Commands whose output is a secret because the user asked to see it. */
const REVEALING = ['reveal', '--show-key'];

/** The file captured command output goes to, next to the registry. */
export function commandOutputFile(registry: string): string {
  return path.join(path.dirname(registry), 'command-output.txt');
}

/** The file data-folder cleanups record their hygiene hits in. */
export function folderLeaksFile(registry: string): string {
  return path.join(path.dirname(registry), 'folder-leaks.jsonl');
}

/**
 * Keeps what a command printed for the end-of-run hygiene scan, unless the
 * command was one that prints a key on purpose.
 */
export function recordCommandOutput(args: string[], output: string): void {
  const file = process.env[SECRETS_FILE_VARIABLE];
  if (!file || args.some((arg) => REVEALING.includes(arg))) return;
  appendFileSync(commandOutputFile(file), `${output}\n`, { mode: 0o600 });
}
