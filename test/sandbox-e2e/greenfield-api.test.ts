import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index';
import { basicFor, call } from './helpers';

let sandbox: Sandbox;
const ADMIN = 'admin@sandbox.test';
const MERCHANT = 'merchant@sandbox.test';

beforeAll(async () => {
  // A generous Basic allowance: this file is about endpoints, not throttling.
  sandbox = await startSandbox({
    basicRateLimit: { perMinute: 600, burst: 100 },
  });
});
afterAll(() => sandbox.close());

const token = (key: string): string => `token ${key}`;

describe('sandbox Greenfield endpoints', () => {
  it('answers the health probe without credentials', async () => {
    const answer = await call(sandbox, 'GET', 'api/v1/health');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ synchronized: true });
  });

  it('reports server info to a key with no permissions and refuses anonymous callers', async () => {
    const key = sandbox.admin.mintKey(MERCHANT, []);
    const info = await call(sandbox, 'GET', 'api/v1/server/info', {
      auth: token(key),
    });
    expect(info.status).toBe(200);
    expect(info.json).toMatchObject({ version: '2.4.4', fullySynched: true });
    const anonymous = await call(sandbox, 'GET', 'api/v1/server/info');
    expect(anonymous.status).toBe(401);
    expect(anonymous.json).toEqual({
      code: 'unauthenticated',
      message: 'Authentication is required for accessing this endpoint',
    });
  });

  it('describes the current key without its owner and refuses Basic auth there', async () => {
    const key = sandbox.admin.mintKey(
      MERCHANT,
      ['btcpay.store.canviewinvoices'],
      'Till',
    );
    const current = await call(sandbox, 'GET', 'api/v1/api-keys/current', {
      auth: token(key),
    });
    expect(current.json).toEqual({
      apiKey: key,
      label: 'Till',
      permissions: ['btcpay.store.canviewinvoices'],
    });
    const basic = await call(sandbox, 'GET', 'api/v1/api-keys/current', {
      auth: basicFor(sandbox, 'merchant'),
    });
    expect(basic.status).toBe(401);
  });

  it('names an unknown key in its 401', async () => {
    const answer = await call(sandbox, 'GET', 'api/v1/api-keys/current', {
      auth: token('0'.repeat(40)),
    });
    expect(answer.json).toEqual({
      code: 'unauthenticated',
      message: 'ApiKey authentication failed: Unknown API Key',
    });
  });

  it('shows the profile to canmodifyprofile but not to canmodifystoresettings', async () => {
    const profile = sandbox.admin.mintKey(ADMIN, [
      'btcpay.user.canmodifyprofile',
    ]);
    const me = await call(sandbox, 'GET', 'api/v1/users/me', {
      auth: token(profile),
    });
    expect(me.json).toMatchObject({ email: ADMIN, roles: ['ServerAdmin'] });
    const store = sandbox.admin.mintKey(ADMIN, [
      'btcpay.store.canmodifystoresettings',
    ]);
    const refused = await call(sandbox, 'GET', 'api/v1/users/me', {
      auth: token(store),
    });
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({
      missingPermission: 'btcpay.user.canviewprofile',
    });
  });

  it('lists only the stores both the key scope and the membership allow', async () => {
    const [main, second] = sandbox.stores.filter(
      (s) => s.ownerEmail === MERCHANT,
    );
    const scoped = sandbox.admin.mintKey(MERCHANT, [
      `btcpay.store.canviewstoresettings:${second!.id}`,
    ]);
    const list = await call(sandbox, 'GET', 'api/v1/stores', {
      auth: token(scoped),
    });
    expect((list.json as { id: string }[]).map((s) => s.id)).toEqual([
      second!.id,
    ]);
    const all = sandbox.admin.mintKey(MERCHANT, [
      'btcpay.store.canmodifystoresettings',
    ]);
    const both = await call(sandbox, 'GET', 'api/v1/stores', {
      auth: token(all),
    });
    expect((both.json as { id: string }[]).map((s) => s.id)).toEqual([
      main!.id,
      second!.id,
    ]);
  });

  it('does not show an admin the stores they are not a member of', async () => {
    const key = sandbox.admin.mintKey(ADMIN, ['unrestricted']);
    const list = await call(sandbox, 'GET', 'api/v1/stores', {
      auth: token(key),
    });
    expect((list.json as { name: string }[]).map((s) => s.name)).toEqual([
      'Admin Shop',
    ]);
  });

  it('gives a guest whose role cannot view settings an empty store list', async () => {
    const key = sandbox.admin.mintKey('guest@sandbox.test', [
      'btcpay.store.canviewstoresettings',
    ]);
    const list = await call(sandbox, 'GET', 'api/v1/stores', {
      auth: token(key),
    });
    expect([list.status, list.json]).toEqual([200, []]);
  });

  it('refuses the store list to a key holding only canviewinvoices', async () => {
    const key = sandbox.admin.mintKey(MERCHANT, [
      'btcpay.store.canviewinvoices',
    ]);
    const answer = await call(sandbox, 'GET', 'api/v1/stores', {
      auth: token(key),
    });
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({
      missingPermission: 'btcpay.store.canviewstoresettings',
    });
  });

  it('serves the permission hierarchy only to authenticated callers', async () => {
    const key = sandbox.admin.mintKey(MERCHANT, []);
    const list = await call(sandbox, 'GET', 'misc/permissions', {
      auth: token(key),
    });
    const entries = list.json as { name: string; included: string[] }[];
    expect(entries).toHaveLength(46);
    expect(
      entries.find((e) => e.name === 'btcpay.user.canmodifyprofile')?.included,
    ).toEqual(['btcpay.user.canviewprofile']);
    expect((await call(sandbox, 'GET', 'misc/permissions')).status).toBe(401);
    const browser = await call(sandbox, 'GET', 'misc/permissions', {
      headers: { accept: 'text/html' },
    });
    expect(browser.status).toBe(302);
    expect(String(browser.headers.location)).toContain('/login?ReturnUrl=');
  });

  it('answers unknown Greenfield routes with a bare 404', async () => {
    const answer = await call(sandbox, 'GET', 'api/v1/no-such-thing');
    expect([answer.status, answer.text]).toEqual([404, '']);
  });

  it('sends Referrer-Policy same-origin on every answer', async () => {
    const answer = await call(sandbox, 'GET', 'api/v1/health');
    expect(answer.headers['referrer-policy']).toBe('same-origin');
  });
  it('lets any origin call Greenfield, as the BTCPay CORS policy does', async () => {
    const preflight = await call(sandbox, 'OPTIONS', 'api/v1/stores', {
      headers: {
        origin: 'http://elsewhere.test',
        'access-control-request-method': 'GET',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
  });
});
