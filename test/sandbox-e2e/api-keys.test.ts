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

describe('sandbox API key endpoints', () => {
  it('creates keys with Basic auth, lower-casing policies and dropping duplicates', async () => {
    const answer = await call(sandbox, 'POST', 'api/v1/api-keys', {
      auth: basicFor(sandbox, 'merchant'),
      body: {
        label: 'Shop',
        permissions: [
          'BTCPAY.STORE.CANVIEWINVOICES:AbC',
          'btcpay.store.canviewinvoices:AbC',
        ],
      },
    });
    expect(answer.status).toBe(200);
    const created = answer.json as { apiKey: string; permissions: string[] };
    expect(created.apiKey).toMatch(/^[0-9a-f]{40}$/);
    expect(created.permissions).toEqual(['btcpay.store.canviewinvoices:AbC']);
  });

  it('refuses to create keys with a key that is not unrestricted', async () => {
    const key = sandbox.admin.mintKey(MERCHANT, [
      'btcpay.store.canmodifystoresettings',
    ]);
    const answer = await call(sandbox, 'POST', 'api/v1/api-keys', {
      auth: token(key),
      body: {},
    });
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({
      code: 'missing-permission',
      missingPermission: 'unrestricted',
    });
  });

  it('answers a malformed permission with the 422 array naming its index', async () => {
    const key = sandbox.admin.mintKey(MERCHANT, ['unrestricted']);
    const answer = await call(sandbox, 'POST', 'api/v1/api-keys', {
      auth: token(key),
      body: {
        permissions: [
          'btcpay.store.canviewinvoices',
          'btcpay.store.canviewinvoices:',
        ],
      },
    });
    expect(answer.status).toBe(422);
    expect(answer.json).toEqual([
      { path: 'permissions[1]', message: "Invalid 'Permission' String" },
    ]);
  });

  it('revokes the current key with an empty 200, after which it gets 401', async () => {
    const key = sandbox.admin.mintKey(MERCHANT, []);
    const answer = await call(sandbox, 'DELETE', 'api/v1/api-keys/current', {
      auth: token(key),
    });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('');
    const after = await call(sandbox, 'GET', 'api/v1/api-keys/current', {
      auth: token(key),
    });
    expect(after.status).toBe(401);
  });

  it('deletes only the caller’s own keys and answers 400 for anyone else’s', async () => {
    const own = sandbox.admin.mintKey(MERCHANT, []);
    const foreign = sandbox.admin.mintKey(ADMIN, []);
    const auth = basicFor(sandbox, 'merchant');
    const refused = await call(
      sandbox,
      'DELETE',
      `api/v1/api-keys/${foreign}`,
      { auth },
    );
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({
      code: 'apikey-not-found',
      message: 'This apikey does not exists',
    });
    const deleted = await call(sandbox, 'DELETE', `api/v1/api-keys/${own}`, {
      auth,
    });
    expect([deleted.status, deleted.text]).toEqual([200, '']);
    expect(sandbox.admin.keysOf(MERCHANT).map((k) => k.apiKey)).not.toContain(
      own,
    );
  });

  it('lets an admin create and revoke keys for another user by email', async () => {
    const adminKey = sandbox.admin.mintKey(ADMIN, [
      'btcpay.server.canmanageusers',
    ]);
    const created = await call(
      sandbox,
      'POST',
      `api/v1/users/${MERCHANT}/api-keys`,
      {
        auth: token(adminKey),
        body: {
          label: 'for merchant',
          permissions: ['btcpay.user.canviewprofile'],
        },
      },
    );
    expect(created.status).toBe(200);
    const { apiKey } = created.json as { apiKey: string };
    expect(
      sandbox.admin.keysOf(MERCHANT).some((k) => k.apiKey === apiKey),
    ).toBe(true);
    const path = `api/v1/users/${MERCHANT}/api-keys/${apiKey}`;
    const revoked = await call(sandbox, 'DELETE', path, {
      auth: token(adminKey),
    });
    expect(revoked.status).toBe(200);
    const again = await call(sandbox, 'DELETE', path, {
      auth: token(adminKey),
    });
    expect(again.json).toMatchObject({ code: 'apikey-not-found' });
  });

  it('answers 404 user-not-found for an unknown target user', async () => {
    const adminKey = sandbox.admin.mintKey(ADMIN, ['unrestricted']);
    const answer = await call(
      sandbox,
      'POST',
      'api/v1/users/nobody@sandbox.test/api-keys',
      {
        auth: token(adminKey),
        body: {},
      },
    );
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({
      code: 'user-not-found',
      message: 'The user was not found',
    });
  });

  it('refuses server permissions to a non-admin even with an unrestricted key', async () => {
    const key = sandbox.admin.mintKey(MERCHANT, ['unrestricted']);
    const answer = await call(
      sandbox,
      'POST',
      `api/v1/users/${ADMIN}/api-keys`,
      {
        auth: token(key),
        body: {},
      },
    );
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({
      missingPermission: 'btcpay.server.canmanageusers',
    });
  });
});
