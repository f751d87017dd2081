import { createRequire } from 'node:module';

/**
 * Questions to the Secret Service over one D-Bus connection of our own
 * (@homebridge/dbus-native), open until the last answer.
 *
 * Why not a `dbus-send` per question: gnome-keyring aborts (a known upstream
 * race, in its property getter) when short-lived clients read item
 * properties in quick succession; a listing that spawned one `dbus-send` per
 * item crashed it in three of four stress runs while other processes wrote
 * to the keyring, and a restarted gnome-keyring comes back locked. One
 * connection that stays open until its last answer never did. It also needs
 * no D-Bus tools installed.
 */

/** What the D-Bus library answers a call with: one value or several. */
export type Reply = unknown;

/** Sends one method call to the Secret Service and waits for its answer. */
export type AskSecretService = (
  message: Record<string, unknown>,
) => Promise<Reply>;

const SECRET_SERVICE = 'org.freedesktop.secrets';

/** The object path of the Secret Service itself. */
export const SERVICE_PATH = '/org/freedesktop/secrets';

/** The little of @homebridge/dbus-native used here. */
interface SessionBus {
  invoke(
    message: Record<string, unknown>,
    callback: (error: unknown, ...values: unknown[]) => void,
  ): void;
  connection: { end(): void; on(event: 'error', handler: () => void): void };
}

/**
 * Runs `questions` over one new session-bus connection, closed afterwards,
 * all within `timeoutMs`. Null when the Secret Service cannot be asked (no
 * session bus, no answer in time, a refused call) or `questions` found the
 * replies unreadable.
 */
export async function askSecretService<T>(
  timeoutMs: number,
  questions: (ask: AskSecretService) => Promise<T | null>,
): Promise<T | null> {
  const bus = connect();
  if (!bus) return null;
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    return await questions((message) => call(bus, message, deadline));
  } catch {
    return null;
  } finally {
    bus.connection.end();
  }
}

/**
 * The items of `service`, by object path: SearchItems answers unlocked and
 * locked ones apart. Null when the reply is not two lists of paths.
 */
export async function searchItems(
  ask: AskSecretService,
  service: string,
): Promise<{ unlocked: string[]; locked: string[] } | null> {
  const reply = await ask({
    path: SERVICE_PATH,
    interface: 'org.freedesktop.Secret.Service',
    member: 'SearchItems',
    signature: 'a{ss}',
    body: [[['service', service]]],
  });
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

/** The message that reads one property of an item or a collection. */
export function propertyOf(
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

/** A property value comes as a variant: `[signature, [value]]`. */
export function variantValue(reply: Reply): unknown {
  if (!Array.isArray(reply) || reply.length !== 2) return undefined;
  const values: unknown = reply[1];
  return Array.isArray(values) ? values[0] : undefined;
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
    // A bus that goes away mid-call fails the pending calls instead.
    bus.connection.on('error', () => undefined);
    return bus;
  } catch {
    return null;
  }
}
