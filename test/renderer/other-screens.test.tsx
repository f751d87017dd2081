// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditView } from '../../src/contract';
import { AuditScreen } from '../../renderer/screens/AuditScreen';
import { DelegationsScreen } from '../../renderer/screens/DelegationsScreen';
import { EventLogScreen } from '../../renderer/screens/EventLogScreen';
import { NewKeyScreen } from '../../renderer/screens/NewKeyScreen';
import { ServersScreen } from '../../renderer/screens/ServersScreen';
import { SettingsScreen } from '../../renderer/screens/SettingsScreen';
import { fakeApi, networkFailure, renderWith, server } from './fake-api';

afterEach(cleanup);
const navigate = () => undefined;

describe('ServersScreen', () => {
  it('invites adding a server when there is none', async () => {
    renderWith(
      fakeApi({ listServers: [] }),
      <ServersScreen navigate={navigate} />,
    );
    expect(await screen.findByText('No servers yet')).toBeTruthy();
  });

  it('shows why a server could not be added and keeps the form', async () => {
    const fake = fakeApi({
      listServers: [],
      addServer: {
        fail: {
          kind: 'not-btcpay',
          message: 'This is not a BTCPay server.',
          nextStep: 'Check the address.',
        },
      },
    });
    renderWith(fake, <ServersScreen navigate={navigate} />);
    fireEvent.change(screen.getByLabelText('BTCPay address'), {
      target: { value: 'https://example.com' },
    });
    fireEvent.submit(screen.getByRole('form', { name: 'Add a server' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'not a BTCPay server',
    );
    expect(
      (screen.getByLabelText('BTCPay address') as HTMLInputElement).value,
    ).toBe('https://example.com');
  });

  it('warns about plain http on a public address and offers a manager key', async () => {
    renderWith(
      fakeApi({ listServers: [server({ insecure: true })] }),
      <ServersScreen navigate={navigate} />,
    );
    expect(
      await screen.findByText(/plain http on a public address/),
    ).toBeTruthy();
    expect(
      screen.getByRole('button', { name: 'Connect a manager key…' }),
    ).toBeTruthy();
  });
});

describe('NewKeyScreen', () => {
  it('asks for a server first when there is none', async () => {
    renderWith(
      fakeApi({
        listServers: [],
        permissionCatalogue: { policies: [], presets: [] },
      }),
      <NewKeyScreen navigate={navigate} />,
    );
    expect(await screen.findByText('Add a server first')).toBeTruthy();
  });

  it('fills the picker from a preset and starts the browser flow with it', async () => {
    const fake = fakeApi({
      listServers: [server()],
      permissionCatalogue: {
        policies: [
          {
            policy: 'btcpay.store.cancreateinvoice',
            title: 'Create invoices',
            description: 'Makes invoices.',
            kind: 'store',
            risks: [],
          },
          {
            policy: 'btcpay.store.canviewinvoices',
            title: 'See invoices',
            description: 'Reads invoices.',
            kind: 'store',
            risks: ['read-only'],
          },
        ],
        presets: [
          {
            id: 'create',
            name: 'Create invoices only',
            description: '',
            permissions: ['btcpay.store.cancreateinvoice'],
          },
          {
            id: 'read',
            name: 'Read-only accounting',
            description: '',
            permissions: ['btcpay.store.canviewinvoices'],
          },
        ],
      },
      startAuthorize: {
        flowId: 'f1',
        authorizeUrl: 'https://btcpay.example.com/api-keys/authorize',
        expiresAt: new Date(Date.now() + 600_000).toISOString(),
      },
    });
    renderWith(fake, <NewKeyScreen navigate={navigate} />);
    fireEvent.click(
      await screen.findByRole('button', { name: 'Read-only accounting' }),
    );
    expect(
      (
        screen.getByRole('checkbox', {
          name: /See invoices/,
        }) as HTMLInputElement
      ).checked,
    ).toBe(true);
    fireEvent.change(
      screen.getByLabelText('Label (the app or person the key is for)'),
      { target: { value: 'Books' } },
    );
    fireEvent.click(
      screen.getByRole('button', { name: 'Open BTCPay to approve' }),
    );
    expect(
      await screen.findByText('Approve the request in your browser'),
    ).toBeTruthy();
    expect(
      fake.calls.find((c) => c.name === 'startAuthorize')?.request,
    ).toEqual({
      serverId: 's1',
      label: 'Books',
      permissions: ['btcpay.store.canviewinvoices'],
      strict: true,
      selectiveStores: false,
    });
    fake.emit({
      type: 'authorize',
      flowId: 'f1',
      stage: 'timeout',
      message: 'No key arrived within 10 minutes.',
      outcome: null,
    });
    expect(await screen.findByText('Timed out')).toBeTruthy();
  });
});

const audit: AuditView = {
  generatedAt: '2026-01-01T00:00:00.000Z',
  keyCount: 2,
  findings: [
    {
      ruleId: 'unrestricted',
      severity: 'critical',
      subject: { kind: 'key', id: 'k1', label: 'Manager' },
      explanation: 'Can do everything.',
      fix: 'Replace it.',
    },
    {
      ruleId: 'never-verified',
      severity: 'low',
      subject: { kind: 'key', id: 'k2', label: 'Till' },
      explanation: 'Never checked.',
      fix: 'Verify it.',
    },
  ],
  bySeverity: [
    { label: 'critical', count: 1 },
    { label: 'low', count: 1 },
  ],
  byRisk: [
    { label: 'Unrestricted', count: 1 },
    { label: 'Read-only', count: 1 },
  ],
  byAge: [{ label: 'Under 30 days', count: 2 }],
};

describe('AuditScreen', () => {
  it('groups findings by severity and draws both charts with their numbers', async () => {
    renderWith(
      fakeApi({ runAudit: audit }),
      <AuditScreen navigate={navigate} />,
    );
    expect(
      await screen.findByRole('region', { name: 'critical findings' }),
    ).toBeTruthy();
    expect(screen.getByRole('region', { name: 'low findings' })).toBeTruthy();
    expect(
      screen.getByRole('img', {
        name: /Keys by risk class: Unrestricted 1, Read-only 1/,
      }),
    ).toBeTruthy();
    expect(
      screen.getByRole('img', { name: /Keys by age: Under 30 days 2/ }),
    ).toBeTruthy();
  });

  it('says so when every rule passed, and shows a failure otherwise', async () => {
    renderWith(
      fakeApi({ runAudit: { ...audit, findings: [] } }),
      <AuditScreen navigate={navigate} />,
    );
    expect(await screen.findByText('No findings')).toBeTruthy();
    cleanup();
    renderWith(
      fakeApi({ runAudit: { fail: networkFailure } }),
      <AuditScreen navigate={navigate} />,
    );
    expect(await screen.findByRole('alert')).toBeTruthy();
  });
});

describe('EventLogScreen', () => {
  it('warns when the log was tampered with and searches as the user types', async () => {
    const fake = fakeApi({
      listEvents: { events: [], matching: 0, chainIntact: false },
    });
    renderWith(fake, <EventLogScreen />);
    expect(
      await screen.findByText(/log was changed, shortened or damaged/),
    ).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Search the log'), {
      target: { value: 'revoked' },
    });
    await waitFor(() =>
      expect(
        fake.calls.some(
          (c) => (c.request as { query?: string }).query === 'revoked',
        ),
      ).toBe(true),
    );
  });
});

describe('SettingsScreen', () => {
  it('saves the edited settings through the core', async () => {
    const settings = {
      rotationDays: 180,
      staleVerificationDays: 30,
      authorizeTimeoutSeconds: 600,
      keychainTimeoutSeconds: 60,
      theme: 'system' as const,
    };
    const fake = fakeApi({
      getSettings: settings,
      saveSettings: { ...settings, rotationDays: 90 },
    });
    renderWith(fake, <SettingsScreen />);
    fireEvent.change(
      await screen.findByLabelText(/Suggest rotating keys older than/),
      { target: { value: '90' } },
    );
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(
      fake.calls.find((c) => c.name === 'saveSettings')?.request,
    ).toMatchObject({ rotationDays: 90 });
  });
});

describe('DelegationsScreen', () => {
  it('says when no answer is remembered', async () => {
    renderWith(fakeApi({ listDelegations: [] }), <DelegationsScreen />);
    expect(await screen.findByText('No remembered answers')).toBeTruthy();
  });
});
