import { mkdir, rm, utimes } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { metadataOf, server, writeVault } from '../audit/fixtures';
import { makeHome, removeHome, runCli, runCliJson } from './run-cli';

// A command that waits for another process's lock on the data folder says
// so, instead of sitting silent for up to 30 seconds.

const URL = 'https://btcpay.example.com/';
let home: string;
beforeEach(async () => {
  home = await makeHome();
  await writeVault(home, metadataOf([server({ baseUrl: URL })], []));
});
afterEach(() => removeHome(home));

/** Holds the data folder's lock as a live process would, for `ms`. */
async function holdLock(ms: number): Promise<void> {
  const lock = path.join(home, 'vault.lock');
  await mkdir(lock);
  // A live holder keeps its lock fresh; a stale one is taken over.
  const refresh = setInterval(() => {
    const now = new Date();
    void utimes(lock, now, now).catch(() => undefined);
  }, 1_000);
  setTimeout(() => {
    clearInterval(refresh);
    void rm(lock, { recursive: true, force: true });
  }, ms);
}

describe('btcpay-keys while another process holds the data folder', () => {
  it('says it is waiting, then does the work once the lock is free', async () => {
    await holdLock(3_000);
    const run = await runCli(home, ['server', 'remove', URL, '--yes']);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      `Waiting for another BTCPay Key Manager window or command to finish with ${home}`,
    );
    expect(run.stderr.match(/Waiting for another/g)).toHaveLength(1);
    expect(await runCliJson<unknown[]>(home, ['server', 'list'])).toEqual([]);
  }, 60_000);

  it('says nothing about waiting when the folder is free', async () => {
    const run = await runCli(home, ['server', 'remove', URL, '--yes']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('Waiting');
  });
});
