import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  commandOutputFile,
  recordCommandOutput,
  recordTestSecret,
  SECRETS_FILE_VARIABLE,
} from '../support/secrets';
import {
  readRegistry,
  scanFolder,
  scanProcessArgs,
} from './support/hygiene-scan';

/**
 * The run-wide hygiene check (secret-hygiene.global.ts) is only worth
 * something if it really finds a leak: these plant one of each kind.
 */
describe('the secret hygiene check', () => {
  it('is active for this run and records the secrets tests create', async () => {
    const file = process.env[SECRETS_FILE_VARIABLE];
    expect(file, 'the global setup did not run').toBeTruthy();
    const secret = recordTestSecret(randomBytes(20).toString('hex'), 'api-key');
    const registered = readRegistry(file ?? '');
    expect(registered.map((entry) => entry.secret)).toContain(secret);
    expect(await readFile(file ?? '', 'utf8')).toContain('"kind":"api-key"');
  });

  it('keeps command output for the scan, except from commands that reveal a key on purpose', async () => {
    const file = commandOutputFile(process.env[SECRETS_FILE_VARIABLE] ?? '');
    const marker = `output-${randomBytes(8).toString('hex')}`;
    recordCommandOutput(['key', 'list'], `listed ${marker}`);
    recordCommandOutput(['key', 'reveal', 'k_1'], `revealed ${marker}`);
    const captured = await readFile(file, 'utf8');
    expect(captured).toContain(`listed ${marker}`);
    expect(captured).not.toContain(`revealed ${marker}`);
  });

  it('finds a secret left in a file and names the file, not the secret', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'hygiene-plant-'));
    try {
      const secret = randomBytes(20).toString('hex');
      await writeFile(path.join(folder, 'clean.log'), 'key id k_123\n');
      await writeFile(path.join(folder, 'leaky.log'), `token ${secret}\n`);
      const hits = await scanFolder(folder, [{ kind: 'api-key', secret }]);
      expect(hits).toEqual([
        { kind: 'api-key', where: path.join(folder, 'leaky.log') },
      ]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('finds a secret in a running process command line, blanked in the report', async () => {
    const secret = `planted-${randomBytes(12).toString('hex')}`;
    const child = spawn(
      process.execPath,
      ['-e', 'setTimeout(() => {}, 10000)', secret],
      { stdio: 'ignore' },
    );
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      const hits = scanProcessArgs([{ kind: 'password', secret }]);
      expect(hits).toHaveLength(1);
      expect(hits[0]?.kind).toBe('password');
      expect(hits[0]?.where).toContain(`pid ${child.pid}`);
      expect(hits[0]?.where).not.toContain(secret);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

const ROOT = path.resolve(import.meta.dirname, '../..');

interface ScratchRun {
  code: number | null;
  output: string;
}

/**
 * Runs test/hardening/children/planted-leaks.scratch.ts as a vitest run of
 * its own, under the real global setup and in a scratch temp folder, so the
 * run's end-of-run check is the one under test.
 */
async function scratchRun(plant: 'leaks' | 'none'): Promise<ScratchRun> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'hygiene-run-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  // A nested vitest must not take itself for a worker of this run.
  for (const name of Object.keys(env)) {
    if (name.startsWith('VITEST')) delete env[name];
  }
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--config',
      'test/hardening/children/hygiene-run.config.ts',
    ],
    {
      cwd: ROOT,
      env: { ...env, TMPDIR: scratch, HYGIENE_PLANT: plant, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) =>
    child.on('close', resolve),
  );
  const sleeper = Number(/planted argv pid (\d+)/.exec(output)?.[1]);
  if (Number.isInteger(sleeper)) {
    try {
      process.kill(sleeper, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await rm(scratch, { recursive: true, force: true });
  return { code, output };
}

describe('the end-of-run hygiene check', () => {
  it('fails the run when a secret leaked into a deleted data folder, a log, a report, command output or argv', async () => {
    const run = await scratchRun('leaks');
    expect(run.output).toContain('1 passed');
    expect(run.output).toContain('A secret created by this test run leaked');
    for (const [kind, where] of [
      ['data-folder', /btcpay-keys-planted-data-\w+\/metadata\.json/],
      ['log', /btcpay-keys-planted-logs-\w+\/btcpay-keys\.log/],
      ['report', /btcpay-keys-planted-reports-\w+\/audit\.md/],
      ['command-output', /command-output\.txt/],
      ['argv', /argv of pid \d+/],
    ] as const) {
      const line = run.output
        .split('\n')
        .find((l) => l.includes(`planted ${kind} in `));
      expect(line, `no hit for the ${kind}`).toMatch(where);
    }
    // Reported by kind and place, never by value.
    expect(run.output).not.toMatch(/planted-[a-z-]+-[0-9a-f]{24}/);
    expect(run.output).not.toMatch(/revealed|planted-clipboard/);
    expect(run.code).not.toBe(0);
  }, 120_000);

  it('passes a run that kept every secret where it belongs, reveals included', async () => {
    const run = await scratchRun('none');
    expect(run.output).toContain('1 passed');
    expect(run.output).not.toContain('leaked');
    expect(run.output).toMatch(/secret hygiene: 6 secrets checked/);
    expect(run.code, run.output).toBe(0);
  }, 120_000);
});
