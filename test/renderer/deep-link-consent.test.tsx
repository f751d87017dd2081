// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeepLinkRequestView, PermissionLine } from '../../src/contract';
import { DeepLinkConsent } from '../../renderer/screens/DeepLinkConsent';
import { fakeApi, renderWith, type Script } from './fake-api';

afterEach(cleanup);
const navigate = () => undefined;

const viewInvoices: PermissionLine = {
  permission: 'btcpay.store.canviewinvoices',
  policy: 'btcpay.store.canviewinvoices',
  scope: null,
  storeName: null,
  kind: 'store',
  title: 'View invoices',
  description: 'See invoices.',
  implies: [],
  risks: ['all-stores', 'read-only'],
  status: 'both',
  unknown: false,
};

const request: DeepLinkRequestView = {
  id: 'req-1',
  receivedAt: '2026-01-01T00:00:00.000Z',
  serverUrl: 'https://btcpay.example.com/',
  serverId: 's1',
  applicationName: 'Till app',
  applicationIdentifier: 'till',
  callbackPort: 41234,
  callbackProcess: 'till-app',
  callbackExecutable: '/opt/till/till-app',
  permissions: [viewInvoices],
  selectiveStores: false,
  needsStore: false,
  warnings: [],
  reusableKey: null,
  methods: ['manager', 'authorize', 'basic'],
  defaultMethod: 'manager',
  rememberedMismatch: null,
  refusal: null,
};

function show(view: Partial<DeepLinkRequestView>, script: Script = {}) {
  const fake = fakeApi({
    pendingDeepLink: { request: { ...request, ...view }, queued: 0 },
    answerDeepLink: { message: 'The key was delivered to Till app.' },
    ...script,
  });
  renderWith(fake, <DeepLinkConsent refreshToken={0} navigate={navigate} />);
  return fake;
}

const approveButton = () =>
  screen.getByRole('button', { name: 'Approve' }) as HTMLButtonElement;

async function approvedWith(fake: ReturnType<typeof fakeApi>) {
  fireEvent.click(approveButton());
  await screen.findByText('The key was delivered to Till app.');
  return fake.calls.find((c) => c.name === 'answerDeepLink')?.request;
}

describe('DeepLinkConsent', () => {
  it('shows nothing while no app asks', async () => {
    const fake = fakeApi({ pendingDeepLink: { request: null, queued: 0 } });
    const { container } = renderWith(
      fake,
      <DeepLinkConsent refreshToken={0} navigate={navigate} />,
    );
    await waitFor(() => expect(fake.calls).toHaveLength(1));
    expect(container.textContent).toBe('');
  });

  it('marks the requester unverified, names the listening program, and sends a remembered deny', async () => {
    const fake = show(
      {},
      {
        answerDeepLink: {
          message: 'The request was denied and the app was told.',
        },
      },
    );
    expect(
      await screen.findByRole('heading', {
        name: 'Till app asks for a BTCPay key',
      }),
    ).toBeTruthy();
    expect(screen.getByText('Unverified')).toBeTruthy();
    expect(
      screen.getByText(/port 41234 \(till-app, \/opt\/till\/till-app\)/),
    ).toBeTruthy();
    fireEvent.click(screen.getByLabelText(/Remember my answer/));
    fireEvent.click(screen.getByRole('button', { name: 'Deny' }));
    expect(
      await screen.findByText('The request was denied and the app was told.'),
    ).toBeTruthy();
    expect(
      fake.calls.find((c) => c.name === 'answerDeepLink')?.request,
    ).toEqual({
      requestId: 'req-1',
      decision: 'deny',
      remember: true,
      storeId: null,
    });
  });

  it('preselects the server’s usual way and sends the way chosen', async () => {
    const fake = show({
      reusableKey: { id: 'k_7', label: 'Till key', fingerprint: 'sha256:ab12' },
      methods: ['reuse', 'manager', 'authorize', 'basic'],
    });
    await screen.findByRole('heading', { name: /Till app asks/ });
    const manager = screen.getByRole('radio', { name: /with the manager key/ });
    expect((manager as HTMLInputElement).checked).toBe(true);
    const reuse = screen.getByRole('radio', {
      name: /Hand over your key “Till key” \(sha256:ab12\)/,
    });
    expect((reuse as HTMLInputElement).checked).toBe(false);

    fireEvent.click(reuse);
    expect(await approvedWith(fake)).toMatchObject({
      decision: 'approve',
      method: 'reuse',
    });
  });

  it('asks for the email and password before approving with a password, and sends them', async () => {
    const fake = show({});
    fireEvent.click(await screen.findByRole('radio', { name: /password/ }));
    expect(approveButton().disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Email'), {
      target: { value: 'merchant@example.com' },
    });
    fireEvent.change(screen.getByLabelText('Password'), {
      target: { value: 'hunter2-long' },
    });
    expect(approveButton().disabled).toBe(false);
    expect(await approvedWith(fake)).toMatchObject({
      method: 'basic',
      basic: { email: 'merchant@example.com', password: 'hunter2-long' },
    });
  });

  it('keeps Approve off for a store-limited request until one store is picked', async () => {
    const fake = show(
      { selectiveStores: true, needsStore: true },
      { listStores: [{ id: 'store-a', name: 'Shop A' }] },
    );
    await screen.findByRole('heading', { name: /Till app asks/ });
    expect(screen.queryByRole('option', { name: /BTCPay’s page/ })).toBeNull();
    expect(approveButton().disabled).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'List my stores' }));
    fireEvent.change(await screen.findByLabelText('Store'), {
      target: { value: 'store-a' },
    });
    expect(approveButton().disabled).toBe(false);
    expect(fake.calls.find((c) => c.name === 'listStores')?.request).toEqual({
      serverId: 's1',
      auth: { kind: 'manager' },
    });
    expect(await approvedWith(fake)).toMatchObject({
      method: 'manager',
      storeId: 'store-a',
    });
  });

  it('lets a store-limited request go to BTCPay’s page, which asks for the store', async () => {
    const fake = show({ selectiveStores: true, needsStore: true });
    fireEvent.click(
      await screen.findByRole('radio', { name: /in the browser/ }),
    );
    expect(
      screen.getByText('BTCPay’s page will ask you which store.'),
    ).toBeTruthy();
    expect(await approvedWith(fake)).toMatchObject({
      method: 'authorize',
      storeId: null,
    });
  });

  it('shows the link’s warnings and why a remembered answer did not apply', async () => {
    show({
      warnings: ['BTCPay’s own page would widen such permissions.'],
      rememberedMismatch: 'A different program listens on its callback now.',
    });
    const notes = await screen.findByRole('list', {
      name: 'Notes about this request',
    });
    expect(notes.textContent).toContain('would widen such permissions');
    expect(notes.textContent).toContain('A different program listens');
  });

  it('offers to add a server it does not know, and goes on once it is added', async () => {
    const script: Script = {
      pendingDeepLink: {
        request: {
          ...request,
          serverId: null,
          methods: ['authorize', 'basic'],
          defaultMethod: 'authorize',
        },
        queued: 0,
      },
    };
    const fake = fakeApi(script);
    renderWith(fake, <DeepLinkConsent refreshToken={0} navigate={navigate} />);
    await screen.findByRole('heading', { name: /Till app asks/ });
    expect(approveButton().disabled).toBe(true);

    script.pendingDeepLink = {
      request: {
        ...request,
        methods: ['authorize', 'basic'],
        defaultMethod: 'authorize',
      },
      queued: 0,
    };
    fireEvent.click(screen.getByRole('button', { name: 'Add this server' }));
    await waitFor(() => expect(approveButton().disabled).toBe(false));
    expect(fake.calls.find((c) => c.name === 'addServer')?.request).toEqual({
      url: 'https://btcpay.example.com/',
    });
    expect(
      (
        screen.getByRole('radio', {
          name: /in the browser/,
        }) as HTMLInputElement
      ).checked,
    ).toBe(true);
  });

  it('explains a refused link and offers only to dismiss it', async () => {
    show({ refusal: 'The redirect must be on this computer.' });
    expect(
      await screen.findByText('The redirect must be on this computer.'),
    ).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Dismiss' })).toBeTruthy();
  });
});
