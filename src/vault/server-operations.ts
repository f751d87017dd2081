import { normaliseServerUrl } from './base-url';
import { updateMetadata, readMetadata } from './metadata-store';
import { newServerId } from './ids';
import { ServerRecord, type MetadataDocument, type MintMethod } from './schema';
import type { VaultContext } from './vault-context';
import { VaultError, serverNotFound } from './vault-error';

/** What `addServer` needs; the rest is filled in. */
export interface NewServer {
  baseUrl: string;
  name: string;
  mintMethod: MintMethod;
  userId?: string | null;
  email?: string | null;
  serverVersion?: string | null;
}

/** The server fields that may change after it was added. */
export type ServerPatch = Partial<
  Pick<
    ServerRecord,
    | 'name'
    | 'userId'
    | 'email'
    | 'serverVersion'
    | 'mintMethod'
    | 'managerKeyId'
    | 'permissionListing'
  >
>;

/** The stored server with this id or (normalised) base URL. */
export function findServerIn(
  document: MetadataDocument,
  idOrUrl: string,
): ServerRecord | null {
  const byId = document.servers.find((server) => server.id === idOrUrl);
  if (byId) return byId;
  let baseUrl: string;
  try {
    baseUrl = normaliseServerUrl(idOrUrl);
  } catch {
    return null;
  }
  return document.servers.find((server) => server.baseUrl === baseUrl) ?? null;
}

/** Adds a server, or returns the one already stored at that base URL. */
export async function addServer(
  context: VaultContext,
  input: NewServer,
): Promise<ServerRecord> {
  const baseUrl = normaliseServerUrl(input.baseUrl);
  const outcome = await updateMetadata(context.home, (draft) => {
    const existing = findServerIn(draft, baseUrl);
    if (existing) return { server: existing, added: false };
    const server = ServerRecord.parse({
      id: newServerId(),
      baseUrl,
      name: input.name,
      mintMethod: input.mintMethod,
      userId: input.userId ?? null,
      email: input.email ?? null,
      serverVersion: input.serverVersion ?? null,
      addedAt: new Date().toISOString(),
    });
    draft.servers.push(server);
    return { server, added: true };
  });

  if (outcome.added) {
    await context.log({
      action: 'server.added',
      serverId: outcome.server.id,
      details: { baseUrl, name: input.name, mintMethod: input.mintMethod },
    });
  }
  return outcome.server;
}

/** Changes a server's fields; the base URL and id never change. */
export async function updateServer(
  context: VaultContext,
  id: string,
  patch: ServerPatch,
): Promise<ServerRecord> {
  const fields = Object.keys(patch);
  const updated = await updateMetadata(context.home, (draft) => {
    const index = draft.servers.findIndex((server) => server.id === id);
    const current = draft.servers[index];
    if (!current) throw serverNotFound(id);
    const next = ServerRecord.parse({
      ...current,
      ...patch,
      id,
      baseUrl: current.baseUrl,
    });
    draft.servers[index] = next;
    return next;
  });
  await context.log({
    action: 'server.updated',
    serverId: id,
    details: { fields },
  });
  return updated;
}

/**
 * Forgets a server. While keys with secrets are stored for it this refuses,
 * unless `force`, which deletes those keys too (keychain first).
 */
export async function removeServer(
  context: VaultContext,
  id: string,
  options: { force?: boolean } = {},
): Promise<void> {
  const document = await readMetadata(context.home);
  if (!document.servers.some((server) => server.id === id)) {
    throw serverNotFound(id);
  }
  const liveKeys = document.keys.filter(
    (key) => key.serverId === id && key.revokedAt === null,
  );
  if (liveKeys.length > 0 && !options.force) {
    throw new VaultError(
      'server-has-keys',
      `${liveKeys.length} key(s) of this server are still stored.`,
      'Revoke or delete them first, or remove the server with --force to ' +
        'delete them from this machine too (they keep working on the server).',
    );
  }

  const secrets = liveKeys.length > 0 ? await context.secrets() : null;
  for (const key of liveKeys) await secrets?.delete(key.id);

  const removed = await updateMetadata(context.home, (draft) => {
    const keys = draft.keys.filter((key) => key.serverId === id);
    const delegations = draft.delegations.filter((d) => d.serverId === id);
    draft.servers = draft.servers.filter((server) => server.id !== id);
    draft.keys = draft.keys.filter((key) => key.serverId !== id);
    draft.delegations = draft.delegations.filter((d) => d.serverId !== id);
    return { keys, delegations: delegations.length };
  });

  for (const key of removed.keys) {
    await context.log({
      action: 'key.deleted',
      serverId: id,
      keyId: key.id,
      fingerprint: key.fingerprint,
      details: { reason: 'server removed' },
    });
  }
  await context.log({
    action: 'server.removed',
    serverId: id,
    details: {
      keysDeleted: removed.keys.length,
      delegationsForgotten: removed.delegations,
    },
  });
}
