import { describe, expect, it } from 'vitest';
import { runCliJson } from './run-cli';
import { runInTerminal } from './terminal';
import { importMintedKey, useCliWithServer } from './with-server';

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
      expect(run.screen).toContain('Cancelled; nothing changed.');
      expect(await storedIds()).toContain(id);
    },
    SLOW,
  );
});
