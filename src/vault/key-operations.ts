import type { z } from 'zod';
import { assertNoSecrets, type VaultEvent } from './event-log';
import { fingerprintKey } from './fingerprint';
import { newKeyId } from './ids';
import { readMetadata, updateMetadata } from './metadata-store';
import { withVaultLock } from './lock';
import {
  KeyOrigin,
  KeyRecord,
  Verification,
  type MetadataDocument,
} from './schema';
import type { VaultContext } from './vault-context';
import { VaultError, keyNotFound, serverNotFound } from './vault-error';

/** What `storeKey` needs: the secret and what is known about it. */
export interface NewKey {
  secret: string;
  serverId: string;
  label: string;
  grantedPermissions: string[];
  requestedPermissions?: string[] | null;
  origin: z.input<typeof KeyOrigin>;
  userId?: string | null;
  ownerEmail?: string | null;
  isManager?: boolean;
}

/** The key fields that may change after it was stored. */
export type KeyPatch = Partial<
  Pick<
    KeyRecord,
    | 'label'
    | 'grantedPermissions'
    | 'requestedPermissions'
    | 'origin'
    | 'userId'
    | 'ownerEmail'
    | 'isManager'
  >
>;

/** Why a secret is read: revealing and copying are logged, using is not. */
export type SecretPurpose = 'use' | 'reveal' | 'copy';

const ORIGIN_ACTION = {
  authorize: 'key.created',
  rest: 'key.created',
  imported: 'key.imported',
  delegated: 'key.delegated',
} as const;

/**
 * Stores a key: the secret in the keychain first, then its metadata. If the
 * metadata cannot be written the keychain entry is removed again, so a
 * failure never leaves a secret nobody knows about.
 */
export async function storeKey(
  context: VaultContext,
  input: NewKey,
): Promise<KeyRecord> {
  const document = await readMetadata(context.home);
  if (!document.servers.some((server) => server.id === input.serverId)) {
    throw serverNotFound(input.serverId);
  }
  const record = KeyRecord.parse({
    id: newKeyId(),
    serverId: input.serverId,
    label: input.label,
    fingerprint: fingerprintKey(input.secret),
    grantedPermissions: input.grantedPermissions,
    requestedPermissions: input.requestedPermissions ?? null,
    origin: input.origin,
    userId: input.userId ?? null,
    ownerEmail: input.ownerEmail ?? null,
    isManager: input.isManager ?? false,
    createdAt: new Date().toISOString(),
  });
  const event = keyStoredEvent(record);
  assertNoSecrets(event);

  const secrets = await context.secrets();
  await secrets.set(record.id, input.secret);
  try {
    // The record and its log entry under one lock.
    await withVaultLock(context.home, async () => {
      await updateMetadata(context.home, (draft) =>
        addKeyRecord(draft, record),
      );
      await logKeptKey(context, event);
    });
  } catch (error) {
    await secrets.delete(record.id).catch((rollbackError: unknown) => {
      context.logger.error(
        { keyId: record.id, error: String(rollbackError) },
        'could not remove the keychain entry after the metadata write ' +
          'failed; reconcile lists it',
      );
    });
    throw error;
  }
  return record;
}

/**
 * Logs a key that is already stored. If the entry cannot be written, the
 * key stays: it works, it is in the keychain and the metadata, and callers
 * take a thrown error to mean nothing was kept (and revoke the key on its
 * server). The missing entry is reported to the logger instead.
 */
async function logKeptKey(
  context: VaultContext,
  event: VaultEvent,
): Promise<void> {
  try {
    await context.log(event);
  } catch (error) {
    context.logger.error(
      {
        keyId: event.keyId,
        fingerprint: event.fingerprint,
        error: String(error),
      },
      `the key was stored, but its ${event.action} entry could not be ` +
        'added to the event log',
    );
  }
}

/**
 * Adds a key's record to the metadata being written. A manager key takes the
 * role from the server's previous one: a server has at most one.
 */
export function addKeyRecord(draft: MetadataDocument, record: KeyRecord): void {
  const server = draft.servers.find((s) => s.id === record.serverId);
  // The server may have been removed by another process meanwhile.
  if (!server) throw serverNotFound(record.serverId);
  if (record.isManager) {
    for (const key of draft.keys) {
      if (key.serverId === server.id) key.isManager = false;
    }
    server.managerKeyId = record.id;
  }
  draft.keys.push(record);
}

function keyStoredEvent(record: KeyRecord): VaultEvent {
  const { origin } = record;
  const details: Record<string, unknown> = {
    origin: origin.kind,
    permissions: record.grantedPermissions,
  };
  if (origin.kind === 'rest') details['via'] = origin.via;
  if (origin.kind === 'delegated') {
    details['via'] = origin.via;
    details['app'] = origin.app.identifier;
  }
  return {
    action: ORIGIN_ACTION[origin.kind],
    serverId: record.serverId,
    keyId: record.id,
    fingerprint: record.fingerprint,
    details,
  };
}

/**
 * The secret of a stored key. Revealing and copying are logged; the secret
 * is checked against the fingerprint recorded when it was stored.
 */
export async function readSecret(
  context: VaultContext,
  keyId: string,
  purpose: SecretPurpose,
): Promise<string> {
  const key = requireKeyIn(await readMetadata(context.home), keyId);
  if (key.revokedAt !== null) {
    throw new VaultError(
      'key-revoked',
      `The key "${key.label}" (${key.id}) was revoked; its secret is gone.`,
      'Create a new key for this server.',
    );
  }
  const secret = await (await context.secrets()).get(keyId);
  if (secret === null) {
    throw new VaultError(
      'secret-missing',
      `The keychain holds no secret for the key "${key.label}" (${key.id}).`,
      'Run `btcpay-keys reconcile` to list and repair mismatches.',
    );
  }
  if (fingerprintKey(secret) !== key.fingerprint) {
    throw new VaultError(
      'secret-mismatch',
      `The keychain entry of "${key.label}" (${key.id}) is not the key ` +
        `with fingerprint ${key.fingerprint}; it was replaced outside ` +
        'BTCPay Key Manager.',
      'Import the right key again, or delete this one.',
    );
  }
  if (purpose !== 'use') {
    await context.log({
      action: purpose === 'reveal' ? 'key.revealed' : 'key.copied',
      serverId: key.serverId,
      keyId: key.id,
      fingerprint: key.fingerprint,
    });
  }
  return secret;
}

/** What a stored key's keychain entry held before `restoreSecret`. */
export interface RestoredSecret {
  key: KeyRecord;
  /** `held`: it already held this key, and nothing was written or logged. */
  previously: 'missing' | 'replaced' | 'held';
  /** The fingerprint of the other key the entry held, now overwritten. */
  overwrittenFingerprint: string | null;
}

/**
 * Writes a stored key's own secret back into its keychain entry, after the
 * entry went missing or was overwritten outside the app. Only the secret
 * whose fingerprint the record names is accepted, and never for a revoked
 * key; the write and its `key.restored` entry happen under the vault lock.
 */
export async function restoreSecret(
  context: VaultContext,
  id: string,
  secret: string,
): Promise<RestoredSecret> {
  return withVaultLock(context.home, async () => {
    const key = requireKeyIn(await readMetadata(context.home), id);
    if (key.revokedAt !== null) {
      throw new VaultError(
        'key-revoked',
        `The key "${key.label}" (${key.id}) was revoked; its secret is not ` +
          'written back.',
        'Import it again to store it as a new key, if the server still knows it.',
      );
    }
    if (fingerprintKey(secret) !== key.fingerprint) {
      throw new VaultError(
        'secret-mismatch',
        `That is not the key "${key.label}" (${key.id}) names (fingerprint ` +
          `${key.fingerprint}); nothing was written.`,
        'Import it as a key of its own with `btcpay-keys key import`.',
      );
    }
    const secrets = await context.secrets();
    const before = await secrets.get(id);
    if (before !== null && fingerprintKey(before) === key.fingerprint) {
      return { key, previously: 'held', overwrittenFingerprint: null };
    }
    await secrets.set(id, secret);
    const restored: RestoredSecret = {
      key,
      previously: before === null ? 'missing' : 'replaced',
      overwrittenFingerprint: before === null ? null : fingerprintKey(before),
    };
    await context.log({
      action: 'key.restored',
      serverId: key.serverId,
      keyId: key.id,
      fingerprint: key.fingerprint,
      details: {
        previously: restored.previously,
        overwrittenFingerprint: restored.overwrittenFingerprint,
      },
    });
    return restored;
  });
}

/** Changes a key's fields; id, server and fingerprint never change. */
export async function updateKey(
  context: VaultContext,
  id: string,
  patch: KeyPatch,
): Promise<KeyRecord> {
  const updated = await changeKey(context, id, (key) => ({ ...key, ...patch }));
  await context.log({
    action: 'key.updated',
    serverId: updated.serverId,
    keyId: id,
    fingerprint: updated.fingerprint,
    details: { fields: Object.keys(patch) },
  });
  return updated;
}

/**
 * Records what the server said about the key. A valid answer also replaces
 * the granted permissions, since the server is the authority on them.
 */
export async function recordVerification(
  context: VaultContext,
  id: string,
  verification: z.input<typeof Verification>,
): Promise<KeyRecord> {
  const [updated] = await recordVerifications(context, [
    { keyId: id, verification },
  ]);
  if (!updated) throw keyNotFound(id);
  return updated;
}

/** One key's verification, for `recordVerifications`. */
export interface VerificationRecord {
  keyId: string;
  verification: z.input<typeof Verification>;
}

/**
 * Records many verifications with one metadata write and one log append,
 * so verifying hundreds of keys does not queue hundreds of locked, synced
 * writes behind each other. A key deleted in the meantime is skipped; the
 * records that were written are returned.
 */
export async function recordVerifications(
  context: VaultContext,
  records: readonly VerificationRecord[],
): Promise<KeyRecord[]> {
  const checked = records.map((record) => ({
    keyId: record.keyId,
    verification: Verification.parse(record.verification),
  }));
  const updated = await updateMetadata(context.home, (draft) => {
    const indexById = new Map(draft.keys.map((key, index) => [key.id, index]));
    const written: Array<{ key: KeyRecord; verification: Verification }> = [];
    for (const { keyId, verification } of checked) {
      const index = indexById.get(keyId);
      const current = index === undefined ? undefined : draft.keys[index];
      if (index === undefined || !current) continue;
      const next = KeyRecord.parse(withVerification(current, verification));
      draft.keys[index] = next;
      written.push({ key: next, verification });
    }
    return written;
  });
  await context.logAll(
    updated.map(({ key, verification }) => verifiedEvent(key, verification)),
  );
  return updated.map(({ key }) => key);
}

function withVerification(key: KeyRecord, checked: Verification): KeyRecord {
  const reported = checked.result === 'valid' ? checked.permissions : null;
  if (reported === null) return { ...key, lastVerification: checked };
  const drifted = !samePermissionSet(key.grantedPermissions, reported);
  return {
    ...key,
    grantedPermissions: reported,
    lastVerification: {
      ...checked,
      previousPermissions: drifted ? key.grantedPermissions : null,
    },
  };
}

function verifiedEvent(key: KeyRecord, checked: Verification): VaultEvent {
  return {
    action: 'key.verified',
    serverId: key.serverId,
    keyId: key.id,
    fingerprint: key.fingerprint,
    details: { result: checked.result },
  };
}

async function changeKey(
  context: VaultContext,
  id: string,
  change: (key: KeyRecord) => KeyRecord,
): Promise<KeyRecord> {
  return updateMetadata(context.home, (draft) => {
    const index = draft.keys.findIndex((key) => key.id === id);
    const current = draft.keys[index];
    if (!current) throw keyNotFound(id);
    const next = KeyRecord.parse({
      ...change(current),
      id,
      serverId: current.serverId,
      fingerprint: current.fingerprint,
    });
    draft.keys[index] = next;
    return next;
  });
}

/** The key with `id` in `document`, or a not-found `VaultError`. */
export function requireKeyIn(
  document: MetadataDocument,
  id: string,
): KeyRecord {
  const key = Object.isFrozen(document.keys)
    ? keysById(document.keys).get(id)
    : document.keys.find((candidate) => candidate.id === id);
  if (!key) throw keyNotFound(id);
  return key;
}

/**
 * Key lists read from disk are frozen (see `readMetadata`), so an index of
 * one stays right for as long as the list lives.
 */
const indexes = new WeakMap<readonly KeyRecord[], Map<string, KeyRecord>>();

function keysById(keys: readonly KeyRecord[]): Map<string, KeyRecord> {
  let index = indexes.get(keys);
  if (!index) {
    index = new Map(keys.map((key) => [key.id, key]));
    indexes.set(keys, index);
  }
  return index;
}

/** Same permissions, ignoring order and the case of policy names. */
function samePermissionSet(
  a: readonly string[],
  b: readonly string[],
): boolean {
  const canonical = (list: readonly string[]): string =>
    [...new Set(list.map(canonicalPermission))].sort().join('\n');
  return canonical(a) === canonical(b);
}

function canonicalPermission(permission: string): string {
  const colon = permission.indexOf(':');
  return colon === -1
    ? permission.toLowerCase()
    : permission.slice(0, colon).toLowerCase() + permission.slice(colon);
}
