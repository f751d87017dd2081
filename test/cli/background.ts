import { spawn } from 'node:child_process';
import path from 'node:path';
import { recordCommandOutput } from '../support/secrets';
import { PROJECT_ROOT, allRuns, type CliRun } from './run-cli';

/** A `btcpay-keys` process that keeps running while the test acts. */
export interface BackgroundCli {
  /** Resolves with the first stdout line that passes `test`. */
  line(test: (line: string) => boolean): Promise<string>;
  /** The finished run, also added to `allRuns` for the hygiene scan. */
  exit: Promise<CliRun>;
}

/**
 * Starts `btcpay-keys` without a terminal and without waiting for it, for
 * commands that wait on someone else: `authorize` on the merchant in the
 * browser, `link request` on the app that answers the link.
 */
export function startInBackground(home: string, args: string[]): BackgroundCli {
  const bin = path.join(PROJECT_ROOT, 'bin', 'btcpay-keys.mjs');
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, BTCPAY_KEYS_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiting: Array<() => void> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const look of waiting) look();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const run = { code, stdout, stderr };
      allRuns.push(run);
      recordCommandOutput(args, `${stdout}\n${stderr}`);
      resolve(run);
    });
  });
  const line = (test: (line: string) => boolean) =>
    new Promise<string>((resolve, reject) => {
      const look = (): void => {
        const found = stdout.split(/\r?\n/).find((text) => test(text));
        if (found !== undefined) resolve(found);
      };
      waiting.push(look);
      look();
      void exit.then((run) =>
        reject(new Error(`btcpay-keys exited ${run.code}: ${run.stderr}`)),
      );
    });
  return { line, exit };
}
