import { stat } from 'node:fs/promises';
import { accountOf, namesInFolder } from './keychain-accounts';
import { readMetadata, updateMetadata } from './metadata-store';
import { vaultFiles } from './paths';
import type { SecretStore } from './secret-store';

/**
 * The keychain as the data folder in `home` sees it: callers name entries
 * by key id, and only the folder's own entries are listed, read, written
 * or deleted.
 *
 * The namespace is read from the metadata on every call (a cheap, cached
 * read) rather than once: a folder without a metadata file has none yet.
 * Before the first write of a secret the metadata file is created, so the
 * namespace the secret is filed under is the one the folder keeps.
 */
export function folderSecretStore(
  store: SecretStore,
  home: string,
): SecretStore {
  const namespace = async (): Promise<string | null> =>
    (await readMetadata(home)).keychainNamespace;

  return {
    set: async (name, secret) => {
      const account = accountOf(await keptNamespace(home), name);
      await store.set(account, secret);
    },
    get: async (name) => store.get(accountOf(await namespace(), name)),
    delete: async (name) => store.delete(accountOf(await namespace(), name)),
    accounts: async () => {
      const own = await namespace();
      return namesInFolder(own, await store.accounts());
    },
  };
}

/**
 * The folder's namespace, writing the metadata file first if there is none
 * yet: until then, every read starts from a new empty document, each with
 * a namespace of its own.
 */
async function keptNamespace(home: string): Promise<string | null> {
  const exists = await stat(vaultFiles(home).metadata).then(
    () => true,
    (error: NodeJS.ErrnoException) => error.code !== 'ENOENT',
  );
  if (exists) return (await readMetadata(home)).keychainNamespace;
  return updateMetadata(home, (draft) => draft.keychainNamespace);
}
