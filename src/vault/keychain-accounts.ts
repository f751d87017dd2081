/**
 * Every data folder files its secrets under the same keychain service, so
 * each folder's accounts carry its own namespace: `<namespace>:<keyId>`.
 * Neither namespaces nor key ids contain the separator, and the keychain
 * accepts it in account names on every OS.
 */
const SEPARATOR = ':';

/**
 * The keychain account of `name` (a key id) in a folder whose namespace is
 * `namespace`; null is a folder made before namespaces, whose accounts are
 * the bare names.
 */
export function accountOf(namespace: string | null, name: string): string {
  if (name.includes(SEPARATOR)) {
    throw new Error(
      `"${name}" is not a local key id: it must not contain "${SEPARATOR}".`,
    );
  }
  return namespace === null ? name : `${namespace}${SEPARATOR}${name}`;
}

/**
 * The name `account` stands for in a folder with `namespace`, or null when
 * the account belongs to another folder. A folder made before namespaces
 * owns only bare accounts, never another folder's namespaced ones.
 */
export function nameOf(
  namespace: string | null,
  account: string,
): string | null {
  if (namespace === null) return account.includes(SEPARATOR) ? null : account;
  const prefix = `${namespace}${SEPARATOR}`;
  if (!account.startsWith(prefix)) return null;
  const name = account.slice(prefix.length);
  return name.length > 0 && !name.includes(SEPARATOR) ? name : null;
}

/** The names of the accounts in `accounts` that belong to the folder. */
export function namesInFolder(
  namespace: string | null,
  accounts: readonly string[],
): string[] {
  return accounts.flatMap((account) => nameOf(namespace, account) ?? []);
}
