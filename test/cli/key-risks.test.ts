import { describe, expect, it } from 'vitest';
import { storeOf } from '../keys/fixtures';
import { runCli } from './run-cli';
import { importMintedKey, useCliWithServer } from './with-server';

// `key show` gives the risks of the key as a whole, the same classes as
// the app and the audit: a key that can change something
// is not also "Read-only" because one of its permissions only views.

const MERCHANT = 'merchant@sandbox.test';
const SLOW = 120_000;

const cli = useCliWithServer(SLOW);

function risksLine(text: string): string {
  return /^Risks of this key: (.*)$/m.exec(text)?.[1] ?? '';
}

describe('btcpay-keys key show', () => {
  it(
    'does not call a key read-only when one of its permissions changes things',
    async () => {
      const store = storeOf(cli.sandbox, MERCHANT);
      const { id } = await importMintedKey(cli, MERCHANT, 'Mixed', [
        `btcpay.store.canviewinvoices:${store}`,
        `btcpay.store.canmodifystoresettings:${store}`,
      ]);

      const show = await runCli(cli.home, ['key', 'show', id]);
      expect(show.code, show.stderr).toBe(0);
      expect(risksLine(show.stdout)).toContain('Changes settings');
      expect(risksLine(show.stdout)).not.toContain('Read-only');
    },
    SLOW,
  );

  it(
    'calls a key read-only when every permission only views',
    async () => {
      const store = storeOf(cli.sandbox, MERCHANT);
      const { id } = await importMintedKey(cli, MERCHANT, 'Viewer', [
        `btcpay.store.canviewinvoices:${store}`,
      ]);
      const show = await runCli(cli.home, ['key', 'show', id]);
      expect(risksLine(show.stdout)).toBe('Read-only');
    },
    SLOW,
  );
});
