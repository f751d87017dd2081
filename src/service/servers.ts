import type { ContractHandlers, ServerAuth } from '../contract';
import { createGreenfieldClient, type GreenfieldAuth } from '../greenfield';
import { addServer, removeServer } from '../keys/servers';
import { requireServer } from '../keys/lookup';
import { ExpectedFailure, answer } from './failures';
import type { ServiceContext } from './context';
import { serverView } from './views';

/** Store names seen per server, so the inspector can name scoped stores. */
export type StoreNameCache = Map<string, Map<string, string>>;

type ServerHandlers = Pick<
  ContractHandlers,
  'listServers' | 'addServer' | 'updateServer' | 'removeServer' | 'listStores'
>;

/** Resolves the contract's server auth to a Greenfield credential. */
export async function greenfieldAuth(
  context: ServiceContext,
  serverId: string,
  auth: ServerAuth,
): Promise<GreenfieldAuth> {
  if (auth.kind === 'basic') return auth;
  const server = await requireServer(context.vault, serverId);
  if (!server.managerKeyId) {
    throw new ExpectedFailure(
      'refused',
      `${server.name} has no manager key yet.`,
      'Connect a manager key on the Servers screen, or sign in with your BTCPay password.',
    );
  }
  const apiKey = await context.vault.readSecret(server.managerKeyId, 'use');
  return { kind: 'token', apiKey };
}

/** The server screen's operations. */
export function serverHandlers(
  context: ServiceContext,
  storeNames: StoreNameCache,
): ServerHandlers {
  const { vault } = context;
  const options = context.clientFor ? { clientFor: context.clientFor } : {};
  const changed = () => context.emit({ type: 'inventoryChanged' });

  return {
    listServers: () =>
      answer(async () => {
        const metadata = await vault.metadata();
        return metadata.servers.map((s) => serverView(s, metadata.keys));
      }),
    addServer: ({ url, name }) =>
      answer(async () => {
        const added = await addServer(vault, url, { ...options, name });
        changed();
        return serverView(added.server, (await vault.metadata()).keys);
      }),
    updateServer: ({ serverId, name, mintMethod }) =>
      answer(async () => {
        const patch = {
          ...(name === undefined ? {} : { name }),
          ...(mintMethod === undefined ? {} : { mintMethod }),
        };
        const server = await vault.updateServer(serverId, patch);
        changed();
        return serverView(server, (await vault.metadata()).keys);
      }),
    removeServer: ({ serverId }) =>
      answer(async () => {
        await removeServer(vault, serverId);
        changed();
        return {};
      }),
    listStores: ({ serverId, auth }) =>
      answer(async () => {
        const server = await requireServer(vault, serverId);
        const client = context.clientFor
          ? context.clientFor(server.baseUrl)
          : createGreenfieldClient({ baseUrl: server.baseUrl });
        const credential = await greenfieldAuth(context, serverId, auth);
        const stores = await client.listStores(credential);
        const views = stores.map((s) => ({ id: s.id, name: s.name || s.id }));
        storeNames.set(serverId, new Map(views.map((s) => [s.id, s.name])));
        return views;
      }),
  };
}
