import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuittingApp } from '../../main/quit';
import { closeBeforeQuit } from '../../main/quit';
import { silentLogger } from '../../src/log/logger';
import {
  createKeyManagerService,
  dispatchOperation,
  type KeyManagerService,
} from '../../src/service';
import { openVault } from '../../src/vault';
import { startSandbox, type Sandbox } from '../sandbox';
import { emptyKeychain, testKeychain } from '../vault/helpers';
import { FakeApp, recordingLogger } from './fakes';

// Quitting the app with a key on the clipboard: main holds the quit until the
// core has wiped it, with the real service, vault, keychain and sandbox.

let sandbox: Sandbox;
let home: string;
const keychain = testKeychain().store;
const clipboard = { text: '' };
let service: KeyManagerService;

async function answer(
  name: 'addServer' | 'importKey' | 'copyKey',
  body: object,
) {
  const result = (await dispatchOperation(service.handlers, name, body)) as {
    ok: boolean;
    value: Record<string, unknown>;
  };
  expect(result.ok, name).toBe(true);
  return result.value;
}

beforeAll(async () => {
  sandbox = await startSandbox();
  home = await mkdtemp(path.join(os.tmpdir(), 'btcpay-keys-quit-'));
  const vault = await openVault({ home, secretStore: keychain });
  service = createKeyManagerService({
    vault,
    logger: silentLogger,
    emit: () => undefined,
    openBrowser: async () => undefined,
    clipboard: {
      write: (text) => void (clipboard.text = text),
      read: () => clipboard.text,
    },
  });
});

afterAll(async () => {
  await service?.close();
  await sandbox?.close();
  await emptyKeychain(keychain);
  await rm(home, { recursive: true, force: true });
});

describe('closeBeforeQuit', () => {
  it('wipes a copied key from the clipboard before the app exits', async () => {
    const merchant = sandbox.users.find((u) => u.role === 'merchant');
    const apiKey = sandbox.admin.mintKey(merchant?.email ?? '', [
      'btcpay.store.canviewinvoices',
    ]);
    const server = await answer('addServer', { url: sandbox.url });
    const imported = await answer('importKey', {
      serverId: server['id'],
      label: 'Till',
      apiKey,
    });
    const key = imported['key'] as { id: string };
    const copied = await answer('copyKey', { keyId: key.id });
    expect(copied['clearsAfterSeconds']).toBe(30);
    expect(clipboard.text).toBe(apiKey);

    const app = new FakeApp();
    closeBeforeQuit(app as unknown as QuittingApp, service.close, silentLogger);
    let clipboardAtExit: string | null = null;
    app.on('before-quit', (event: { defaultPrevented: boolean }) => {
      if (!event.defaultPrevented) clipboardAtExit = clipboard.text;
    });

    app.quit();
    app.quit();
    expect(app.quits).toBe(0);
    await expect.poll(() => app.quits).toBe(1);
    expect(clipboardAtExit).toBe('');
  });

  it('still quits when closing the core fails, closes it only once, and logs why', async () => {
    const app = new FakeApp();
    const { logger, lines } = recordingLogger();
    let closes = 0;
    closeBeforeQuit(
      app as unknown as QuittingApp,
      async () => {
        closes += 1;
        throw new Error('keychain went away');
      },
      logger,
    );
    app.quit();
    await expect.poll(() => app.quits).toBe(1);
    app.quit();
    expect(app.quits).toBe(2);
    expect(closes).toBe(1);
    expect(lines.join('')).toContain('keychain went away');
  });
});
