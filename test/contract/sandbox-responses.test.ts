import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index';
import {
  basicFor,
  call,
  CookieClient,
  formFields,
  type Answer,
} from '../sandbox-e2e/helpers';
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

/** Sends a browser request to the authorize page and checks the answer. */
async function checkedPage(
  browser: CookieClient,
  method: 'GET' | 'POST',
  path: string,
  form?: URLSearchParams,
): Promise<Answer> {
  const answer = await browser.send(method, path, form);
  const result = validateAgainstOpenApi(
    method,
    '/api-keys/authorize',
    answer.status,
    answer.text,
    answer.headers,
  );
  expect(result.errors, `${method} ${path} -> ${answer.status}`).toEqual([]);
  if (result.disagreement) applied.add(result.disagreement.id);
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

  it('matches the authorize flow as BTCPay runs it: login redirect, HTML forms, a posted key', async () => {
    const browser = new CookieClient(sandbox);
    const query =
      'api-keys/authorize?applicationName=Shop&permissions=btcpay.store.canviewinvoices' +
      '&redirect=http%3A%2F%2F127.0.0.1%3A9%2Fcallback';
    const anonymous = await checkedPage(browser, 'GET', query);
    expect(anonymous.status).toBe(302);

    await browser.logIn('merchant');
    const consent = await checkedPage(browser, 'GET', query);
    expect(consent.text).toContain('id="AuthorizeForm"');

    const approve = formFields(consent.text, 'AuthorizeForm');
    approve.set('command', 'authorize');
    const delivery = await checkedPage(
      browser,
      'POST',
      'api-keys/authorize',
      approve,
    );
    expect(delivery.text).toContain('id="PostRedirectForm"');

    const cancel = formFields(consent.text, 'AuthorizeForm');
    cancel.set('command', 'cancel');
    const cancelled = await checkedPage(
      browser,
      'POST',
      'api-keys/authorize',
      cancel,
    );
    expect(cancelled.status).toBe(302);
  });

  it("refuses swagger's version of the authorize answers", () => {
    const html = { 'content-type': 'text/html; charset=utf-8' };
    const json = { 'content-type': 'application/json' };
    const swaggerDelivery = validateAgainstOpenApi(
      'POST',
      '/api-keys/authorize',
      307,
      '',
      { location: 'http://127.0.0.1:9/' },
    );
    const jsonBody = validateAgainstOpenApi(
      'POST',
      '/api-keys/authorize',
      200,
      '{"apiKey":"k","userId":"u"}',
      json,
    );
    const noAntiforgery = validateAgainstOpenApi(
      'POST',
      '/api-keys/authorize',
      200,
      '<!DOCTYPE html><form id="PostRedirectForm" method="post" action="http://127.0.0.1:9/cb">' +
        '<input type="hidden" name="apiKey" value="k">' +
        '<input type="hidden" name="userId" value="u"></form>' +
        "<script>document.getElementById('PostRedirectForm').submit();</script>",
      html,
    );
    const loginPage401 = validateAgainstOpenApi(
      'GET',
      '/api-keys/authorize',
      401,
      '<!DOCTYPE html><p>Log in</p>',
      html,
    );
    for (const result of [
      swaggerDelivery,
      jsonBody,
      noAntiforgery,
      loginPage401,
    ]) {
      expect(result.ok).toBe(false);
    }
    expect(noAntiforgery.errors).toEqual([
      'expected exactly one __RequestVerificationToken field',
    ]);
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
