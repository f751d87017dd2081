import { afterEach, describe, expect, it } from 'vitest';
import {
  startSandbox,
  type Sandbox,
  type SandboxOptions,
} from '../sandbox/index';
import { account, basicFor, basicHeader, call } from './helpers';

let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.close());

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  sandbox = await startSandbox(options);
  return sandbox;
}

const roomy = { basicRateLimit: { perMinute: 600, burst: 100 } };

function stores(server: Sandbox, auth: string, ip?: string) {
  const headers = ip ? { 'x-forwarded-for': ip } : undefined;
  return call(server, 'GET', 'api/v1/stores', {
    auth,
    ...(headers ? { headers } : {}),
  });
}

describe('sandbox Basic auth', () => {
  it('refuses a FIDO2 user with the multi-factor message', async () => {
    const server = await start(roomy);
    const answer = await stores(server, basicFor(server, 'fido'));
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({
      code: 'unauthenticated',
      message: 'Cannot use Basic authentication when multi-factor is enabled.',
    });
  });

  it('lets an authenticator-app user through on 2.4.1 and refuses them on 2.4.2', async () => {
    const old = await start({ ...roomy, version: '2.4.1' });
    expect((await stores(old, basicFor(old, 'totp'))).status).toBe(200);
    await old.close();
    const patched = await start({ ...roomy, version: '2.4.2' });
    const answer = await stores(patched, basicFor(patched, 'totp'));
    expect(answer.json).toMatchObject({
      message: 'Cannot use Basic authentication when multi-factor is enabled.',
    });
  });

  it('refuses a user whose Basic auth is off from 2.4.2, until it is turned on', async () => {
    const server = await start(roomy);
    const answer = await stores(server, basicFor(server, 'nobasic'));
    expect(answer.json).toEqual({
      code: 'unauthenticated',
      message:
        'Basic authentication for the Greenfield API is not enabled for this user.',
    });
    server.admin.setBasicAuthEnabled('nobasic@sandbox.test', true);
    expect((await stores(server, basicFor(server, 'nobasic'))).status).toBe(
      200,
    );
  });

  it('keeps Basic auth on for every user before 2.4.2', async () => {
    const server = await start({ ...roomy, version: '2.4.1' });
    expect((await stores(server, basicFor(server, 'nobasic'))).status).toBe(
      200,
    );
  });

  it('cuts a password at its colon, so the colon user always fails', async () => {
    const server = await start(roomy);
    const answer = await stores(server, basicFor(server, 'colon'));
    expect(answer.json).toEqual({ code: 'unauthenticated', message: 'Failed' });
  });

  it('says the user is unknown without saying which part was wrong', async () => {
    const server = await start(roomy);
    const answer = await stores(
      server,
      basicHeader('nobody@sandbox.test', 'x'),
    );
    expect(answer.json).toMatchObject({
      message:
        'Basic authentication failed: User not found or invalid password',
    });
  });

  it('names the login refusal for unconfirmed and unapproved users', async () => {
    const server = await start(roomy);
    expect(
      (await stores(server, basicFor(server, 'unconfirmed'))).json,
    ).toMatchObject({
      message:
        'Basic authentication failed: You must have a confirmed email to log in.',
    });
    expect(
      (await stores(server, basicFor(server, 'unapproved'))).json,
    ).toMatchObject({
      message:
        'Basic authentication failed: Your user account requires approval by an admin before you can log in.',
    });
  });

  it('throttles Basic auth per client address after the burst', async () => {
    const server = await start();
    const auth = basicFor(server, 'merchant');
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await stores(server, auth, '203.0.113.7')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 401]);
    const limited = await stores(server, auth, '203.0.113.7');
    expect(limited.json).toEqual({
      code: 'unauthenticated',
      message:
        'Basic authentication failed: Rate limited. Please use authentication with API Keys to avoid throttling.',
    });
    // X-Forwarded-For is trusted, so another address has its own allowance.
    expect((await stores(server, auth, '198.51.100.9')).status).toBe(200);
    server.admin.advanceClock(12_000);
    expect((await stores(server, auth, '203.0.113.7')).status).toBe(200);
  });

  it('does not throttle Basic auth before 2.3.5', async () => {
    const server = await start({ version: '2.3.4' });
    const auth = basicFor(server, 'merchant');
    for (let i = 0; i < 6; i++)
      expect((await stores(server, auth)).status).toBe(200);
  });

  it('locks an account after 5 wrong passwords, which also stops its keys', async () => {
    const server = await start(roomy);
    const user = account(server, 'lockme');
    const key = server.admin.mintKey(user.email, [
      'btcpay.store.canviewstoresettings',
    ]);
    const wrong = basicHeader(user.email, 'wrong');
    const messages = [];
    for (let i = 0; i < 5; i++)
      messages.push((await stores(server, wrong)).json);
    expect(messages.at(3)).toMatchObject({ message: 'Failed' });
    expect(messages.at(4)).toMatchObject({ message: 'Lockedout' });
    const right = await stores(server, basicFor(server, 'lockme'));
    expect(right.json).toMatchObject({
      message:
        'Basic authentication failed: Your user account is currently disabled.',
    });
    const withKey = await stores(server, `token ${key}`);
    expect(withKey.json).toEqual({
      code: 'unauthenticated',
      message:
        'ApiKey authentication failed: Your user account is currently disabled.',
    });
    server.admin.advanceClock(5 * 60_000 + 1);
    expect((await stores(server, `token ${key}`)).status).toBe(200);
  });

  it('turns keys away while their owner is disabled', async () => {
    const server = await start();
    const key = server.admin.mintKey('merchant@sandbox.test', []);
    server.admin.setDisabled('merchant@sandbox.test', true);
    const answer = await call(server, 'GET', 'api/v1/api-keys/current', {
      auth: `token ${key}`,
    });
    expect(answer.status).toBe(401);
    server.admin.setDisabled('merchant@sandbox.test', false);
    server.admin.lockOut('merchant@sandbox.test');
    expect(
      (
        await call(server, 'GET', 'api/v1/server/info', {
          auth: `token ${key}`,
        })
      ).status,
    ).toBe(401);
    server.admin.unlock('merchant@sandbox.test');
    expect(
      (
        await call(server, 'GET', 'api/v1/server/info', {
          auth: `token ${key}`,
        })
      ).status,
    ).toBe(200);
  });
});

describe('sandbox version differences', () => {
  it('accepts Bearer from 2.1.0 and only token before', async () => {
    const current = await start();
    const key = current.admin.mintKey('merchant@sandbox.test', []);
    const bearer = await call(current, 'GET', 'api/v1/api-keys/current', {
      auth: `Bearer ${key}`,
    });
    expect(bearer.status).toBe(200);
    await current.close();
    const old = await start({ version: '2.0.8' });
    const oldKey = old.admin.mintKey('merchant@sandbox.test', []);
    const refused = await call(old, 'GET', 'api/v1/api-keys/current', {
      auth: `Bearer ${oldKey}`,
    });
    expect(refused.status).toBe(401);
    const accepted = await call(old, 'GET', 'api/v1/api-keys/current', {
      auth: `token ${oldKey}`,
    });
    expect(accepted.status).toBe(200);
  });

  it('refuses unknown policies up to 2.3.5 and stores them from 2.3.6', async () => {
    const body = {
      permissions: [
        'btcpay.store.canviewinvoices',
        'btcpay.store.nosuchpolicy',
      ],
    };
    const old = await start({ ...roomy, version: '2.3.5' });
    const refused = await call(old, 'POST', 'api/v1/api-keys', {
      auth: basicFor(old, 'merchant'),
      body,
    });
    expect([refused.status, refused.json]).toEqual([
      422,
      [{ path: 'permissions[1]', message: "Invalid 'Permission' String" }],
    ]);
    await old.close();
    const current = await start({ ...roomy, version: '2.3.6' });
    const stored = await call(current, 'POST', 'api/v1/api-keys', {
      auth: basicFor(current, 'merchant'),
      body,
    });
    expect(stored.json).toMatchObject({ permissions: body.permissions });
  });

  it('lists the wallet policies in /misc/permissions only from 2.4.0', async () => {
    const old = await start({ version: '2.3.0' });
    const key = old.admin.mintKey('merchant@sandbox.test', []);
    const list = (
      await call(old, 'GET', 'misc/permissions', { auth: `token ${key}` })
    ).json as {
      name: string;
    }[];
    const names = list.map((entry) => entry.name);
    expect(names).toContain('btcpay.store.canviewofferings');
    expect(names).not.toContain('btcpay.store.canviewwallet');
  });
});
