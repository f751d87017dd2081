import { beforeAll, describe, expect, it } from 'vitest';
import { passwordOf, startRelaxedSandbox } from '../keys/fixtures';
import { ensureFreshBuild, makeHome, removeHome, runCli } from './run-cli';

// key create against servers that refuse in ways a shared sandbox cannot
// show: a strict Basic-auth throttle, and a version older than a permission.
// Each test starts its own sandbox.

const MERCHANT = 'merchant@sandbox.test';
const SLOW = 120_000;

beforeAll(() => ensureFreshBuild(), SLOW);

describe('btcpay-keys key create when Basic auth is rate limited', () => {
  it(
    'stops after the refused request and says when to try again',
    async () => {
      const strict = await startRelaxedSandbox({
        basicRateLimit: { perMinute: 1, burst: 0 },
      });
      const strictHome = await makeHome();
      try {
        await runCli(strictHome, ['server', 'add', strict.url]);
        const args = [
          'key',
          'create',
          '--server',
          strict.url,
          '--label',
          'Throttled',
          '--permission',
          'btcpay.store.canviewinvoices',
          '--user',
          MERCHANT,
          '--password-stdin',
        ];
        const input = passwordOf(strict, MERCHANT);
        const first = await runCli(strictHome, args, { input });
        expect(first.code, first.stderr).toBe(0);
        const before = strict.admin.requests.length;
        const second = await runCli(strictHome, args, { input });
        expect(second.code).toBe(4);
        expect(second.stderr).toMatch(/rate|too many|limit/i);
        expect(second.stderr).toMatch(/Try again in .*seconds|minute/);
        expect(second.stderr).toMatch(/btcpay-keys authorize/);
        expect(strict.admin.requests.length - before).toBe(1);
      } finally {
        await strict.close();
        await removeHome(strictHome);
      }
    },
    SLOW,
  );
});

describe('btcpay-keys key create on an older server', () => {
  it(
    'names the permission it refused and the version that added it',
    async () => {
      const old = await startRelaxedSandbox({ version: '2.3.5' });
      const oldHome = await makeHome();
      try {
        await runCli(oldHome, ['server', 'add', old.url]);
        const run = await runCli(
          oldHome,
          [
            'key',
            'create',
            '--server',
            old.url,
            '--label',
            'Wallet',
            '--permission',
            'btcpay.store.canviewinvoices',
            '--permission',
            'btcpay.store.canbroadcasttransactions',
            '--user',
            MERCHANT,
            '--password-stdin',
          ],
          { input: passwordOf(old, MERCHANT) },
        );
        expect(run.code).toBe(4);
        expect(run.stderr).toMatch(/btcpay\.store\.canbroadcasttransactions/);
        expect(run.stderr).toMatch(/since BTCPay 2\.4\.0/);
        expect(old.admin.keysOf(MERCHANT)).toEqual([]);
      } finally {
        await old.close();
        await removeHome(oldHome);
      }
    },
    SLOW,
  );
});
