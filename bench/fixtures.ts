import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  appendEvent,
  fingerprintKey,
  newKeyId,
  newServerId,
  updateMetadata,
  vaultFiles,
  verifyEventLog,
  type KeyRecord,
  type MetadataDocument,
  type ServerRecord,
} from '../src/vault';

/**
 * Realistic data folders for the benchmarks: servers, keys of every origin
 * and a valid hash-chained event log, written through the vault's own
 * metadata writer and checked with its own log verifier.
 */

/** Permission sets merchants really grant, most common first. */
const PERMISSION_SETS: ReadonlyArray<(store: string) => string[]> = [
  (s) => [
    `btcpay.store.canviewinvoices:${s}`,
    `btcpay.store.cancreateinvoice:${s}`,
  ],
  (s) => [
    `btcpay.store.canmodifyinvoices:${s}`,
    `btcpay.store.webhooks.canmodifywebhooks:${s}`,
  ],
  () => ['btcpay.store.canviewstoresettings', 'btcpay.user.canviewprofile'],
  (s) => [
    `btcpay.store.cancreatenonapprovedpullpayments:${s}`,
    `btcpay.store.canviewpayouts:${s}`,
  ],
  () => ['unrestricted'],
  () => ['btcpay.server.canmodifyserversettings', 'btcpay.server.canviewusers'],
  (s) => [
    `btcpay.store.canmanagepayouts:${s}`,
    `btcpay.store.canviewreports:${s}`,
    'btcpay.user.canviewprofile',
  ],
];

const APPS = [
  'WooCommerce',
  'Shopify',
  'Zapier',
  'POS terminal',
  'Accounting export',
  'Nostr shop',
];

/** A small seeded generator, so every run builds the same shape of data. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const DAY_MS = 86_400_000;
const NOW = Date.parse('2026-12-01T12:00:00.000Z');

function isoDaysAgo(days: number): string {
  return new Date(NOW - days * DAY_MS).toISOString();
}

/** Twenty servers, as a hosting provider's merchant might have. */
export function makeServers(count: number): ServerRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: newServerId(),
    baseUrl: `https://pay${i}.shop-example.com/`,
    name: `Shop ${i}`,
    userId: `user-${i}`,
    email: `owner${i}@shop-example.com`,
    serverVersion: '2.4.4',
    mintMethod: i % 3 === 0 ? 'manager' : 'authorize',
    managerKeyId: null,
    addedAt: isoDaysAgo(400 + i),
  }));
}

/** One key record with a plausible history; `random` picks its traits. */
function makeKey(
  server: ServerRecord,
  index: number,
  random: () => number,
): KeyRecord {
  const store = `Store${Math.floor(random() * 9)}Xyz${index % 13}`;
  const pick =
    PERMISSION_SETS[Math.floor(random() * PERMISSION_SETS.length)] ??
    PERMISSION_SETS[0];
  const granted = pick ? pick(store) : [];
  const app = APPS[index % APPS.length] ?? 'App';
  const kind = index % 4;
  const origin: KeyRecord['origin'] =
    kind === 0
      ? {
          kind: 'authorize',
          applicationName: app,
          applicationIdentifier: `com.example.${app.replace(/\W/g, '').toLowerCase()}`,
        }
      : kind === 1
        ? { kind: 'rest', via: 'manager' }
        : kind === 2
          ? { kind: 'imported' }
          : {
              kind: 'delegated',
              app: {
                name: app,
                identifier: `org.example.${index % 7}`,
                callback: 'http://127.0.0.1:49152/callback',
              },
              via: 'authorize',
              delivery: {
                status: 'delivered',
                at: isoDaysAgo(30),
                error: null,
              },
            };
  const created = Math.floor(random() * 700);
  const verifiedDaysAgo = Math.floor(random() * created);
  return {
    id: newKeyId(),
    serverId: server.id,
    label: `${app} key ${index}`,
    fingerprint: fingerprintKey(randomBytes(20).toString('hex')),
    grantedPermissions: granted,
    requestedPermissions: random() < 0.5 ? granted : null,
    origin,
    userId: server.userId,
    isManager: false,
    createdAt: isoDaysAgo(created),
    lastVerification:
      random() < 0.85
        ? {
            at: isoDaysAgo(verifiedDaysAgo),
            result: random() < 0.95 ? 'valid' : 'unknown-key',
            permissions: granted,
            message: null,
          }
        : null,
    revokedAt:
      random() < 0.05 ? isoDaysAgo(Math.floor(verifiedDaysAgo / 2)) : null,
  };
}

/** Keys spread round-robin over the servers. */
export function makeKeys(
  servers: readonly ServerRecord[],
  count: number,
  seed = 7,
): KeyRecord[] {
  const random = seeded(seed);
  return Array.from({ length: count }, (_, i) =>
    makeKey(servers[i % servers.length] as ServerRecord, i, random),
  );
}

/** Writes servers and keys with the vault's own locked, schema-checked writer. */
export async function writeMetadata(
  home: string,
  servers: ServerRecord[],
  keys: KeyRecord[],
): Promise<void> {
  await updateMetadata(home, (draft: MetadataDocument) => {
    draft.servers = servers;
    draft.keys = keys;
  });
}

const ACTIONS = [
  'key.verified',
  'key.created',
  'key.copied',
  'key.revealed',
  'key.updated',
] as const;

/**
 * Writes `count` hash-chained entries the way the vault appends them (one
 * JSON line each, `prev` the SHA-256 of the line before), and then appends
 * the last one with the vault's own `appendEvent`, which anchors the head.
 */
export async function writeEventLog(
  home: string,
  keys: readonly KeyRecord[],
  count: number,
): Promise<void> {
  const files = vaultFiles(home);
  const out = await open(files.events, 'w', 0o600);
  let prev = sha256(Buffer.alloc(0));
  let chunk: Buffer[] = [];
  try {
    for (let seq = 1; seq < count; seq += 1) {
      const key = keys[seq % keys.length] as KeyRecord;
      const action = ACTIONS[seq % ACTIONS.length] as string;
      const entry = {
        seq,
        at: new Date(NOW - (count - seq) * 60_000).toISOString(),
        action,
        serverId: key.serverId,
        keyId: key.id,
        fingerprint: key.fingerprint,
        details: action === 'key.verified' ? { result: 'valid' } : undefined,
        prev,
      };
      const line = Buffer.from(JSON.stringify(entry), 'utf8');
      prev = sha256(line);
      chunk.push(line, NEWLINE);
      if (chunk.length > 20_000) {
        await out.write(Buffer.concat(chunk));
        chunk = [];
      }
    }
    await out.write(Buffer.concat(chunk));
  } finally {
    await out.close();
  }
  // The head anchor must name the last hand-written line for appendEvent to continue the chain.
  await writeFile(
    files.eventsHead,
    `${JSON.stringify({ seq: count - 1, hash: prev })}\n`,
    { mode: 0o600 },
  );
  const last = keys[0] as KeyRecord;
  await appendEvent(home, {
    action: 'key.verified',
    serverId: last.serverId,
    keyId: last.id,
    fingerprint: last.fingerprint,
    details: { result: 'valid' },
  });
}

const NEWLINE = Buffer.from('\n');

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A data folder with `keyCount` keys on `serverCount` servers and a log. */
export interface BenchVault {
  home: string;
  servers: ServerRecord[];
  keys: KeyRecord[];
  remove(): Promise<void>;
}

/** Builds a data folder in a fresh temp directory and checks its log. */
export async function createBenchVault(options: {
  keys: number;
  events: number;
  servers?: number;
}): Promise<BenchVault> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'btcpay-keys-bench-'));
  const servers = makeServers(options.servers ?? 20);
  const keys = makeKeys(servers, options.keys);
  await writeMetadata(home, servers, keys);
  if (options.events > 0) {
    await writeEventLog(home, keys, options.events);
    const check = await verifyEventLog(home);
    if (!check.ok || check.count !== options.events) {
      throw new Error(
        `The generated event log does not verify: ${JSON.stringify(check)}`,
      );
    }
  }
  return {
    home,
    servers,
    keys,
    remove: () => rm(home, { recursive: true, force: true }),
  };
}
