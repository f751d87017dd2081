// @vitest-environment happy-dom
import {
  cleanup,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  AuditView,
  DelegationView,
  EventView,
  FindingView,
} from '../../src/contract';
import { AuditScreen } from '../../renderer/screens/AuditScreen';
import { DelegationsScreen } from '../../renderer/screens/DelegationsScreen';
import { EventLogScreen } from '../../renderer/screens/EventLogScreen';
import { SettingsScreen } from '../../renderer/screens/SettingsScreen';
import { fakeApi, networkFailure, renderWith } from './fake-api';

// Loading, failure, empty and many for the audit, the event log, settings
// and app access.

afterEach(cleanup);
const navigate = () => undefined;

const callsTo = (fake: ReturnType<typeof fakeApi>, name: string) =>
  fake.calls.filter((c) => c.name === name).map((c) => c.request);

function finding(index: number): FindingView {
  const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
  return {
    ruleId: `rule-${index % 7}`,
    severity: severities[index % severities.length] ?? 'info',
    subject: { kind: 'key', id: `k${index}`, label: `Key ${index}` },
    explanation: 'Explained.',
    fix: 'Fixed.',
  };
}

const manyFindings: AuditView = {
  generatedAt: '2026-01-01T00:00:00.000Z',
  keyCount: 1000,
  findings: Array.from({ length: 250 }, (_, i) => finding(i)),
  bySeverity: [
    { label: 'critical', count: 50 },
    { label: 'high', count: 50 },
    { label: 'medium', count: 50 },
    { label: 'low', count: 50 },
    { label: 'info', count: 50 },
  ],
  byRisk: [{ label: 'Unrestricted', count: 1000 }],
  byAge: [{ label: 'Over a year', count: 1000 }],
};

describe('AuditScreen states', () => {
  it('says it is auditing while the report is on its way', () => {
    renderWith(
      fakeApi({ runAudit: 'pending' }),
      <AuditScreen navigate={navigate} />,
    );
    expect(screen.getByRole('status').textContent).toBe('Auditing…');
    expect(
      screen.queryByRole('group', { name: 'Export the report' }),
    ).toBeNull();
  });

  it('shows hundreds of findings grouped by severity, each leading to its key', async () => {
    const routes: unknown[] = [];
    renderWith(
      fakeApi({ runAudit: manyFindings }),
      <AuditScreen navigate={(r) => routes.push(r)} />,
    );
    const critical = await screen.findByRole('region', {
      name: 'critical findings',
    });
    expect(within(critical).getByRole('heading').textContent).toBe(
      'critical 50 findings',
    );
    expect(screen.getAllByRole('listitem')).toHaveLength(250);
    expect(screen.getByText(/1000 keys audited/)).toBeTruthy();
    fireEvent.click(within(critical).getAllByRole('button')[0] as HTMLElement);
    expect(routes).toEqual([{ screen: 'key', keyId: 'k0' }]);
  });
});

function logEntry(index: number): EventView {
  return {
    at: '2026-01-01T00:00:00.000Z',
    type: 'key.created',
    keyId: `k${index}`,
    serverId: 's1',
    summary: `Key created "Till ${index}"`,
  };
}

describe('EventLogScreen states', () => {
  it('says it is reading the log', () => {
    renderWith(fakeApi({ listEvents: 'pending' }), <EventLogScreen />);
    expect(screen.getByRole('status').textContent).toBe('Reading the log…');
  });

  it('says when nothing is logged yet', async () => {
    renderWith(
      fakeApi({ listEvents: { events: [], matching: 0, chainIntact: true } }),
      <EventLogScreen />,
    );
    expect(await screen.findByText('Nothing logged yet')).toBeTruthy();
    expect(screen.getByText(/The log is intact/)).toBeTruthy();
  });

  it('shows why the log could not be read and retries', async () => {
    const fake = fakeApi({ listEvents: { fail: networkFailure } });
    renderWith(fake, <EventLogScreen />);
    expect((await screen.findByRole('alert')).textContent).toContain(
      'could not be reached',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(callsTo(fake, 'listEvents')).toHaveLength(2));
  });

  it('says when it shows only the newest entries and loads more on request', async () => {
    const fake = fakeApi({
      listEvents: {
        events: Array.from({ length: 500 }, (_, i) => logEntry(i)),
        matching: 1234,
        chainIntact: true,
      },
    });
    renderWith(fake, <EventLogScreen />);
    expect(
      await screen.findByText(/Showing the newest 500 of 1234 entries/),
    ).toBeTruthy();
    expect(screen.getAllByRole('row')).toHaveLength(501);
    fireEvent.click(screen.getByRole('button', { name: 'Show 500 more' }));
    await waitFor(() =>
      expect(callsTo(fake, 'listEvents').at(-1)).toEqual({
        query: '',
        limit: 1000,
      }),
    );
  });

  it('says nothing about more entries when every match is shown', async () => {
    renderWith(
      fakeApi({
        listEvents: { events: [logEntry(1)], matching: 1, chainIntact: true },
      }),
      <EventLogScreen />,
    );
    expect(await screen.findByText('Key created "Till 1"')).toBeTruthy();
    expect(screen.queryByText(/Showing the newest/)).toBeNull();
    expect(screen.queryByRole('button', { name: /more/ })).toBeNull();
  });
});

describe('SettingsScreen states', () => {
  it('says it is loading the settings', () => {
    renderWith(fakeApi({ getSettings: 'pending' }), <SettingsScreen />);
    expect(screen.getByRole('status').textContent).toBe('Loading settings…');
    expect(screen.queryByRole('button', { name: 'Save settings' })).toBeNull();
  });

  it('shows why the settings could not be read and retries', async () => {
    const fake = fakeApi({ getSettings: { fail: networkFailure } });
    renderWith(fake, <SettingsScreen />);
    expect(await screen.findByRole('alert')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(callsTo(fake, 'getSettings')).toHaveLength(2));
  });
});

function delegation(index: number): DelegationView {
  return {
    id: `d${index}`,
    serverId: 's1',
    serverName: 'Main shop',
    applicationName: `App ${index}`,
    applicationIdentifier: `app-${index}`,
    permissions: ['btcpay.store.canviewinvoices'],
    decision: index % 2 === 0 ? 'allow' : 'deny',
    keyId: index % 2 === 0 ? `k${index}` : null,
    createdAt: '2026-01-01T00:00:00.000Z',
    lastUsedAt: null,
  };
}

describe('DelegationsScreen states', () => {
  it('says it is loading', () => {
    renderWith(fakeApi({ listDelegations: 'pending' }), <DelegationsScreen />);
    expect(screen.getByRole('status').textContent).toBe('Loading…');
  });

  it('shows why the answers could not be read', async () => {
    renderWith(
      fakeApi({ listDelegations: { fail: networkFailure } }),
      <DelegationsScreen />,
    );
    expect((await screen.findByRole('alert')).textContent).toContain(
      'could not be reached',
    );
  });

  it('lists many remembered answers and forgets one, revoking its key if asked', async () => {
    const fake = fakeApi({
      listDelegations: Array.from({ length: 60 }, (_, i) => delegation(i)),
      revokeDelegation: {},
    });
    renderWith(fake, <DelegationsScreen />);
    expect(await screen.findByRole('cell', { name: /App 59/ })).toBeTruthy();
    expect(screen.getAllByRole('row')).toHaveLength(61);
    expect(screen.getAllByRole('cell', { name: 'Denied' })).toHaveLength(30);
    const row = screen.getByRole('cell', { name: /App 4 / }).closest('tr');
    fireEvent.click(
      within(row as HTMLElement).getByRole('button', { name: 'Forget…' }),
    );
    const dialog = screen.getByRole('dialog', {
      name: 'Forget the answer for App 4?',
    });
    const alsoKey = within(dialog).getByLabelText(
      /Also revoke its key/,
    ) as HTMLInputElement;
    expect(alsoKey.checked).toBe(true);
    fireEvent.click(alsoKey);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Forget' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(callsTo(fake, 'revokeDelegation')).toEqual([
      { id: 'd4', revokeKey: false },
    ]);
  });
});
