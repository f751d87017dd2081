import { createKeytarStore, type SecretStore } from '../src/vault';
import { countingStore, type CountingStore } from './counting-store';

/**
 * The keychain the benchmarks store into: the real Secret Service when the
 * run is inside `scripts/with-keyring.sh`, otherwise a counting in-memory
 * store (and the report says which).
 */
export function benchSecretStore(): { store: CountingStore; real: boolean } {
  const real = process.env['BTCPAY_KEYS_IN_KEYRING_SESSION'] === '1';
  const inner: SecretStore | undefined = real
    ? createKeytarStore({ service: 'btcpay-key-manager-bench' })
    : undefined;
  return { store: countingStore(inner), real };
}
