import { beforeAll, describe, expect, it } from 'vitest';
import { createGreenfieldClient } from '../../src/greenfield';
import { runCli } from '../cli/run-cli';
import { importMintedKey, useCliWithServer } from '../cli/with-server';
import { startRequesterProcess } from './requester-process';

const MERCHANT = 'merchant@sandbox.test';
const INVOICES = 'btcpay.store.cancreateinvoice';

const cli = useCliWithServer(120_000);

beforeAll(async () => {
  // The manager key lets `link handle --method manager` mint over the API.
  await importMintedKey(cli, MERCHANT, 'manager', ['unrestricted']);
}, 120_000);

const startRequester = (
  options: { identifier?: string; name?: string; showKey?: boolean } = {},
) => startRequesterProcess(cli.home, cli.sandbox.url, [INVOICES], options);

describe('btcpay-keys link', () => {
  it('delivers a key from one process to a requesting process, and the key works', async () => {
    const requester = startRequester({
      identifier: 'pos',
      name: 'Till',
      showKey: true,
    });
    const link = await requester.link;
    const handled = await runCli(cli.home, [
      'link',
      'handle',
      link,
      '--yes',
      '--method',
      'manager',
    ]);
    expect(handled.stdout).toMatch(/stored and sent to the app/);

    const { code, answer } = await requester.done;
    expect(code).toBe(0);
    const received = answer as {
      apiKey: string;
      permissions: string[];
      server: string;
    };
    expect(received.permissions).toEqual([INVOICES]);
    expect(received.server).toBe(cli.sandbox.url);
    const client = createGreenfieldClient({ baseUrl: cli.sandbox.url });
    expect((await client.currentApiKey(received.apiKey)).permissions).toEqual([
      INVOICES,
    ]);
    // The handling process never printed the key.
    expect(handled.stdout + handled.stderr).not.toContain(received.apiKey);
  });

  it('tells the requester access_denied, with its state, when the merchant refuses', async () => {
    const requester = startRequester();
    const link = await requester.link;
    const handled = await runCli(cli.home, ['link', 'handle', link, '--deny']);
    expect(handled.code).toBe(6);
    const { code, answer } = await requester.done;
    expect(code).toBe(6);
    expect(answer).toMatchObject({ outcome: 'error', error: 'access_denied' });
  });

  it('inspects a link in words, and refuses a hostile one with its rule', async () => {
    const good = await runCli(cli.home, [
      'link',
      'inspect',
      `btcpay-keys://authorize?server=${encodeURIComponent(cli.sandbox.url)}&applicationName=Till&permissions=${INVOICES}`,
    ]);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/Till.*unverified/);
    expect(good.stdout).toMatch(/Create an invoice|invoice/i);
    expect(good.stdout.split('\n')).toContain('  risks: All stores');
    expect(good.stdout).not.toContain('[object Object]');

    const scoped = await runCli(cli.home, [
      'link',
      'inspect',
      `btcpay-keys://authorize?server=${encodeURIComponent(cli.sandbox.url)}&permissions=btcpay.store.canmodifystoresettings:AbC`,
    ]);
    expect(scoped.code).toBe(0);
    expect(scoped.stdout.split('\n')).toContain(
      '  risks: Moves funds, Changes settings',
    );
    expect(scoped.stdout).toContain(
      '  note: The app names a store in its permissions but does not set ' +
        'selectiveStores=true.',
    );

    const bad = await runCli(cli.home, [
      'link',
      'inspect',
      '--json',
      `btcpay-keys://authorize?server=${encodeURIComponent(cli.sandbox.url)}&redirect=${encodeURIComponent('http://127.0.0.1@evil.example/')}`,
    ]);
    expect(bad.code).toBe(9);
    expect(JSON.parse(bad.stdout)).toMatchObject({
      ok: false,
      rule: 'redirect-userinfo',
    });
  });

  it('refuses to decide without a terminal unless told --yes or --deny', async () => {
    const run = await runCli(cli.home, [
      'link',
      'handle',
      `btcpay-keys://authorize?server=${encodeURIComponent(cli.sandbox.url)}&permissions=${INVOICES}`,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--yes to approve or --deny/);
  });
});

describe('btcpay-keys link remembered and forget', () => {
  it('lists a remembered decision and, on forget --revoke-key, revokes its key on the server', async () => {
    const requester = startRequester({ identifier: 'books', showKey: true });
    const link = await requester.link;
    const handled = await runCli(cli.home, [
      'link',
      'handle',
      link,
      '--yes',
      '--method',
      'manager',
      '--remember',
    ]);
    expect(handled.code).toBe(0);
    const { answer } = await requester.done;
    const apiKey = (answer as { apiKey: string }).apiKey;

    const listed = await runCli(cli.home, ['link', 'remembered', '--json']);
    const [decision] = JSON.parse(listed.stdout) as {
      id: string;
      keyId: string;
    }[];
    expect(decision).toMatchObject({
      applicationIdentifier: 'books',
      decision: 'allow',
    });

    const forgot = await runCli(cli.home, [
      'link',
      'forget',
      decision?.id ?? '',
      '--revoke-key',
      '--yes',
    ]);
    expect(forgot.code).toBe(0);
    expect(forgot.stdout).toMatch(/Revoked/);
    const client = createGreenfieldClient({ baseUrl: cli.sandbox.url });
    await expect(client.currentApiKey(apiKey)).rejects.toMatchObject({
      kind: 'key-unknown',
    });
    const after = await runCli(cli.home, ['link', 'remembered', '--json']);
    expect(JSON.parse(after.stdout)).toEqual([]);
  });
});
