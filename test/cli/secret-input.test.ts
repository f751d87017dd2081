import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';
import { runInTerminal } from './terminal';
import { keyCreateArgs, useCliWithServer } from './with-server';

// Secrets that cannot be right are refused before anything is sent: a
// password far longer than any BTCPay takes, or none at all. Ending a hidden
// prompt with Ctrl+D is a cancel (exit 6), as at any other question.

const MERCHANT = 'merchant@sandbox.test';
const SLOW = 120_000;
const CTRL_D = '\u0004';

const cli = useCliWithServer(SLOW);

const createWithPassword = (...extra: string[]) => [
  ...keyCreateArgs(cli, 'Pw'),
  ...['--permission', 'btcpay.store.canviewinvoices', '--user', MERCHANT],
  ...extra,
];

describe('a secret on stdin', () => {
  it.each([
    ['a huge one', randomBytes(3_750_000).toString('base64')],
    ['one just over the limit', 'p'.repeat(1_001)],
  ])(
    'refuses %s as a password with exit 2, sending nothing and echoing nothing',
    async (_name, password) => {
      const before = cli.sandbox.admin.requests.length;
      const run = await runCli(
        cli.home,
        createWithPassword('--password-stdin'),
        { input: password },
      );
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(
        /^Error: What arrived on stdin is longer than 1000 characters/,
      );
      expect(run.stderr).toMatch(/^Next: \S/m);
      expect(run.stderr).not.toContain(password.slice(0, 20));
      expect(cli.sandbox.admin.requests.length).toBe(before);
    },
    SLOW,
  );

  it(
    'refuses a huge key for key import with exit 2, sending nothing',
    async () => {
      const before = cli.sandbox.admin.requests.length;
      const run = await runCli(
        cli.home,
        ['key', 'import', '--server', cli.sandbox.url, '--key-stdin'],
        { input: 'f'.repeat(200_000) },
      );
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/^Error: What arrived on stdin is longer/);
      expect(cli.sandbox.admin.requests.length).toBe(before);
    },
    SLOW,
  );
});

describe('a hidden prompt', () => {
  it.each([
    [
      'the password prompt of key create',
      () => createWithPassword(),
      /Password for merchant@sandbox\.test: $/,
    ],
    [
      'the key prompt of key import',
      () => ['key', 'import', '--server', cli.sandbox.url],
      /API key for .*: $/,
    ],
  ])(
    'takes Ctrl+D at %s as a cancel: exit 6, said plainly, nothing sent',
    async (_name, args, question) => {
      const before = cli.sandbox.admin.requests.length;
      const run = await runInTerminal(cli.home, args(), {
        answers: [{ after: question, send: CTRL_D }],
      });
      expect(run.code, run.screen).toBe(6);
      expect(run.screen).toMatch(/^Cancelled; nothing changed\.\r?$/m);
      expect(run.screen).not.toContain('Error:');
      expect(cli.sandbox.admin.requests.length).toBe(before);
    },
    SLOW,
  );

  it(
    'refuses an empty password with exit 2 as a usage error, not as the server’s refusal',
    async () => {
      const before = cli.sandbox.admin.requests.length;
      const run = await runInTerminal(cli.home, createWithPassword(), {
        answers: [{ after: /Password for .*: $/, send: '\r' }],
        env: { NO_COLOR: '1' },
      });
      const screen = run.screen;
      expect(run.code, screen).toBe(2);
      expect(screen).toMatch(/^Error: No password was typed/m);
      expect(screen).toMatch(/^Next: \S/m);
      expect(cli.sandbox.admin.requests.length).toBe(before);
    },
    SLOW,
  );
});
