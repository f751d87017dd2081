import { mkdtemp, readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFreshBuild, runCli } from '../cli/run-cli';
import type { Sandbox } from '../sandbox';
import { startRelaxedSandbox } from '../keys/fixtures';
import { removeDataFolder } from '../support/data-folder';

// Another account on the same computer must not read the data folder: it
// holds no secret, but it names every key, server and store. The folder is
// checked as the first run of the command line leaves it, created from
// nothing under the usual umask, since that is where a default mode slips in.

const onPosix = process.platform !== 'win32';
if (!onPosix) {
  console.warn('file-modes.test.ts: not run here; Windows has no file modes.');
}

let sandbox: Sandbox;
let parent: string;
let home: string;

beforeAll(async () => {
  await ensureFreshBuild();
  sandbox = await startRelaxedSandbox();
  parent = await mkdtemp(path.join(os.tmpdir(), 'btcpay-keys-modes-'));
  home = path.join(parent, 'BTCPay Key Manager');
}, 300_000);

afterAll(async () => {
  await sandbox?.close();
  await removeDataFolder(parent);
});

/** Every file and folder under `root` (itself as "."), with its mode. */
async function modesUnder(root: string): Promise<Map<string, number>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const modes = new Map([['.', (await stat(root)).mode]]);
  for (const entry of entries) {
    const full = path.join(entry.parentPath, entry.name);
    modes.set(path.relative(root, full), (await stat(full)).mode);
  }
  return modes;
}

const octal = (mode: number) => (mode & 0o777).toString(8);

describe.runIf(onPosix)('the data folder on first use', () => {
  it('is readable by its owner only, and so is every file in it', async () => {
    const run = await runCli(home, ['server', 'add', sandbox.url]);
    expect(run.code, run.stderr).toBe(0);

    const modes = await modesUnder(home);
    // The files the vault and the logger are known to write are all there.
    expect([...modes.keys()]).toEqual(
      expect.arrayContaining([
        'metadata.json',
        'events.jsonl',
        'events.head.json',
        path.join('logs', 'btcpay-keys.log'),
      ]),
    );
    const actual = Object.fromEntries(
      [...modes].map(([name, mode]) => [name, octal(mode)]),
    );
    const expected = Object.fromEntries(
      [...modes].map(([name, mode]) => [
        name,
        (mode & 0o170000) === 0o040000 ? '700' : '600',
      ]),
    );
    expect(actual).toEqual(expected);
  });
});
