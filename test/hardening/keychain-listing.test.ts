import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createKeytarStore } from '../../src/vault';
import { listSecretServiceAccounts } from '../../src/vault/secret-service-items';
import { recordTestSecret } from '../support/secrets';

/**
 * Listing the keychain (audit --keychain, reconcile) while other clients
 * write to it. gnome-keyring aborts when short-lived clients read item
 * properties in quick succession, and comes back locked; a listing that
 * spawned one `dbus-send` per item took it down in most runs like this one.
 */

const run = promisify(execFile);
const onLinuxKeyring =
  process.platform === 'linux' &&
  process.env['BTCPAY_KEYS_IN_KEYRING_SESSION'] === '1';
if (!onLinuxKeyring) {
  console.log(
    'test/hardening/keychain-listing: did not run: it needs the private gnome-keyring session of npm test on Linux.',
  );
}

/** Which connection owns the Secret Service name: a restart changes it. */
async function secretServiceOwner(): Promise<string> {
  const { stdout } = await run('dbus-send', [
    '--session',
    '--print-reply',
    '--dest=org.freedesktop.DBus',
    '/org/freedesktop/DBus',
    'org.freedesktop.DBus.GetNameOwner',
    'string:org.freedesktop.secrets',
  ]);
  return stdout.trim().split('\n').at(-1)?.trim() ?? '';
}

describe.skipIf(!onLinuxKeyring)('listing the keychain', () => {
  it('keeps gnome-keyring up and unlocked while other clients write', async () => {
    const tag = randomBytes(4).toString('hex');
    const owner = await secretServiceOwner();
    const listed = `btcpay-key-manager-listing-${tag}`;
    const writers = [0, 1, 2, 3].map((n) =>
      createKeytarStore({ service: n === 0 ? listed : `${listed}-${n}` }),
    );
    const secret = () => recordTestSecret(randomBytes(20).toString('hex'));

    const writing = writers.map(async (store) => {
      for (let i = 0; i < 100; i += 1) {
        await store.set(`k_${i}`, secret());
        if (i % 2 === 1) await store.delete(`k_${i - 1}`);
      }
    });
    const answers: Array<
      Awaited<ReturnType<typeof listSecretServiceAccounts>>
    > = [];
    const listing = (async () => {
      for (let i = 0; i < 150; i += 1) {
        answers.push(await listSecretServiceAccounts(listed, 10_000));
      }
    })();
    await Promise.all([...writing, listing]);

    expect(await secretServiceOwner()).toBe(owner);
    expect(answers.every((answer) => answer?.locked === false)).toBe(true);
    const final = await listSecretServiceAccounts(listed, 10_000);
    expect(final?.accounts.sort()).toEqual(
      Array.from({ length: 50 }, (_, i) => `k_${2 * i + 1}`).sort(),
    );
    for (const store of writers) {
      for (let i = 1; i < 100; i += 2) await store.delete(`k_${i}`);
    }
  }, 120_000);
});
