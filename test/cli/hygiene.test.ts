import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, playMerchant } from '../authorize/browser';
import type { Sandbox } from '../sandbox';
import { passwordOf, startRelaxedSandbox, storeOf } from '../keys/fixtures';
import {
  allRuns,
  ensureFreshBuild,
  makeHome,
  removeHome,
  runCli,
  type CliRun,
} from './run-cli';
import { startInBackground } from './background';
import { runInTerminal } from './terminal';

const MERCHANT = 'merchant@sandbox.test';
const ADMIN = 'admin@sandbox.test';
const SLOW = 300_000;

let sandbox: Sandbox;
let home: string;
let browser: Browser;

beforeAll(async () => {
  await ensureFreshBuild();
  [sandbox, browser] = await Promise.all([
    startRelaxedSandbox(),
    launchChromium(),
  ]);
  home = await makeHome();
}, SLOW);

afterAll(async () => {
  await Promise.all([sandbox.close(), browser.close()]);
  await removeHome(home);
});

async function ok(args: string[], input?: string): Promise<CliRun> {
  const run = await runCli(home, args, { input });
  expect(run.code, `${args.join(' ')}: ${run.stdout}${run.stderr}`).toBe(0);
  return run;
}

/** `authorize` with the merchant approving in Chromium. */
async function authorizeInBrowser(password: string): Promise<void> {
  const cli = startInBackground(home, [
    ...['authorize', '--server', sandbox.url, '--name', 'Browser till'],
    ...['--permission', 'btcpay.store.cancreateinvoice', '--no-browser'],
  ]);
  const url = await cli.line((line) =>
    line.startsWith(`${sandbox.url}api-keys/authorize?`),
  );
  await playMerchant(browser, url, {
    email: MERCHANT,
    password,
    choice: 'approve',
  });
  const run = await cli.exit;
  expect(run.code, run.stderr).toBe(0);
}

/** `link request` as the asking app, answered by `link handle`. */
async function delegateThroughLink(): Promise<void> {
  const app = startInBackground(home, [
    ...['link', 'request', '--server', sandbox.url, '--name', 'Linked app'],
    ...['--permission', 'btcpay.store.canviewinvoices', '--no-open'],
    ...['--json', '--timeout', '60'],
  ]);
  const { link } = JSON.parse(
    await app.line((line) => line.startsWith('{"link"')),
  ) as { link: string };
  await ok(['link', 'handle', link, '--yes', '--method', 'manager']);
  const answered = await app.exit;
  expect(answered.code, answered.stderr).toBe(0);
}

/** Every file under `folder`, with its content. */
async function filesUnder(
  folder: string,
): Promise<{ file: string; text: string }[]> {
  const entries = await readdir(folder, {
    recursive: true,
    withFileTypes: true,
  });
  return Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map(async (entry) => {
        const file = path.join(entry.parentPath, entry.name);
        return { file, text: (await readFile(file)).toString('latin1') };
      }),
  );
}

/** A secret and the encodings it could leak in (a Basic header, say). */
function leakForms(secret: string, email?: string): string[] {
  const forms = [secret];
  if (email) forms.push(Buffer.from(`${email}:${secret}`).toString('base64'));
  return forms;
}

describe('secret hygiene', () => {
  it(
    'keeps every key and password out of files, logs and output, except the one reveal',
    async () => {
      const merchantPassword = passwordOf(sandbox, MERCHANT);
      const adminPassword = passwordOf(sandbox, ADMIN);
      const url = sandbox.url;
      await ok(['server', 'add', url]);

      // Every way a key arrives.
      await ok(
        [
          'key',
          'create',
          '--server',
          url,
          '--label',
          'basic',
          '--permission',
          'btcpay.store.canviewinvoices',
          '--store',
          storeOf(sandbox, MERCHANT),
          '--user',
          MERCHANT,
          '--password-stdin',
        ],
        merchantPassword,
      );
      await ok(
        [
          'key',
          'create',
          '--server',
          url,
          '--label',
          'for user',
          '--permission',
          'btcpay.user.canviewprofile',
          '--for-user',
          MERCHANT,
          '--user',
          ADMIN,
          '--password-stdin',
        ],
        adminPassword,
      );
      await ok(
        ['key', 'import', '--server', url, '--key-stdin'],
        sandbox.admin.mintKey(ADMIN, ['unrestricted'], 'manager'),
      );
      await ok([
        'key',
        'create',
        '--server',
        url,
        '--label',
        'via manager',
        '--permission',
        'btcpay.store.canviewinvoices',
      ]);
      const typed = await runInTerminal(
        home,
        [
          'key',
          'create',
          '--server',
          url,
          '--label',
          'typed',
          '--permission',
          'btcpay.store.canviewinvoices',
          '--user',
          MERCHANT,
        ],
        {
          answers: [{ after: /Password for /, send: `${merchantPassword}\r` }],
        },
      );
      expect(typed.code, typed.screen).toBe(0);
      const pasted = await runInTerminal(
        home,
        ['key', 'import', '--server', url],
        {
          answers: [
            {
              after: /API key for /,
              send: `${sandbox.admin.mintKey(MERCHANT, [], 'pasted')}\r`,
            },
          ],
        },
      );
      expect(pasted.code, pasted.screen).toBe(0);
      await authorizeInBrowser(merchantPassword);
      await delegateThroughLink();

      // Taken now: revoking removes a key from the server's list.
      const createdKeys = [MERCHANT, ADMIN].flatMap((email) =>
        sandbox.admin.keysOf(email).map((k) => k.apiKey),
      );
      expect(createdKeys).toHaveLength(8);

      // Every command that reads or changes keys.
      const keys = JSON.parse((await ok(['key', 'list', '--json'])).stdout) as {
        id: string;
        label: string;
      }[];
      expect(keys).toHaveLength(8);
      await ok(['server', 'list']);
      await ok(['server', 'list', '--json']);
      await ok(['key', 'list']);
      for (const key of keys) {
        await ok(['key', 'show', key.id]);
        await ok(['key', 'show', key.id, '--json']);
      }
      await ok(['key', 'verify', '--all']);
      await ok(['key', 'verify', '--all', '--json']);
      await runCli(home, ['key', 'copy', keys[0]?.id ?? ''], {
        env: { DISPLAY: '', WAYLAND_DISPLAY: '' },
      });
      await runCli(home, ['key', 'reveal', keys[0]?.id ?? '']);
      await ok(['key', 'revoke', keys[1]?.id ?? '', '--yes']);
      await ok(['key', 'delete', keys[2]?.id ?? '', '--local-only', '--yes']);
      await ok(['log']);
      await ok(['log', '--json']);
      await ok(['reconcile', '--json']);
      const revealed = await runCli(home, [
        'key',
        'reveal',
        keys[0]?.id ?? '',
        '--yes',
      ]);

      const secrets = [
        ...leakForms(merchantPassword, MERCHANT),
        ...leakForms(adminPassword, ADMIN),
        ...createdKeys,
      ];
      expect(secrets).toHaveLength(12);

      const revealedKey = revealed.stdout.trim();
      expect(revealedKey).toMatch(/^[0-9a-f]{40}$/);
      expect(secrets).toContain(revealedKey);

      const files = await filesUnder(home);
      expect(files.some((f) => f.file.endsWith('btcpay-keys.log'))).toBe(true);
      const outputs = allRuns.filter((run) => run !== revealed);
      for (const secret of secrets) {
        for (const { file, text } of files) {
          expect(text.includes(secret), `a secret in ${file}`).toBe(false);
        }
        for (const run of outputs) {
          expect(
            run.stdout.includes(secret) || run.stderr.includes(secret),
            'a secret in a command output',
          ).toBe(false);
        }
      }
    },
    SLOW,
  );
});
