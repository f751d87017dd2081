import { GreenfieldError } from '../greenfield';
import { VaultError, type Vault } from '../vault';
import type {
  KeyRecord,
  ServerRecord,
  VerificationResult,
} from '../vault/schema';
import {
  clientForServer,
  type ServerCallOptions,
  type ServerClient,
} from './clients';
import { KeyOperationError } from './errors';
import { runPool } from './pool';
import { comparePermissionSets, type PermissionDrift } from './drift';
import { learnServerPolicies } from './server-policies';
import { resultWriter } from './verify-writer';

/** The outcome of checking one key against its server. */
export interface KeyVerification {
  keyId: string;
  serverId: string;
  label: string;
  result: VerificationResult;
  /** What the server reported, when the key worked. */
  permissions: string[] | null;
  /** How the server's permissions differ from the stored ones, if they do. */
  drift: PermissionDrift | null;
  /** What the merchant should know, never containing the key. */
  message: string | null;
  /**
   * Set when the server was not asked because the keychain does not hold
   * this key: no entry (`missing`) or another key than the one stored
   * (`mismatch`). The result is then `error`.
   */
  keychainProblem: KeychainProblem | null;
}

/** Why a key's secret could not be used: see `KeyVerification`. */
export type KeychainProblem = 'missing' | 'mismatch';

/** Progress of a `verifyKeys` run, reported after each key. */
export interface VerifyProgress {
  done: number;
  total: number;
  last: KeyVerification;
}

/** Options of `verifyKeys`. */
export interface VerifyOptions extends ServerCallOptions {
  /** Requests in flight at once against one server (default 4). */
  concurrencyPerServer?: number;
  onProgress?: (progress: VerifyProgress) => void;
}

/**
 * Checks keys with `/api/v1/api-keys/current` and records each result. Each
 * server gets its own bounded pool so one slow server does not hold up the
 * others and no server sees more than `concurrencyPerServer` requests at once.
 * Revoked keys are skipped when verifying `'all'`.
 */
export async function verifyKeys(
  vault: Vault,
  keyIds: string[] | 'all',
  options: VerifyOptions = {},
): Promise<KeyVerification[]> {
  const metadata = await vault.metadata();
  const keys = selectKeys(metadata.keys, keyIds);
  const perServer = Math.max(1, options.concurrencyPerServer ?? 4);
  const results = new Map<string, KeyVerification>();
  const writer = resultWriter(vault);
  const learner = policyLearner(vault);
  let done = 0;

  const groups = groupByServer(keys);
  try {
    await Promise.all(
      [...groups].map(([serverId, group]) => {
        const server = metadata.servers.find((s) => s.id === serverId);
        // One client per server for the run, not one per key.
        const client = server && clientForServer(server.baseUrl, options);
        const checks: CheckOptions = {
          ...options,
          ...(client ? { clientFor: () => client } : {}),
          onAccepted: learner.offer,
        };
        return runPool(group, perServer, async (key) => {
          const verification = await verifyOne(vault, server, key, checks);
          results.set(key.id, verification);
          writer.add(key, verification);
          done += 1;
          options.onProgress?.({
            done,
            total: keys.length,
            last: verification,
          });
        });
      }),
    );
  } catch (error) {
    // Keep what was learnt before a keychain failure stopped the run.
    await writer.flushed().catch(() => undefined);
    throw error;
  }
  await writer.flushed();
  await learner.learnt();
  return keys.flatMap((key) => results.get(key.id) ?? []);
}

/** What checking one key needs beyond the server call options. */
interface CheckOptions extends ServerCallOptions {
  /** Told of each key the server accepted, with the client that asked. */
  onAccepted?: (serverId: string, client: ServerClient, apiKey: string) => void;
}

/**
 * Learns each server's policy listing once a run, with the first key the
 * server accepts, while the rest of its keys are still being checked: the
 * listing costs the run no extra round trip of its own.
 */
function policyLearner(vault: Vault) {
  const learning = new Map<string, Promise<void>>();
  return {
    offer(serverId: string, client: ServerClient, apiKey: string): void {
      if (learning.has(serverId)) return;
      learning.set(
        serverId,
        // Best effort: a listing improves descriptions, it never fails a run.
        learnServerPolicies(vault, serverId, client, apiKey).catch(
          () => undefined,
        ),
      );
    },
    async learnt(): Promise<void> {
      await Promise.all(learning.values());
    },
  };
}

async function verifyOne(
  vault: Vault,
  server: ServerRecord | undefined,
  key: KeyRecord,
  options: CheckOptions,
): Promise<KeyVerification> {
  const outcome = server
    ? await askServer(vault, server, key, options)
    : errorOutcome('The server of this key is no longer stored.');
  return {
    keyId: key.id,
    serverId: key.serverId,
    label: key.label,
    ...outcome,
  };
}

type Outcome = Pick<
  KeyVerification,
  'result' | 'permissions' | 'drift' | 'message' | 'keychainProblem'
>;

async function askServer(
  vault: Vault,
  server: ServerRecord,
  key: KeyRecord,
  options: CheckOptions,
): Promise<Outcome> {
  const apiKey = await readSecretForCheck(vault, key);
  if (typeof apiKey !== 'string') return apiKey;
  try {
    const client = clientForServer(server.baseUrl, options);
    const current = await client.currentApiKey(apiKey);
    options.onAccepted?.(server.id, client, apiKey);
    const drift = comparePermissionSets(
      key.grantedPermissions,
      current.permissions,
    );
    return {
      result: 'valid',
      permissions: current.permissions,
      drift,
      message: drift ? describeDrift(drift) : null,
      keychainProblem: null,
    };
  } catch (error) {
    if (!(error instanceof GreenfieldError)) throw error;
    if (error.kind === 'key-unknown') {
      return { ...errorOutcome(error.message), result: 'unknown-key' };
    }
    if (error.kind === 'owner-blocked') {
      return { ...errorOutcome(error.message), result: 'owner-blocked' };
    }
    return errorOutcome(error.message);
  }
}

/**
 * The key's secret, or the outcome to record when the keychain does not
 * hold it (no entry, or another key). A keychain that cannot be used is not
 * a fact about the key, so it stops the run instead.
 */
async function readSecretForCheck(
  vault: Vault,
  key: KeyRecord,
): Promise<string | Outcome> {
  try {
    return await vault.readSecret(key.id, 'use');
  } catch (error) {
    const problem = keychainProblemOf(error);
    if (problem === null || !(error instanceof VaultError)) throw error;
    return {
      ...errorOutcome(`${error.message} ${error.nextStep}`),
      keychainProblem: problem,
    };
  }
}

function keychainProblemOf(error: unknown): KeychainProblem | null {
  if (!(error instanceof VaultError)) return null;
  if (error.code === 'secret-missing') return 'missing';
  return error.code === 'secret-mismatch' ? 'mismatch' : null;
}

function errorOutcome(message: string): Outcome {
  return {
    result: 'error',
    permissions: null,
    drift: null,
    message,
    keychainProblem: null,
  };
}

function describeDrift(drift: PermissionDrift): string {
  const parts = [
    drift.added.length > 0 ? `now also holds ${drift.added.join(', ')}` : '',
    drift.removed.length > 0
      ? `no longer holds ${drift.removed.join(', ')}`
      : '',
  ].filter(Boolean);
  return `The server's permissions differ from the stored ones: the key ${parts.join('; ')}.`;
}

function selectKeys(keys: KeyRecord[], keyIds: string[] | 'all'): KeyRecord[] {
  if (keyIds === 'all') return keys.filter((key) => key.revokedAt === null);
  return keyIds.map((id) => {
    const key = keys.find((candidate) => candidate.id === id);
    if (!key) {
      throw new KeyOperationError(
        'key-not-found',
        `No key with the id "${id}" is stored here.`,
        'List the stored keys and their ids with `btcpay-keys key list`.',
      );
    }
    if (key.revokedAt !== null) {
      throw new KeyOperationError(
        'key-revoked',
        `The key "${key.label}" (${id}) was revoked; there is nothing to verify.`,
        'Create or import a new key for this server.',
      );
    }
    return key;
  });
}

function groupByServer(keys: KeyRecord[]): Map<string, KeyRecord[]> {
  const groups = new Map<string, KeyRecord[]>();
  for (const key of keys) {
    groups.set(key.serverId, [...(groups.get(key.serverId) ?? []), key]);
  }
  return groups;
}
