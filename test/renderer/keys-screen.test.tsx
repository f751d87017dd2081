// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { filterKeys } from '../../renderer/components/KeyFilters';
import { KeysScreen } from '../../renderer/screens/KeysScreen';
import { fakeApi, key, networkFailure, renderWith } from './fake-api';

afterEach(cleanup);
const navigate = () => undefined;

/** happy-dom does no layout: gives the virtual list a real viewport size. */
function giveListAViewport(): () => void {
  const proto = HTMLElement.prototype;
  const sizes = { clientHeight: 640, clientWidth: 800 };
  for (const [name, value] of Object.entries(sizes)) {
    Object.defineProperty(proto, name, {
      configurable: true,
      get: () => value,
    });
  }
  return () => {
    for (const name of Object.keys(sizes)) {
      delete (proto as unknown as Record<string, unknown>)[name];
    }
  };
}

const verifyButton = () =>
  screen.getByRole('button', {
    name: /Verify all keys|Verifying/,
  }) as HTMLButtonElement;

describe('KeysScreen', () => {
  it('says it is loading while the inventory is on its way, with Verify off', () => {
    renderWith(
      fakeApi({ listKeys: 'pending' }),
      <KeysScreen navigate={navigate} />,
    );
    expect(screen.getByRole('status').textContent).toContain('Loading keys');
    expect(verifyButton().disabled).toBe(true);
  });

  it('offers Verify only while there is a key that is not revoked', async () => {
    const revoked = key(1, { revokedAt: '2026-02-01T00:00:00.000Z' });
    renderWith(
      fakeApi({ listKeys: [revoked] }),
      <KeysScreen navigate={navigate} />,
    );
    expect(await screen.findByText(/does not match/)).toBeTruthy();
    expect(verifyButton().disabled).toBe(true);
    cleanup();
    renderWith(
      fakeApi({ listKeys: [revoked, key(2)] }),
      <KeysScreen navigate={navigate} />,
    );
    await waitFor(() => expect(verifyButton().disabled).toBe(false));
  });

  it('points to adding a server when there are no keys', async () => {
    renderWith(fakeApi({ listKeys: [] }), <KeysScreen navigate={navigate} />);
    expect(await screen.findByText('No keys yet')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Add a server' })).toBeTruthy();
    expect(verifyButton().disabled).toBe(true);
  });

  it('says when nothing matches the search and clears it on request', async () => {
    renderWith(
      fakeApi({ listKeys: [key(1, { label: 'Till' }), key(2)] }),
      <KeysScreen navigate={navigate} />,
    );
    const search = await screen.findByLabelText('Search');
    fireEvent.change(search, { target: { value: 'no such key' } });
    expect(
      await screen.findByText(
        'None of your 2 keys matches the search and filters',
      ),
    ).toBeTruthy();
    expect(screen.queryByText(/Showing 0/)).toBeNull();
    expect(screen.queryByRole('list', { name: 'Keys' })).toBeNull();
    fireEvent.click(
      screen.getByRole('button', { name: 'Clear search and filters' }),
    );
    expect(await screen.findByText('Showing 2 of 2 keys')).toBeTruthy();
    expect((search as HTMLInputElement).value).toBe('');
  });

  it('keeps the check in its own column when a key has no risk badge', async () => {
    onTestFinished(giveListAViewport());
    renderWith(
      fakeApi({
        listKeys: [
          key(1, { label: 'Scoped till', risks: [] }),
          key(2, {
            risks: ['moves-funds'],
            lastVerification: {
              at: '2026-01-02T00:00:00.000Z',
              result: 'valid',
              message: null,
            },
          }),
        ],
      }),
      <KeysScreen navigate={navigate} />,
    );
    const [plain, risky] = await screen.findAllByRole('button', {
      name: /Scoped till|Key number 2/,
    });
    expect([...(plain?.children ?? [])].map((c) => c.className)).toEqual([
      'key-row-main',
      'key-row-risks',
      'key-row-check muted',
    ]);
    expect(plain?.children[2]?.textContent).toBe('Never verified');
    expect(risky?.children[1]?.textContent).toBe('Moves funds');
    expect(risky?.children[2]?.textContent).toMatch(/^Works, /);
  });

  it('shows the failure and its next step, and retries on request', async () => {
    const fake = fakeApi({ listKeys: { fail: networkFailure } });
    renderWith(fake, <KeysScreen navigate={navigate} />);
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Check the address and your connection.',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() =>
      expect(fake.calls.filter((c) => c.name === 'listKeys')).toHaveLength(2),
    );
  });

  it('renders only a window of rows for 10,000 keys', async () => {
    const restore = giveListAViewport();
    try {
      const keys = Array.from({ length: 10_000 }, (_, i) => key(i));
      renderWith(
        fakeApi({ listKeys: keys }),
        <KeysScreen navigate={navigate} />,
      );
      expect(
        await screen.findByText('Showing 10000 of 10000 keys'),
      ).toBeTruthy();
      const rows = await screen.findAllByRole('listitem');
      expect(rows.length).toBeGreaterThan(5);
      expect(rows.length).toBeLessThan(100);
      expect(rows[0]?.textContent).toContain('Key number 0');
    } finally {
      restore();
    }
  });

  it('narrows the list by search text, risk and origin', () => {
    const keys = [
      key(1, { label: 'Till', risks: ['moves-funds'] }),
      key(2, {
        label: 'Accounting',
        origin: {
          kind: 'delegated',
          appName: 'Books',
          appIdentifier: 'books',
          detail: '',
        },
      }),
      key(3, { label: 'Old', revokedAt: '2026-02-01T00:00:00.000Z' }),
    ];
    const none = {
      text: '',
      serverId: '',
      risk: '' as const,
      origin: '' as const,
      showRevoked: false,
    };
    expect(filterKeys(keys, none).map((k) => k.label)).toEqual([
      'Till',
      'Accounting',
    ]);
    expect(
      filterKeys(keys, { ...none, text: 'books' }).map((k) => k.label),
    ).toEqual(['Accounting']);
    expect(
      filterKeys(keys, { ...none, risk: 'moves-funds' }).map((k) => k.label),
    ).toEqual(['Till']);
    expect(
      filterKeys(keys, { ...none, origin: 'delegated' }).map((k) => k.label),
    ).toEqual(['Accounting']);
    expect(filterKeys(keys, { ...none, showRevoked: true })).toHaveLength(3);
  });

  it('narrows the list to one server', () => {
    const keys = [
      key(1, { label: 'Shop till', serverId: 's1' }),
      key(2, { label: 'Cafe till', serverId: 's2', serverName: 'Cafe' }),
      key(3, { label: 'Shop books', serverId: 's1' }),
    ];
    const byServer = (serverId: string, text = '') =>
      filterKeys(keys, {
        text,
        serverId,
        risk: '',
        origin: '',
        showRevoked: false,
      }).map((k) => k.label);
    expect(byServer('s1')).toEqual(['Shop till', 'Shop books']);
    expect(byServer('s2')).toEqual(['Cafe till']);
    expect(byServer('s2', 'shop')).toEqual([]);
    expect(byServer('')).toHaveLength(3);
    expect(byServer('', 'cafe')).toEqual(['Cafe till']);
  });

  it('shows verification progress as the core reports it', async () => {
    const fake = fakeApi({ listKeys: [key(1)], verifyKeys: 'pending' });
    renderWith(fake, <KeysScreen navigate={navigate} />);
    // The button exists, disabled, while the keys load: wait until it works.
    await waitFor(() => expect(verifyButton().disabled).toBe(false));
    fireEvent.click(verifyButton());
    await waitFor(() =>
      expect(fake.calls.some((c) => c.name === 'verifyKeys')).toBe(true),
    );
    fake.emit({ type: 'verify', done: 3, total: 8, keyId: 'k_1' });
    const progress = await screen.findByRole('progressbar', {
      name: 'Verification progress',
    });
    expect(progress.getAttribute('value')).toBe('3');
    expect(progress.getAttribute('max')).toBe('8');
  });
});
