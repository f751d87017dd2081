import { describe, expect, it } from 'vitest';
import type { AppEvent } from '../../src/contract';
import { silentLogger } from '../../src/log/logger';
import { ClipboardGuard } from '../../src/service/clipboard';
import { serviceContext } from '../../src/service/context';
import type { Vault } from '../../src/vault';

// The app's copy: the key goes to the clipboard and leaves it again, but a
// later copy of the user's own is never wiped.

function guardWith(clipboard: { text: string }, events: AppEvent[]) {
  const context = serviceContext({
    vault: {} as Vault,
    logger: silentLogger,
    emit: (event) => events.push(event),
    openBrowser: async () => undefined,
    clipboard: {
      write: (text) => void (clipboard.text = text),
      read: () => clipboard.text,
    },
    clipboardClearMs: 20,
  });
  return new ClipboardGuard(context);
}

const cleared = (events: AppEvent[]) =>
  events.some((e) => e.type === 'clipboard' && e.state === 'cleared');

describe('ClipboardGuard', () => {
  it('clears the copied key from the clipboard after the delay', async () => {
    const clipboard = { text: 'before' };
    const events: AppEvent[] = [];
    const guard = guardWith(clipboard, events);
    await guard.copy('k1', 'copied-secret');
    expect(clipboard.text).toBe('copied-secret');
    await expect.poll(() => cleared(events)).toBe(true);
    expect(clipboard.text).toBe('');
  });

  it('leaves what the user copied afterwards alone', async () => {
    const clipboard = { text: '' };
    const events: AppEvent[] = [];
    const guard = guardWith(clipboard, events);
    await guard.copy('k1', 'copied-secret');
    clipboard.text = 'an address the user copied';
    await expect.poll(() => cleared(events)).toBe(true);
    expect(clipboard.text).toBe('an address the user copied');
  });
});
