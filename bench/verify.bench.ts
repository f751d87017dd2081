import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { request } from 'undici';
import { verifyKeys } from '../src/keys';
import { runPool } from '../src/keys/pool';
import {
  fingerprintKey,
  newKeyId,
  newServerId,
  openVault,
  updateMetadata,
  type KeyRecord,
  type ServerRecord,
} from '../src/vault';
import { folderSecretStore } from '../src/vault/folder-keychain';
import { countingStore } from './counting-store';
import { measure } from './stats';
import { judge, type BenchRow } from './result';

/**
 * Verifying 500 keys spread over 20 sandbox servers that each add 25 ms to
 * every answer, against the ideal for the per-server concurrency: each
 * server's keys in ceil(25 / concurrency) rounds of one latency, all
 * servers at once. The servers run in a child process, as remote servers
 * would, so the measured process does only the client's work.
 */

const SERVERS = 20;
const KEYS_PER_SERVER = 25;
const TOTAL_KEYS = SERVERS * KEYS_PER_SERVER;
const LATENCY_MS = 25;
const GOAL = 1.25;
const PERMISSIONS = [
  'btcpay.store.canviewinvoices',
  'btcpay.user.canviewprofile',
];

interface RemoteServers {
  child: ChildProcess;
  servers: Array<{ url: string; keys: string[] }>;
}

/**
 * Twenty sandboxes, each with 25 keys minted for the merchant, served by a
 * child process: in this one they would compete with the client being
 * measured for the same event loop.
 */
async function startRemoteServers(): Promise<RemoteServers> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(import.meta.dirname, 'verify-servers.ts'),
      '--servers',
      String(SERVERS),
      '--keys-per-server',
      String(KEYS_PER_SERVER),
      '--latency-ms',
      String(LATENCY_MS),
      ...PERMISSIONS.flatMap((p) => ['--permission', p]),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({
    input: child.stdout as NodeJS.ReadableStream,
  });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(() => {
      throw new Error('The benchmark servers exited before they started.');
    }),
  ])) as [string];
  lines.close();
  return { child, ...(JSON.parse(line) as Pick<RemoteServers, 'servers'>) };
}

async function stopRemoteServers(remote: RemoteServers): Promise<void> {
  const exited = once(remote.child, 'exit');
  remote.child.kill('SIGTERM');
  await exited;
}

/** The servers and their keys in a fresh vault, secrets in memory. */
async function prepare(home: string, remote: RemoteServers) {
  const store = countingStore();
  const servers: ServerRecord[] = [];
  const keys: KeyRecord[] = [];
  const secrets: string[] = [];
  for (const remoteServer of remote.servers) {
    const server: ServerRecord = {
      id: newServerId(),
      baseUrl: remoteServer.url,
      name: new URL(remoteServer.url).host,
      userId: null,
      email: null,
      serverVersion: null,
      mintMethod: 'authorize',
      managerKeyId: null,
      addedAt: new Date().toISOString(),
    };
    servers.push(server);
    for (const [i, secret] of remoteServer.keys.entries()) {
      keys.push(benchKey(server, secret, i));
      secrets.push(secret);
    }
  }
  await updateMetadata(home, (draft) => {
    draft.servers = servers;
    draft.keys = keys;
  });
  // Through the folder's view of the keychain, as the vault reads them:
  // under the folder's namespace, not bare key ids.
  const folder = folderSecretStore(store, home);
  for (const [i, key] of keys.entries()) {
    await folder.set(key.id, secrets[i] ?? '');
  }
  return store;
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

/**
 * The same requests with undici alone, in the same per-server pools: no
 * vault, no keychain, no schema check, no recording. What the client costs
 * on this machine before the key manager does anything.
 */
async function undiciAlone(
  remote: RemoteServers,
  concurrency: number,
): Promise<void> {
  await Promise.all(
    remote.servers.map((server) =>
      // The same pool verifyKeys runs its requests in.
      runPool(server.keys, concurrency, async (key) => {
        const answer = await request(`${server.url}api/v1/api-keys/current`, {
          headers: {
            authorization: `token ${key}`,
            accept: 'application/json',
          },
        });
        await answer.body.json();
      }),
    ),
  );
}

/** Runs the verification benchmark at the default concurrency (4). */
export async function benchVerify(
  log: (line: string) => void,
): Promise<BenchRow[]> {
  const home = await mkdtemp(
    path.join(os.tmpdir(), 'btcpay-keys-bench-verify-'),
  );
  const remote = await startRemoteServers();
  try {
    const store = await prepare(home, remote);
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
            // A run that checked less than every key measured nothing.
            if (valid !== results.length || results.length !== TOTAL_KEYS) {
              throw new Error(
                `verify: ${valid} of ${results.length} keys valid, expected ` +
                  `all ${TOTAL_KEYS}; the bench measured failures.`,
              );
            }
          },
          undiciAlone: () => undiciAlone(remote, concurrency),
        },
        { iterations: 7, warmupIterations: 2 },
      );
      const timing = timings['verify'];
      const bare = timings['undiciAlone'];
      if (!timing || !bare) throw new Error('No verify timing.');
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
          undiciAloneMs: Math.round(bare.median),
        },
      });
      rows.push({
        id: `verify-undici-c${concurrency}`,
        operation: `The same 500 requests with undici alone, for comparison (${concurrency} per server)`,
        goal: { kind: 'report' },
        value: Math.round((bare.median / ideal) * 100) / 100,
        unit: '×',
        met: null,
        timing: bare,
        details: { idealMs: ideal },
      });
    }
    return rows;
  } finally {
    await stopRemoteServers(remote);
    await rm(home, { recursive: true, force: true });
  }
}
