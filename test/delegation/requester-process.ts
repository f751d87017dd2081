import { spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../cli/run-cli';

const BIN = path.join(PROJECT_ROOT, 'bin', 'btcpay-keys.mjs');

/** What the requesting app asks for, beyond its permissions. */
export interface RequesterOptions {
  identifier?: string;
  name?: string;
  /** Ask the merchant to pick the store (`selectiveStores=true`). */
  selectStore?: boolean;
  /** Print the received key (the requester's user asked to see it). */
  showKey?: boolean;
}

/** A running `link request`: the link it opened and how it ended. */
export interface RequesterProcess {
  link: Promise<string>;
  done: Promise<{ code: number | null; answer: unknown }>;
  /** Ends the requester when no answer will come. */
  stop(): void;
}

/**
 * Starts `btcpay-keys link request` as the requesting app would run it,
 * asking `server` for `permissions`; resolves its link and its answer.
 */
export function startRequesterProcess(
  home: string,
  server: string,
  permissions: string[],
  options: RequesterOptions = {},
): RequesterProcess {
  const args = [
    '--server',
    server,
    ...permissions.flatMap((p) => ['--permission', p]),
    '--no-open',
    '--json',
    '--timeout',
    '60',
    ...(options.identifier ? ['--identifier', options.identifier] : []),
    ...(options.name ? ['--name', options.name] : []),
    ...(options.selectStore ? ['--select-store'] : []),
    ...(options.showKey ? ['--show-key'] : []),
  ];
  const child = spawn(process.execPath, [BIN, 'link', 'request', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, BTCPAY_KEYS_HOME: home },
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const link = new Promise<string>((resolve) => {
    child.stdout.on('data', () => {
      const first = stdout.split('\n')[0] ?? '';
      if (stdout.includes('\n'))
        resolve((JSON.parse(first) as { link: string }).link);
    });
  });
  const done = new Promise<{ code: number | null; answer: unknown }>(
    (resolve) =>
      child.on('close', (code) => {
        const rest = stdout.slice(stdout.indexOf('\n') + 1);
        resolve({ code, answer: rest.trim() ? JSON.parse(rest) : null });
      }),
  );
  return { link, done, stop: () => void child.kill() };
}
