import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGreenfieldClient,
  type GreenfieldAuth,
  type GreenfieldClient,
} from '../../src/greenfield';
import { startSandbox, type Sandbox } from '../sandbox';

// Every endpoint the key manager uses, against the BTCPay sandbox served
// under a sub-path the way BTCPay runs behind a `RootPath`.

let sandbox: Sandbox;
let client: GreenfieldClient;

function user(role: string): { id: string; email: string; password: string } {
  const found = sandbox.users.find((candidate) => candidate.role === role);
  if (!found) throw new Error(`the sandbox has no ${role} user`);
  return found;
}

function tokenFor(
  role: string,
  permissions: string[],
): GreenfieldAuth & { kind: 'token' } {
  const apiKey = sandbox.admin.mintKey(user(role).email, permissions, 'test');
  return { kind: 'token', apiKey };
}

function lastRequest(): (typeof sandbox.admin.requests)[number] {
  const request = sandbox.admin.requests.at(-1);
  if (!request) throw new Error('the sandbox received nothing');
  return request;
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, basePath: '/btcpay/' });
  // Typed without the trailing slash, as merchants often do.
  client = createGreenfieldClient({ baseUrl: sandbox.url.replace(/\/$/, '') });
});
afterAll(() => sandbox.close());

describe('createGreenfieldClient', () => {
  it('keeps the sub-path of the server address', () => {
    expect(client.baseUrl).toBe(sandbox.url);
    expect(client.baseUrl.endsWith('/btcpay/')).toBe(true);
  });

  it('refuses an address that is not a server URL', () => {
    expect(() =>
      createGreenfieldClient({ baseUrl: 'ftp://x.example' }),
    ).toThrow(/https/);
  });
});

describe('health', () => {
  it('answers without credentials and asks for JSON', async () => {
    await expect(client.health()).resolves.toEqual({ synchronized: true });
    const request = lastRequest();
    expect(request.url).toBe('/btcpay/api/v1/health');
    expect(request.headers['accept']).toBe('application/json');
    expect(request.headers['authorization']).toBeUndefined();
  });
});

describe('serverInfo', () => {
  it('reads the version with a key that has no permissions at all', async () => {
    const info = await client.serverInfo(tokenFor('merchant', []));
    expect(info.version).toBe('2.4.4');
    expect(info.syncStatus?.[0]?.paymentMethodId).toBe('BTC-CHAIN');
  });

  it('sends the key as "token <key>"', async () => {
    const auth = tokenFor('merchant', []);
    await client.serverInfo(auth);
    expect(lastRequest().headers['authorization']).toBe(`token ${auth.apiKey}`);
  });
});

describe('currentApiKey', () => {
  it('returns the granted permissions and label, store scopes kept', async () => {
    const storeId = sandbox.stores[0]!.id;
    const permission = `btcpay.store.canviewinvoices:${storeId}`;
    const { apiKey } = tokenFor('merchant', [permission]);
    const key = await client.currentApiKey(apiKey);
    expect(key).toEqual({ apiKey, label: 'test', permissions: [permission] });
  });
});

describe('createApiKey', () => {
  it('creates a key with Basic auth and sends the password only in the header', async () => {
    const merchant = user('merchant');
    const created = await client.createApiKey(
      { kind: 'basic', email: merchant.email, password: merchant.password },
      {
        label: 'Point of sale',
        permissions: ['btcpay.store.cancreateinvoice'],
      },
    );
    expect(created.label).toBe('Point of sale');
    expect(created.permissions).toEqual(['btcpay.store.cancreateinvoice']);
    expect(created.apiKey).toMatch(/^[0-9a-f]{40}$/);

    const request = lastRequest();
    const expected = Buffer.from(`${merchant.email}:${merchant.password}`);
    expect(request.headers['authorization']).toBe(
      `Basic ${expected.toString('base64')}`,
    );
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).not.toContain(merchant.password);
    const keys = sandbox.admin.keysOf(merchant.email).map((key) => key.apiKey);
    expect(keys).toContain(created.apiKey);
  });

  it('creates a key with an unrestricted key', async () => {
    const created = await client.createApiKey(
      tokenFor('merchant', ['unrestricted']),
      { label: 'Invoices only', permissions: ['btcpay.store.canviewinvoices'] },
    );
    expect(created.permissions).toEqual(['btcpay.store.canviewinvoices']);
  });
});

describe('createUserApiKey', () => {
  it('lets an admin create a key for another user, by email', async () => {
    const created = await client.createUserApiKey(
      tokenFor('admin', ['btcpay.server.canmanageusers']),
      user('merchant').email,
      { label: 'For merchant', permissions: [] },
    );
    expect(created.permissions).toEqual([]);
    const owners = sandbox.admin.keysOf(user('merchant').email);
    expect(owners.map((key) => key.apiKey)).toContain(created.apiKey);
  });
});

describe('revoking keys', () => {
  it('revokes the key used for the call', async () => {
    const { apiKey } = tokenFor('merchant', []);
    await client.revokeCurrentApiKey(apiKey);
    const left = sandbox.admin.keysOf(user('merchant').email);
    expect(left.map((key) => key.apiKey)).not.toContain(apiKey);
  });

  it('revokes another key of the same user with an unrestricted key', async () => {
    const { apiKey: doomed } = tokenFor('merchant', []);
    await client.revokeApiKey(tokenFor('merchant', ['unrestricted']), doomed);
    const left = sandbox.admin.keysOf(user('merchant').email);
    expect(left.map((key) => key.apiKey)).not.toContain(doomed);
    // The key travels in the path, escaped, and never in a query string.
    expect(lastRequest().url).toBe(`/btcpay/api/v1/api-keys/${doomed}`);
  });

  it("lets an admin revoke another user's key", async () => {
    const { apiKey: doomed } = tokenFor('merchant', []);
    await client.revokeUserApiKey(
      tokenFor('admin', ['btcpay.server.canmanageusers']),
      user('merchant').id,
      doomed,
    );
    const left = sandbox.admin.keysOf(user('merchant').email);
    expect(left.map((key) => key.apiKey)).not.toContain(doomed);
  });
});

describe('currentUser', () => {
  it("returns the key owner's profile", async () => {
    const me = await client.currentUser(
      tokenFor('admin', ['btcpay.user.canviewprofile']),
    );
    expect(me.email).toBe(user('admin').email);
    expect(me.roles).toContain('ServerAdmin');
  });
});

describe('listStores', () => {
  it('lists the stores the key may see, keeping fields the schema does not name', async () => {
    const stores = await client.listStores(
      tokenFor('merchant', ['btcpay.store.canviewstoresettings']),
    );
    const owned = sandbox.stores.filter(
      (store) => store.ownerEmail === user('merchant').email,
    );
    expect(stores.map((store) => store.id).sort()).toEqual(
      owned.map((store) => store.id).sort(),
    );
    expect(stores[0]).toHaveProperty('invoiceExpiration');
  });

  it('returns only the store a store-scoped key names', async () => {
    const storeId = sandbox.stores.find(
      (store) => store.ownerEmail === user('merchant').email,
    )!.id;
    const stores = await client.listStores(
      tokenFor('merchant', [`btcpay.store.canviewstoresettings:${storeId}`]),
    );
    expect(stores.map((store) => store.id)).toEqual([storeId]);
  });
});

describe('permissionsMetadata', () => {
  it("returns the server's policy hierarchy to any valid key", async () => {
    const policies = await client.permissionsMetadata(tokenFor('guest', []));
    const root = policies.find((policy) => policy.name === 'unrestricted');
    expect(root?.included).toContain('btcpay.store.canviewinvoices');
    expect(lastRequest().url).toBe('/btcpay/misc/permissions');
  });
});
