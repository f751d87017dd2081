import { describe, expect, it } from 'vitest';
import { passwordOf } from '../keys/fixtures';
import { runCli } from './run-cli';
import { keyCreateArgs, useCliWithServer } from './with-server';

const SLOW = 120_000;
/** A session bus address where nothing listens: no Secret Service. */
const NO_BUS = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };

const cli = useCliWithServer(SLOW);

describe('btcpay-keys without a Secret Service', () => {
  it(
    'names the store, the reason and the fix, with exit 3, and stores nothing',
    async () => {
      const secret = cli.sandbox.admin.mintKey(
        'merchant@sandbox.test',
        [],
        'no keychain',
      );
      const run = await runCli(
        cli.home,
        ['key', 'import', '--server', cli.sandbox.url, '--key-stdin'],
        {
          input: secret,
          env: NO_BUS,
        },
      );
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(
        /^Error: Secret Service \(libsecret\) is not available/m,
      );
      expect(run.stderr).toMatch(/^Next: .*apt-get install gnome-keyring/m);
      expect(run.stderr).not.toContain(secret);

      const list = await runCli(cli.home, ['key', 'list', '--json'], {
        env: NO_BUS,
      });
      expect(list.code).toBe(0);
      expect(JSON.parse(list.stdout)).toEqual([]);
    },
    SLOW,
  );

  it(
    'checks the keychain before a password create, so no sign-in attempt is spent',
    async () => {
      const before = cli.sandbox.admin.requests.length;
      const run = await runCli(
        cli.home,
        [
          ...keyCreateArgs(cli, 'Unkept'),
          ...['--permission', 'btcpay.store.canviewinvoices'],
          ...['--user', 'merchant@sandbox.test', '--password-stdin'],
        ],
        {
          input: passwordOf(cli.sandbox, 'merchant@sandbox.test'),
          env: NO_BUS,
        },
      );
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^Error: Secret Service/m);
      expect(cli.sandbox.admin.requests.length).toBe(before);
      expect(
        cli.sandbox.admin
          .keysOf('merchant@sandbox.test')
          .map((key) => key.label),
      ).not.toContain('Unkept');
    },
    SLOW,
  );

  it(
    'still lists servers and keys, which never need the keychain',
    async () => {
      const servers = await runCli(cli.home, ['server', 'list', '--json'], {
        env: NO_BUS,
      });
      expect(servers.code).toBe(0);
      expect(JSON.parse(servers.stdout)).toHaveLength(1);
      const reconcile = await runCli(cli.home, ['reconcile'], { env: NO_BUS });
      expect(reconcile.code).toBe(3);
    },
    SLOW,
  );
});
