import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Child processes for the crash tests. The TypeScript child is bundled once
 * into plain JavaScript: starting it through tsx costs over a second per
 * process on a busy two-core machine, which hundreds of kills cannot afford.
 * The bundle lives under node_modules so packages resolve from the project.
 */

const ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);
const OUT_DIR = path.join(
  ROOT,
  'node_modules',
  '.cache',
  'btcpay-keys-hardening',
);

/** Bundles test/hardening/children/NAME.ts; returns the bundle's path. */
export async function bundleChild(name: string): Promise<string> {
  await mkdir(OUT_DIR, { recursive: true });
  const outfile = path.join(OUT_DIR, `${name}-${process.pid}.mjs`);
  await build({
    entryPoints: [
      path.join(ROOT, 'test', 'hardening', 'children', `${name}.ts`),
    ],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Packages stay imports, resolved from the project's node_modules.
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

/** A running child and a promise of its exit. */
export interface RunningChild {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once the child printed `marker` on stdout (false if it died first). */
  printed(marker: string): Promise<boolean>;
  stdout(): string;
  stderr(): string;
}

/** How to start a child: its environment, and a command to run it under. */
export interface ChildOptions {
  env?: NodeJS.ProcessEnv;
  /** e.g. ['dbus-run-session', '--'] for a private D-Bus session. */
  wrapper?: string[];
}

/** Starts `node BUNDLE ...args`, by default with the test's environment. */
export function startChild(
  bundle: string,
  args: string[],
  options: ChildOptions = {},
): RunningChild {
  const [command = process.execPath, ...prefix] = [
    ...(options.wrapper ?? []),
    process.execPath,
  ];
  const child = spawn(command, [...prefix, bundle, ...args], {
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
  }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const printed = (marker: string): Promise<boolean> =>
    new Promise((resolve) => {
      if (stdout.includes(marker)) return resolve(true);
      const onData = (): void => {
        if (!stdout.includes(marker)) return;
        child.stdout?.off('data', onData);
        resolve(true);
      };
      child.stdout?.on('data', onData);
      void exited.then(() => resolve(stdout.includes(marker)));
    });
  return {
    child,
    exited,
    printed,
    stdout: () => stdout,
    stderr: () => stderr,
  };
}
