// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { KeysScreen, filterKeys } from '../../renderer/screens/KeysScreen';
import { fakeApi, key, networkFailure, renderWith } from './fake-api';

afterEach(cleanup);
const navigate = () => undefined;

describe('KeysScreen', () => {
  it('says it is loading while the inventory is on its way', () => {
    renderWith(
      fakeApi({ listKeys: 'pending' }),
      <KeysScreen navigate={navigate} />,
    );
    expect(screen.getByRole('status').textContent).toContain('Loading keys');
  });

  it('points to adding a server when there are no keys', async () => {
    renderWith(fakeApi({ listKeys: [] }), <KeysScreen navigate={navigate} />);
    expect(await screen.findByText('No keys yet')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Add a server' })).toBeTruthy();
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
    // happy-dom does no layout: give the list a real viewport size.
    const proto = HTMLElement.prototype;
    const sizes = { clientHeight: 640, clientWidth: 800 };
    for (const [name, value] of Object.entries(sizes)) {
      Object.defineProperty(proto, name, {
        configurable: true,
        get: () => value,
      });
    }
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
      for (const name of Object.keys(sizes)) {
        delete (proto as unknown as Record<string, unknown>)[name];
      }
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

  it('shows verification progress as the core reports it', async () => {
    const fake = fakeApi({ listKeys: [key(1)], verifyKeys: 'pending' });
    renderWith(fake, <KeysScreen navigate={navigate} />);
    fireEvent.click(
      await screen.findByRole('button', { name: 'Verify all keys' }),
    );
    fake.emit({ type: 'verify', done: 3, total: 8, keyId: 'k_1' });
    const progress = await screen.findByRole('progressbar', {
      name: 'Verification progress',
    });
    expect(progress.getAttribute('value')).toBe('3');
    expect(progress.getAttribute('max')).toBe('8');
  });
});
