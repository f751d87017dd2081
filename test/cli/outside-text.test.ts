import { describe, expect, it } from 'vitest';
import { makeHome, removeHome, runCli, runCliJson } from './run-cli';
import { importMintedKey, useCliWithServer } from './with-server';

// Labels and names come from the server (or a deep link) and reach the
// terminal: none may move the cursor, forge a table row or turn text around.

const SLOW = 120_000;
const MERCHANT = 'merchant@sandbox.test';

/** A label that, printed raw, clears its line and forges a trusted row. */
const FORGING_LABEL =
  'Good\u001b[2K\rk_fakefakefake0001  Trusted  sandbox  0  valid';
/** Line break, bell and a right-to-left override. */
const BREAKING_LABEL = 'Two\nlines\u0007 and \u202Egnp.exe';

// Control, bidi and invisible format characters; line breaks end lines.
// eslint-disable-next-line no-control-regex
const HIDDEN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\p{Cf}\u2028\u2029]/u;

const cli = useCliWithServer(SLOW);

function expectPrintable(text: string): void {
  expect(text).not.toMatch(HIDDEN);
}

describe('btcpay-keys output of outside text', () => {
  it(
    'never prints control or bidi characters of a server-side label',
    async () => {
      const forged = await importMintedKey(cli, MERCHANT, FORGING_LABEL);
      const broken = await importMintedKey(cli, MERCHANT, BREAKING_LABEL);

      const imported = await runCli(
        cli.home,
        ['key', 'import', '--server', cli.sandbox.url, '--key-stdin'],
        {
          input: cli.sandbox.admin.mintKey(MERCHANT, [], BREAKING_LABEL),
        },
      );
      expect(imported.code).toBe(0);
      expectPrintable(imported.stdout);

      const list = await runCli(cli.home, ['key', 'list']);
      expect(list.code).toBe(0);
      expectPrintable(list.stdout);
      // The header and one line per key: no row was forged or split.
      const lines = list.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(4);
      expect(lines.filter((line) => line.startsWith('k_fake'))).toEqual([]);
      expect(list.stdout).toContain('Good [2K k_fakefakefake0001');

      for (const id of [forged.id, broken.id]) {
        const show = await runCli(cli.home, ['key', 'show', id]);
        expect(show.code).toBe(0);
        expectPrintable(show.stdout);
        const verify = await runCli(cli.home, ['key', 'verify', id]);
        expect(verify.code).toBe(0);
        expectPrintable(verify.stdout);
      }
      const reveal = await runCli(cli.home, ['key', 'reveal', forged.id]);
      expect(reveal.code).toBe(2);
      expectPrintable(reveal.stderr);

      // Stored and --json output keep the label exactly as the server has it.
      const stored = await runCliJson<{ id: string; label: string }[]>(
        cli.home,
        ['key', 'list'],
      );
      expect(stored.find((k) => k.id === forged.id)?.label).toBe(FORGING_LABEL);
    },
    SLOW,
  );

  it(
    'cuts a long server-side label in the table only',
    async () => {
      const label = `Long ${'x'.repeat(295)}`;
      const { id } = await importMintedKey(cli, MERCHANT, label);

      const list = await runCli(cli.home, ['key', 'list']);
      const row = list.stdout.split('\n').find((line) => line.startsWith(id));
      expect(row).toMatch(/Long x+… /);
      expect(row?.length).toBeLessThan(150);

      const show = await runCli(cli.home, ['key', 'show', id]);
      expect(show.stdout).toContain(label);
    },
    SLOW,
  );

  it(
    'prints a server name with control characters as plain text',
    async () => {
      const home = await makeHome();
      try {
        const name = 'Shop\u001b[31m\rFake\u202E';
        const add = await runCli(home, [
          ...['server', 'add', cli.sandbox.url, '--name', name],
        ]);
        expect(add.code).toBe(0);
        expectPrintable(add.stdout);
        const list = await runCli(home, ['server', 'list']);
        expectPrintable(list.stdout);
        expect(list.stdout.trimEnd().split('\n')).toHaveLength(2);
      } finally {
        await removeHome(home);
      }
    },
    SLOW,
  );
});
