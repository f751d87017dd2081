import { describe, expect, it } from 'vitest';
import { runCliJson } from './run-cli';
import { runInTerminal } from './terminal';
import { importMintedKey, useCliWithServer } from './with-server';
import { startRequesterProcess } from '../delegation/requester-process';

// docs/cli.md: a cancelled prompt ends with exit 6 and changes nothing, the
// same as a declined one; Ctrl+C must not end the process with the shell's
// 130 instead.

const MERCHANT = 'merchant@sandbox.test';
const SLOW = 120_000;
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';

const cli = useCliWithServer(SLOW);

async function storedIds(): Promise<string[]> {
  const keys = await runCliJson<{ id: string }[]>(cli.home, ['key', 'list']);
  return keys.map((key) => key.id);
}

describe('btcpay-keys at a [y/N] question', () => {
  it.each([
    ['Ctrl+C', CTRL_C],
    ['Ctrl+D', CTRL_D],
  ])(
    'treats %s as cancelling: exit 6, "Cancelled; nothing changed."',
    async (_name, keystroke) => {
      const { id } = await importMintedKey(cli, MERCHANT, 'Not deleted');
      const run = await runInTerminal(
        cli.home,
        ['key', 'delete', id, '--local-only'],
        { answers: [{ after: /\[y\/N\]/, send: keystroke }] },
      );
      expect(run.code, run.screen).toBe(6);
      expect(run.screen).toMatch(/^Cancelled; nothing changed\.\r?$/m);
      expect(run.screen).not.toContain('Error:');
      expect(await storedIds()).toContain(id);
    },
    SLOW,
  );
});

describe('btcpay-keys link handle at its numbered questions', () => {
  it.each([
    ['Ctrl+C', CTRL_C],
    ['Ctrl+D', CTRL_D],
  ])(
    'treats %s at "Choose" as a refusal: exit 6, and the app hears access_denied',
    async (_name, keystroke) => {
      await importMintedKey(cli, MERCHANT, 'manager', ['unrestricted']);
      const requester = startRequesterProcess(cli.home, cli.sandbox.url, [
        'btcpay.store.canviewinvoices',
      ]);
      const before = cli.sandbox.admin.keysOf(MERCHANT).length;
      const run = await runInTerminal(
        cli.home,
        ['link', 'handle', await requester.link],
        {
          answers: [
            { after: /Give this app a key\? \[y\/N\] $/, send: 'y\r' },
            { after: /Choose 1-\d \[1\]: $/, send: keystroke },
          ],
        },
      );
      expect(run.code, run.screen).toBe(6);
      expect((await requester.done).answer).toMatchObject({
        outcome: 'error',
        error: 'access_denied',
      });
      expect(cli.sandbox.admin.keysOf(MERCHANT)).toHaveLength(before);
    },
    SLOW,
  );
});
