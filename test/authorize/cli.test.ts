import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openVault } from '../../src/vault';
import { ExitCode } from '../../src/cli/context';
import {
  ensureFreshBuild,
  makeHome,
  PROJECT_ROOT,
  removeHome,
} from '../cli/run-cli';
import { startSandbox, type Sandbox } from '../sandbox';
import { folderKeychain } from '../support/folder-keychain';
import { launchChromium, playMerchant } from './browser';
import { scriptArgs } from '../cli/terminal';

// `btcpay-keys authorize` as a script runs it: a real child process without
// a terminal, the URL read from its stdout, Chromium playing the merchant,
// the key stored in the real keychain (run inside scripts/with-keyring.sh).

// The terminal test drives util-linux `script`, which other systems lack.
const onLinux = process.platform === 'linux';
if (!onLinux) {
  console.info(
    'Skipping the terminal prompt test: it needs util-linux script.',
  );
}

const BIN = path.join(PROJECT_ROOT, 'bin', 'btcpay-keys.mjs');
const SLOW = 120_000;

let sandbox: Sandbox;
let browser: Browser;
let merchant: { email: string; password: string };
let home: string;

beforeAll(async () => {
  await ensureFreshBuild();
  [sandbox, browser] = await Promise.all([
    startSandbox({ port: 0 }),
    launchChromium(),
  ]);
  const user = sandbox.users.find((candidate) => candidate.role === 'merchant');
  if (!user) throw new Error('The sandbox has no merchant account.');
  merchant = user;
}, SLOW);

afterAll(async () => {
  await Promise.all([browser?.close(), sandbox?.close()]);
});

afterEach(async () => {
  // Only this test's entries: other suites share the keyring session.
  const vault = await openVault({ home });
  const keychain = folderKeychain(home);
  for (const key of (await vault.metadata()).keys)
    await keychain.delete(key.id);
  await removeHome(home);
});

interface RunningCli {
  /** Resolves with the first stdout line that passes `test`. */
  line: (test: (line: string) => boolean) => Promise<string>;
  exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Presses Ctrl+C, as a person at the terminal would to cancel. */
  interrupt: () => void;
}

/**
 * Starts `btcpay-keys authorize`. With `answers` it runs on a real
 * pseudo-terminal (util-linux `script`) and types each answer once its
 * prompt appeared; without, it runs as a script does, with no terminal.
 */
function startCli(
  args: string[],
  answers?: Array<{ after: RegExp; send: string }>,
): RunningCli {
  const argv = [BIN, 'authorize', '--server', sandbox.url, ...args];
  const env = { ...process.env, BTCPAY_KEYS_HOME: home };
  const child = answers
    ? spawn('script', scriptArgs([process.execPath, ...argv]), {
        cwd: PROJECT_ROOT,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      })
    : spawn(process.execPath, argv, {
        cwd: PROJECT_ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
  let stdout = '';
  let stderr = '';
  const pending = [...(answers ?? [])];
  const waiters: Array<() => void> = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (pending[0]?.after.test(stdout)) {
      child.stdin?.write(pending.shift()?.send ?? '');
    }
    waiters.forEach((wake) => wake());
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{
    code: number | null;
    stdout: string;
    stderr: string;
  }>((resolve) =>
    child.on('close', (code) => {
      child.stdin?.destroy();
      resolve({ code, stdout, stderr });
    }),
  );
  const line = (test: (line: string) => boolean) =>
    new Promise<string>((resolve, reject) => {
      const look = (): void => {
        const found = stdout
          .split(/\r?\n/)
          .find((candidate) => test(candidate));
        if (found !== undefined) resolve(found);
      };
      waiters.push(look);
      look();
      void exit.then(() => reject(new Error(`btcpay-keys exited: ${stderr}`)));
    });
  return { line, exit, interrupt: () => child.kill('SIGINT') };
}

const approve = (url: string) =>
  playMerchant(browser, url, { ...merchant, choice: 'approve' });

const isAuthorizeUrl = (line: string) =>
  line.startsWith(`${sandbox.url}api-keys/authorize?`);

describe('btcpay-keys authorize', () => {
  it(
    'prints the authorize URL on its own line, then stores the approved key',
    async () => {
      home = await makeHome();
      const cli = startCli([
        '--permission',
        'btcpay.store.canviewinvoices',
        '--name',
        'CLI shop',
        '--identifier',
        'cli-shop',
        '--no-browser',
      ]);

      const url = await cli.line(isAuthorizeUrl);
      const params = new URL(url).searchParams;
      expect(params.getAll('permissions')).toEqual([
        'btcpay.store.canviewinvoices',
      ]);
      expect(params.get('applicationName')).toBe('CLI shop');
      await approve(url);
      const run = await cli.exit;

      expect(run.code).toBe(ExitCode.ok);
      expect(run.stdout).toContain('Stored "CLI shop"');
      expect(run.stdout).toContain(
        'BTCPay granted exactly what was requested.',
      );
      const minted = sandbox.admin.keysOf(merchant.email).at(-1)?.apiKey ?? '';
      expect(minted).toHaveLength(40);
      expect(`${run.stdout}${run.stderr}`).not.toContain(minted);
      const { keys } = await (await openVault({ home })).metadata();
      expect(keys.map((key) => key.grantedPermissions)).toEqual([
        ['btcpay.store.canviewinvoices'],
      ]);
    },
    SLOW,
  );

  it(
    'gives scripts the URL as JSON first and the outcome as JSON last, listing older keys to revoke',
    async () => {
      home = await makeHome();
      const args = [
        '--name',
        'Scripted',
        '--identifier',
        'scripted',
        '--no-browser',
        '--json',
      ];
      const first = startCli(args);
      await approve(
        JSON.parse(await first.line((l) => l.startsWith('{"authorizeUrl"')))
          .authorizeUrl,
      );
      expect((await first.exit).code).toBe(ExitCode.ok);

      const second = startCli(args);
      const announced = await second.line((l) =>
        l.startsWith('{"authorizeUrl"'),
      );
      await approve(JSON.parse(announced).authorizeUrl);
      const run = await second.exit;

      expect(run.code).toBe(ExitCode.ok);
      const outcome = JSON.parse(
        run.stdout.slice(run.stdout.indexOf('\n') + 1),
      );
      expect(outcome).toMatchObject({
        outcome: 'stored',
        granted: [],
        differences: [],
      });
      expect(outcome.supersededKeys).toHaveLength(1);
      expect(outcome.supersededKeys[0].id).not.toBe(outcome.key.id);
    },
    SLOW,
  );

  it(
    'tells a script which older keys to revoke and how',
    async () => {
      home = await makeHome();
      const args = [
        '--name',
        'Repeat',
        '--identifier',
        'repeat',
        '--no-browser',
      ];
      const first = startCli(args);
      await approve(await first.line(isAuthorizeUrl));
      await first.exit;

      const second = startCli(args);
      await approve(await second.line(isAuthorizeUrl));
      const run = await second.exit;

      const { keys } = await (await openVault({ home })).metadata();
      const older = keys[0]?.id ?? 'missing';
      expect(run.stdout).toContain(older);
      expect(run.stdout).toContain('btcpay-keys key revoke <id>');
    },
    SLOW,
  );

  it(
    'times out with the cancelled exit code, stores nothing and offers pasting a key',
    async () => {
      home = await makeHome();
      const cli = startCli([
        '--timeout',
        '1',
        '--strict=false',
        '--select-store',
        '--no-browser',
      ]);

      const params = new URL(await cli.line(isAuthorizeUrl)).searchParams;
      const run = await cli.exit;

      expect(params.get('strict')).toBe('false');
      expect(params.get('selectiveStores')).toBe('true');
      expect(run.code).toBe(ExitCode.cancelled);
      expect(run.stderr).toContain('Waiting up to 1 second for approval');
      expect(run.stderr).toContain('No key arrived within 1 second;');
      expect(run.stderr).not.toMatch(/1 minute/);
      expect(run.stderr).toContain('btcpay-keys key import');
      expect((await (await openVault({ home })).metadata()).keys).toEqual([]);
    },
    SLOW,
  );

  it(
    'cancels on Ctrl+C with the cancelled exit code and stores nothing',
    async () => {
      home = await makeHome();
      const cli = startCli(['--no-browser']);

      await cli.line(isAuthorizeUrl);
      cli.interrupt();
      const run = await cli.exit;

      expect(run.code).toBe(ExitCode.cancelled);
      expect(run.stderr).toContain('cancelled; nothing was stored');
      expect((await (await openVault({ home })).metadata()).servers).toEqual(
        [],
      );
    },
    SLOW,
  );

  it(
    'refuses an invalid permission before printing any URL',
    async () => {
      home = await makeHome();
      const run = await startCli([
        '--permission',
        'btcpay.store.canviewinvoices:',
        '--no-browser',
      ]).exit;

      expect(run.code).toBe(ExitCode.usage);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('names no store');
    },
    SLOW,
  );

  it.runIf(onLinux)(
    'asks on a terminal whether to revoke the older key, and revokes it',
    async () => {
      home = await makeHome();
      const args = ['--name', 'Asked', '--identifier', 'asked', '--no-browser'];
      const first = startCli(args);
      await approve(await first.line(isAuthorizeUrl));
      await first.exit;
      const older = (await (await openVault({ home })).metadata()).keys[0];
      const olderSecret = sandbox.admin.keysOf(merchant.email).at(-1)?.apiKey;

      const second = startCli(args, [
        { after: /Revoke \S+ \("Asked"\)\?/, send: 'y\n' },
      ]);
      await approve(await second.line(isAuthorizeUrl));
      const run = await second.exit;

      expect(run.code).toBe(ExitCode.ok);
      expect(run.stdout).toContain(`Revoked ${older?.id}.`);
      const { keys } = await (await openVault({ home })).metadata();
      const olderNow = keys.find((key) => key.id === older?.id);
      expect(olderNow?.revokedAt).not.toBeNull();
      expect(keys.filter((key) => key.revokedAt === null)).toHaveLength(1);
      const onServer = sandbox.admin
        .keysOf(merchant.email)
        .map((k) => k.apiKey);
      expect(onServer).not.toContain(olderSecret);
    },
    SLOW,
  );
});
