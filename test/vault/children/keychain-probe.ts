// Stores and removes one entry in the OS keychain with the environment it
// was given, and prints what happened as JSON. Exits explicitly: a keychain
// call that timed out may still be running on a worker thread.
import { createKeytarStore, KeychainError } from '../../../src/vault';

const [service = 'btcpay-key-manager-probe', timeoutMs = '60000'] =
  process.argv.slice(2);
const store = createKeytarStore({ service, timeoutMs: Number(timeoutMs) });

try {
  await store.set('k_probeprobeprobepr', 'not-a-real-secret');
  await store.delete('k_probeprobeprobepr');
  console.log(JSON.stringify({ ok: true }));
} catch (error) {
  const known = error instanceof KeychainError;
  console.log(
    JSON.stringify({
      ok: false,
      name: (error as Error).name,
      store: known ? error.store : null,
      reason: known ? error.reason : null,
      fix: known ? error.fix : null,
      message: (error as Error).message,
    }),
  );
}
process.exit(0);
