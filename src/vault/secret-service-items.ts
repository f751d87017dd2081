import { execFile } from 'node:child_process';

/**
 * Lists the keychain accounts of a service on Linux by asking the Secret
 * Service (over D-Bus, with `dbus-send`) for its items' attributes. An item's
 * attributes are public metadata, readable even while its collection is
 * locked; its secret is only handed out through a session, which this module
 * never opens. So listing here cannot read a single key.
 *
 * Why not keytar: its findCredentials loads every secret of the service to
 * return the account names next to them.
 */

/** The accounts found, and whether a locked collection may hide more. */
export interface SecretServiceAccounts {
  /** Accounts of items whose collection is unlocked. */
  accounts: string[];
  /**
   * True when an item of the service, or the default collection new items
   * go to, is locked: a locked gnome-keyring collection may not even show
   * its items to a search, so the list cannot be trusted to be complete.
   */
  locked: boolean;
}

const SECRET_SERVICE = 'org.freedesktop.secrets';
const SERVICE_PATH = '/org/freedesktop/secrets';
/** How many `dbus-send` processes may read attributes at once. */
const PARALLEL_READS = 8;

/**
 * The accounts stored under `service`, from item attributes only. Null when
 * the Secret Service cannot be asked this way (no `dbus-send`, no answer, a
 * reply it cannot read), so the caller can fall back to another way.
 */
export async function listSecretServiceAccounts(
  service: string,
  timeoutMs: number,
): Promise<SecretServiceAccounts | null> {
  const deadline = Date.now() + timeoutMs;
  const search = await dbusSend(deadline, [
    SERVICE_PATH,
    'org.freedesktop.Secret.Service.SearchItems',
    `dict:string:string:service,${service}`,
  ]);
  const items = search === null ? null : parseSearchReply(search);
  if (items === null) return null;
  const defaultLocked = await isDefaultCollectionLocked(deadline);
  if (defaultLocked === null) return null;

  const accounts = await accountsOf(items.unlocked, service, deadline);
  if (accounts === null) return null;
  return { accounts, locked: defaultLocked || items.locked.length > 0 };
}

/** Whether the collection behind the `default` alias is locked. */
async function isDefaultCollectionLocked(
  deadline: number,
): Promise<boolean | null> {
  const alias = await dbusSend(deadline, [
    SERVICE_PATH,
    'org.freedesktop.Secret.Service.ReadAlias',
    'string:default',
  ]);
  const collection = alias && /object path "([^"]+)"/.exec(alias)?.[1];
  if (!collection) return null;
  // "/" means no default collection yet: nothing there to be locked.
  if (collection === '/') return false;
  const locked = await dbusSend(deadline, [
    collection,
    'org.freedesktop.DBus.Properties.Get',
    'string:org.freedesktop.Secret.Collection',
    'string:Locked',
  ]);
  const answer = locked && /boolean (true|false)/.exec(locked)?.[1];
  return answer ? answer === 'true' : null;
}

/** The account attribute of each item, read a few at a time. */
async function accountsOf(
  itemPaths: string[],
  service: string,
  deadline: number,
): Promise<string[] | null> {
  const accounts: string[] = [];
  for (let start = 0; start < itemPaths.length; start += PARALLEL_READS) {
    const batch = itemPaths.slice(start, start + PARALLEL_READS);
    const replies = await Promise.all(
      batch.map((itemPath) =>
        dbusSend(deadline, [
          itemPath,
          'org.freedesktop.DBus.Properties.Get',
          'string:org.freedesktop.Secret.Item',
          'string:Attributes',
        ]),
      ),
    );
    for (const reply of replies) {
      // An item deleted between the search and now has no reply: skip it.
      if (reply === null) continue;
      const attributes = parseAttributesReply(reply);
      if (attributes === null) return null;
      const account = attributes.get('account');
      if (attributes.get('service') === service && account !== undefined) {
        accounts.push(account);
      }
    }
  }
  return accounts;
}

/** One `dbus-send` call to the Secret Service; null on any failure. */
function dbusSend(deadline: number, call: string[]): Promise<string | null> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) return Promise.resolve(null);
  const [objectPath = '', method = '', ...args] = call;
  return new Promise((resolve) => {
    execFile(
      'dbus-send',
      [
        '--session',
        '--print-reply',
        `--reply-timeout=${Math.max(1, Math.round(remaining))}`,
        `--dest=${SECRET_SERVICE}`,
        objectPath,
        method,
        ...args,
      ],
      { timeout: remaining, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => resolve(error ? null : stdout),
    );
  });
}

/**
 * SearchItems answers two arrays of object paths, unlocked items first:
 *   array [ object path "/org/.../1" ... ]  array [ ... ]
 */
export function parseSearchReply(
  reply: string,
): { unlocked: string[]; locked: string[] } | null {
  const arrays = reply.split('array [').slice(1);
  if (arrays.length !== 2) return null;
  const pathsIn = (text: string) =>
    [...text.matchAll(/object path "([^"]+)"/g)].map((m) => m[1] ?? '');
  return {
    unlocked: pathsIn(arrays[0] ?? ''),
    locked: pathsIn(arrays[1] ?? ''),
  };
}

/**
 * The Attributes property is a string-to-string dictionary, printed one
 * `dict entry(` per attribute with the key and the value on lines of their
 * own: `string "account"` then `string "k_..."`. Null when the reply is
 * not a property value at all.
 */
export function parseAttributesReply(
  reply: string,
): Map<string, string> | null {
  if (!reply.includes('variant')) return null;
  const attributes = new Map<string, string>();
  for (const entry of reply.split('dict entry(').slice(1)) {
    const strings = [...entry.matchAll(/^\s*string "(.*)"\s*$/gm)].map(
      (m) => m[1] ?? '',
    );
    const [name, value] = strings;
    // A value with a line break does not parse; no account of ours has one.
    if (strings.length === 2 && name !== undefined && value !== undefined) {
      attributes.set(name, value);
    }
  }
  return attributes;
}
