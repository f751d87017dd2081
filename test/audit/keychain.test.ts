import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadAuditInputs, runAudit } from '../../src/audit';
import {
  createKeytarStore,
  type KeytarBackend,
} from '../../src/vault/secret-store';
import {
  cleanKey,
  makeHome,
  metadataOf,
  removeHome,
  server,
  writeVault,
} from './fixtures';

// The real OS keychain exists only inside the private keyring session
// (scripts/with-keyring.sh, which `npm test` uses).
const inKeyringSession = process.env['BTCPAY_KEYS_IN_KEYRING_SESSION'] === '1';
if (!inKeyringSession) {
  console.log(
    'test/audit/keychain.test.ts: skipped, no private keyring session; run ' +
      'it with `bash scripts/with-keyring.sh npx vitest run test/audit`.',
  );
}

/** An id shaped like the vault's key ids (k_ and 16 base32 letters). */
const STRAY = 'k_strayentryabcdef';

describe.skipIf(!inKeyringSession)('the audit with --keychain', () => {
  // A service of its own, so other suites' entries never mix in.
  const store = createKeytarStore({ service: `audit-test-${randomUUID()}` });
  let home: string;

  beforeEach(async () => {
    home = await makeHome();
  });
  afterEach(async () => {
    for (const account of await store.accounts()) await store.delete(account);
    await removeHome(home);
  });

  it('finds a missing and a leftover secret in the real keychain', async () => {
    const now = new Date();
    await writeVault(
      home,
      metadataOf(
        [server()],
        [
          cleanKey('k-stored', {}, now),
          cleanKey('k-lost', {}, now),
          cleanKey('k-revoked', { revokedAt: now.toISOString() }, now),
        ],
      ),
    );
    // Dummy secrets: the audit must list them without ever reading one.
    await store.set('k-stored', 'not-a-real-key-1');
    await store.set('k-revoked', 'not-a-real-key-2');
    await store.set(STRAY, 'not-a-real-key-3');
    await store.set('not-a-key-id', 'not-a-real-key-4');

    const inputs = await loadAuditInputs(home, {
      keychain: true,
      secretStore: store,
      now,
    });
    const report = runAudit(inputs);

    expect(
      report.findings.map((f) => [f.rule, f.keyId ?? null, f.title]),
    ).toEqual([
      ['secret-missing', 'k-lost', expect.stringContaining('Key k-lost')],
      ['secret-orphaned', null, expect.stringContaining(STRAY)],
      ['secret-orphaned', 'k-revoked', expect.stringContaining('revoked')],
    ]);
    expect(JSON.stringify(report)).not.toContain('not-a-real-key');
  });

  it.runIf(process.platform === 'linux')(
    'lists the entries on Linux without reading one secret',
    async () => {
      await writeVault(home, metadataOf([server()], [cleanKey('k-stored')]));
      await store.set('k-stored', 'not-a-real-key-5');
      await store.set(STRAY, 'not-a-real-key-6');

      // From here on, the keychain module's secret-reading calls fail, so a
      // listing that still loaded secrets would make the audit fail.
      const keytar = createRequire(import.meta.url)('keytar') as KeytarBackend;
      const refuse = () => Promise.reject(new Error('a secret was read'));
      const readsAll = vi
        .spyOn(keytar, 'findCredentials')
        .mockImplementation(refuse);
      const readsOne = vi
        .spyOn(keytar, 'getPassword')
        .mockImplementation(refuse);

      expect((await store.accounts()).sort()).toEqual(
        ['k-stored', STRAY].sort(),
      );
      const report = runAudit(
        await loadAuditInputs(home, { keychain: true, secretStore: store }),
      );
      expect(report.findings.map((f) => f.rule)).toContain('secret-orphaned');
      expect(readsAll).not.toHaveBeenCalled();
      expect(readsOne).not.toHaveBeenCalled();

      // The trap is live: asking keytar itself does read, and fails.
      await expect(keytar.findCredentials('any-service')).rejects.toThrow(
        'a secret was read',
      );
      vi.restoreAllMocks();
    },
  );
});
