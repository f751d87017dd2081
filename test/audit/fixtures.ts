import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { appendEvent } from '../../src/vault/event-log';
import {
  METADATA_VERSION,
  MetadataDocument,
  type KeyRecord,
  type ServerRecord,
} from '../../src/vault/schema';
import type { SecretStore } from '../../src/vault/secret-store';
import { removeDataFolder } from '../support/data-folder';

/** The moment every fixture is judged at. */
export const NOW = new Date('2026-06-01T12:00:00.000Z');

const DAY = 24 * 60 * 60 * 1000;

/** `days` before `from` ({@link NOW} by default), as an ISO timestamp. */
export function daysAgo(days: number, from: Date = NOW): string {
  return new Date(from.getTime() - days * DAY).toISOString();
}

/** A server over https that raises no finding by itself. */
export function server(overrides: Partial<ServerRecord> = {}): ServerRecord {
  return {
    id: 'srv-main',
    baseUrl: 'https://btcpay.example.com/',
    name: 'Main shop',
    userId: 'user-1',
    email: 'owner@example.com',
    serverVersion: '2.4.1',
    mintMethod: 'authorize',
    managerKeyId: null,
    addedAt: daysAgo(100),
    ...overrides,
  };
}

/**
 * A key no rule objects to: read-only on one store, 10 days old, confirmed
 * by the server yesterday with exactly the recorded permissions.
 */
export function cleanKey(
  id: string,
  overrides: Partial<KeyRecord> = {},
  now: Date = NOW,
): KeyRecord {
  const permissions = overrides.grantedPermissions ?? [
    'btcpay.store.canviewinvoices:Store1',
  ];
  return {
    id,
    serverId: 'srv-main',
    label: `Key ${id}`,
    fingerprint: `fp-${id}`,
    grantedPermissions: permissions,
    requestedPermissions: null,
    origin: { kind: 'imported' },
    userId: 'user-1',
    isManager: false,
    createdAt: daysAgo(10, now),
    lastVerification: {
      at: daysAgo(1, now),
      result: 'valid',
      permissions,
      message: null,
    },
    revokedAt: null,
    ...overrides,
  };
}

/**
 * A schema-checked metadata document holding `servers` and `keys`, of a
 * folder made before keychain namespaces: its accounts are the bare key ids.
 */
export function metadataOf(
  servers: ServerRecord[],
  keys: KeyRecord[],
): MetadataDocument {
  return MetadataDocument.parse({
    version: METADATA_VERSION,
    keychainNamespace: null,
    servers,
    keys,
  });
}

/** A fresh temporary data folder. */
export function makeHome(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'btcpay-keys-audit-'));
}

/** Removes a folder made by {@link makeHome}, scanned for leaks first. */
export function removeHome(home: string): Promise<void> {
  return removeDataFolder(home);
}

/**
 * Writes the metadata file and a real hash-chained event log (through the
 * vault's own appender) with one entry per key.
 */
export async function writeVault(
  home: string,
  metadata: MetadataDocument,
): Promise<void> {
  await writeFile(
    path.join(home, 'metadata.json'),
    `${JSON.stringify(metadata, null, 2)}\n`,
  );
  for (const s of metadata.servers) {
    await appendEvent(home, { action: 'server.added', serverId: s.id });
  }
  for (const key of metadata.keys) {
    await appendEvent(home, {
      action: 'key.imported',
      serverId: key.serverId,
      keyId: key.id,
      fingerprint: key.fingerprint,
    });
  }
}

/** A keychain that only counts what is asked of it. */
export function countingSecretStore(accounts: string[] = []): SecretStore & {
  calls: string[];
} {
  const calls: string[] = [];
  return {
    calls,
    set: async (account) => {
      calls.push(`set ${account}`);
    },
    get: async (account) => {
      calls.push(`get ${account}`);
      return null;
    },
    delete: async (account) => {
      calls.push(`delete ${account}`);
      return false;
    },
    accounts: async () => {
      calls.push('accounts');
      return [...accounts];
    },
  };
}
