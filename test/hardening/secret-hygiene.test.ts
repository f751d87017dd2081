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
