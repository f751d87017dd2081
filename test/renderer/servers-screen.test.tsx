// @vitest-environment happy-dom
import {
  cleanup,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ServersScreen } from '../../renderer/screens/ServersScreen';
import { fakeApi, networkFailure, renderWith, server } from './fake-api';

// The servers screen's states and the changes a merchant makes to a server.

afterEach(cleanup);
const navigate = () => undefined;

const callsTo = (fake: ReturnType<typeof fakeApi>, name: string) =>
  fake.calls.filter((c) => c.name === name).map((c) => c.request);

describe('ServersScreen states', () => {
  it('says it is loading and keeps the add form usable', () => {
    renderWith(
      fakeApi({ listServers: 'pending' }),
      <ServersScreen navigate={navigate} />,
    );
    expect(screen.getByRole('status').textContent).toBe('Loading servers…');
    expect(screen.getByRole('form', { name: 'Add a server' })).toBeTruthy();
  });

  it('shows why the list could not be read and retries', async () => {
    const fake = fakeApi({ listServers: { fail: networkFailure } });
    renderWith(fake, <ServersScreen navigate={navigate} />);
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Check the address and your connection.',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(callsTo(fake, 'listServers')).toHaveLength(2));
  });

  it('lists many servers, each with its own actions', async () => {
    const servers = Array.from({ length: 40 }, (_, i) =>
      server({ id: `s${i}`, name: `Shop ${i}`, keyCount: i }),
    );
    renderWith(
      fakeApi({ listServers: servers }),
      <ServersScreen navigate={navigate} />,
    );
    expect(
      await screen.findByRole('heading', { name: 'Shop 39' }),
    ).toBeTruthy();
    expect(screen.getAllByRole('listitem')).toHaveLength(40);
    expect(screen.getAllByRole('button', { name: 'Rename…' })).toHaveLength(40);
    expect(screen.getByText(/· 1 key$/)).toBeTruthy();
    expect(screen.getByText(/· 39 keys$/)).toBeTruthy();
  });
});

describe('ServersScreen changes', () => {
  it('renames a server through the core and reloads the list', async () => {
    const fake = fakeApi({
      listServers: [server()],
      updateServer: server({ name: 'Flagship' }),
    });
    renderWith(fake, <ServersScreen navigate={navigate} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Rename…' }));
    const dialog = screen.getByRole('dialog', { name: 'Rename Main shop' });
    fireEvent.change(within(dialog).getByLabelText('Name'), {
      target: { value: 'Flagship' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(callsTo(fake, 'updateServer')).toEqual([
      { serverId: 's1', name: 'Flagship' },
    ]);
    // The dialog closes before the list is read again.
    await waitFor(() => expect(callsTo(fake, 'listServers')).toHaveLength(2));
  });

  it('asks before removing a server and removes it through the core', async () => {
    const fake = fakeApi({
      listServers: [server({ keyCount: 0 })],
      removeServer: {},
    });
    renderWith(fake, <ServersScreen navigate={navigate} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Remove…' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove Main shop?' });
    expect(dialog.textContent).toContain('Nothing changes on BTCPay');
    expect(callsTo(fake, 'removeServer')).toEqual([]);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(callsTo(fake, 'removeServer')).toEqual([{ serverId: 's1' }]);
  });

  it('keeps the remove dialog open with the reason when the core refuses', async () => {
    const fake = fakeApi({
      listServers: [server({ keyCount: 2 })],
      removeServer: {
        fail: {
          kind: 'refused',
          message: 'Main shop still has 2 keys.',
          nextStep: 'Revoke or forget them first.',
        },
      },
    });
    renderWith(fake, <ServersScreen navigate={navigate} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Remove…' }));
    const dialog = screen.getByRole('dialog');
    expect(dialog.textContent).toContain('Revoke or forget its keys first');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain(
      'still has 2 keys',
    );
  });

  it('saves how keys are minted and says the New key form follows it', async () => {
    const fake = fakeApi({
      listServers: [server({ managerKeyId: 'k_m' })],
      updateServer: server({ managerKeyId: 'k_m', mintMethod: 'manager' }),
    });
    renderWith(fake, <ServersScreen navigate={navigate} />);
    const select = (await screen.findByLabelText(
      'How keys are minted',
    )) as HTMLSelectElement;
    fireEvent.change(select, { target: { value: 'manager' } });
    expect(
      await screen.findByText(/the New key form starts with this/),
    ).toBeTruthy();
    expect(callsTo(fake, 'updateServer')).toEqual([
      { serverId: 's1', mintMethod: 'manager' },
    ]);
  });

  it('offers the manager method only once a manager key is connected', async () => {
    renderWith(
      fakeApi({ listServers: [server()] }),
      <ServersScreen navigate={navigate} />,
    );
    const manager = (await screen.findByRole('option', {
      name: 'Mint with the manager key',
    })) as HTMLOptionElement;
    expect(manager.disabled).toBe(true);
  });
});
