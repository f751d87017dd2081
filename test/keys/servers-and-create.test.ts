import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GreenfieldError } from '../../src/greenfield';
import {
  addServer,
  createKeyOverRest,
  KeyOperationError,
} from '../../src/keys';
import type { Vault } from '../../src/vault';
import type { Sandbox } from '../sandbox';
import {
  openTempVault,
  passwordOf,
  startRelaxedSandbox,
  storeOf,
} from './fixtures';

const MERCHANT = 'merchant@sandbox.test';
const ADMIN = 'admin@sandbox.test';

let sandbox: Sandbox;
let vault: Vault;
let cleanup: () => Promise<void>;
let notBtcpay: Server;

beforeAll(async () => {
  sandbox = await startRelaxedSandbox();
  ({ vault, cleanup } = await openTempVault());
  notBtcpay = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<html><body>My blog</body></html>');
  });
  await new Promise<void>((resolve) =>
    notBtcpay.listen(0, '127.0.0.1', resolve),
  );
});

afterAll(async () => {
  await sandbox.close();
  await new Promise((resolve) => notBtcpay.close(resolve));
  await cleanup();
});

describe('addServer', () => {
  it('refuses a web server that is not BTCPay and stores nothing', async () => {
    const { port } = notBtcpay.address() as AddressInfo;
    const refused = addServer(vault, `http://127.0.0.1:${port}/`);
    await expect(refused).rejects.toBeInstanceOf(GreenfieldError);
    await expect(refused).rejects.toMatchObject({ kind: 'not-btcpay' });
    expect((await vault.metadata()).servers).toEqual([]);
  });

  it('stores the sandbox once, however often it is added', async () => {
    const first = await addServer(vault, sandbox.url, { name: 'Sandbox' });
    const again = await addServer(vault, sandbox.url.replace(/\/$/, ''));
    expect(first.alreadyStored).toBe(false);
    expect(again.alreadyStored).toBe(true);
    expect(again.server.id).toBe(first.server.id);
    expect((await vault.metadata()).servers).toHaveLength(1);
  });
});

describe('createKeyOverRest', () => {
  it('scopes each store permission to the given store and stores what the server granted', async () => {
    const server = await addServer(vault, sandbox.url);
    const store = storeOf(sandbox, MERCHANT);
    const created = await createKeyOverRest(vault, {
      serverId: server.server.id,
      label: 'Invoices for the shop',
      permissions: [
        'btcpay.store.canviewinvoices',
        'btcpay.user.canviewprofile',
      ],
      stores: [store],
      auth: {
        kind: 'basic',
        email: MERCHANT,
        password: passwordOf(sandbox, MERCHANT),
      },
    });

    const onServer = sandbox.admin
      .keysOf(MERCHANT)
      .find((key) => key.label === 'Invoices for the shop');
    expect(onServer?.permissions.sort()).toEqual(
      [
        `btcpay.store.canviewinvoices:${store}`,
        'btcpay.user.canviewprofile',
      ].sort(),
    );
    expect(created.key.grantedPermissions.sort()).toEqual(
      onServer?.permissions.sort(),
    );
    expect(created.key.origin).toEqual({ kind: 'rest', via: 'basic' });
    expect(await vault.readSecret(created.key.id, 'use')).toBe(
      onServer?.apiKey,
    );
  });

  it('refuses to mint with the manager key when the server has none', async () => {
    const server = await addServer(vault, sandbox.url);
    await expect(
      createKeyOverRest(vault, {
        serverId: server.server.id,
        label: 'No manager',
        permissions: ['btcpay.store.canviewinvoices'],
        auth: { kind: 'manager' },
      }),
    ).rejects.toMatchObject({
      kind: 'no-manager-key',
    } satisfies Partial<KeyOperationError>);
  });

  it('mints with the manager key once an unrestricted key of the user is stored', async () => {
    const server = await addServer(vault, sandbox.url);
    const manager = await createKeyOverRest(vault, {
      serverId: server.server.id,
      label: 'Manager',
      permissions: ['unrestricted'],
      auth: {
        kind: 'basic',
        email: ADMIN,
        password: passwordOf(sandbox, ADMIN),
      },
    });
    expect(manager.becameManager).toBe(true);

    const minted = await createKeyOverRest(vault, {
      serverId: server.server.id,
      label: 'Minted by the manager',
      permissions: ['btcpay.store.canviewinvoices'],
      auth: { kind: 'manager' },
    });
    expect(minted.key.origin).toEqual({ kind: 'rest', via: 'manager' });
    expect(sandbox.admin.keysOf(ADMIN).map((key) => key.label)).toContain(
      'Minted by the manager',
    );
    const stored = await vault.findServer(server.server.id);
    expect(stored?.managerKeyId).toBe(manager.key.id);
    expect(stored?.mintMethod).toBe('manager');
  });

  it('refuses --store when no permission is a store permission, before asking the server', async () => {
    const server = await addServer(vault, sandbox.url);
    const before = sandbox.admin.requests.length;
    await expect(
      createKeyOverRest(vault, {
        serverId: server.server.id,
        label: 'Profile only',
        permissions: ['btcpay.user.canviewprofile'],
        stores: ['some-store'],
        auth: {
          kind: 'basic',
          email: MERCHANT,
          password: passwordOf(sandbox, MERCHANT),
        },
      }),
    ).rejects.toMatchObject({ kind: 'invalid-request' });
    expect(sandbox.admin.requests.length).toBe(before);
  });
});
