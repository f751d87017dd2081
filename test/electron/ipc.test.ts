import { describe, expect, it } from 'vitest';
import {
  EVENT_CHANNEL,
  type AppEvent,
  type ContractHandlers,
} from '../../src/contract';
import {
  contractListener,
  isFromOurWindow,
  sendAppEvent,
  type AppWindow,
  type InvokeEvent,
} from '../../main/ipc-guard';
import { APP_ENTRY_URL } from '../../main/security';
import { fakeWindow, recordingLogger } from './fakes';

// Both directions of main's IPC boundary, with stand-ins for the window and
// the invoke events Electron would pass.

function invoke(
  patch: { senderId?: number; url?: string; routingId?: number } = {},
  frame = true,
): InvokeEvent {
  return {
    sender: { id: patch.senderId ?? 1 },
    senderFrame: frame
      ? {
          url: patch.url ?? APP_ENTRY_URL,
          processId: 10,
          routingId: patch.routingId ?? 20,
        }
      : null,
  } as unknown as InvokeEvent;
}

const asWindow = (w: ReturnType<typeof fakeWindow>['window']) =>
  w as unknown as AppWindow;

describe('isFromOurWindow', () => {
  const { window } = fakeWindow();

  it('accepts the top frame of our window showing the app', () => {
    expect(isFromOurWindow(invoke(), asWindow(window))).toBe(true);
  });

  it('refuses subframes, other windows, other pages and missing frames', () => {
    const refused = {
      subframe: invoke({ routingId: 21 }),
      'another window': invoke({ senderId: 2 }),
      'a page it navigated to': invoke({ url: 'https://evil.example/' }),
      'a look-alike origin': invoke({ url: 'app://keys.evil/index.html' }),
      'a frame already gone': invoke({}, false),
    };
    for (const [what, event] of Object.entries(refused)) {
      expect(isFromOurWindow(event, asWindow(window)), what).toBe(false);
    }
  });

  it('refuses everything once the window is closed', () => {
    const closed = fakeWindow({ destroyed: true }).window;
    expect(isFromOurWindow(invoke(), asWindow(closed))).toBe(false);
    expect(isFromOurWindow(invoke(), null)).toBe(false);
  });
});

describe('contractListener', () => {
  const { window } = fakeWindow();
  const revealed: unknown[] = [];
  const handlers = {
    revealKey: async (request: unknown) => {
      revealed.push(request);
      return { ok: true, value: { apiKey: 'the-secret' } };
    },
  } as unknown as ContractHandlers;

  it('refuses an unknown sender before parsing or calling the core, and logs only the operation', async () => {
    const { logger, lines } = recordingLogger();
    const listener = contractListener(
      'revealKey',
      handlers,
      () => asWindow(window),
      logger,
    );
    await expect(
      listener(invoke({ url: 'https://evil.example/' }), { keyId: 'k_1' }),
    ).rejects.toThrow(/did not come from the app/);
    expect(revealed).toEqual([]);
    expect(lines.join('')).toContain('"operation":"revealKey"');
    expect(lines.join('')).not.toContain('k_1');
  });

  it('answers a malformed payload with a failure, and a good one from the core', async () => {
    const { logger } = recordingLogger();
    const listener = contractListener(
      'revealKey',
      handlers,
      () => asWindow(window),
      logger,
    );
    expect(await listener(invoke(), { keyId: 7 })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input' },
    });
    expect(revealed).toEqual([]);
    expect(await listener(invoke(), { keyId: 'k_1' })).toEqual({
      ok: true,
      value: { apiKey: 'the-secret' },
    });
    expect(revealed).toEqual([{ keyId: 'k_1' }]);
  });
});

describe('sendAppEvent', () => {
  const progress: AppEvent = { type: 'verify', done: 1, total: 2, keyId: 'k' };

  it('pushes a contract event on the event channel', () => {
    const { window, sent } = fakeWindow();
    const { logger } = recordingLogger();
    expect(sendAppEvent(asWindow(window), progress, logger)).toBe(true);
    expect(sent).toEqual([{ channel: EVENT_CHANNEL, payload: progress }]);
  });

  it('drops fields the contract does not name', () => {
    const { window, sent } = fakeWindow();
    const { logger } = recordingLogger();
    const smuggling = { ...progress, apiKey: 'smuggled-secret' } as AppEvent;
    sendAppEvent(asWindow(window), smuggling, logger);
    expect(sent[0]?.payload).toEqual(progress);
  });

  it('never sends an event that breaks the contract, and logs it', () => {
    const { window, sent } = fakeWindow();
    const { logger, lines } = recordingLogger();
    const broken = {
      type: 'authorize',
      flowId: 'f',
      stage: 'exploded',
      message: 'x',
      outcome: null,
    } as unknown as AppEvent;
    expect(sendAppEvent(asWindow(window), broken, logger)).toBe(false);
    expect(sent).toEqual([]);
    expect(lines.join('')).toContain('breaks the contract');
  });

  it('sends nothing to a closed window', () => {
    const { window, sent } = fakeWindow({ destroyed: true });
    const { logger } = recordingLogger();
    expect(sendAppEvent(asWindow(window), progress, logger)).toBe(false);
    expect(sent).toEqual([]);
  });
});
