// @vitest-environment happy-dom
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiContext } from '../../renderer/api';
import { AuthorizingDialog } from '../../renderer/components/AuthorizingDialog';
import type { AuthorizeOutcome, PermissionLine } from '../../src/contract';
import { fakeApi, key, renderWith } from './fake-api';

// The dialog shown while BTCPay's consent page is open: the countdown, and
// the outcome in plain words.

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const now = new Date('2026-03-01T12:00:00.000Z');

function flowExpiringIn(seconds: number) {
  return {
    flowId: 'f1',
    authorizeUrl: 'https://btcpay.example.com/api-keys/authorize',
    expiresAt: new Date(now.getTime() + seconds * 1000).toISOString(),
  };
}

function line(permission: string, title: string): PermissionLine {
  const [policy = permission, scope = null] = permission.split(':');
  return {
    permission,
    policy,
    scope,
    storeName: scope ? 'Coffee corner' : null,
    kind: 'store',
    title,
    description: '',
    implies: [],
    risks: [],
    status: 'both',
    unknown: false,
  };
}

describe('AuthorizingDialog countdown', () => {
  it('counts the time left down every second', async () => {
    vi.useFakeTimers({ now, toFake: ['setInterval', 'clearInterval', 'Date'] });
    const fake = fakeApi();
    render(
      <ApiContext.Provider value={fake.api}>
        <AuthorizingDialog
          flow={flowExpiringIn(125)}
          onClose={() => undefined}
          onOpenKey={() => undefined}
        />
      </ApiContext.Provider>,
    );
    const left = () => screen.getByText(/Time left to approve/).textContent;
    expect(left()).toBe('Time left to approve: 2:05');
    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(left()).toBe('Time left to approve: 2:04');
    await act(() => vi.advanceTimersByTimeAsync(64_000));
    expect(left()).toBe('Time left to approve: 1:00');
    await act(() => vi.advanceTimersByTimeAsync(120_000));
    expect(left()).toBe('Time left to approve: 0:00');
  });
});

describe('AuthorizingDialog outcome', () => {
  const invoices = 'btcpay.store.canviewinvoices';
  const create = 'btcpay.store.cancreateinvoice';
  const scopedCreate = `${create}:st1`;

  function finish(outcome: AuthorizeOutcome, lines: PermissionLine[] = []) {
    const fake = fakeApi({ describePermissions: lines });
    renderWith(
      fake,
      <AuthorizingDialog
        flow={flowExpiringIn(600)}
        onClose={() => undefined}
        onOpenKey={() => undefined}
      />,
    );
    act(() =>
      fake.emit({
        type: 'authorize',
        flowId: 'f1',
        stage: 'done',
        message: 'Stored "Web shop" with the permissions BTCPay granted.',
        outcome,
      }),
    );
    return fake;
  }

  it('counts permissions in proper English', async () => {
    finish({
      key: key(1),
      requested: [create],
      granted: [create],
      missing: [],
      extra: [],
      olderKeyIds: ['k_0'],
    });
    expect(
      await screen.findByText('Asked for 1 permission, granted 1 permission.'),
    ).toBeTruthy();
    expect(screen.getByText(/You have 1 older key for this app/)).toBeTruthy();
    expect(
      screen.getByText('BTCPay granted exactly what was asked for.'),
    ).toBeTruthy();
  });

  it('names what was not granted or granted extra in plain words', async () => {
    const fake = finish(
      {
        key: key(1),
        requested: [invoices, create],
        granted: [invoices, scopedCreate],
        missing: [create],
        extra: [scopedCreate],
        olderKeyIds: [],
      },
      [line(create, 'Create invoices'), line(scopedCreate, 'Create invoices')],
    );
    expect(
      await screen.findByText(
        'Asked for 2 permissions, granted 2 permissions.',
      ),
    ).toBeTruthy();
    const listUnder = (name: string) =>
      screen.getByRole('heading', { name }).nextElementSibling;
    // The summary shows before the permissions' words have arrived.
    await waitFor(() =>
      expect(listUnder('Asked for but not granted')?.textContent).toBe(
        'Create invoices · All stores, including stores created later',
      ),
    );
    expect(listUnder('Granted without being asked for')?.textContent).toBe(
      'Create invoices · Store “Coffee corner”',
    );
    expect(screen.queryByText(create)).toBeNull();
    expect(
      fake.calls.find((c) => c.name === 'describePermissions')?.request,
    ).toMatchObject({ serverId: 's1' });
  });
});
