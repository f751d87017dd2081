import { afterEach, describe, expect, it } from 'vitest';
import {
  startSandbox,
  type Sandbox,
  type SandboxOptions,
} from '../sandbox/index';
import { call, CookieClient } from './helpers';

let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.close());

async function loggedIn(
  role: 'merchant' | 'admin' | 'fido' = 'merchant',
  options: SandboxOptions = {},
  headers: Record<string, string> = {},
): Promise<{ server: Sandbox; browser: CookieClient }> {
  sandbox = await startSandbox(options);
  const browser = new CookieClient(sandbox, headers);
  const login = await browser.logIn(role);
  expect(login.status).toBe(302);
  return { server: sandbox, browser };
}

describe('sandbox HTTPS gate and login', () => {
  it('refuses to run over plain http on a public mainnet host', async () => {
    const { server, browser } = await loggedIn(
      'merchant',
      { network: 'mainnet' },
      {
        host: 'btcpay.example.com',
      },
    );
    const answer = await browser.send('GET', 'api-keys/authorize');
    expect(answer.headers.location).toBe(
      'http://btcpay.example.com/account/apikeys',
    );
    const list = await browser.send('GET', 'account/apikeys');
    expect(list.text).toContain(
      'Cannot generate API keys while not using HTTPS or Tor',
    );
    expect(server.admin.keysOf('merchant@sandbox.test')).toEqual([]);
  });

  it('allows mainnet over plain http from loopback, LAN and onion hosts', async () => {
    for (const host of ['127.0.0.1', '192.168.1.20:23000', 'abcdef.onion']) {
      const { browser } = await loggedIn(
        'merchant',
        { network: 'mainnet' },
        { host },
      );
      const page = await browser.send('GET', 'api-keys/authorize');
      expect(page.status).toBe(200);
      await sandbox?.close();
      sandbox = undefined;
    }
  });

  it('counts wrong web-login passwords toward the same lockout as Basic auth', async () => {
    sandbox = await startSandbox();
    const browser = new CookieClient(sandbox);
    for (let i = 0; i < 5; i++) {
      const failed = await browser.logIn('lockme', { password: 'wrong' });
      expect(failed.status).toBe(200);
    }
    const key = sandbox.admin.mintKey('lockme@sandbox.test', []);
    const answer = await call(sandbox, 'GET', 'api/v1/api-keys/current', {
      auth: `token ${key}`,
    });
    expect(answer.json).toMatchObject({
      message:
        'ApiKey authentication failed: Your user account is currently disabled.',
    });
    const rightPassword = await browser.logIn('lockme');
    expect(rightPassword.text).toContain(
      'Your user account is currently disabled.',
    );
  });
});
