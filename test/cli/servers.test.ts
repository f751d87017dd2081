import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../sandbox';
import { startRelaxedSandbox } from '../keys/fixtures';
import {
  ensureFreshBuild,
  makeHome,
  removeHome,
  runCli,
  runCliJson,
} from './run-cli';
import { hasEscapeCodes, runInTerminal } from './terminal';

let sandbox: Sandbox;
let home: string;
let blog: Server;

beforeAll(async () => {
  await ensureFreshBuild();
  sandbox = await startRelaxedSandbox();
  home = await makeHome();
  blog = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<html><body>Not a payment server</body></html>');
  });
  await new Promise<void>((resolve) => blog.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await sandbox.close();
  await new Promise((resolve) => blog.close(resolve));
  await removeHome(home);
});

describe('btcpay-keys --help', () => {
  it('explains every command group and exits 0', async () => {
    for (const args of [
      ['--help'],
      ['server', '--help'],
      ['server', 'add', '--help'],
      ['key', '--help'],
      ['key', 'create', '--help'],
      ['key', 'verify', '--help'],
      ['log', '--help'],
      ['reconcile', '--help'],
    ]) {
      const run = await runCli(home, args);
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.stdout).toMatch(/^Usage: btcpay-keys/);
    }
  });

  it('exits 2 with a usage message for an unknown command or option', async () => {
    const unknownCommand = await runCli(home, ['keys']);
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toMatch(
      /^Error: Unknown command 'keys'\.\nNext: Did you mean key\?/,
    );
    const unknownOption = await runCli(home, ['key', 'list', '--jsn']);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toMatch(
      /^Error: Unknown option '--jsn'\.\nNext: Run `btcpay-keys key list --help`/,
    );
  });
});

describe('btcpay-keys server', () => {
  it('adds the sandbox and lists it, as text and as JSON', async () => {
    const add = await runCli(home, [
      'server',
      'add',
      sandbox.url,
      '--name',
      'Sandbox',
    ]);
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/Added Sandbox/);

    const list = await runCli(home, ['server', 'list']);
    expect(list.stdout).toContain(sandbox.url);
    const servers = await runCliJson<{ baseUrl: string; name: string }[]>(
      home,
      ['server', 'list'],
    );
    expect(servers).toEqual([
      expect.objectContaining({ baseUrl: sandbox.url, name: 'Sandbox' }),
    ]);
  });

  it('refuses what is not BTCPay with exit 5 and stores nothing', async () => {
    const { port } = blog.address() as AddressInfo;
    const run = await runCli(home, [
      'server',
      'add',
      `http://127.0.0.1:${port}/`,
    ]);
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/^Error: .*BTCPay/m);
    expect(run.stderr).toMatch(/^Next: /m);
    const servers = await runCliJson<unknown[]>(home, ['server', 'list']);
    expect(servers).toHaveLength(1);
  });

  it('refuses to remove without a terminal or --yes (exit 2), then removes with --yes', async () => {
    const refused = await runCli(home, ['server', 'remove', sandbox.url]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--yes/);
    expect(await runCliJson<unknown[]>(home, ['server', 'list'])).toHaveLength(
      1,
    );

    const removed = await runCli(home, [
      'server',
      'remove',
      sandbox.url,
      '--yes',
    ]);
    expect(removed.code).toBe(0);
    expect(await runCliJson<unknown[]>(home, ['server', 'list'])).toEqual([]);
  });

  it('exits 7 for a server that is not stored', async () => {
    const run = await runCli(home, [
      'server',
      'remove',
      's_nosuchserver',
      '--yes',
    ]);
    expect(run.code).toBe(7);
    expect(run.stderr).toMatch(/server list/);
  });

  it('colours its messages on a terminal, and not when NO_COLOR is set', async () => {
    const coloured = await runInTerminal(home, [
      'server',
      'remove',
      's_nosuchserver',
    ]);
    expect(coloured.code).toBe(7);
    expect(hasEscapeCodes(coloured.screen)).toBe(true);
    const plain = await runInTerminal(
      home,
      ['server', 'remove', 's_nosuchserver'],
      {
        env: { NO_COLOR: '1' },
      },
    );
    expect(plain.code).toBe(7);
    expect(plain.screen).toMatch(/Error: No server/);
    expect(hasEscapeCodes(plain.screen)).toBe(false);
  });
});
