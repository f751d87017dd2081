import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLIPBOARD_CLEAR_SECONDS, type AppEvent } from '../../src/contract';
import { silentLogger } from '../../src/log/logger';
import { ClipboardGuard } from '../../src/service/clipboard';
import { serviceContext } from '../../src/service/context';
import type { Vault } from '../../src/vault';

// The app's copy: the key goes to the clipboard and leaves it again, after
// 30 seconds or when the app quits first, but a later copy of the user's own
// is never wiped.

const startedAt = new Date('2026-03-01T12:00:00.000Z');

function guardWith(
  clipboard: { text: string },
  events: AppEvent[],
  clipboardClearMs?: number,
) {
  const context = serviceContext({
    vault: {} as Vault,
    logger: silentLogger,
    emit: (event) => events.push(event),
    openBrowser: async () => undefined,
    clipboard: {
      write: (text) => void (clipboard.text = text),
      read: () => clipboard.text,
    },
    now: () => startedAt,
    ...(clipboardClearMs === undefined ? {} : { clipboardClearMs }),
  });
  return { guard: new ClipboardGuard(context), context };
}

const cleared = (events: AppEvent[]) =>
  events.some((e) => e.type === 'clipboard' && e.state === 'cleared');

afterEach(() => {
  vi.useRealTimers();
});

describe('ClipboardGuard', () => {
  it('keeps a copied key on the clipboard for 30 seconds by default', async () => {
    vi.useFakeTimers();
    const clipboard = { text: '' };
    const events: AppEvent[] = [];
    const { guard, context } = guardWith(clipboard, events);
    expect(CLIPBOARD_CLEAR_SECONDS).toBe(30);
    expect(context.clipboardClearMs).toBe(30_000);

    const clearsAt = await guard.copy('k1', 'copied-secret');
    expect(clearsAt.getTime() - startedAt.getTime()).toBe(30_000);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(clipboard.text).toBe('copied-secret');
    await vi.advanceTimersByTimeAsync(1);
    expect(clipboard.text).toBe('');
    expect(cleared(events)).toBe(true);
  });

  it('clears the copied key from the clipboard after a shorter delay too', async () => {
    const clipboard = { text: 'before' };
    const events: AppEvent[] = [];
    const { guard } = guardWith(clipboard, events, 20);
    await guard.copy('k1', 'copied-secret');
    expect(clipboard.text).toBe('copied-secret');
    await expect.poll(() => cleared(events)).toBe(true);
    expect(clipboard.text).toBe('');
  });

  it('leaves what the user copied afterwards alone', async () => {
    const clipboard = { text: '' };
    const events: AppEvent[] = [];
    const { guard } = guardWith(clipboard, events, 20);
    await guard.copy('k1', 'copied-secret');
    clipboard.text = 'an address the user copied';
    await expect.poll(() => cleared(events)).toBe(true);
    expect(clipboard.text).toBe('an address the user copied');
  });

  it('wipes the key at once when the app closes before the 30 seconds', async () => {
    const clipboard = { text: '' };
    const events: AppEvent[] = [];
    const { guard } = guardWith(clipboard, events);
    await guard.copy('k1', 'copied-secret');
    await guard.close();
    expect(clipboard.text).toBe('');
    expect(cleared(events)).toBe(true);
  });

  it('closes without touching the user’s own copy or an empty guard', async () => {
    const clipboard = { text: '' };
    const events: AppEvent[] = [];
    const { guard } = guardWith(clipboard, events);
    await guard.close();
    expect(events).toEqual([]);

    await guard.copy('k1', 'copied-secret');
    clipboard.text = 'the user’s own text';
    await guard.close();
    expect(clipboard.text).toBe('the user’s own text');
  });
});
