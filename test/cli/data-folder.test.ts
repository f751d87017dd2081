import { mkdir, readdir, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKeytarStore } from '../../src/vault';
import { passwordOf } from '../keys/fixtures';
import { makeHome, removeHome, runCli } from './run-cli';
import { keyCreateArgs, useCliWithServer } from './with-server';

// The data folder as the command line leaves it: owner-only from the first
// run, and a folder another process keeps locked stops a command with exit
// 10 without leaving a working key behind on the server.

const MERCHANT = 'merchant@sandbox.test';
const SLOW = 180_000;

const cli = useCliWithServer(SLOW);

const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

describe('a fresh data folder', () => {
  it(
    'is readable by its owner only, and so is the program log',
    async () => {
      const parent = await makeHome();
      const fresh = path.join(parent, 'not yet there');
      try {
        const run = await runCli(fresh, ['server', 'add', cli.sandbox.url]);
        expect(run.code, run.stderr).toBe(0);

        expect(await modeOf(fresh)).toBe(0o700);
        expect(await modeOf(path.join(fresh, 'logs'))).toBe(0o700);
        const log = path.join(fresh, 'logs', 'btcpay-keys.log');
        expect(await modeOf(log)).toBe(0o600);
        for (const name of await readdir(fresh)) {
          const mode = await modeOf(path.join(fresh, name));
          expect(mode & 0o077, `${name} is open to others`).toBe(0);
        }
      } finally {
        await removeHome(parent);
      }
    },
    SLOW,
  );
});

describe('a data folder another process keeps locked', () => {
  it(
    'stops key create with exit 10 and takes the key it minted back',
    async () => {
      // A lock that another live process keeps refreshing never looks stale.
      const lock = path.join(cli.home, 'vault.lock');
      await mkdir(lock);
      const later = new Date(Date.now() + 3_600_000);
      await utimes(lock, later, later);
      const before = cli.sandbox.admin.requests.length;
      try {
        const run = await runCli(
          cli.home,
          [
            ...keyCreateArgs(cli, 'Busy'),
            ...['--permission', 'btcpay.store.canviewinvoices'],
            ...['--user', MERCHANT, '--password-stdin'],
          ],
          { input: passwordOf(cli.sandbox, MERCHANT) },
        );
        expect(run.code).toBe(10);
        expect(run.stderr).toMatch(/stayed locked by another/);
        expect(run.stderr).toMatch(
          /^Next: Wait for the other BTCPay Key Manager window or command to finish/m,
        );
      } finally {
        await rm(lock, { recursive: true, force: true });
      }

      expect(
        cli.sandbox.admin.keysOf(MERCHANT).map((key) => key.label),
      ).not.toContain('Busy');
      const takenBack = cli.sandbox.admin.requests
        .slice(before)
        .find((request) => request.path === '/api/v1/api-keys/current');
      expect(takenBack?.method).toBe('DELETE');
      const minted = String(takenBack?.headers['authorization']).slice(6);
      const keychain = createKeytarStore();
      for (const account of await keychain.accounts()) {
        expect(await keychain.get(account)).not.toBe(minted);
      }
    },
    SLOW,
  );
});
