import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { removeDataFolder } from '../../support/data-folder';

/** What run-built-main.mjs reports about the built main process. */
export interface BuiltMainReport {
  port: number;
  errors: string[];
  webPreferences: Record<string, unknown>;
  loadedUrl: string | null;
  privilegedSchemes: { scheme: string; privileges: Record<string, unknown> }[];
  protocolSchemes: string[];
  windowOpen: unknown;
  preventsNavigation: Record<string, boolean>;
  permissions: Record<string, boolean | null>;
  foreignResponseHeaders: { responseHeaders: Record<string, string[]> } | null;
  ipcChannelCount: number;
}

/** The built main process running under the Electron stand-in. */
export interface BuiltMain {
  report: BuiltMainReport;
  /** Where the renderer is served through the build's own app handler. */
  origin: string;
  stop: () => Promise<void>;
}

const root = path.resolve(import.meta.dirname, '..', '..', '..');

/**
 * Starts dist/main/main.js with `electron` replaced by fake-electron.mjs and
 * its data folder in a fresh temp folder; resolves once it has reported.
 */
export async function startBuiltMain(): Promise<BuiltMain> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'btcpay-keys-built-'));
  const child = spawn(
    process.execPath,
    [
      '--import',
      path.join(import.meta.dirname, 'electron-hooks.mjs'),
      path.join(import.meta.dirname, 'run-built-main.mjs'),
      path.join(root, 'dist', 'main', 'main.js'),
    ],
    {
      cwd: root,
      env: { ...process.env, BTCPAY_KEYS_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stop = async () => {
    await stopChild(child);
    await removeDataFolder(home);
  };
  try {
    const report = await firstLine(child);
    return { report, origin: `http://127.0.0.1:${report.port}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function firstLine(child: ChildProcess): Promise<BuiltMainReport> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const end = stdout.indexOf('\n');
      if (end >= 0)
        resolve(JSON.parse(stdout.slice(0, end)) as BuiltMainReport);
    });
    child.once('exit', (code) =>
      reject(new Error(`the built main process exited ${code}: ${stderr}`)),
    );
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
