import {
  askSecretService,
  propertyOf,
  searchItems,
  SERVICE_PATH,
  variantValue,
  type AskSecretService,
  type Reply,
} from './secret-service-bus';

/**
 * Lists the keychain accounts of a service on Linux by asking the Secret
 * Service (over D-Bus) for its items' attributes. An item's attributes are
 * public metadata, readable even while its collection is locked; its secret
 * is only handed out through a session, which this module never opens. So
 * listing here cannot read a single key.
 *
 * Why not keytar: its findCredentials loads every secret of the service to
 * return the account names next to them. Why one connection for the whole
 * listing: see secret-service-bus.ts.
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

/**
 * The accounts stored under `service`, from item attributes only. Null when
 * the Secret Service cannot be asked this way (no session bus, no answer in
 * time, a reply it cannot read), so the caller can fall back to another way.
 */
export function listSecretServiceAccounts(
  service: string,
  timeoutMs: number,
): Promise<SecretServiceAccounts | null> {
  return askSecretService(timeoutMs, (ask) => listOver(ask, service));
}

async function listOver(
  ask: AskSecretService,
  service: string,
): Promise<SecretServiceAccounts | null> {
  const items = await searchItems(ask, service);
  const defaultLocked = await isDefaultCollectionLocked(ask);
  if (items === null || defaultLocked === null) return null;

  const accounts: string[] = [];
  for (const itemPath of items.unlocked) {
    // An item deleted between the search and now has no attributes: skip it.
    const reply = await ask(propertyOf(itemPath, 'Item', 'Attributes')).catch(
      () => null,
    );
    if (reply === null) continue;
    const attributes = attributesOf(reply);
    if (attributes === null) return null;
    const account = attributes.get('account');
    if (attributes.get('service') === service && account !== undefined) {
      accounts.push(account);
    }
  }
  return { accounts, locked: defaultLocked || items.locked.length > 0 };
}

/** Whether the collection behind the `default` alias is locked. */
async function isDefaultCollectionLocked(
  ask: AskSecretService,
): Promise<boolean | null> {
  const alias = await ask({
    path: SERVICE_PATH,
    interface: 'org.freedesktop.Secret.Service',
    member: 'ReadAlias',
    signature: 's',
    body: ['default'],
  });
  if (typeof alias !== 'string') return null;
  // "/" means no default collection yet: nothing there to be locked.
  if (alias === '/') return false;
  const locked = variantValue(
    await ask(propertyOf(alias, 'Collection', 'Locked')),
  );
  return typeof locked === 'boolean' ? locked : null;
}

/**
 * The Attributes property is a string-to-string dictionary, which arrives
 * as a list of `[name, value]` pairs. Null when it is anything else.
 */
export function attributesOf(reply: Reply): Map<string, string> | null {
  const pairs = variantValue(reply);
  if (!Array.isArray(pairs)) return null;
  const attributes = new Map<string, string>();
  for (const pair of pairs as unknown[]) {
    if (
      !Array.isArray(pair) ||
      typeof pair[0] !== 'string' ||
      typeof pair[1] !== 'string'
    ) {
      return null;
    }
    attributes.set(pair[0], pair[1]);
  }
  return attributes;
}
