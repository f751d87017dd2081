// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeyDetail } from '../../src/contract';
import { KeyDetailScreen } from '../../renderer/screens/KeyDetailScreen';
import { fakeApi, key, networkFailure, renderWith, server } from './fake-api';

afterEach(cleanup);
const navigate = () => undefined;

const detail: KeyDetail = {
  ...key(1, {
    label: 'Web shop',
    requestedPermissions: [
      'btcpay.store.canmodifystoresettings',
      'btcpay.user.canviewprofile',
    ],
  }),
  server: server(),
  permissions: [
    {
      permission: 'btcpay.store.canmodifystoresettings:st1',
      policy: 'btcpay.store.canmodifystoresettings',
      scope: 'st1',
      storeName: 'Coffee corner',
      kind: 'store',
      title: 'Change store settings',
      description: 'Changes anything about the store.',
      implies: ['See invoices', 'Create invoices'],
      risks: ['changes-settings'],
      status: 'both',
      unknown: false,
    },
    {
      permission: 'btcpay.user.canviewprofile',
      policy: 'btcpay.user.canviewprofile',
      scope: null,
      storeName: null,
      kind: 'user',
      title: 'See your profile',
      description: 'Reads your account details.',
      implies: [],
      risks: ['read-only'],
      status: 'requested-only',
      unknown: false,
    },
  ],
};

describe('KeyDetailScreen', () => {
  it('says it is loading, then shows the failure with its next step', async () => {
    renderWith(
      fakeApi({ getKey: 'pending' }),
      <KeyDetailScreen keyId="k_1" navigate={navigate} />,
    );
    expect(screen.getByRole('status').textContent).toContain('Loading the key');
    cleanup();
    renderWith(
      fakeApi({ getKey: { fail: networkFailure } }),
      <KeyDetailScreen keyId="k_1" navigate={navigate} />,
    );
    expect((await screen.findByRole('alert')).textContent).toContain(
      'could not be reached',
    );
  });

  it('groups permissions by scope, names stores and marks what was not granted', async () => {
    renderWith(
      fakeApi({ getKey: detail }),
      <KeyDetailScreen keyId="k_1" navigate={navigate} />,
    );
    expect(await screen.findByRole('heading', { name: 'Stores' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Your account' })).toBeTruthy();
    expect(screen.getByText(/Store “Coffee corner”/)).toBeTruthy();
    expect(screen.getByText(/Asked for, not granted/)).toBeTruthy();
    expect(screen.getByText('What it implies (2 permissions)')).toBeTruthy();
    expect(screen.getByText('Create invoices')).toBeTruthy();
  });

  it('words the last check as the key list does', async () => {
    renderWith(
      fakeApi({
        getKey: {
          ...detail,
          lastVerification: {
            at: '2026-01-02T10:00:00.000Z',
            result: 'unknown-key',
            message: 'BTCPay does not know this key.',
          },
        },
      }),
      <KeyDetailScreen keyId="k_1" navigate={navigate} />,
    );
    const check = (await screen.findByText('Last check')).nextElementSibling;
    expect(check?.textContent).toMatch(
      /^Unknown to server, .+ — BTCPay does not know this key\.$/,
    );
    expect(check?.textContent).not.toContain('unknown-key');
  });

  it('fetches the secret only after the reveal is confirmed', async () => {
    const fake = fakeApi({
      getKey: detail,
      revealKey: { apiKey: 'revealed-secret-value' },
    });
    renderWith(fake, <KeyDetailScreen keyId="k_1" navigate={navigate} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Reveal…' }));
    expect(screen.getByRole('dialog')).toBeTruthy();
    expect(fake.calls.some((c) => c.name === 'revealKey')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Reveal the key' }));
    expect((await screen.findByLabelText('API key')).textContent).toBe(
      'revealed-secret-value',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Hide' }));
    await waitFor(() =>
      expect(screen.queryByText('revealed-secret-value')).toBeNull(),
    );
  });

  it('copies through the core and tells when the clipboard clears, as the core says', async () => {
    const fake = fakeApi({
      getKey: detail,
      copyKey: {
        clearsAt: '2026-01-01T00:00:45.000Z',
        clearsAfterSeconds: 45,
      },
    });
    renderWith(fake, <KeyDetailScreen keyId="k_1" navigate={navigate} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Copy' }));
    expect(
      (await screen.findByText(/clipboard is cleared/)).textContent,
    ).toContain('(45 seconds)');
    expect(fake.calls.find((c) => c.name === 'copyKey')?.request).toEqual({
      keyId: 'k_1',
    });
  });

  it('asks before revoking and goes back to the list with the outcome', async () => {
    const routes: unknown[] = [];
    const fake = fakeApi({
      getKey: detail,
      revokeKey: { serverKnewKey: true, message: 'BTCPay revoked the key.' },
    });
    renderWith(
      fake,
      <KeyDetailScreen keyId="k_1" navigate={(r) => routes.push(r)} />,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Revoke…' }));
    expect(fake.calls.some((c) => c.name === 'revokeKey')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Revoke the key' }));
    await waitFor(() =>
      expect(routes).toEqual([
        { screen: 'keys', notice: 'BTCPay revoked the key.' },
      ]),
    );
  });
});

describe('KeyDetailScreen after an import or creation', () => {
  it('shows what the core noted about the key, and nothing when it noted nothing', async () => {
    const fake = fakeApi({ getKey: detail });
    const notes = [
      'This key was already stored here, but the keychain no longer held its secret.',
      'Its keychain entry held another key (ab12cd34), which it no longer does.',
    ];
    renderWith(
      fake,
      <KeyDetailScreen keyId="k_1" navigate={navigate} notices={notes} />,
    );
    const shown = await screen.findByRole('status', { name: 'About this key' });
    expect(
      [...shown.querySelectorAll('li')].map((item) => item.textContent),
    ).toEqual(notes);

    cleanup();
    renderWith(fake, <KeyDetailScreen keyId="k_1" navigate={navigate} />);
    await screen.findByRole('heading', { name: 'Web shop' });
    expect(screen.queryByRole('status', { name: 'About this key' })).toBeNull();
  });
});
