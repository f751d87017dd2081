import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyAdded } from '../../src/contract';
import { addServer } from '../../src/keys/servers';
import type { KeyManagerService } from '../../src/service';
import type { Vault } from '../../src/vault';
import type { Sandbox } from '../sandbox';
import { folderKeychain } from '../support/folder-keychain';
import {
  openTempVault,
  passwordOf,
  quietService,
  startRelaxedSandbox,
} from './fixtures';

// The desktop app learns from the core what the command line prints beside
// "stored": a lost secret put back rather than a second key stored, a
// permission the server does not define, a new manager key.

const MERCHANT = 'merchant@sandbox.test';

let sandbox: Sandbox;
let vault: Vault;
let cleanup: () => Promise<void>;
let serverId: string;
let service: KeyManagerService;

beforeAll(async () => {
  sandbox = await startRelaxedSandbox();
  ({ vault, cleanup } = await openTempVault());
  serverId = (await addServer(vault, sandbox.url)).server.id;
  service = quietService(vault);
});
afterAll(async () => {
  await service.close();
  await cleanup();
  await sandbox.close();
});

function value(answer: { ok: true; value: KeyAdded } | { ok: false }) {
  if (!answer.ok) throw new Error('the operation failed');
  return answer.value;
}

describe('the service adding a key', () => {
  it('says nothing extra about a plain import', async () => {
    const apiKey = sandbox.admin.mintKey(MERCHANT, [
      'btcpay.store.canviewinvoices',
    ]);
    const added = value(
      await service.handlers.importKey({ serverId, label: 'Till', apiKey }),
    );
    expect(added.key.label).toBe('Till');
    expect(added.notices).toEqual([]);
  });

  it('says an import put a lost secret back instead of storing a second key', async () => {
    const apiKey = sandbox.admin.mintKey(MERCHANT, [
      'btcpay.store.canviewinvoices',
    ]);
    const first = value(
      await service.handlers.importKey({ serverId, label: 'Lost', apiKey }),
    );
    await folderKeychain(vault.home).delete(first.key.id);

    const again = value(
      await service.handlers.importKey({ serverId, label: 'Lost', apiKey }),
    );
    expect(again.key.id).toBe(first.key.id);
    expect(again.notices).toEqual([
      expect.stringContaining('its secret is back in the keychain'),
    ]);
    const listed = await service.handlers.listKeys({});
    expect(
      listed.ok && listed.value.filter((k) => k.label === 'Lost'),
    ).toHaveLength(1);
  });

  it('names a requested permission the server does not define', async () => {
    const added = value(
      await service.handlers.createKeyRest({
        serverId,
        label: 'Typo',
        permissions: ['btcpay.store.canviewinvoice'],
        auth: {
          kind: 'basic',
          email: MERCHANT,
          password: passwordOf(sandbox, MERCHANT),
        },
      }),
    );
    expect(added.notices).toEqual([
      expect.stringMatching(
        /^btcpay\.store\.canviewinvoice is unknown to .* Did you mean btcpay\.store\.canviewinvoices\?$/,
      ),
    ]);
  });

  it('says a key holding unrestricted became the manager key', async () => {
    const apiKey = sandbox.admin.mintKey(MERCHANT, ['unrestricted']);
    const added = value(
      await service.handlers.importKey({ serverId, label: 'Root', apiKey }),
    );
    expect(added.key.isManager).toBe(true);
    expect(added.notices).toEqual([
      expect.stringContaining('now this server’s manager key'),
    ]);
  });
});
