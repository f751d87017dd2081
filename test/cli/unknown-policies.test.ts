import { describe, expect, it } from 'vitest';
import { passwordOf } from '../keys/fixtures';
import { runCli } from './run-cli';
import {
  importMintedKey,
  keyCreateArgs,
  useCliWithServer,
} from './with-server';

// BTCPay (from 2.3.6) stores a policy it does not define in a new key, where
// it allows nothing: a typo in `key create --permission` must be warned
// about, and `key show` must not present it as reaching anything.

const MERCHANT = 'merchant@sandbox.test';
const SLOW = 120_000;
const TYPO = 'btcpay.store.canviewinvoice';

const cli = useCliWithServer(SLOW);

function createWith(permission: string) {
  return runCli(
    cli.home,
    [
      ...keyCreateArgs(cli, permission),
      ...['--permission', permission, '--user', MERCHANT, '--password-stdin'],
    ],
    { input: passwordOf(cli.sandbox, MERCHANT) },
  );
}

describe('btcpay-keys key create with a policy BTCPay does not define', () => {
  it(
    'warns that it is unknown to the built-in list, and names the likely policy',
    async () => {
      const run = await createWith(TYPO);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(
        new RegExp(`^Warning: ${TYPO} is unknown to BTCPay`, 'm'),
      );
      // No list of the server's own is stored yet: a plugin's permission
      // cannot be told from a typo, so the warning does not say "nothing".
      expect(run.stderr).toMatch(/what it allows is not known here/);
      expect(run.stderr).toContain(
        'Did you mean btcpay.store.canviewinvoices?',
      );
    },
    SLOW,
  );

  it(
    'warns about nothing for policies BTCPay defines',
    async () => {
      const run = await createWith('btcpay.store.canviewinvoices');
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).not.toMatch(/Warning:/);
    },
    SLOW,
  );
});

describe('btcpay-keys key show of a key holding an unknown policy', () => {
  it(
    'says the policy is unknown to this server and reaches nothing',
    async () => {
      const { id } = await importMintedKey(cli, MERCHANT, 'Typo key', [TYPO]);
      const run = await runCli(cli.home, ['key', 'show', id]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(
        /Unknown permission — Nothing: it is not a defined permission/,
      );
      expect(run.stdout).toContain(`${TYPO} is unknown to this server`);
      expect(run.stdout).toContain(
        'Did you mean btcpay.store.canviewinvoices?',
      );
      expect(run.stdout).not.toMatch(/All stores/);
    },
    SLOW,
  );
});
