// Stores, imports, revokes and deletes keys in one vault without end, until
// the test kills it with SIGKILL. Before and after each operation it writes a
// line to a journal, synchronously, so the test knows which operations had
// begun and which had finished when the kill landed.
//   node --import tsx vault-worker.ts HOME SERVICE JOURNAL
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import {
  createKeytarStore,
  fingerprintKey,
  openVault,
} from '../../../src/vault';
import { recordTestSecret } from '../../support/secrets';

const [home = '', service = '', journal = ''] = process.argv.slice(2);
const vault = await openVault({
  home,
  secretStore: createKeytarStore({ service, timeoutMs: 20_000 }),
});

function note(entry: Record<string, unknown>): void {
  appendFileSync(journal, `${JSON.stringify(entry)}\n`);
}

const server = await vault.addServer({
  baseUrl: 'https://btcpay.example.com/',
  name: 'Crash test shop',
  mintMethod: 'authorize',
});
process.stdout.write('ready\n');

async function storeOne(imported: boolean): Promise<void> {
  const secret = recordTestSecret(randomBytes(20).toString('hex'), 'api-key');
  const fingerprint = fingerprintKey(secret);
  note({ op: 'store', phase: 'begin', fingerprint });
  const record = await vault.storeKey({
    secret,
    serverId: server.id,
    label: imported ? 'Imported key' : 'Authorized key',
    grantedPermissions: ['btcpay.store.canviewinvoices'],
    origin: imported
      ? { kind: 'imported' }
      : { kind: 'authorize', applicationName: 'Crash test' },
  });
  note({ op: 'store', phase: 'end', fingerprint, keyId: record.id });
}

async function removeOne(revoke: boolean): Promise<void> {
  const live = (await vault.metadata()).keys.filter((k) => !k.revokedAt);
  const key = live[Math.floor(Math.random() * live.length)];
  if (!key) return storeOne(false);
  const op = revoke ? 'revoke' : 'delete';
  note({ op, phase: 'begin', keyId: key.id });
  if (revoke) await vault.markRevoked(key.id);
  else await vault.deleteKey(key.id);
  note({ op, phase: 'end', keyId: key.id });
}

for (;;) {
  const roll = Math.random();
  // Slightly more removals than stores keeps the keychain from growing.
  if (roll < 0.3) await storeOne(false);
  else if (roll < 0.45) await storeOne(true);
  else if (roll < 0.85) await removeOne(true);
  else await removeOne(false);
}
