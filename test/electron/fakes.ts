import { EventEmitter } from 'node:events';
import pino from 'pino';
import type { Logger } from '../../src/log/logger';

/**
 * Stand-ins for the few Electron objects main's pure modules are handed,
 * for where the Electron binary cannot run. Each records what main did to
 * it; the logic under test is main's own.
 */

/** A logger whose JSON lines the test can read back. */
export function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino(
    { level: 'debug', base: undefined },
    { write: (line: string) => void lines.push(line) },
  );
  return { logger, lines };
}

/** An event as Electron passes it to listeners that may prevent it. */
export function cancellableEvent(url = ''): {
  url: string;
  defaultPrevented: boolean;
  preventDefault: () => void;
} {
  const event = {
    url,
    defaultPrevented: false,
    preventDefault: () => {
      event.defaultPrevented = true;
    },
  };
  return event;
}

/** Electron's `app`: events, the single-instance lock, protocol and quit. */
export class FakeApp extends EventEmitter {
  lockData: unknown = undefined;
  protocolClients: unknown[][] = [];
  /** Each time the quit went through (no listener prevented it). */
  quits = 0;

  constructor(private readonly lockFree = true) {
    super();
  }

  requestSingleInstanceLock(data?: unknown): boolean {
    this.lockData = data;
    return this.lockFree;
  }

  setAsDefaultProtocolClient(...args: unknown[]): boolean {
    this.protocolClients.push(args);
    return true;
  }

  quit(): void {
    const event = cancellableEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.quits += 1;
  }
}

/** A window's web contents: its id, main frame and what was sent to it. */
export function fakeWindow(options: { destroyed?: boolean } = {}) {
  const sent: { channel: string; payload: unknown }[] = [];
  return {
    sent,
    window: {
      isDestroyed: () => options.destroyed ?? false,
      webContents: {
        id: 1,
        mainFrame: { processId: 10, routingId: 20 },
        send: (channel: string, payload: unknown) =>
          void sent.push({ channel, payload }),
      },
    },
  };
}
