import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { verifyKeys } from '../src/keys';
import {
  fingerprintKey,
  newKeyId,
  newServerId,
  openVault,
  updateMetadata,
  type KeyRecord,
  type ServerRecord,
} from '../src/vault';
import { startSandbox, type Sandbox } from '../test/sandbox/index';
import { countingStore } from './counting-store';
import { measure } from './stats';
import { judge, type BenchRow } from './result';

/**
 * Verifying 500 keys spread over 20 sandbox servers that each add 25 ms to
 * every answer, against the ideal for the per-server concurrency: each
 * server's keys in ceil(25 / concurrency) rounds of one latency, all
 * servers at once.
 */

const SERVERS = 20;
const KEYS_PER_SERVER = 25;
const LATENCY_MS = 25;
const GOAL = 1.25;
const PERMISSIONS = [
  'btcpay.store.canviewinvoices',
  'btcpay.user.canviewprofile',
];

/** Twenty sandboxes, each with 25 keys minted for the merchant. */
async function prepare(home: string) {
  const sandboxes: Sandbox[] = await Promise.all(
    Array.from({ length: SERVERS }, () =>
      startSandbox({ latencyMs: LATENCY_MS }),
    ),
  );
  const store = countingStore();
  const servers: ServerRecord[] = [];
  const keys: KeyRecord[] = [];
  for (const sandbox of sandboxes) {
    const server: ServerRecord = {
      id: newServerId(),
      baseUrl: sandbox.url,
      name: new URL(sandbox.url).host,
      userId: null,
      email: null,
      serverVersion: null,
      mintMethod: 'authorize',
      managerKeyId: null,
      addedAt: new Date().toISOString(),
    };
    servers.push(server);
    for (let i = 0; i < KEYS_PER_SERVER; i += 1) {
      const secret = sandbox.admin.mintKey(
        'merchant@sandbox.test',
        PERMISSIONS,
        `bench ${i}`,
      );
      const key = benchKey(server, secret, i);
      await store.set(key.id, secret);
      keys.push(key);
    }
  }
  await updateMetadata(home, (draft) => {
    draft.servers = servers;
    draft.keys = keys;
  });
  return { sandboxes, store };
}

function benchKey(
  server: ServerRecord,
  secret: string,
  index: number,
): KeyRecord {
  return {
    id: newKeyId(),
    serverId: server.id,
    label: `Verified key ${index}`,
    fingerprint: fingerprintKey(secret),
    grantedPermissions: PERMISSIONS,
    requestedPermissions: null,
    origin: { kind: 'imported' },
    userId: null,
    isManager: false,
    createdAt: new Date().toISOString(),
    lastVerification: null,
    revokedAt: null,
  };
}

/** Runs the verification benchmark at the default concurrency (4). */
export async function benchVerify(
  log: (line: string) => void,
): Promise<BenchRow[]> {
  const home = await mkdtemp(
    path.join(os.tmpdir(), 'btcpay-keys-bench-verify-'),
  );
  const { sandboxes, store } = await prepare(home);
  try {
    const vault = await openVault({ home, secretStore: store });
    const rows: BenchRow[] = [];
    for (const concurrency of [4, 8]) {
      log(
        `verify: ${SERVERS * KEYS_PER_SERVER} keys, concurrency ${concurrency}`,
      );
      let valid = 0;
      const timings = await measure(
        {
          verify: async () => {
            const results = await verifyKeys(vault, 'all', {
              concurrencyPerServer: concurrency,
            });
            valid = results.filter((r) => r.result === 'valid').length;
          },
        },
        { iterations: 5, warmupIterations: 1 },
      );
      const timing = timings['verify'];
      if (!timing) throw new Error('No verify timing.');
      const ideal = Math.ceil(KEYS_PER_SERVER / concurrency) * LATENCY_MS;
      const ratio = Math.round((timing.median / ideal) * 100) / 100;
      const goal = {
        kind: 'ratio' as const,
        max: GOAL,
        floor: `ideal ${ideal} ms (ceil(25 / ${concurrency}) × 25 ms)`,
      };
      rows.push({
        id: `verify-c${concurrency}`,
        operation: `Verifying 500 keys on 20 sandbox servers (25 ms latency, ${concurrency} per server)`,
        goal,
        value: ratio,
        met: judge(goal, ratio),
        timing,
        details: {
          idealMs: ideal,
          validResults: valid,
          keychainReads: store.calls.get,
        },
      });
    }
    return rows;
  } finally {
    await Promise.all(sandboxes.map((s) => s.close()));
    await rm(home, { recursive: true, force: true });
  }
}
