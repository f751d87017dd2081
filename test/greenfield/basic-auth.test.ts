import { afterEach, describe, expect, it } from 'vitest';
import {
  createGreenfieldClient,
  type GreenfieldAuth,
} from '../../src/greenfield';
import { startSandbox, type Sandbox, type SandboxOptions } from '../sandbox';
import { expectKind, failureOf } from './support/expect-failure';

// Signing in with email and password (Basic auth): every way BTCPay refuses
// it, and the rule that the client spends exactly one request per call.

const sandboxes: Sandbox[] = [];

async function sandboxWith(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ port: 0, ...options });
  sandboxes.push(sandbox);
  return sandbox;
}

afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((sandbox) => sandbox.close()));
});

function basic(
  sandbox: Sandbox,
  role: string,
  password?: string,
): GreenfieldAuth {
  const found = sandbox.users.find((candidate) => candidate.role === role);
  if (!found) throw new Error(`the sandbox has no ${role} user`);
  return {
    kind: 'basic',
    email: found.email,
    password: password ?? found.password,
  };
}

function apiRequests(sandbox: Sandbox): number {
  return sandbox.admin.requests.filter((r) => r.path.startsWith('/api/'))
    .length;
}

describe('Basic auth refusals', () => {
  it('explains that 2.4.2 turned it off and how to turn it back on', async () => {
    const sandbox = await sandboxWith();
    const client = createGreenfieldClient({ baseUrl: sandbox.url });
    const error = await failureOf(
      client.createApiKey(basic(sandbox, 'nobasic'), { label: 'x' }),
    );
    expectKind(error, 'basic-auth-disabled');
    expect(error.message).toContain('2.4.2');
    expect(error.nextStep).toMatch(/account settings/);
    expect(error.nextStep).toMatch(/browser/);
    expect(apiRequests(sandbox)).toBe(1);
  });

  it('sends a passkey user to the browser flow', async () => {
    const sandbox = await sandboxWith();
    const client = createGreenfieldClient({ baseUrl: sandbox.url });
    const error = await failureOf(client.serverInfo(basic(sandbox, 'fido')));
    expectKind(error, 'basic-auth-multi-factor');
    expect(error.nextStep).toMatch(/browser/);
  });

  it('refuses an authenticator-app (TOTP) user on 2.4.2 and later', async () => {
    const sandbox = await sandboxWith({ version: '2.4.2' });
    const client = createGreenfieldClient({ baseUrl: sandbox.url });
    const error = await failureOf(client.serverInfo(basic(sandbox, 'totp')));
    expectKind(error, 'basic-auth-multi-factor');
  });

  it('says when to try again once throttled, and does not retry', async () => {
    const sandbox = await sandboxWith({
      basicRateLimit: { perMinute: 1, burst: 0 },
    });
    const client = createGreenfieldClient({ baseUrl: sandbox.url });
    await client.serverInfo(basic(sandbox, 'merchant'));
    const error = await failureOf(
      client.serverInfo(basic(sandbox, 'merchant')),
    );
    expectKind(error, 'basic-auth-rate-limited');
    expect(error.retryAfterSeconds).toBe(60);
    expect(error.nextStep).toMatch(/about a minute/);
    expect(apiRequests(sandbox)).toBe(2);
  });

  it('reads a Retry-After from a throttling proxy', async () => {
    const sandbox = await sandboxWith();
    sandbox.admin.setFault({ kind: 'rate-limit' });
    const client = createGreenfieldClient({ baseUrl: sandbox.url });
    const error = await failureOf(
      client.serverInfo(basic(sandbox, 'merchant')),
    );
    expectKind(error, 'basic-auth-rate-limited');
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBe(60);
  });

  it('warns about the lockout after a wrong password, once per call', async () => {
    const sandbox = await sandboxWith();
    const client = createGreenfieldClient({ baseUrl: sandbox.url });
    const error = await failureOf(
      client.createApiKey(basic(sandbox, 'merchant', 'not-the-password'), {}),
    );
    expectKind(error, 'basic-auth-failed');
    expect(error.message).toMatch(/5 wrong passwords/);
    expect(error.message).toMatch(/5 minutes/);
    expect(apiRequests(sandbox)).toBe(1);
  });

  it('treats an unknown email like a wrong password', async () => {
    const sandbox = await sandboxWith();
    const client = createGreenfieldClient({ baseUrl: sandbox.url });
    const error = await failureOf(
      client.serverInfo({
        kind: 'basic',
        email: 'nobody@sandbox.test',
        password: 'whatever',
      }),
    );
    expectKind(error, 'basic-auth-failed');
  });

  it('reports the lockout, then the locked account and its keys as blocked', async () => {
    const sandbox = await sandboxWith({
      basicRateLimit: { perMinute: 100, burst: 100 },
    });
    const client = createGreenfieldClient({ baseUrl: sandbox.url });
    const lockme = basic(sandbox, 'lockme');
    const wrong = basic(sandbox, 'lockme', 'wrong-password');
    const keyOfLockme = sandbox.admin.mintKey(
      lockme.kind === 'basic' ? lockme.email : '',
      [],
    );

    const failures = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      failures.push(await failureOf(client.serverInfo(wrong)));
    }
    expect(failures.map((failure) => failure.kind)).toEqual(
      Array(5).fill('basic-auth-failed'),
    );
    expect(failures[4]?.message).toMatch(/locked this account/);
    expect(failures[4]?.nextStep).toMatch(/Wait 5 minutes/);

    const withRightPassword = await failureOf(client.serverInfo(lockme));
    expectKind(withRightPassword, 'owner-blocked');
    const withKey = await failureOf(client.currentApiKey(keyOfLockme));
    expectKind(withKey, 'owner-blocked');
    expect(withKey.message).not.toMatch(/revoked/);
  });

  it('refuses a password with a colon before sending anything', async () => {
    const sandbox = await sandboxWith();
    const client = createGreenfieldClient({ baseUrl: sandbox.url });
    const auth = basic(sandbox, 'colon');
    const error = await failureOf(client.createApiKey(auth, { label: 'x' }));
    expectKind(error, 'password-has-colon');
    expect(error.message).toMatch(/colon/);
    expect(error.nextStep).toMatch(/browser/);
    expect(sandbox.admin.requests).toHaveLength(0);
    expect(JSON.stringify(error)).not.toContain(
      auth.kind === 'basic' ? auth.password : '',
    );
  });

  it('refuses an empty password before sending anything', async () => {
    const sandbox = await sandboxWith();
    const client = createGreenfieldClient({ baseUrl: sandbox.url });
    const error = await failureOf(
      client.serverInfo(basic(sandbox, 'merchant', '')),
    );
    expectKind(error, 'unauthenticated');
    expect(sandbox.admin.requests).toHaveLength(0);
  });
});
