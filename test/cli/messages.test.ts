import { describe, expect, it } from 'vitest';
import { passwordOf } from '../keys/fixtures';
import { runCli, type CliRun } from './run-cli';
import { keyCreateArgs, useCliWithServer } from './with-server';

// Refused sign-ins end with the next step in the command line's words: the
// command to run, never the desktop app's button.

const SLOW = 120_000;

const cli = useCliWithServer(SLOW);

function createWithPassword(email: string, password: string): Promise<CliRun> {
  return runCli(
    cli.home,
    [
      ...keyCreateArgs(cli, 'Refused'),
      ...['--permission', 'btcpay.store.canviewinvoices'],
      ...['--user', email, '--password-stdin'],
    ],
    { input: password },
  );
}

function expectCommandLineNextStep(run: CliRun): void {
  expect(run.code).toBe(4);
  expect(run.stderr).toMatch(/^Next: .*run `btcpay-keys authorize`/m);
  expect(run.stderr).not.toMatch(/Connect through the browser/);
}

describe('btcpay-keys next steps after a refused password', () => {
  it(
    'names btcpay-keys authorize for a password with a colon',
    async () => {
      const email = 'colon@sandbox.test';
      const run = await createWithPassword(
        email,
        passwordOf(cli.sandbox, email),
      );
      expectCommandLineNextStep(run);
      expect(run.stderr).toMatch(/colon/);
    },
    SLOW,
  );

  it(
    'names btcpay-keys authorize for a wrong password',
    async () => {
      const run = await createWithPassword('merchant@sandbox.test', 'wrong');
      expectCommandLineNextStep(run);
      expect(run.stderr).toMatch(/did not accept this email and password/);
    },
    SLOW,
  );

  it(
    'names btcpay-keys authorize once the account is locked after wrong passwords',
    async () => {
      const email = 'lockme@sandbox.test';
      let last: CliRun | undefined;
      for (let attempt = 0; attempt < 5; attempt += 1) {
        last = await createWithPassword(email, `wrong ${attempt}`);
      }
      expect(last?.stderr).toMatch(/locked this account/);
      expectCommandLineNextStep(last as CliRun);
      expect(last?.stderr).toMatch(/Wait 5 minutes/);
    },
    SLOW,
  );
});
