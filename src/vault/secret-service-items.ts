import { createRequire } from 'node:module';

/**
 * Lists the keychain accounts of a service on Linux by asking the Secret
 * Service (over D-Bus) for its items' attributes. An item's attributes are
 * public metadata, readable even while its collection is locked; its secret
 * is only handed out through a session, which this module never opens. So
 * listing here cannot read a single key.
 *
 * Why not keytar: its findCredentials loads every secret of the service to
 * return the account names next to them.
 *
 * Why one connection of our own rather than a `dbus-send` per question:
 * gnome-keyring aborts (a known upstream race, in its property getter)
 * when short-lived clients read item properties in quick succession; a
 * listing that spawned one `dbus-send` per item crashed it in three of four
 * stress runs while other processes wrote to the keyring, and a restarted
 * gnome-keyring comes back locked. One connection that stays open until its
 * last answer never did.
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

/** What the D-Bus library answers a call with: one value or several. */
type Reply = unknown;

/** The little of @homebridge/dbus-native this module uses. */
interface SessionBus {
  invoke(
    message: Record<string, unknown>,
    callback: (error: unknown, ...values: unknown[]) => void,
  ): void;
  connection: { end(): void; on(event: 'error', handler: () => void): void };
}

/**
 * The accounts stored under `service`, from item attributes only. Null when
 * the Secret Service cannot be asked this way (no session bus, no answer in
 * time, a reply it cannot read), so the caller can fall back to another way.
 */
export async function listSecretServiceAccounts(
  service: string,
  timeoutMs: number,
): Promise<SecretServiceAccounts | null> {
  const bus = connect();
  if (!bus) return null;
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    return await listOver(bus, service, deadline);
  } catch {
    return null;
  } finally {
    bus.connection.end();
  }
}

async function listOver(
  bus: SessionBus,
  service: string,
  deadline: AbortSignal,
): Promise<SecretServiceAccounts | null> {
  const ask = (message: Record<string, unknown>) =>
    call(bus, message, deadline);
  const found = await ask({
    path: SERVICE_PATH,
    interface: 'org.freedesktop.Secret.Service',
    member: 'SearchItems',
    signature: 'a{ss}',
    body: [[['service', service]]],
  });
  const items = searchResult(found);
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
  ask: (message: Record<string, unknown>) => Promise<Reply>,
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

function propertyOf(
  path: string,
  kind: 'Item' | 'Collection',
  property: string,
): Record<string, unknown> {
  return {
    path,
    interface: 'org.freedesktop.DBus.Properties',
    member: 'Get',
    signature: 'ss',
    body: [`org.freedesktop.Secret.${kind}`, property],
  };
}

/** One method call, answered or failed before `deadline` fires. */
function call(
  bus: SessionBus,
  message: Record<string, unknown>,
  deadline: AbortSignal,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    if (deadline.aborted) return reject(new Error('no answer in time'));
    const onTimeout = () => reject(new Error('no answer in time'));
    deadline.addEventListener('abort', onTimeout, { once: true });
    bus.invoke(
      { destination: SECRET_SERVICE, ...message },
      (error, ...values) => {
        deadline.removeEventListener('abort', onTimeout);
        if (error) reject(new Error('the Secret Service refused the call'));
        else resolve(values.length > 1 ? values : values[0]);
      },
    );
  });
}

/** The session bus, or null when there is none to connect to. */
function connect(): SessionBus | null {
  try {
    const require = createRequire(import.meta.url);
    const dbus = require('@homebridge/dbus-native') as {
      sessionBus(): SessionBus;
    };
    const bus = dbus.sessionBus();
    // A bus that goes away mid-listing fails the pending calls instead.
    bus.connection.on('error', () => undefined);
    return bus;
  } catch {
    return null;
  }
}

/** SearchItems answers two arrays of object paths, unlocked items first. */
export function searchResult(
  reply: Reply,
): { unlocked: string[]; locked: string[] } | null {
  if (!Array.isArray(reply) || reply.length !== 2) return null;
  const [unlocked, locked] = reply as unknown[];
  const paths = (value: unknown) =>
    Array.isArray(value) && value.every((v) => typeof v === 'string')
      ? (value as string[])
      : null;
  const open = paths(unlocked);
  const closed = paths(locked);
  return open && closed ? { unlocked: open, locked: closed } : null;
}

/**
 * A property value comes as a variant: `[signature, [value]]`.
 */
function variantValue(reply: Reply): unknown {
  if (!Array.isArray(reply) || reply.length !== 2) return undefined;
  const values: unknown = reply[1];
  return Array.isArray(values) ? values[0] : undefined;
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
