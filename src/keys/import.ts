import { fingerprintKey, type AdoptedKey, type Vault } from '../vault';
import type { KeyRecord, ServerRecord } from '../vault/schema';
import {
  clientForServer,
  type ServerCallOptions,
  type ServerClient,
} from './clients';
import { KeyOperationError } from './errors';
import { requireServer } from './lookup';
import { shouldBecomeManager } from './manager';
import {
  alreadyHeld,
  keychainHolding,
  restoreKeySecret,
  type RestoredKeySecret,
} from './restore';
import { learnWithKey, ownerOfKey, recordServerFacts } from './server-facts';
import { learnServerPolicies } from './server-policies';

/** A key someone already has, to be checked and stored. */
export interface ImportKeyRequest {
  serverId: string;
  secret: string;
  /** Defaults to the label the server knows the key by. */
  label?: string;
}

/** The stored key and whether it became the server's manager key. */
export interface ImportKeyResult {
  key: KeyRecord;
  becameManager: boolean;
  /**
   * True when the key was already stored here but the keychain had lost
   * its secret (or held another key): the secret was written back under
   * the stored record's id, and no new record was made.
   */
  restored: boolean;
  /** With `restored`: what the keychain entry held before. */
  restoredFrom?: Pick<
    RestoredKeySecret,
    'previously' | 'overwrittenFingerprint'
  >;
}

/**
 * Stores an existing key after `/api/v1/api-keys/current` confirmed it. The
 * permissions stored are the ones the server reports, never what the user
 * believes the key holds; an unknown key is refused and nothing is stored.
 * The key's owner and the server's version are recorded where the key may
 * ask for them.
 *
 * A key whose record is stored here but whose keychain entry is missing or
 * holds another key is not stored twice: once the server confirmed it, its
 * secret is written back under that record's id.
 */
export async function importKey(
  vault: Vault,
  request: ImportKeyRequest,
  options: ServerCallOptions = {},
): Promise<ImportKeyResult> {
  const secret = checkedKeyText(request.secret);
  const server = await requireServer(vault, request.serverId);
  const stored = await storedRecordOf(vault, server.id, secret);
  if (stored && (await keychainHolding(vault, stored)) === 'holds-it') {
    throw alreadyHeld(stored);
  }

  const client = clientForServer(server.baseUrl, options);
  const current = await client.currentApiKey(secret);
  if (stored) {
    return restoreConfirmedKey(vault, stored, secret, current);
  }
  const key = await storeConfirmedKey(
    vault,
    { server, client },
    {
      secret,
      label: request.label?.trim() || current.label || 'Imported key',
      grantedPermissions: current.permissions,
    },
    (fields) => vault.storeKey({ secret, ...fields }),
  );
  return { key, becameManager: key.isManager, restored: false };
}

/** Far longer than the 40 characters of every key BTCPay issues. */
const LONGEST_KEY_TEXT = 200;

// What a Greenfield key can be made of: printable ASCII, no spaces. BTCPay
// issues 40 lowercase hex characters; this is looser on purpose.
const KEY_CHARACTERS = /^[\x21-\x7e]+$/;

/**
 * The key text without surrounding blanks, or a refusal before anything is
 * sent when it cannot be a Greenfield API key. The refusal never repeats
 * what was given: it may be a password or another secret pasted by mistake.
 */
function checkedKeyText(text: string): string {
  const secret = text.trim();
  const next =
    'Copy the key again from BTCPay (Account → API Keys) and paste only the ' +
    'key, or pipe just the key in with --key-stdin.';
  const refuse = (why: string): KeyOperationError =>
    new KeyOperationError(
      'invalid-request',
      `${why} so it is not a BTCPay API key; nothing was sent to the server.`,
      next,
    );
  if (secret.length === 0) {
    throw new KeyOperationError('invalid-request', 'The key is empty.', next);
  }
  if (secret.length > LONGEST_KEY_TEXT) {
    throw refuse(
      `What was given is ${secret.length} characters long (a BTCPay API ` +
        'key has 40),',
    );
  }
  if (!KEY_CHARACTERS.test(secret)) {
    throw refuse(
      'What was given holds spaces, line breaks, control or invisible ' +
        'characters, or letters outside plain ASCII,',
    );
  }
  return secret;
}

/** The unrevoked record of this key on this server, if one is stored. */
async function storedRecordOf(
  vault: Vault,
  serverId: string,
  secret: string,
): Promise<KeyRecord | undefined> {
  const fingerprint = fingerprintKey(secret);
  const metadata = await vault.metadata();
  return metadata.keys.find(
    (key) =>
      key.serverId === serverId &&
      key.fingerprint === fingerprint &&
      key.revokedAt === null,
  );
}

/**
 * Writes a confirmed key's secret back under its stored record, and records
 * the server's answer as a verification (the stored permissions follow it).
 */
async function restoreConfirmedKey(
  vault: Vault,
  stored: KeyRecord,
  secret: string,
  current: { permissions: string[] },
): Promise<ImportKeyResult> {
  const restored = await restoreKeySecret(vault, stored, secret);
  const key = await vault.recordVerification(stored.id, {
    at: new Date().toISOString(),
    result: 'valid',
    permissions: current.permissions,
  });
  return {
    key,
    becameManager: false,
    restored: true,
    restoredFrom: {
      previously: restored.previously,
      overwrittenFingerprint: restored.overwrittenFingerprint,
    },
  };
}

/**
 * What a merchant should know about an import beyond "stored": that it put
 * a lost secret back instead of storing a new key (and what it overwrote),
 * or that the key became the server's manager key.
 */
export function importNotices(result: ImportKeyResult): string[] {
  if (!result.restored) {
    return result.becameManager ? [BECAME_MANAGER] : [];
  }
  const notices = [
    'This key was already stored here, but the keychain no longer held its ' +
      'secret. The server confirmed the key, and its secret is back in the ' +
      'keychain; no new key was stored.',
  ];
  const overwritten = result.restoredFrom?.overwrittenFingerprint;
  if (overwritten) {
    notices.push(
      `Its keychain entry held another key (${overwritten}), which it no ` +
        'longer does: import that key too if it is still needed.',
    );
  }
  return notices;
}

/** The notice for a key that holds `unrestricted` and became the manager. */
export const BECAME_MANAGER =
  'It holds unrestricted, so it is now this server’s manager key: the key ' +
  'manager creates and revokes other keys with it.';

/** A key `/api/v1/api-keys/current` just confirmed, and its label here. */
export interface ConfirmedKey {
  secret: string;
  label: string;
  /** The permissions the server reported, not what anyone believed. */
  grantedPermissions: string[];
}

/**
 * Stores a key its server just confirmed, as an imported key, and keeps what
 * the server tells with it: the key's owner, the server's version and its
 * policy listing. `write` files the record: in a new keychain entry for an
 * import, in the orphaned entry it was found in for an adoption.
 */
export async function storeConfirmedKey(
  vault: Vault,
  at: { server: ServerRecord; client: ServerClient },
  confirmed: ConfirmedKey,
  write: (fields: AdoptedKey) => Promise<KeyRecord>,
): Promise<KeyRecord> {
  const { server, client } = at;
  const { secret, grantedPermissions } = confirmed;
  const facts = await learnWithKey(client, secret, grantedPermissions);
  const key = await write({
    serverId: server.id,
    label: confirmed.label,
    grantedPermissions,
    origin: { kind: 'imported' },
    userId: facts.owner?.userId ?? null,
    ownerEmail: facts.owner?.email ?? null,
    isManager: shouldBecomeManager(server, grantedPermissions),
  });

  await recordServerFacts(vault, server.id, {
    serverVersion: facts.serverVersion,
    account: ownerOfKey(key),
    becameManager: key.isManager,
    mintedWith: null,
  });
  await learnServerPolicies(vault, server.id, client, secret);
  return key;
}
