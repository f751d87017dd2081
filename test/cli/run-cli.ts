import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeDataFolder } from '../support/data-folder';
import { recordCommandOutput } from '../support/secrets';

/** The project root, where `bin/btcpay-keys.mjs` lives. */
export const PROJECT_ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../..',
);

const BIN = path.join(PROJECT_ROOT, 'bin', 'btcpay-keys.mjs');

/** What one run of the command line produced. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Every run of the command line in this test file, for the hygiene scan. */
export const allRuns: CliRun[] = [];

/**
 * Runs `btcpay-keys` as a real child process with its data folder in
 * `home`, feeding `input` on stdin (never argv).
 */
export function runCli(
  home: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, BTCPAY_KEYS_HOME: home, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const run = { code, stdout, stderr };
      allRuns.push(run);
      recordCommandOutput(args, `${stdout}\n${stderr}`);
      resolve(run);
    });
    // The CLI may stop reading input it refuses (an over-long secret).
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Runs the command line and parses its stdout as JSON. */
export async function runCliJson<T = unknown>(
  home: string,
  args: string[],
  options: { input?: string } = {},
): Promise<T> {
  const run = await runCli(home, [...args, '--json'], options);
  if (run.code !== 0) {
    throw new Error(
      `btcpay-keys ${args.join(' ')} exited ${run.code}: ${run.stderr}`,
    );
  }
  return JSON.parse(run.stdout) as T;
}

/** A fresh, empty data folder; remove it with `removeHome`. */
export async function makeHome(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'btcpay-keys-cli-'));
}

/** Removes a data folder made by `makeHome`, scanned for leaks first. */
export async function removeHome(home: string): Promise<void> {
  await removeDataFolder(home);
}

/**
 * Rebuilds dist/cli when any source file is newer than it, so the child
 * processes run the code under test rather than a stale build. The check and
 * the build run under a lock file, so parallel test files never build at once.
 */
export async function ensureFreshBuild(): Promise<void> {
  const build = [process.execPath, 'test/cli/build-if-stale.mjs'];
  // flock (util-linux) serialises the test files; without it, build anyway.
  const hasFlock = !spawnSync('flock', ['--version']).error;
  const [command = '', ...args] = hasFlock
    ? ['flock', path.join(tmpdir(), 'btcpay-keys-build-cli.lock'), ...build]
    : build;
  const result = spawnSync(command, args, {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`building the command line failed: ${result.stderr}`);
  }
}
