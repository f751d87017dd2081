import { describe, expect, it } from 'vitest';
import { passwordOf, storeOf } from '../keys/fixtures';
import { runCli, runCliJson } from './run-cli';
import { importMintedKey, useCliWithServer } from './with-server';

const MERCHANT = 'merchant@sandbox.test';
const ADMIN = 'admin@sandbox.test';
const SLOW = 120_000;

interface ListedKey {
  id: string;
  label: string;
  grantedPermissions: string[];
  revokedAt: string | null;
  isManager: boolean;
}

const cli = useCliWithServer(SLOW);

function createArgs(label: string, ...extra: string[]): string[] {
  return [
    'key',
    'create',
    '--server',
    cli.sandbox.url,
    '--label',
    label,
    ...extra,
  ];
}

async function importMinted(
  email: string,
  permissions: string[],
  label: string,
) {
  const { secret, key } = await importMintedKey(cli, email, label, permissions);
  return { secret, key: key as unknown as ListedKey };
}

async function listed(): Promise<ListedKey[]> {
  return runCliJson<ListedKey[]>(cli.home, ['key', 'list']);
}

describe('btcpay-keys key create', () => {
  it(
    'creates a key with Basic auth, scoped to the given store',
    async () => {
      const store = storeOf(cli.sandbox, MERCHANT);
      const run = await runCli(
        cli.home,
        createArgs(
          'Shop invoices',
          '--permission',
          'btcpay.store.canviewinvoices',
          '--store',
          store,
          '--user',
          MERCHANT,
          '--password-stdin',
        ),
        { input: `${passwordOf(cli.sandbox, MERCHANT)}\n` },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`btcpay.store.canviewinvoices:${store}`);
      const onServer = cli.sandbox.admin
        .keysOf(MERCHANT)
        .find((k) => k.label === 'Shop invoices');
      expect(onServer?.permissions).toEqual([
        `btcpay.store.canviewinvoices:${store}`,
      ]);
      expect((await listed()).map((k) => k.label)).toContain('Shop invoices');
    },
    SLOW,
  );

  it(
    'creates a key for another user when an admin signs in',
    async () => {
      const run = await runCli(
        cli.home,
        createArgs(
          'For the merchant',
          '--permission',
          'btcpay.user.canviewprofile',
          '--for-user',
          MERCHANT,
          '--user',
          ADMIN,
          '--password-stdin',
        ),
        { input: passwordOf(cli.sandbox, ADMIN) },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(cli.sandbox.admin.keysOf(MERCHANT).map((k) => k.label)).toContain(
        'For the merchant',
      );
    },
    SLOW,
  );

  it(
    'creates a key with the manager key once an unrestricted key is imported',
    async () => {
      const refused = await runCli(
        cli.home,
        createArgs(
          'No manager yet',
          '--permission',
          'btcpay.store.canviewinvoices',
        ),
      );
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/manager key/);

      const { key } = await importMinted(ADMIN, ['unrestricted'], 'Manager');
      expect(key.isManager).toBe(true);
      const run = await runCli(
        cli.home,
        createArgs(
          'Via manager',
          '--permission',
          'btcpay.store.canviewinvoices',
        ),
      );
      expect(run.code, run.stderr).toBe(0);
      expect(cli.sandbox.admin.keysOf(ADMIN).map((k) => k.label)).toContain(
        'Via manager',
      );
    },
    SLOW,
  );

  it.each([
    ['nobasic@sandbox.test', /2\.4\.2[\s\S]*account settings/],
    ['fido@sandbox.test', /two-factor[\s\S]*second factor/],
  ])(
    'ends a Basic refusal for %s with exit 4 and a pointer to authorize, sending one request',
    async (email, reason) => {
      const before = cli.sandbox.admin.requests.length;
      const run = await runCli(
        cli.home,
        createArgs(
          'Refused',
          '--permission',
          'btcpay.store.canviewinvoices',
          '--user',
          email,
          '--password-stdin',
        ),
        {
          input: passwordOf(cli.sandbox, email),
        },
      );
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(reason);
      expect(run.stderr).toMatch(/btcpay-keys authorize/);
      expect(cli.sandbox.admin.requests.length - before).toBe(1);
      expect(cli.sandbox.admin.keysOf(email)).toEqual([]);
    },
    SLOW,
  );

  it(
    'says a wrong password is wrong, with exit 4',
    async () => {
      const run = await runCli(
        cli.home,
        createArgs(
          'Wrong',
          '--permission',
          'btcpay.store.canviewinvoices',
          '--user',
          MERCHANT,
          '--password-stdin',
        ),
        {
          input: 'not-the-password',
        },
      );
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/^Error: /m);
      expect(run.stderr).toMatch(/^Next: /m);
    },
    SLOW,
  );

  it(
    'refuses a password with a colon before sending anything',
    async () => {
      const before = cli.sandbox.admin.requests.length;
      const run = await runCli(
        cli.home,
        createArgs(
          'Colon',
          '--permission',
          'btcpay.store.canviewinvoices',
          '--user',
          'colon@sandbox.test',
          '--password-stdin',
        ),
        {
          input: passwordOf(cli.sandbox, 'colon@sandbox.test'),
        },
      );
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/colon/);
      expect(cli.sandbox.admin.requests.length).toBe(before);
    },
    SLOW,
  );

  it(
    'asks for the password on a terminal only, never reading it from argv',
    async () => {
      const run = await runCli(
        cli.home,
        createArgs(
          'No TTY',
          '--permission',
          'btcpay.store.canviewinvoices',
          '--user',
          MERCHANT,
        ),
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/--password-stdin|no terminal/i);
      const unknown = await runCli(
        cli.home,
        createArgs('Argv', '--permission', 'x', '--password', 'secret'),
      );
      expect(unknown.code).toBe(2);
    },
    SLOW,
  );
});

describe('btcpay-keys key import, list and show', () => {
  it(
    "imports from stdin and stores the server's permissions",
    async () => {
      const { key } = await importMinted(
        MERCHANT,
        ['btcpay.store.canmodifystoresettings'],
        'Settings',
      );
      expect(key.grantedPermissions).toEqual([
        'btcpay.store.canmodifystoresettings',
      ]);
      const keys = await listed();
      expect(keys.find((k) => k.id === key.id)?.label).toBe('Settings');
    },
    SLOW,
  );

  it(
    'refuses a key the server does not know, with exit 4, storing nothing',
    async () => {
      const before = (await listed()).length;
      const run = await runCli(
        cli.home,
        ['key', 'import', '--server', cli.sandbox.url, '--key-stdin'],
        {
          input: 'a'.repeat(40),
        },
      );
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/^Error: /m);
      expect(await listed()).toHaveLength(before);
    },
    SLOW,
  );

  it(
    'shows permissions in words, what they imply and their risks',
    async () => {
      const { key } = await importMinted(
        MERCHANT,
        ['btcpay.store.canmodifystoresettings'],
        'Explained',
      );
      const text = await runCli(cli.home, ['key', 'show', key.id]);
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/Also allows: /);
      expect(text.stdout).toMatch(/Risks/);
      expect(text.stdout).toMatch(/All stores, including future ones/);

      const detail = await runCliJson<{
        permissions: { text: string; implies: unknown[] }[];
      }>(cli.home, ['key', 'show', key.id]);
      expect(detail.permissions[0]?.text).toBe(
        'btcpay.store.canmodifystoresettings',
      );
      expect(detail.permissions[0]?.implies.length).toBeGreaterThan(0);
    },
    SLOW,
  );

  it(
    'exits 7 for a key id that is not stored',
    async () => {
      const run = await runCli(cli.home, ['key', 'show', 'k_doesnotexist']);
      expect(run.code).toBe(7);
      expect(run.stderr).toMatch(/key list/);
    },
    SLOW,
  );
});

describe('btcpay-keys key verify', () => {
  it(
    'verifies one key, and exits 4 when --all meets a key the server forgot',
    async () => {
      const kept = await importMinted(MERCHANT, [], 'Kept');
      const forgotten = await importMinted(MERCHANT, [], 'Forgotten');
      const one = await runCli(cli.home, ['key', 'verify', kept.key.id]);
      expect(one.code, one.stderr).toBe(0);
      expect(one.stdout).toMatch(/valid/);

      cli.sandbox.admin.revokeKey(forgotten.secret);
      const run = await runCli(cli.home, ['key', 'verify', '--all', '--json']);
      expect(run.code).toBe(4);
      const results = JSON.parse(run.stdout) as {
        keyId: string;
        result: string;
      }[];
      expect(results.find((r) => r.keyId === forgotten.key.id)?.result).toBe(
        'unknown-key',
      );
      expect(results.find((r) => r.keyId === kept.key.id)?.result).toBe(
        'valid',
      );
    },
    SLOW,
  );

  it(
    'needs exactly one of an id or --all',
    async () => {
      expect((await runCli(cli.home, ['key', 'verify'])).code).toBe(2);
    },
    SLOW,
  );
});

describe('btcpay-keys key reveal and copy', () => {
  it(
    'refuses to reveal without a terminal or --yes, and prints only the key with --yes',
    async () => {
      const { secret, key } = await importMinted(MERCHANT, [], 'Reveal me');
      const refused = await runCli(cli.home, ['key', 'reveal', key.id]);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(/--yes/);

      const revealed = await runCli(cli.home, [
        'key',
        'reveal',
        key.id,
        '--yes',
      ]);
      expect(revealed.code).toBe(0);
      expect(revealed.stdout).toBe(`${secret}\n`);
    },
    SLOW,
  );

  it(
    'says clearly that no clipboard exists where there is no display',
    async () => {
      const { secret, key } = await importMinted(MERCHANT, [], 'Copy me');
      const run = await runCli(cli.home, ['key', 'copy', key.id], {
        env: { DISPLAY: '', WAYLAND_DISPLAY: '' },
      });
      expect(run.code).toBe(10);
      expect(run.stderr).toMatch(/No clipboard is available/);
      expect(run.stderr).toMatch(/key reveal/);
      expect(run.stderr + run.stdout).not.toContain(secret);
      const log = await runCliJson<{
        events: { action: string; keyId?: string }[];
      }>(cli.home, ['log']);
      const copied = log.events.filter(
        (e) => e.action === 'key.copied' && e.keyId === key.id,
      );
      expect(copied).toEqual([]);
    },
    SLOW,
  );
});

describe('btcpay-keys key revoke and delete', () => {
  it(
    'refuses to revoke without confirmation, then revokes on the server with --yes',
    async () => {
      const { secret, key } = await importMinted(MERCHANT, [], 'Revoke me');
      const refused = await runCli(cli.home, ['key', 'revoke', key.id]);
      expect(refused.code).toBe(2);
      expect(
        cli.sandbox.admin.keysOf(MERCHANT).some((k) => k.apiKey === secret),
      ).toBe(true);

      const run = await runCli(cli.home, ['key', 'revoke', key.id, '--yes']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/Revoked/);
      expect(
        cli.sandbox.admin.keysOf(MERCHANT).some((k) => k.apiKey === secret),
      ).toBe(false);
      expect(
        (await listed()).find((k) => k.id === key.id)?.revokedAt,
      ).not.toBeNull();
    },
    SLOW,
  );

  it(
    'counts a revoked key apart from the working ones in server list',
    async () => {
      type Listed = { keyCount: number; revokedKeyCount: number };
      const counts = async (): Promise<Listed | undefined> =>
        (await runCliJson<Listed[]>(cli.home, ['server', 'list']))[0];
      const { key } = await importMinted(MERCHANT, [], 'Counted');
      const before = await counts();
      expect(before?.keyCount).toBeGreaterThan(0);

      const run = await runCli(cli.home, ['key', 'revoke', key.id, '--yes']);
      expect(run.code, run.stderr).toBe(0);
      expect(await counts()).toEqual(
        expect.objectContaining({
          keyCount: (before?.keyCount ?? 0) - 1,
          revokedKeyCount: (before?.revokedKeyCount ?? 0) + 1,
        }),
      );
      const text = await runCli(cli.home, ['server', 'list']);
      expect(text.stdout).toMatch(/KEYS +REVOKED/);
    },
    SLOW,
  );

  it(
    'still drops a key the server no longer knows, and says so',
    async () => {
      const { secret, key } = await importMinted(MERCHANT, [], 'Gone already');
      cli.sandbox.admin.revokeKey(secret);
      const run = await runCli(cli.home, ['key', 'revoke', key.id, '--yes']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/no longer knew/);
    },
    SLOW,
  );

  it(
    'deletes only with --local-only, and the key keeps working on the server',
    async () => {
      const { secret, key } = await importMinted(MERCHANT, [], 'Local delete');
      const refused = await runCli(cli.home, [
        'key',
        'delete',
        key.id,
        '--yes',
      ]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/--local-only/);

      const run = await runCli(cli.home, [
        'key',
        'delete',
        key.id,
        '--local-only',
        '--yes',
      ]);
      expect(run.code).toBe(0);
      expect((await listed()).some((k) => k.id === key.id)).toBe(false);
      expect(
        cli.sandbox.admin.keysOf(MERCHANT).some((k) => k.apiKey === secret),
      ).toBe(true);
    },
    SLOW,
  );
});

describe('btcpay-keys log', () => {
  it(
    'lists the events with an intact hash chain',
    async () => {
      const log = await runCliJson<{
        chain: { ok: boolean };
        events: { action: string }[];
      }>(cli.home, ['log']);
      expect(log.chain.ok).toBe(true);
      const actions = new Set(log.events.map((e) => e.action));
      for (const action of [
        'server.added',
        'key.created',
        'key.imported',
        'key.revealed',
        'key.revoked',
        'key.deleted',
      ]) {
        expect(actions, action).toContain(action);
      }
      const text = await runCli(cli.home, ['log']);
      expect(text.stdout).toMatch(/Hash chain intact/);
    },
    SLOW,
  );
});
