import { describe, expect, it } from 'vitest';
import { passwordOf } from '../keys/fixtures';
import { runCli, runCliJson } from './run-cli';
import {
  importMintedKey,
  keyCreateArgs,
  useCliWithServer,
} from './with-server';

// What `server list --json` and `key list --json` know once keys arrive:
// the server's version, the account used there, how keys are minted, and
// each key's owner.

const MERCHANT = 'merchant@sandbox.test';
const ADMIN = 'admin@sandbox.test';
const SLOW = 120_000;

interface ListedServer {
  userId: string | null;
  email: string | null;
  serverVersion: string | null;
  mintMethod: string;
}

interface ListedKey {
  id: string;
  label: string;
  userId: string | null;
  ownerEmail?: string | null;
}

const cli = useCliWithServer(SLOW);

const idOf = (email: string) =>
  cli.sandbox.users.find((user) => user.email === email)?.id;

async function server(): Promise<ListedServer> {
  const [only] = await runCliJson<ListedServer[]>(cli.home, ['server', 'list']);
  return only as ListedServer;
}

async function keyLabelled(label: string): Promise<ListedKey | undefined> {
  const keys = await runCliJson<ListedKey[]>(cli.home, ['key', 'list']);
  return keys.find((key) => key.label === label);
}

describe('what btcpay-keys records about a server and its keys', () => {
  it(
    'starts with nothing known but the address',
    async () => {
      expect(await server()).toMatchObject({
        userId: null,
        email: null,
        serverVersion: null,
        mintMethod: 'authorize',
      });
    },
    SLOW,
  );

  it(
    'records the account, the version and Basic minting after a password create',
    async () => {
      const run = await runCli(
        cli.home,
        [
          ...keyCreateArgs(cli, 'Profile'),
          ...['--permission', 'btcpay.user.canviewprofile'],
          ...['--user', MERCHANT, '--password-stdin'],
        ],
        { input: passwordOf(cli.sandbox, MERCHANT) },
      );
      expect(run.code, run.stderr).toBe(0);

      expect(await server()).toEqual(
        expect.objectContaining({
          userId: idOf(MERCHANT),
          email: MERCHANT,
          serverVersion: '2.4.4',
          mintMethod: 'basic',
        }),
      );
      expect(await keyLabelled('Profile')).toMatchObject({
        userId: idOf(MERCHANT),
        ownerEmail: MERCHANT,
      });
    },
    SLOW,
  );

  it(
    "knows a password-made key's owner even when the key may not read a profile",
    async () => {
      const run = await runCli(
        cli.home,
        [
          ...keyCreateArgs(cli, 'Blind'),
          ...['--permission', 'btcpay.store.canviewinvoices'],
          ...['--user', MERCHANT, '--password-stdin'],
        ],
        { input: passwordOf(cli.sandbox, MERCHANT) },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(await keyLabelled('Blind')).toMatchObject({
        userId: null,
        ownerEmail: MERCHANT,
      });
    },
    SLOW,
  );

  it(
    "switches to the manager's account and manager minting when an unrestricted key is imported",
    async () => {
      await importMintedKey(cli, ADMIN, 'Manager', ['unrestricted']);
      expect(await server()).toMatchObject({
        userId: idOf(ADMIN),
        email: ADMIN,
        mintMethod: 'manager',
      });
      expect(await keyLabelled('Manager')).toMatchObject({
        userId: idOf(ADMIN),
        ownerEmail: ADMIN,
      });
    },
    SLOW,
  );

  it(
    "records a manager-made key as the manager account's, and a key for another user as theirs",
    async () => {
      const own = await runCli(cli.home, [
        ...keyCreateArgs(cli, 'Own'),
        ...['--permission', 'btcpay.store.canviewinvoices'],
      ]);
      expect(own.code, own.stderr).toBe(0);
      const theirs = await runCli(cli.home, [
        ...keyCreateArgs(cli, 'Theirs'),
        ...['--permission', 'btcpay.store.canviewinvoices'],
        ...['--for-user', MERCHANT],
      ]);
      expect(theirs.code, theirs.stderr).toBe(0);

      expect(await keyLabelled('Own')).toMatchObject({
        userId: idOf(ADMIN),
        ownerEmail: ADMIN,
      });
      expect(await keyLabelled('Theirs')).toMatchObject({
        userId: null,
        ownerEmail: MERCHANT,
      });
      expect(await server()).toMatchObject({
        userId: idOf(ADMIN),
        mintMethod: 'manager',
      });
    },
    SLOW,
  );
});
