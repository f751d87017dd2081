import { randomBytes } from 'node:crypto';
import { recordTestSecret } from '../support/secrets';

/** An API key as BTCPay stores it (the key string is its database id). */
export interface SandboxKey {
  apiKey: string;
  userId: string;
  label: string;
  permissions: string[];
  /** Set only on keys created through the authorize page. */
  applicationIdentifier: string | null;
  /** The redirect's full absolute URL, set with the identifier. */
  applicationAuthority: string | null;
}

/** A new key string: 20 random bytes as lowercase hex, like BTCPay's. */
export function newApiKey(): string {
  // Every key a test sees comes from here: the hygiene check looks for each.
  return recordTestSecret(randomBytes(20).toString('hex'), 'api-key');
}

/** The keys every sandbox user holds, in creation order. */
export class KeyStore {
  private readonly keys = new Map<string, SandboxKey>();

  /** Stores a new key and returns it. */
  create(
    userId: string,
    label: string,
    permissions: string[],
    application?: { identifier: string | null; authority: string | null },
  ): SandboxKey {
    const key: SandboxKey = {
      apiKey: newApiKey(),
      userId,
      label,
      permissions: [...new Set(permissions)],
      applicationIdentifier: application?.identifier ?? null,
      applicationAuthority: application?.authority ?? null,
    };
    this.keys.set(key.apiKey, key);
    return key;
  }

  /** The key with this exact string, if it was not revoked. */
  find(apiKey: string): SandboxKey | undefined {
    return this.keys.get(apiKey);
  }

  /** Removes a key; true when it existed. */
  revoke(apiKey: string): boolean {
    return this.keys.delete(apiKey);
  }

  /** All live keys of one user. */
  ofUser(userId: string): SandboxKey[] {
    return [...this.keys.values()].filter((key) => key.userId === userId);
  }
}
