import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../sandbox';
import { passwordOf } from '../keys/fixtures';
import { runCli } from './run-cli';
import {
  startCliWithServer,
  stopCliWithServer,
  type CliWithServer,
} from './with-server';

const SLOW = 120_000;
/** A session bus address where nothing listens: no Secret Service. */
const NO_BUS = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };

let cli: CliWithServer;
let sandbox: Sandbox;
let home: string;

beforeAll(async () => {
  cli = await startCliWithServer();
  ({ sandbox, home } = cli);
}, SLOW);

afterAll(() => stopCliWithServer(cli));

describe('btcpay-keys without a Secret Service', () => {
  it(
    'names the store, the reason and the fix, with exit 3, and stores nothing',
    async () => {
      const secret = sandbox.admin.mintKey(
        'merchant@sandbox.test',
        [],
        'no keychain',
      );
      const run = await runCli(
        home,
        ['key', 'import', '--server', sandbox.url, '--key-stdin'],
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

      const list = await runCli(home, ['key', 'list', '--json'], {
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
      const before = sandbox.admin.requests.length;
      const run = await runCli(
        home,
        [
          ...['key', 'create', '--server', sandbox.url, '--label', 'Unkept'],
          ...['--permission', 'btcpay.store.canviewinvoices'],
          ...['--user', 'merchant@sandbox.test', '--password-stdin'],
        ],
        {
          input: passwordOf(sandbox, 'merchant@sandbox.test'),
          env: NO_BUS,
        },
      );
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^Error: Secret Service/m);
      expect(sandbox.admin.requests.length).toBe(before);
      expect(
        sandbox.admin.keysOf('merchant@sandbox.test').map((key) => key.label),
      ).not.toContain('Unkept');
    },
    SLOW,
  );

  it(
    'still lists servers and keys, which never need the keychain',
    async () => {
      const servers = await runCli(home, ['server', 'list', '--json'], {
        env: NO_BUS,
      });
      expect(servers.code).toBe(0);
      expect(JSON.parse(servers.stdout)).toHaveLength(1);
      const reconcile = await runCli(home, ['reconcile'], { env: NO_BUS });
      expect(reconcile.code).toBe(3);
    },
    SLOW,
  );
});
