import { createKeytarStore, type SecretStore } from '../../src/vault';
import { folderSecretStore } from '../../src/vault/folder-keychain';

/**
 * The real keychain as the data folder in `home` sees it: entries named by
 * key id, only that folder's listed. Tests that break or inspect a folder's
 * entries go through this, as the vault does.
 */
export function folderKeychain(home: string): SecretStore {
  return folderSecretStore(createKeytarStore(), home);
}
