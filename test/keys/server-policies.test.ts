import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildInventory } from '../../src/audit/inventory';
import { runAuthorizeFlow } from '../../src/authorize';
import { adoptOrphanedKeys } from '../../src/keys/adopt';
import { createKeyOverRest } from '../../src/keys/create';
import { describeKey } from '../../src/keys/describe';
import { importKey } from '../../src/keys/import';
import { addServer } from '../../src/keys/servers';
import { verifyKeys } from '../../src/keys/verify';
import { newKeyId, openVault, type Vault } from '../../src/vault';
import { folderSecretStore } from '../../src/vault/folder-keychain';
import { launchChromium, merchantBrowser } from '../authorize/browser';
import type { Sandbox } from '../sandbox';
import { emptyKeychain, tempHome, testKeychain } from '../vault/helpers';
import {
  openTempVault,
  passwordOf,
  quietService,
  startRelaxedSandbox,
  storeOf,
} from './fixtures';

// A BTCPay server with a plugin publishes the plugin's policies only at
// GET /misc/permissions. Every key operation that holds a key fetches that
// list through the real client and keeps it with the server, and every place
// that describes the server's keys uses it.

const MERCHANT = 'merchant@sandbox.test';
const VIEW_STORE = 'btcpay.store.canviewstoresettings';
const PLUGIN_EXPORT = 'btcpay.plugin.store.canexportledger';
const PLUGIN_TOOLS = 'btcpay.plugin.tools.canusetools';

let sandbox: Sandbox;
let vault: Vault;
let cleanup: () => Promise<void>;
let serverId: string;

beforeAll(async () => {
  sandbox = await startRelaxedSandbox({
    pluginPolicies: [
      { name: PLUGIN_EXPORT, title: 'Export ledger', parents: [VIEW_STORE] },
      { name: PLUGIN_TOOLS, title: 'Use tools' },
    ],
  });
});
afterAll(() => sandbox.close());

beforeAll(async () => {
  ({ vault, cleanup } = await openTempVault());
  serverId = (await addServer(vault, sandbox.url)).server.id;
});
afterAll(() => cleanup());

async function importedKey(permissions: string[]): Promise<string> {
  const secret = sandbox.admin.mintKey(MERCHANT, permissions, 'plugin test');
  const { key } = await importKey(vault, { serverId, secret });
  return key.id;
}

async function storedListing() {
  return (await vault.findServer(serverId))?.permissionListing ?? null;
}

describe('a server that defines plugin policies', () => {
  it('keeps the listing the server published when a key is imported', async () => {
    expect(await storedListing()).toBeFalsy();
    await importedKey([]);

    const listing = await storedListing();
    const byName = new Map(listing?.map((p) => [p.name, p.included]));
    expect(byName.get(VIEW_STORE)).toContain(PLUGIN_EXPORT);
    expect(byName.get('unrestricted')).toContain(PLUGIN_TOOLS);
  });

  it('shows the plugin policy under what includes it in key show', async () => {
    const store = storeOf(sandbox, MERCHANT);
    const keyId = await importedKey([`${VIEW_STORE}:${store}`, PLUGIN_TOOLS]);

    const { permissions } = await describeKey(vault, keyId);
    const viewStore = permissions.find((p) => p.policy === VIEW_STORE);
    const tools = permissions.find((p) => p.policy === PLUGIN_TOOLS);
    expect(viewStore?.implies.map((p) => p.policy)).toContain(PLUGIN_EXPORT);
    expect(tools?.known).toBe(true);
    expect(tools?.title).not.toBe('Unknown permission');
  });

  it('describes the plugin policy for the UI only on its own server', async () => {
    const service = quietService(vault);
    try {
      const here = await service.handlers.describePermissions({
        serverId,
        permissions: [PLUGIN_EXPORT],
      });
      const nowhere = await service.handlers.describePermissions({
        serverId: null,
        permissions: [PLUGIN_EXPORT],
      });
      expect(here.ok && here.value[0]?.unknown).toBe(false);
      expect(nowhere.ok && nowhere.value[0]?.unknown).toBe(true);

      const store = storeOf(sandbox, MERCHANT);
      const keyId = await importedKey([`${VIEW_STORE}:${store}`]);
      const detail = await service.handlers.getKey({ keyId });
      if (!detail.ok) throw new Error(detail.error.message);
      expect(detail.value.permissions[0]?.implies).toContain(PLUGIN_EXPORT);
    } finally {
      await service.close();
    }
  });

  it('names the plugin policy in the audit inventory instead of calling it unknown', async () => {
    const keyId = await importedKey([PLUGIN_TOOLS]);
    const metadata = await vault.metadata();
    const inventory = buildInventory(metadata.keys, {
      serversById: new Map(metadata.servers.map((s) => [s.id, s])),
      now: new Date(),
    });
    const entry = inventory.find((line) => line.keyId === keyId);
    expect(entry?.permissions[0]?.title).toBe(PLUGIN_TOOLS);
  });

  it('keeps the listing when a key is created with a password', async () => {
    await vault.updateServer(serverId, { permissionListing: null });
    await createKeyOverRest(vault, {
      serverId,
      label: 'made with a password',
      permissions: [PLUGIN_TOOLS],
      auth: {
        kind: 'basic',
        email: MERCHANT,
        password: passwordOf(sandbox, MERCHANT),
      },
    });
    expect((await storedListing())?.map((p) => p.name)).toContain(PLUGIN_TOOLS);
  });

  it('keeps the listing when an orphaned keychain entry is adopted', async () => {
    const { store } = testKeychain();
    const { home, cleanup: removeHome } = await tempHome();
    try {
      const recovering = await openVault({ home, secretStore: store });
      const server = (await addServer(recovering, sandbox.url)).server;
      const orphan = newKeyId();
      await folderSecretStore(store, home).set(
        orphan,
        sandbox.admin.mintKey(MERCHANT, [], 'lost'),
      );
      expect(server.permissionListing).toBeFalsy();

      const result = await adoptOrphanedKeys(recovering, { server: server.id });

      expect(result.adopted.map((key) => key.id)).toEqual([orphan]);
      const adoptedOn = await recovering.findServer(server.id);
      expect(adoptedOn?.permissionListing?.map((p) => p.name)).toContain(
        PLUGIN_EXPORT,
      );
    } finally {
      await emptyKeychain(store);
      await removeHome();
    }
  });

  it('learns the listing again when keys are verified', async () => {
    await vault.updateServer(serverId, { permissionListing: null });
    await verifyKeys(vault, 'all');
    expect((await storedListing())?.map((p) => p.name)).toContain(
      PLUGIN_EXPORT,
    );
  });
});

describe('a key authorized in the browser', () => {
  let browser: Browser;
  let fresh: { vault: Vault; cleanup: () => Promise<void> };
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser.close());
  afterEach(() => fresh.cleanup());

  it('brings the listing of the server it came from', async () => {
    fresh = await openTempVault();
    const merchant = sandbox.users.find((user) => user.email === MERCHANT)!;
    const plays = merchantBrowser(browser, { ...merchant, choice: 'approve' });
    const result = await runAuthorizeFlow({
      vault: fresh.vault,
      serverUrl: sandbox.url,
      request: {
        applicationName: 'Plugin app',
        permissions: [PLUGIN_TOOLS],
        strict: true,
        selectiveStores: false,
      },
      openBrowser: plays.openBrowser,
      timeoutMs: 20_000,
    });
    await plays.finished();

    expect(result.outcome).toBe('stored');
    const [server] = (await fresh.vault.metadata()).servers;
    expect(server?.permissionListing?.map((p) => p.name)).toContain(
      PLUGIN_TOOLS,
    );
  });
});
