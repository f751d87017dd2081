import { createConnection } from 'node:net';

/** What a quick look at the D-Bus session bus found. */
export type SessionBusState = 'answers' | 'silent' | 'unreachable' | 'unknown';

/**
 * Checks that the session bus answers before keytar is asked anything.
 *
 * A native keytar call stuck on a bus that never answers cannot be
 * cancelled, and its worker thread even stops the process from exiting, so
 * a dead bus has to be caught here. Only `unix:path=` and `unix:abstract=`
 * addresses are probed; anything else is 'unknown' and left to keytar.
 */
export function probeSessionBus(
  address: string | undefined,
  timeoutMs: number,
): Promise<SessionBusState> {
  const socketPath = unixSocketOf(address);
  if (socketPath === null) return Promise.resolve('unknown');

  return new Promise((resolve) => {
    const socket = createConnection({ path: socketPath });
    const finish = (state: SessionBusState) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(state);
    };
    const timer = setTimeout(() => finish('silent'), timeoutMs);
    socket.once('error', () => finish('unreachable'));
    // An empty AUTH asks the bus for its mechanisms: any reply means the bus
    // is alive. No credentials are sent.
    socket.once('connect', () => socket.write('\0AUTH\r\n'));
    socket.once('data', () => finish('answers'));
  });
}

/** The socket of the first unix address in a D-Bus address list. */
function unixSocketOf(address: string | undefined): string | null {
  for (const entry of (address ?? '').split(';')) {
    const [transport, options = ''] = entry.split(/:(.*)/s);
    if (transport !== 'unix') continue;
    const values = new Map(
      options.split(',').map((pair) => {
        const [key = '', value = ''] = pair.split('=');
        return [key, decodeURIComponent(value)] as const;
      }),
    );
    const path = values.get('path');
    if (path) return path;
    const abstract = values.get('abstract');
    if (abstract) return `\0${abstract}`;
  }
  return null;
}
