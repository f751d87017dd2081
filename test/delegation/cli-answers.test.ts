import { createServer } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { storeOf } from '../keys/fixtures';
import { runCli } from '../cli/run-cli';
import { importMintedKey, useCliWithServer } from '../cli/with-server';
import { startRequesterProcess } from './requester-process';

// How `btcpay-keys link handle` ends when the answer is not a plain yes: a
// server that does not answer, contradicting flags, a store no one has, a
// wrong password, nobody approving in time, a link that breaks a rule.

const MERCHANT = 'merchant@sandbox.test';
const VIEW = 'btcpay.store.canviewinvoices';
const SLOW = 120_000;

const cli = useCliWithServer(SLOW);

beforeAll(async () => {
  await importMintedKey(cli, MERCHANT, 'manager', ['unrestricted']);
}, SLOW);

/** A loopback port nothing listens on any more. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('?');
  return address.port;
}

/** `btcpay-keys link handle <link> …flags` in this file's data folder. */
const handle = (link: string, ...flags: string[]) =>
  runCli(cli.home, ['link', 'handle', link, ...flags]);

const linkFor = (server: string, extra = '') =>
  `btcpay-keys://authorize?server=${encodeURIComponent(server)}&permissions=${VIEW}${extra}`;

describe('btcpay-keys link handle, when no key can be made', () => {
  it(
    'checks a server it does not know first: exit 5 and server_error, without waiting',
    async () => {
      const dead = `http://127.0.0.1:${await closedPort()}/`;
      const requester = startRequesterProcess(cli.home, dead, [VIEW]);
      const link = await requester.link;

      const run = await handle(link, '--yes');

      expect(run.code, run.stderr).toBe(5);
      expect(run.stderr).toMatch(/did not answer as a BTCPay Server/);
      expect(run.stderr).toMatch(/^Next: \S/m);
      expect(run.stdout).not.toMatch(/authorize\?/);
      const { answer } = await requester.done;
      expect(answer).toMatchObject({ outcome: 'error', error: 'server_error' });
    },
    SLOW,
  );

  it('refuses --deny with --yes or with approval flags, before anything is sent', async () => {
    const link = linkFor(cli.sandbox.url);
    const both = await handle(link, '--deny', '--yes');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--yes approves .* --deny refuses/);
    expect(both.stderr).toMatch(/^Next: Give --yes to approve or --deny/m);

    const method = await handle(
      link,
      '--deny',
      '--method',
      'manager',
      '--store',
      'x',
    );
    expect(method.code).toBe(2);
    expect(method.stderr).toContain(
      '--deny refuses the request, so --method, --store would be ignored.',
    );
  });

  it('answers --deny without asking a server it does not know, and refuses --timeout with it', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}/`;
    const requester = startRequesterProcess(cli.home, dead, [VIEW]);
    const denied = await handle(await requester.link, '--deny');
    expect(denied.code, denied.stderr).toBe(6);
    expect(denied.stderr).not.toMatch(/did not answer/);
    expect((await requester.done).answer).toMatchObject({
      error: 'access_denied',
    });

    const timed = await handle(
      linkFor(cli.sandbox.url),
      '--deny',
      '--timeout',
      '5',
    );
    expect(timed.code).toBe(2);
    expect(timed.stderr).toContain('so --timeout would be ignored');
  });

  it('refuses --store on a request that does not ask for a store pick, making no key', async () => {
    const before = cli.sandbox.admin.keysOf(MERCHANT).length;
    const run = await handle(
      linkFor(cli.sandbox.url),
      '--yes',
      '--method',
      'manager',
      '--store',
      'bogus',
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/does not ask you to pick a store/);
    expect(cli.sandbox.admin.keysOf(MERCHANT)).toHaveLength(before);
  });

  it(
    'refuses a --store the manager key cannot reach, listing the ones it can, and makes no key',
    async () => {
      const store = storeOf(cli.sandbox, MERCHANT);
      const before = cli.sandbox.admin.keysOf(MERCHANT).length;
      const requester = startRequesterProcess(
        cli.home,
        cli.sandbox.url,
        [VIEW],
        {
          selectStore: true,
        },
      );
      try {
        const run = await handle(
          await requester.link,
          '--yes',
          '--method',
          'manager',
          '--store',
          'NoSuchStore',
        );
        expect(run.code).toBe(2);
        expect(run.stderr).toContain(
          'The manager key reaches no store with the id "NoSuchStore"',
        );
        expect(run.stderr).toContain(
          `Next: Give --store with one of: ${store} (`,
        );
        expect(cli.sandbox.admin.keysOf(MERCHANT)).toHaveLength(before);
      } finally {
        requester.stop();
      }
    },
    SLOW,
  );

  it(
    'says what to run on the command line after a refused password, not an app button',
    async () => {
      const run = await runCli(
        cli.home,
        [
          'link',
          'handle',
          linkFor(cli.sandbox.url),
          '--yes',
          '--method',
          'basic',
          '--user',
          MERCHANT,
          '--password-stdin',
        ],
        { input: 'not the password\n' },
      );
      expect(run.code).toBe(4);
      const next = /^Next: (.*)$/m.exec(run.stderr)?.[1] ?? '';
      expect(next).toContain('--method authorize');
      expect(run.stderr).not.toContain('Connect through the browser');
    },
    SLOW,
  );

  it(
    'gives up after --timeout with exit 6 and tells the app it timed out',
    async () => {
      const requester = startRequesterProcess(cli.home, cli.sandbox.url, [
        VIEW,
      ]);
      const run = await handle(
        await requester.link,
        '--yes',
        '--method',
        'authorize',
        '--no-browser',
        '--timeout',
        '1',
      );
      expect(run.code, run.stderr).toBe(6);
      expect(run.stdout + run.stderr).toMatch(/api-keys\/authorize\?/);
      const { answer } = await requester.done;
      expect(answer).toMatchObject({ outcome: 'error', error: 'timeout' });
    },
    SLOW,
  );

  it('names the broken rule and what the app should change', async () => {
    const hostile = linkFor(
      cli.sandbox.url,
      `&redirect=${encodeURIComponent('http://localhost:1234/cb')}`,
    );
    for (const args of [
      ['link', 'handle', hostile, '--yes'],
      ['link', 'inspect', hostile],
    ]) {
      const run = await runCli(cli.home, args);
      expect(run.code).toBe(9);
      expect(run.stderr).toMatch(/^Error: Refused \(redirect-localhost\): /m);
      expect(run.stderr).toMatch(/^Next: Write 127\.0\.0\.1 \(or \[::1\]\)/m);
    }
    const json = await runCli(cli.home, ['link', 'inspect', '--json', hostile]);
    expect(json.code).toBe(9);
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      rule: 'redirect-localhost',
      message: expect.stringMatching(/localhost/),
      nextStep: expect.stringMatching(/^Write 127\.0\.0\.1/),
    });
  });

  it('shows no "All stores" risk for a request limited to one picked store', async () => {
    const run = await runCli(cli.home, [
      'link',
      'inspect',
      linkFor(cli.sandbox.url, '&selectiveStores=true'),
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('you pick the one store it applies to');
    expect(run.stdout).toMatch(/^ {2}- .+ \(The one store you pick\): /m);
    expect(run.stdout).not.toContain('All stores, including future ones');
    expect(run.stdout.split('\n')).toContain('  risks: Read-only');

    const unpicked = await runCli(cli.home, [
      'link',
      'inspect',
      linkFor(cli.sandbox.url),
    ]);
    expect(unpicked.stdout.split('\n')).toContain(
      '  risks: All stores, Read-only',
    );
  });
});
