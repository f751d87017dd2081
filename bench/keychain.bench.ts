import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { AsyncEntry } from '@napi-rs/keyring';
import { createKeytarStore, type KeytarBackend } from '../src/vault';
import type { BenchRow } from './result';
import { round, summarize, type Timing } from './stats';

/**
 * Storing, reading and deleting one secret in gnome-keyring through keytar
 * (what the vault uses), through the vault's own store (keytar plus its
 * timeout and error handling) and through `@napi-rs/keyring` pinned to the
 * Secret Service. Reported side by side to inform the backend choice; there
 * is no goal.
 */

const SERVICE = 'btcpay-key-manager-bench';
const ROUNDS = 60;
const WARMUP = 5;

type Operation = 'store' | 'read' | 'delete';

/** One backend: how to store, read and delete the secret of an account. */
interface Backend {
  name: string;
  store(account: string, secret: string): Promise<void>;
  read(account: string): Promise<string | null>;
  remove(account: string): Promise<boolean>;
}

function keytarBackend(): Backend {
  const require = createRequire(import.meta.url);
  const keytar = require('keytar') as KeytarBackend;
  return {
    name: 'keytar 7.9',
    store: (account, secret) => keytar.setPassword(SERVICE, account, secret),
    read: (account) => keytar.getPassword(SERVICE, account),
    remove: (account) => keytar.deletePassword(SERVICE, account),
  };
}

function vaultBackend(): Backend {
  const store = createKeytarStore({ service: `${SERVICE}-vault` });
  return {
    name: 'vault SecretStore (keytar + timeout)',
    store: (account, secret) => store.set(account, secret),
    read: (account) => store.get(account),
    remove: (account) => store.delete(account),
  };
}

function napiBackend(): Backend {
  // One entry per account, reused for its store, read and delete.
  const entries = new Map<string, AsyncEntry>();
  const entry = (account: string) => {
    let found = entries.get(account);
    if (!found) {
      found = new AsyncEntry(`${SERVICE}-napi`, account, {
        linux: { store: 'secret-service' },
      });
      entries.set(account, found);
    }
    return found;
  };
  return {
    name: '@napi-rs/keyring (Secret Service pinned)',
    store: (account, secret) => entry(account).setPassword(secret),
    read: (account) => entry(account).getPassword(),
    remove: async (account) => {
      const removed = await entry(account).deletePassword();
      entries.delete(account);
      return removed;
    },
  };
}

async function timed<T>(samples: number[], fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const value = await fn();
  samples.push(performance.now() - started);
  return value;
}

/**
 * Stores, reads back and deletes a fresh secret `ROUNDS` times, checking
 * each answer, so a backend that silently loses a secret fails the bench.
 */
async function measureBackend(
  backend: Backend,
): Promise<Record<Operation, Timing>> {
  const samples: Record<Operation, number[]> = {
    store: [],
    read: [],
    delete: [],
  };
  for (let i = 0; i < WARMUP + ROUNDS; i += 1) {
    const sink: Record<Operation, number[]> =
      i < WARMUP ? { store: [], read: [], delete: [] } : samples;
    const account = `bench-${process.pid}-${i}`;
    const secret = randomBytes(20).toString('hex');
    await timed(sink.store, () => backend.store(account, secret));
    const read = await timed(sink.read, () => backend.read(account));
    if (read !== secret)
      throw new Error(`${backend.name} read back a different secret.`);
    const removed = await timed(sink.delete, () => backend.remove(account));
    if (!removed) throw new Error(`${backend.name} found nothing to delete.`);
  }
  return {
    store: summarize(samples.store),
    read: summarize(samples.read),
    delete: summarize(samples.delete),
  };
}

/** Runs the keychain comparison; needs the private keyring session. */
export async function benchKeychain(
  log: (line: string) => void,
): Promise<BenchRow[]> {
  if (process.env['BTCPAY_KEYS_IN_KEYRING_SESSION'] !== '1') {
    throw new Error(
      'The keychain benchmark needs gnome-keyring: run it through npm run bench, which starts scripts/with-keyring.sh.',
    );
  }
  const rows: BenchRow[] = [];
  for (const backend of [keytarBackend(), vaultBackend(), napiBackend()]) {
    log(`keychain: ${backend.name}`);
    const timings = await measureBackend(backend);
    for (const operation of ['store', 'read', 'delete'] as const) {
      const timing = timings[operation];
      rows.push({
        id: `keychain-${slug(backend.name)}-${operation}`,
        operation: `Keychain ${operation} on gnome-keyring: ${backend.name}`,
        goal: { kind: 'report' },
        value: round(timing.median, 2),
        met: null,
        timing,
      });
    }
  }
  return rows;
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
