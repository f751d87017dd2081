import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  runAuthorizeFlow,
  type AuthorizeFlowOptions,
  type AuthorizeFlowResult,
} from '../../src/authorize';
import {
  createKeytarStore,
  fingerprintKey,
  openVault,
  type Vault,
} from '../../src/vault';
import type { SecretStore } from '../../src/vault';
import { folderSecretStore } from '../../src/vault/folder-keychain';
import { createGreenfieldClient } from '../../src/greenfield';
import { startSandbox, type Sandbox } from '../sandbox';
import { launchChromium, merchantBrowser } from './browser';
import { callbackForm, FORM_TYPE, sendRaw } from './http-client';

// The whole flow against the BTCPay sandbox, in real Chromium, storing into
// the real keychain (run inside scripts/with-keyring.sh).

let sandbox: Sandbox;
let otherSandbox: Sandbox;
let browser: Browser;
let merchant: { email: string; password: string };

beforeAll(async () => {
  [sandbox, otherSandbox, browser] = await Promise.all([
    startSandbox({ port: 0 }),
    startSandbox({ port: 0 }),
    launchChromium(),
  ]);
  const user = sandbox.users.find((candidate) => candidate.role === 'merchant');
  if (!user) throw new Error('The sandbox has no merchant account.');
  merchant = user;
});

afterAll(async () => {
  await Promise.all([
    browser?.close(),
    sandbox?.close(),
    otherSandbox?.close(),
  ]);
});

let home: string;
let keychain: SecretStore;
let vault: Vault;

async function freshVault(): Promise<void> {
  home = await mkdtemp(path.join(os.tmpdir(), 'btcpay-keys-authorize-'));
  const service = `btcpay-key-manager-test-authorize-${process.pid}-${Date.now()}`;
  keychain = createKeytarStore({ service });
  vault = await openVault({ home, secretStore: keychain });
}

afterEach(async () => {
  for (const account of await keychain.accounts()) {
    await keychain.delete(account);
  }
  await rm(home, { recursive: true, force: true });
});

const INVOICES = ['btcpay.store.canviewinvoices'];

function flow(
  overrides: Partial<AuthorizeFlowOptions> = {},
): Promise<AuthorizeFlowResult> {
  return runAuthorizeFlow({
    vault,
    serverUrl: sandbox.url,
    request: {
      applicationName: 'Shop app',
      applicationIdentifier: 'shop-app',
      permissions: INVOICES,
      strict: true,
      selectiveStores: false,
    },
    timeoutMs: 20_000,
    ...overrides,
  });
}

/** A client for any base URL that asks the sandbox, whose health answers. */
function answeredBySandbox() {
  return createGreenfieldClient({ baseUrl: sandbox.url });
}

function approvingMerchant(storeId?: string) {
  return merchantBrowser(browser, { ...merchant, choice: 'approve', storeId });
}

function stored(result: AuthorizeFlowResult) {
  if (result.outcome !== 'stored') {
    throw new Error(
      `expected a stored key, got ${result.outcome}: ${result.message}`,
    );
  }
  return result;
}

/** Every file of the data folder, to prove no secret is written there. */
async function dataFolderText(): Promise<string> {
  const names = await readdir(home, { recursive: true, withFileTypes: true });
  const files = names.filter((entry) => entry.isFile());
  const texts = await Promise.all(
    files.map((entry) =>
      readFile(path.join(entry.parentPath, entry.name), 'utf8'),
    ),
  );
  return texts.join('\n');
}

async function expectNothingStored(): Promise<void> {
  const metadata = await vault.metadata();
  expect(metadata.keys).toEqual([]);
  expect(metadata.servers).toEqual([]);
  expect(await keychain.accounts()).toEqual([]);
}

describe('runAuthorizeFlow in Chromium against the sandbox', () => {
  it('stores the approved key in the keychain with the permissions the server granted', async () => {
    await freshVault();
    const merchantPlays = approvingMerchant();
    const before = sandbox.admin.keysOf(merchant.email).length;

    const log: string[] = [];
    const logger = pino(
      { level: 'trace' },
      { write: (line: string) => void log.push(line) },
    );

    const result = stored(
      await flow({ openBrowser: merchantPlays.openBrowser, logger }),
    );
    const page = await merchantPlays.finished();

    expect(await page.textContent('body')).toContain('You can close this tab');
    const minted = sandbox.admin.keysOf(merchant.email).slice(before);
    expect(minted).toHaveLength(1);
    expect(result.granted).toEqual(minted[0]?.permissions);
    expect(result.key.grantedPermissions).toEqual(INVOICES);
    expect(result.differences).toEqual([]);
    expect(await folderSecretStore(keychain, home).accounts()).toEqual([
      result.key.id,
    ]);
    expect(await vault.readSecret(result.key.id, 'use')).toBe(
      minted[0]?.apiKey,
    );
    expect(await dataFolderText()).not.toContain(minted[0]?.apiKey);
    expect(log.join('')).toContain(result.key.fingerprint);
    expect(log.join('')).not.toContain(minted[0]?.apiKey);
    expect(result.serverVersion).toBe('2.4.4');
    expect(result.server.serverVersion).toBe('2.4.4');
  });

  it('shows each difference when the key is scoped to the store the merchant picked', async () => {
    await freshVault();
    const store = sandbox.stores.find((s) => s.ownerEmail === merchant.email);
    if (!store) throw new Error('The merchant has no store in the sandbox.');
    const merchantPlays = approvingMerchant(store.id);

    const result = stored(
      await flow({
        openBrowser: merchantPlays.openBrowser,
        request: { permissions: INVOICES, strict: true, selectiveStores: true },
      }),
    );
    await merchantPlays.finished();

    expect(result.granted).toEqual([
      `btcpay.store.canviewinvoices:${store.id}`,
    ]);
    expect(result.differences).toHaveLength(1);
    expect(result.differences[0]).toMatchObject({
      type: 'scoped-to-store',
      requested: 'btcpay.store.canviewinvoices',
    });
  });

  it('flags the older key of the same application when a new one arrives', async () => {
    await freshVault();
    const first = approvingMerchant();
    const older = stored(await flow({ openBrowser: first.openBrowser }));
    await first.finished();
    const second = approvingMerchant();
    const newer = stored(await flow({ openBrowser: second.openBrowser }));
    await second.finished();

    expect(newer.key.id).not.toBe(older.key.id);
    expect(newer.supersededKeys.map((key) => key.id)).toEqual([older.key.id]);
  });

  it('keeps an unrestricted key as the manager key and states the risk first', async () => {
    await freshVault();
    const warned: string[] = [];
    const merchantPlays = approvingMerchant();

    const result = stored(
      await flow({
        manager: true,
        openBrowser: merchantPlays.openBrowser,
        onWarnings: (warnings) => warned.push(...warnings.map((w) => w.code)),
      }),
    );
    await merchantPlays.finished();

    expect(warned).toContain('manager-risk');
    expect(result.requested).toEqual(['unrestricted']);
    expect(result.key.isManager).toBe(true);
    expect(result.server.managerKeyId).toBe(result.key.id);
    expect(result.server.mintMethod).toBe('manager');
  });

  it('hands the manager role to a new manager key and offers the old one for revocation', async () => {
    await freshVault();
    const first = approvingMerchant();
    const older = stored(
      await flow({ manager: true, openBrowser: first.openBrowser }),
    );
    await first.finished();
    const second = approvingMerchant();
    const newer = stored(
      await flow({ manager: true, openBrowser: second.openBrowser }),
    );
    await second.finished();

    expect(newer.supersededKeys.map((key) => key.id)).toEqual([older.key.id]);
    expect(newer.server.managerKeyId).toBe(newer.key.id);
    const { keys } = await vault.metadata();
    expect(keys.find((key) => key.id === older.key.id)?.isManager).toBe(false);
  });

  it('stores nothing when the merchant presses Cancel and the flow is cancelled', async () => {
    await freshVault();
    const before = sandbox.admin.keysOf(merchant.email).length;
    const cancel = new AbortController();
    const merchantPlays = merchantBrowser(browser, {
      ...merchant,
      choice: 'cancel',
    });

    const running = flow({
      openBrowser: merchantPlays.openBrowser,
      signal: cancel.signal,
    });
    const page = await merchantPlays.finished();
    expect(page.url()).toContain('/account/apikeys');
    cancel.abort();
    const result = await running;

    expect(result).toMatchObject({ outcome: 'cancelled', kind: 'cancelled' });
    expect(sandbox.admin.keysOf(merchant.email)).toHaveLength(before);
    await expectNothingStored();
  });

  it('explains that server permissions need an admin when a merchant approves', async () => {
    await freshVault();
    const merchantPlays = approvingMerchant();

    const result = stored(
      await flow({
        openBrowser: merchantPlays.openBrowser,
        request: {
          applicationName: 'Server tool',
          permissions: [...INVOICES, 'btcpay.server.canmodifyserversettings'],
          strict: false,
          selectiveStores: false,
        },
      }),
    );
    await merchantPlays.finished();

    expect(result.granted).toEqual(INVOICES);
    expect(result.differences).toEqual([
      expect.objectContaining({
        type: 'not-granted',
        requested: 'btcpay.server.canmodifyserversettings',
        explanation: expect.stringContaining('admin'),
      }),
    ]);
  });

  it('times out cleanly when BTCPay answers the authorize page with an error', async () => {
    await freshVault();
    sandbox.admin.setFault({
      kind: 'status500',
      paths: ['/api-keys/authorize'],
    });
    let pageStatus: number | undefined;
    try {
      const result = await flow({
        timeoutMs: 3_000,
        openBrowser: async (url) => {
          const page = await browser.newPage();
          pageStatus = (await page.goto(url))?.status();
          return true;
        },
      });

      expect(pageStatus).toBe(500);
      expect(result).toMatchObject({ outcome: 'timeout' });
      expect(!('key' in result) && result.nextStep).toContain('key import');
      await expectNothingStored();
    } finally {
      sandbox.admin.setFault(null);
    }
  });

  it('times out, stores nothing and says what to do instead', async () => {
    await freshVault();

    const result = await flow({ timeoutMs: 300 });

    expect(result).toMatchObject({ outcome: 'timeout', kind: 'timeout' });
    expect(!('key' in result) && result.message).toMatch(
      /^No key arrived within 300 milliseconds; nothing was stored\./,
    );
    expect(!('key' in result) && result.nextStep).toContain('key import');
    await expectNothingStored();
  });

  it('reports the server version on a timeout when a stored key can ask for it', async () => {
    await freshVault();
    const server = await vault.addServer({
      baseUrl: sandbox.url,
      name: 'sandbox',
      mintMethod: 'authorize',
    });
    await vault.storeKey({
      secret: sandbox.admin.mintKey(merchant.email, []),
      serverId: server.id,
      label: 'existing',
      grantedPermissions: [],
      origin: { kind: 'imported' },
    });

    const result = await flow({ timeoutMs: 300 });

    expect(result).toMatchObject({
      outcome: 'timeout',
      serverVersion: '2.4.4',
    });
    expect(!('key' in result) && result.message).toContain('2.4.4');
  });
});

describe('runAuthorizeFlow with forged callbacks', () => {
  /** Posts a key to the flow's receiver the way BTCPay's form would. */
  function postKey(authorizeUrl: string, apiKey: string) {
    const redirect = new URL(authorizeUrl).searchParams.get('redirect') ?? '';
    return sendRaw({
      url: redirect,
      headers: FORM_TYPE,
      body: callbackForm({
        apiKey,
        userId: 'forger',
        permissions: ['unrestricted'],
      }),
    });
  }

  it('refuses a key the server does not know and still takes the approved one', async () => {
    await freshVault();
    const refusals: string[] = [];
    const merchantPlays = approvingMerchant();
    let forged: Promise<{ status: number }> | undefined;

    const result = stored(
      await flow({
        onAuthorizeUrl: (url) => {
          forged = postKey(url, 'f'.repeat(40)).then(async (answer) => {
            await merchantPlays.openBrowser(url);
            return answer;
          });
        },
        onRefusedKey: (refusal) => refusals.push(refusal.message),
      }),
    );
    await merchantPlays.finished();

    expect((await forged)?.status).toBe(403);
    expect(refusals).toHaveLength(1);
    expect(result.key.grantedPermissions).toEqual(INVOICES);
    expect(await vault.readSecret(result.key.id, 'use')).not.toBe(
      'f'.repeat(40),
    );
    expect((await vault.metadata()).keys).toHaveLength(1);
  });

  it('refuses a valid key of another server, stores it nowhere, and still takes the approved one', async () => {
    await freshVault();
    const foreigner = otherSandbox.users.find((u) => u.role === 'merchant');
    const foreignKey = otherSandbox.admin.mintKey(foreigner?.email ?? '', [
      'unrestricted',
    ]);
    const refusals: string[] = [];
    const merchantPlays = approvingMerchant();
    let forged: Promise<{ status: number }> | undefined;

    const result = stored(
      await flow({
        onAuthorizeUrl: (url) => {
          forged = postKey(url, foreignKey).then(async (answer) => {
            await merchantPlays.openBrowser(url);
            return answer;
          });
        },
        onRefusedKey: (refusal) => refusals.push(refusal.message),
      }),
    );
    await merchantPlays.finished();

    expect((await forged)?.status).toBe(403);
    expect(refusals).toEqual([expect.stringMatching(/unknown to this server/)]);
    expect(result.key.grantedPermissions).toEqual(INVOICES);
    expect(await vault.readSecret(result.key.id, 'use')).not.toBe(foreignKey);
    const keys = (await vault.metadata()).keys;
    expect(keys).toHaveLength(1);
    expect(keys[0]?.fingerprint).not.toBe(fingerprintKey(foreignKey));
  });

  it('times out on a valid key of another server alone, storing nothing', async () => {
    await freshVault();
    const foreigner = otherSandbox.users.find((u) => u.role === 'merchant');
    const foreignKey = otherSandbox.admin.mintKey(foreigner?.email ?? '', [
      'unrestricted',
    ]);
    let forged: Promise<{ status: number }> | undefined;

    const result = await flow({
      timeoutMs: 3_000,
      onAuthorizeUrl: (url) => {
        forged = postKey(url, foreignKey);
      },
    });

    expect((await forged)?.status).toBe(403);
    expect(result).toMatchObject({ outcome: 'refused', kind: 'unknown-key' });
    await expectNothingStored();
  });
});

describe('runAuthorizeFlow before the browser opens', () => {
  it('warns about a plain-http server on a public address', async () => {
    await freshVault();
    const warned: string[] = [];

    const result = await flow({
      serverUrl: 'http://btcpay.example.com/',
      timeoutMs: 200,
      onWarnings: (warnings) => warned.push(...warnings.map((w) => w.code)),
      // The name resolves nowhere here; the health check goes to the sandbox.
      clientFactory: answeredBySandbox,
    });

    expect(warned).toEqual(['insecure-server']);
    expect(result.warnings.map((w) => w.code)).toEqual(['insecure-server']);
    expect(result.outcome).toBe('timeout');
  });

  it('does not warn about a loopback or onion server over http', async () => {
    await freshVault();
    for (const serverUrl of [sandbox.url, 'http://examplexyz.onion/']) {
      const warned: string[] = [];
      const result = await flow({
        serverUrl,
        timeoutMs: 100,
        onWarnings: (warnings) => warned.push(...warnings.map((w) => w.code)),
        clientFactory: answeredBySandbox,
      });
      // It got as far as waiting, so the warnings were worked out.
      expect(result.outcome).toBe('timeout');
      expect(warned).toEqual([]);
    }
  });

  it('checks the server first and opens nothing when it does not answer', async () => {
    await freshVault();
    const dead = await startSandbox();
    const deadUrl = dead.url;
    await dead.close();
    const opened: string[] = [];
    const reported: string[] = [];

    const result = await flow({
      serverUrl: deadUrl,
      openBrowser: async (url) => {
        opened.push(url);
        return true;
      },
      onAuthorizeUrl: (url) => reported.push(url),
    });

    expect(result).toMatchObject({
      outcome: 'unreachable',
      kind: 'network',
      message: expect.stringMatching(/did not answer as a BTCPay Server/),
      nextStep: expect.stringMatching(/\S/),
    });
    expect(opened).toEqual([]);
    expect(reported).toEqual([]);
    expect((await vault.metadata()).keys).toEqual([]);
  });

  it('reports the address instead of opening a browser when none opens', async () => {
    await freshVault();
    const reported: Array<{ url: string; browserOpened: boolean }> = [];

    const result = await flow({
      timeoutMs: 100,
      openBrowser: async () => false,
      onAuthorizeUrl: (url, state) => reported.push({ url, ...state }),
    });

    expect(reported).toHaveLength(1);
    expect(reported[0]?.browserOpened).toBe(false);
    expect(
      reported[0]?.url.startsWith(`${sandbox.url}api-keys/authorize?`),
    ).toBe(true);
    expect(result.warnings.map((w) => w.code)).toContain('browser-not-opened');
  });
});
