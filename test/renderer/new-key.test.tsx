// @vitest-environment happy-dom
import {
  cleanup,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { NewKeyScreen } from '../../renderer/screens/NewKeyScreen';
import { policyViews, presetViews } from '../../src/service/permission-words';
import { fakeApi, key, networkFailure, renderWith, server } from './fake-api';

// The new-key form with the real permission catalogue and presets.

afterEach(cleanup);
const navigate = () => undefined;
const catalogue = { policies: policyViews(), presets: presetViews() };

const shop = server({ id: 's1', name: 'Main shop' });
const cafe = server({
  id: 's2',
  name: 'Cafe',
  managerKeyId: 'k_manager',
  mintMethod: 'manager',
});
const stores = {
  s1: [{ id: 'st_shop', name: 'Shop front' }],
  s2: [
    { id: 'st_cafe', name: 'Cafe counter' },
    { id: 'st_bar', name: 'Cafe bar' },
  ],
};

const methodRadio = (name: RegExp) =>
  screen.getByRole('radio', { name }) as HTMLInputElement;
const labelField = () =>
  screen.getByLabelText('Label (the app or person the key is for)');

function lastCall(fake: ReturnType<typeof fakeApi>, name: string) {
  return fake.calls.filter((c) => c.name === name).at(-1)?.request;
}

/** A fake whose listStores answers the stores of the server asked about. */
function fakeWithStores(script: Parameters<typeof fakeApi>[0] = {}) {
  const fake = fakeApi({
    listServers: [shop, cafe],
    permissionCatalogue: catalogue,
    ...script,
  });
  const listStores = fake.api.listStores;
  fake.api.listStores = async (request) => {
    await listStores(request);
    return { ok: true, value: stores[request.serverId as 's1' | 's2'] };
  };
  return fake;
}

describe('NewKeyScreen states', () => {
  it('says it is loading while servers or the catalogue are on their way', () => {
    renderWith(
      fakeApi({ listServers: 'pending', permissionCatalogue: catalogue }),
      <NewKeyScreen navigate={navigate} />,
    );
    expect(screen.getByRole('status').textContent).toBe('Loading…');
    expect(screen.queryByRole('form')).toBeNull();
  });

  it('shows why the servers could not be read and retries', async () => {
    const fake = fakeApi({
      listServers: { fail: networkFailure },
      permissionCatalogue: catalogue,
    });
    renderWith(fake, <NewKeyScreen navigate={navigate} />);
    expect((await screen.findByRole('alert')).textContent).toContain(
      'could not be reached',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() =>
      expect(fake.calls.filter((c) => c.name === 'listServers')).toHaveLength(
        2,
      ),
    );
  });
});

describe('NewKeyScreen method', () => {
  it('starts on the server’s own mint method and follows a change of server', async () => {
    renderWith(
      fakeWithStores(),
      <NewKeyScreen serverId="s2" navigate={navigate} />,
    );
    await waitFor(() => expect(methodRadio(/manager key/).checked).toBe(true));
    fireEvent.change(screen.getByLabelText('Server'), {
      target: { value: 's1' },
    });
    expect(methodRadio(/in the browser/).checked).toBe(true);
    expect(methodRadio(/manager key/).disabled).toBe(true);
  });

  it('starts on the password method where the server asks for it', async () => {
    renderWith(
      fakeApi({
        listServers: [server({ mintMethod: 'basic' })],
        permissionCatalogue: catalogue,
      }),
      <NewKeyScreen navigate={navigate} />,
    );
    await waitFor(() => expect(methodRadio(/password/).checked).toBe(true));
    expect(screen.getByLabelText('Password')).toBeTruthy();
  });

  it('falls back to the browser when the chosen manager key is gone', async () => {
    renderWith(
      fakeApi({
        listServers: [server({ mintMethod: 'manager', managerKeyId: null })],
        permissionCatalogue: catalogue,
      }),
      <NewKeyScreen navigate={navigate} />,
    );
    await waitFor(() =>
      expect(methodRadio(/in the browser/).checked).toBe(true),
    );
  });
});

describe('NewKeyScreen stores', () => {
  it('forgets the loaded stores and the chosen store when the server changes', async () => {
    const fake = fakeWithStores({
      createKeyRest: { key: key(9), notices: [] },
    });
    renderWith(fake, <NewKeyScreen serverId="s2" navigate={navigate} />);
    fireEvent.click(
      await screen.findByRole('button', { name: 'Load the stores of Cafe' }),
    );
    fireEvent.change(await screen.findByLabelText('Store'), {
      target: { value: 'st_bar' },
    });
    fireEvent.change(screen.getByLabelText('Server'), {
      target: { value: 's1' },
    });
    fireEvent.change(screen.getByLabelText('Server'), {
      target: { value: 's2' },
    });
    expect(screen.queryByLabelText('Store')).toBeNull();
    expect(
      screen.getByRole('button', { name: 'Load the stores of Cafe' }),
    ).toBeTruthy();
    fireEvent.change(labelField(), { target: { value: 'Bar till' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create the key' }));
    await waitFor(() =>
      expect(lastCall(fake, 'createKeyRest')).toMatchObject({
        serverId: 's2',
        permissions: ['btcpay.store.cancreateinvoice'],
      }),
    );
  });

  it('offers a store list in the browser flow where a manager key can read it', async () => {
    const fake = fakeWithStores({
      startAuthorize: {
        flowId: 'f1',
        authorizeUrl: 'https://cafe.example/api-keys/authorize',
        expiresAt: new Date(Date.now() + 600_000).toISOString(),
      },
    });
    renderWith(fake, <NewKeyScreen serverId="s2" navigate={navigate} />);
    fireEvent.click(
      await screen.findByRole('radio', { name: /in the browser/ }),
    );
    fireEvent.click(
      screen.getByRole('radio', { name: 'One store I choose here' }),
    );
    fireEvent.click(
      screen.getByRole('button', { name: 'Load the stores of Cafe' }),
    );
    fireEvent.change(await screen.findByLabelText('Store'), {
      target: { value: 'st_cafe' },
    });
    fireEvent.change(labelField(), { target: { value: 'Counter' } });
    fireEvent.click(
      screen.getByRole('button', { name: 'Open BTCPay to approve' }),
    );
    await waitFor(() =>
      expect(lastCall(fake, 'startAuthorize')).toEqual({
        serverId: 's2',
        label: 'Counter',
        permissions: ['btcpay.store.cancreateinvoice:st_cafe'],
        strict: true,
        selectiveStores: true,
      }),
    );
    expect(lastCall(fake, 'listStores')).toEqual({
      serverId: 's2',
      auth: { kind: 'manager' },
    });
  });

  it('lists the stores with the password only once the sign-in is filled in', async () => {
    const fake = fakeWithStores();
    renderWith(fake, <NewKeyScreen serverId="s2" navigate={navigate} />);
    fireEvent.click(await screen.findByRole('radio', { name: /password/ }));
    const waiting = screen.getByRole('button', {
      name: 'Fill in the sign-in to list the stores',
    }) as HTMLButtonElement;
    expect(waiting.disabled).toBe(true);

    fireEvent.change(screen.getByLabelText('Email'), {
      target: { value: 'merchant@example.com' },
    });
    fireEvent.change(screen.getByLabelText('Password'), {
      target: { value: 'correct horse' },
    });
    fireEvent.click(
      screen.getByRole('button', { name: 'Load the stores of Cafe' }),
    );
    expect(
      await screen.findByRole('option', { name: 'Cafe bar' }),
    ).toBeTruthy();
    expect(lastCall(fake, 'listStores')).toEqual({
      serverId: 's2',
      auth: {
        kind: 'basic',
        email: 'merchant@example.com',
        password: 'correct horse',
      },
    });
  });

  it('offers no store list in the browser flow without a manager key', async () => {
    renderWith(fakeWithStores(), <NewKeyScreen navigate={navigate} />);
    await screen.findByRole('radio', { name: /All my stores/ });
    expect(
      screen.queryByRole('radio', { name: 'One store I choose here' }),
    ).toBeNull();
    expect(
      screen.queryByRole('button', { name: /Load the stores/ }),
    ).toBeNull();
  });

  it('drops the All stores badge once the key covers one store, under distinct headings', async () => {
    renderWith(fakeWithStores(), <NewKeyScreen navigate={navigate} />);
    const permissions = await screen.findByRole('group', {
      name: 'In your stores',
    });
    const createInvoices = within(permissions)
      .getByText('Create invoices', { selector: '.policy-title' })
      .closest('label') as HTMLElement;
    expect(within(createInvoices).queryByText('All stores')).toBeTruthy();
    fireEvent.click(
      screen.getByRole('radio', {
        name: 'Let me pick one store on BTCPay’s page',
      }),
    );
    expect(within(createInvoices).queryByText('All stores')).toBeNull();
    const legends = [...document.querySelectorAll('legend')].map(
      (l) => l.textContent,
    );
    expect(new Set(legends).size).toBe(legends.length);
    expect(legends).toContain('Which stores the key works on');
  });
});

describe('NewKeyScreen creating', () => {
  it('creates a key with a BTCPay password and forgets the password', async () => {
    const routes: unknown[] = [];
    const fake = fakeApi({
      listServers: [shop],
      permissionCatalogue: catalogue,
      createKeyRest: { key: key(7), notices: [] },
    });
    renderWith(fake, <NewKeyScreen navigate={(r) => routes.push(r)} />);
    fireEvent.click(await screen.findByRole('radio', { name: /password/ }));
    fireEvent.change(labelField(), { target: { value: 'Books' } });
    fireEvent.change(screen.getByLabelText('Email'), {
      target: { value: 'merchant@example.com' },
    });
    fireEvent.change(screen.getByLabelText('Password'), {
      target: { value: 'correct horse' },
    });
    fireEvent.click(
      screen.getByRole('button', { name: 'Read-only accounting' }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Create the key' }));
    await waitFor(() =>
      expect(routes).toEqual([{ screen: 'key', keyId: 'k_7', notices: [] }]),
    );
    expect(lastCall(fake, 'createKeyRest')).toEqual({
      serverId: 's1',
      label: 'Books',
      permissions: presetViews().find((p) => p.id === 'read-only-accounting')
        ?.permissions,
      auth: {
        kind: 'basic',
        email: 'merchant@example.com',
        password: 'correct horse',
      },
    });
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe(
      '',
    );
  });

  it('selects exactly the point-of-sale permissions from its preset', async () => {
    renderWith(
      fakeApi({ listServers: [shop], permissionCatalogue: catalogue }),
      <NewKeyScreen navigate={navigate} />,
    );
    const preset = await screen.findByRole('button', { name: 'Point of sale' });
    fireEvent.click(preset);
    expect(preset.getAttribute('aria-pressed')).toBe('true');
    const pointOfSale =
      presetViews().find((p) => p.id === 'point-of-sale')?.permissions ?? [];
    const expected = policyViews()
      .filter((p) => pointOfSale.includes(p.policy))
      .map((p) => p.title);
    const ticked = (screen.getAllByRole('checkbox') as HTMLInputElement[])
      .filter((box) => box.checked)
      .map((box) => box.closest('label')?.querySelector('.policy-title'));
    expect(ticked.map((title) => title?.textContent).sort()).toEqual(
      expected.sort(),
    );
    expect(expected).toContain('Create invoices');
    expect(screen.getByText('2 selected')).toBeTruthy();
  });

  it('imports a pasted key without showing it, and passes on what the core noted', async () => {
    const routes: unknown[] = [];
    const restored = 'This key was already stored here, but …';
    const fake = fakeApi({
      listServers: [shop],
      permissionCatalogue: catalogue,
      importKey: { key: key(3), notices: [restored] },
    });
    renderWith(fake, <NewKeyScreen navigate={(r) => routes.push(r)} />);
    fireEvent.click(await screen.findByRole('radio', { name: /Import/ }));
    fireEvent.change(labelField(), { target: { value: 'Old till' } });
    const field = screen.getByLabelText('API key') as HTMLInputElement;
    expect(field.type).toBe('password');
    fireEvent.change(field, { target: { value: 'a'.repeat(40) } });
    fireEvent.click(
      screen.getByRole('button', { name: 'Check and store the key' }),
    );
    await waitFor(() =>
      expect(routes).toEqual([
        { screen: 'key', keyId: 'k_3', notices: [restored] },
      ]),
    );
    expect(lastCall(fake, 'importKey')).toEqual({
      serverId: 's1',
      label: 'Old till',
      apiKey: 'a'.repeat(40),
    });
  });
});
