import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index';
import { basicFor, call, type Answer } from '../sandbox-e2e/helpers';
import { describeContract } from './describe-contract';
import { DISAGREEMENTS } from './disagreements';
import {
  templateFor,
  validateAgainstOpenApi,
  validateRequest,
} from './validate';

let sandbox: Sandbox;
const applied = new Set<string>();
const MERCHANT = 'merchant@sandbox.test';
const ADMIN = 'admin@sandbox.test';

/** Sends a request, then checks the sandbox's answer against the spec. */
async function checked(
  method: string,
  path: string,
  options: Parameters<typeof call>[3] = {},
): Promise<Answer> {
  const answer = await call(sandbox, method, path, options);
  const template = templateFor(method, `/${path}`) ?? `/${path}`;
  const response = validateAgainstOpenApi(
    method,
    template,
    answer.status,
    answer.json ?? answer.text,
  );
  expect(response.errors, `${method} ${path} -> ${answer.status}`).toEqual([]);
  if (response.disagreement) applied.add(response.disagreement.id);
  return answer;
}

describeContract('sandbox answers against the Greenfield OpenAPI', () => {
  beforeAll(async () => {
    sandbox = await startSandbox({
      basicRateLimit: { perMinute: 600, burst: 100 },
    });
  });
  afterAll(() => sandbox.close());

  const token = (key: string) => `token ${key}`;

  it('matches for health, server info and the current key', async () => {
    const key = sandbox.admin.mintKey(MERCHANT, [
      'btcpay.store.canviewinvoices',
    ]);
    expect((await checked('GET', 'api/v1/health')).status).toBe(200);
    expect(
      (await checked('GET', 'api/v1/server/info', { auth: token(key) })).status,
    ).toBe(200);
    expect((await checked('GET', 'api/v1/server/info')).status).toBe(401);
    expect(
      (await checked('GET', 'api/v1/api-keys/current', { auth: token(key) }))
        .status,
    ).toBe(200);
    const basic = await checked('GET', 'api/v1/api-keys/current', {
      auth: basicFor(sandbox, 'merchant'),
    });
    expect(basic.status).toBe(401);
  });

  it('matches for key creation: 200, 403 and the 422 array', async () => {
    const auth = basicFor(sandbox, 'merchant');
    const created = await checked('POST', 'api/v1/api-keys', {
      auth,
      body: { label: 'c', permissions: ['btcpay.store.canviewinvoices'] },
    });
    expect(created.status).toBe(200);
    const narrow = sandbox.admin.mintKey(MERCHANT, [
      'btcpay.user.canviewprofile',
    ]);
    expect(
      (
        await checked('POST', 'api/v1/api-keys', {
          auth: token(narrow),
          body: {},
        })
      ).status,
    ).toBe(403);
    const invalid = await checked('POST', 'api/v1/api-keys', {
      auth,
      body: { permissions: ['x:'] },
    });
    expect(invalid.status).toBe(422);
    const admin = sandbox.admin.mintKey(ADMIN, [
      'btcpay.server.canmanageusers',
    ]);
    const forUser = await checked('POST', `api/v1/users/${MERCHANT}/api-keys`, {
      auth: token(admin),
      body: {},
    });
    expect(forUser.status).toBe(200);
    const missing = await checked('POST', 'api/v1/users/nobody/api-keys', {
      auth: token(admin),
      body: {},
    });
    expect(missing.status).toBe(404);
  });

  it('matches for revocation, where BTCPay differs from its spec', async () => {
    const own = sandbox.admin.mintKey(MERCHANT, []);
    expect(
      (await checked('DELETE', 'api/v1/api-keys/current', { auth: token(own) }))
        .status,
    ).toBe(200);
    const auth = basicFor(sandbox, 'merchant');
    const other = sandbox.admin.mintKey(MERCHANT, []);
    expect(
      (await checked('DELETE', `api/v1/api-keys/${other}`, { auth })).status,
    ).toBe(200);
    expect(
      (await checked('DELETE', `api/v1/api-keys/${other}`, { auth })).status,
    ).toBe(400);
    const admin = sandbox.admin.mintKey(ADMIN, [
      'btcpay.server.canmanageusers',
    ]);
    const target = sandbox.admin.mintKey(MERCHANT, []);
    const path = `api/v1/users/${MERCHANT}/api-keys/${target}`;
    expect((await checked('DELETE', path, { auth: token(admin) })).status).toBe(
      200,
    );
    expect((await checked('DELETE', path, { auth: token(admin) })).status).toBe(
      400,
    );
  });

  it('matches for the profile, the store list and the permission metadata', async () => {
    const key = sandbox.admin.mintKey(MERCHANT, [
      'btcpay.user.canviewprofile',
      'btcpay.store.canviewstoresettings',
    ]);
    expect(
      (await checked('GET', 'api/v1/users/me', { auth: token(key) })).status,
    ).toBe(200);
    const stores = await checked('GET', 'api/v1/stores', { auth: token(key) });
    expect((stores.json as unknown[]).length).toBe(2);
    const none = sandbox.admin.mintKey(MERCHANT, []);
    expect(
      (await checked('GET', 'api/v1/users/me', { auth: token(none) })).status,
    ).toBe(403);
    expect(
      (await checked('GET', 'api/v1/stores', { auth: token(none) })).status,
    ).toBe(403);
    expect(
      (await checked('GET', 'misc/permissions', { auth: token(none) })).status,
    ).toBe(200);
    expect((await checked('GET', 'misc/permissions')).status).toBe(401);
  });

  it('matches for the refusals of the key endpoints', async () => {
    expect(
      (await checked('POST', 'api/v1/api-keys', { body: {} })).status,
    ).toBe(401);
    const merchant = sandbox.admin.mintKey(MERCHANT, ['unrestricted']);
    const path = `api/v1/users/${ADMIN}/api-keys`;
    expect(
      (await checked('POST', path, { auth: token(merchant), body: {} })).status,
    ).toBe(403);
    const admin = sandbox.admin.mintKey(ADMIN, [
      'btcpay.server.canmanageusers',
    ]);
    const unknownUser = await checked(
      'DELETE',
      `api/v1/users/nobody/api-keys/${merchant}`,
      {
        auth: token(admin),
      },
    );
    expect(unknownUser.json).toMatchObject({ code: 'user-not-found' });
    const browser = await checked('GET', 'misc/permissions', {
      headers: { accept: 'text/html' },
    });
    expect(browser.status).toBe(302);
  });

  it('matches the authorize page only through its documented disagreement', () => {
    const result = validateAgainstOpenApi(
      'GET',
      '/api-keys/authorize',
      302,
      '',
    );
    expect(result.disagreement?.id).toBe('authorize-page');
    applied.add('authorize-page');
  });

  it('flags a client request that breaks the contract', () => {
    const result = validateRequest('POST', '/api/v1/api-keys', {
      headers: {
        accept: 'text/html',
        authorization: 'token k',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ label: 1, extra: true }),
    });
    expect(result.ok).toBe(false);
    expect(result.errors).toContain('expected Accept: application/json');
    const basicOnCurrent = validateRequest('GET', '/api/v1/api-keys/current', {
      headers: { accept: 'application/json', authorization: 'Basic YTpi' },
    });
    expect(basicOnCurrent.errors).toEqual([
      'expected Authorization: token <key>',
    ]);
  });

  it('accepts the requests the server accepts where its spec says otherwise', () => {
    const template = '/api/v1/users/{idOrEmail}/api-keys/{apikey}';
    const byAdmin = validateRequest('DELETE', template, {
      headers: { accept: 'application/json', authorization: 'Basic YTpi' },
    });
    expect(byAdmin.errors).toEqual([]);
    expect(byAdmin.disagreement?.id).toBe('delete-user-key-security');
    applied.add('delete-user-key-security');
  });

  it('has exercised every documented disagreement', () => {
    expect([...applied].sort()).toEqual(DISAGREEMENTS.map((d) => d.id).sort());
  });
});
