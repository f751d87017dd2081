import {
  chmod,
  mkdtemp,
  readdir,
  readFile,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli';
import { importMintedKey, useCliWithServer } from './with-server';

const MERCHANT = 'merchant@sandbox.test';
const SLOW = 180_000;

/**
 * An `xsel` stand-in on PATH: clipboardy runs `xsel --clipboard --input` to
 * copy and `--output` to paste; this one keeps the clipboard in a file, so
 * the test runs where no display server exists.
 */
const FAKE_XSEL = `#!/bin/sh
case "$*" in
  *--input*) cat > "$FAKE_CLIPBOARD_FILE" ;;
  *--output*) cat "$FAKE_CLIPBOARD_FILE" 2>/dev/null ;;
esac
`;

const cli = useCliWithServer(SLOW);
let tools: string;

beforeAll(async () => {
  tools = await mkdtemp(path.join(tmpdir(), 'btcpay-keys-clipboard-'));
  await writeFile(path.join(tools, 'xsel'), FAKE_XSEL);
  await chmod(path.join(tools, 'xsel'), 0o755);
}, SLOW);

afterAll(async () => {
  await rm(tools, { recursive: true, force: true });
});

function clipboardEnv(file: string): NodeJS.ProcessEnv {
  return {
    PATH: `${tools}${path.delimiter}${process.env['PATH'] ?? ''}`,
    FAKE_CLIPBOARD_FILE: file,
    DISPLAY: ':99',
    WAYLAND_DISPLAY: '',
  };
}

/** Command lines of every process we may read, to find a leaked key. */
async function allCommandLines(): Promise<string[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const lines = await Promise.all(
    pids.map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')),
  );
  return lines;
}

async function waitFor(
  check: () => Promise<boolean>,
  seconds: number,
): Promise<boolean> {
  for (let waited = 0; waited < seconds; waited += 1) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return check();
}

const onLinux = process.platform === 'linux';
if (!onLinux) {
  console.warn(
    'clipboard.test.ts: not run here; it fakes xsel and reads /proc, which ' +
      'only Linux has.',
  );
}

describe('btcpay-keys key copy', () => {
  it.runIf(onLinux)(
    'clears the clipboard after 30 s only if it still holds the key, never passing the key in argv',
    async () => {
      const kept = await importMintedKey(cli, MERCHANT, 'Copied and left');
      const replaced = await importMintedKey(
        cli,
        MERCHANT,
        'Copied then replaced',
      );
      const keptFile = path.join(tools, 'kept.clip');
      const replacedFile = path.join(tools, 'replaced.clip');

      const first = await runCli(cli.home, ['key', 'copy', kept.id], {
        env: clipboardEnv(keptFile),
      });
      const second = await runCli(cli.home, ['key', 'copy', replaced.id], {
        env: clipboardEnv(replacedFile),
      });
      expect(first.code, first.stderr).toBe(0);
      expect(second.code, second.stderr).toBe(0);
      expect(first.stdout).toMatch(/cleared at/);
      expect(await readFile(keptFile, 'utf8')).toBe(kept.secret);

      // The user copies something else over the second key.
      await writeFile(replacedFile, 'an invoice id');
      const commandLines = await allCommandLines();
      expect(commandLines.some((line) => line.includes(kept.secret))).toBe(
        false,
      );
      expect(
        commandLines.some((line) => line.includes('__clear-clipboard')),
      ).toBe(true);

      const cleared = await waitFor(
        async () => (await readFile(keptFile, 'utf8')) === '',
        60,
      );
      expect(cleared).toBe(true);
      // Both clearers started together; once the first cleared, give the
      // second its turn, then check it left the user's own copy alone.
      await waitFor(
        async () =>
          !(await allCommandLines()).some((line) =>
            line.includes('__clear-clipboard'),
          ),
        30,
      );
      expect(await readFile(replacedFile, 'utf8')).toBe('an invoice id');

      const log = JSON.parse(
        (await runCli(cli.home, ['log', '--json'])).stdout,
      ) as {
        events: { action: string; keyId?: string }[];
      };
      expect(
        log.events.filter((e) => e.action === 'key.copied').map((e) => e.keyId),
      ).toEqual([kept.id, replaced.id]);
    },
    SLOW,
  );
});
