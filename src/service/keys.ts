import type { ContractHandlers } from '../contract';
import { createKeyOverRest } from '../keys/create';
import { BECAME_MANAGER, importKey, importNotices } from '../keys/import';
import { requireKey } from '../keys/lookup';
import { deleteKeyLocally, revokeKey } from '../keys/revoke';
import { verifyKeys } from '../keys/verify';
import { permissionModelForServer } from '../permissions/server-model';
import type { ClipboardGuard } from './clipboard';
import type { ServiceContext } from './context';
import { answer } from './failures';
import { permissionLines } from './permission-words';
import type { StoreNameCache } from './servers';
import { keyView, serverView, serversById } from './views';

type KeyHandlers = Pick<
  ContractHandlers,
  | 'listKeys'
  | 'getKey'
  | 'importKey'
  | 'createKeyRest'
  | 'verifyKeys'
  | 'revealKey'
  | 'copyKey'
  | 'revokeKey'
  | 'deleteKeyLocal'
>;

const REVOKE_MESSAGES = {
  revoked:
    'BTCPay revoked the key. Its secret was deleted from this computer; the record stays for the audit.',
  'already-gone':
    'BTCPay no longer knew this key (it was revoked elsewhere). Its secret was deleted from this computer.',
  'not-asked': 'The key was already revoked.',
} as const;

/** The key inventory's operations. Only reveal answers with a secret. */
export function keyHandlers(
  context: ServiceContext,
  storeNames: StoreNameCache,
  clipboard: ClipboardGuard,
): KeyHandlers {
  const { vault } = context;
  const options = context.clientFor ? { clientFor: context.clientFor } : {};
  const changed = () => context.emit({ type: 'inventoryChanged' });
  const viewOf = async (keyId: string) => {
    const metadata = await vault.metadata();
    const key = metadata.keys.find((k) => k.id === keyId);
    if (!key) return null;
    return keyView(key, serversById(metadata.servers));
  };

  return {
    listKeys: () =>
      answer(async () => {
        const metadata = await vault.metadata();
        const servers = serversById(metadata.servers);
        return metadata.keys.map((key) => keyView(key, servers));
      }),
    getKey: ({ keyId }) =>
      answer(async () => {
        const { key, server } = await requireKey(vault, keyId);
        const metadata = await vault.metadata();
        return {
          ...keyView(key, serversById(metadata.servers)),
          permissions: permissionLines(
            key.grantedPermissions,
            key.requestedPermissions,
            storeNames.get(server.id),
            permissionModelForServer(server),
          ),
          server: serverView(server, metadata.keys),
        };
      }),
    importKey: ({ serverId, label, apiKey }) =>
      answer(async () => {
        const imported = await importKey(
          vault,
          { serverId, secret: apiKey, label },
          options,
        );
        changed();
        return {
          key: (await viewOf(imported.key.id)) ?? unreachable(),
          notices: importNotices(imported),
        };
      }),
    createKeyRest: ({ serverId, label, permissions, auth }) =>
      answer(async () => {
        const warnings: string[] = [];
        const created = await createKeyOverRest(
          vault,
          { serverId, label, permissions, auth },
          { ...options, onWarnings: (found) => warnings.push(...found) },
        );
        changed();
        return {
          key: (await viewOf(created.key.id)) ?? unreachable(),
          notices: [
            ...warnings,
            ...(created.becameManager ? [BECAME_MANAGER] : []),
          ],
        };
      }),
    verifyKeys: ({ keyIds }) =>
      answer(async () => {
        const results = await verifyKeys(vault, keyIds, {
          ...options,
          onProgress: ({ done, total, last }) =>
            context.emit({ type: 'verify', done, total, keyId: last.keyId }),
        });
        changed();
        const valid = results.filter((r) => r.result === 'valid').length;
        return {
          checked: results.length,
          valid,
          problems: results.length - valid,
        };
      }),
    revealKey: ({ keyId }) =>
      answer(async () => ({
        apiKey: await vault.readSecret(keyId, 'reveal'),
      })),
    copyKey: ({ keyId }) =>
      answer(async () => {
        const secret = await vault.readSecret(keyId, 'copy');
        const clearsAt = await clipboard.copy(keyId, secret);
        return {
          clearsAt: clearsAt.toISOString(),
          clearsAfterSeconds: Math.ceil(context.clipboardClearMs / 1000),
        };
      }),
    revokeKey: ({ keyId }) =>
      answer(async () => {
        const result = await revokeKey(vault, keyId, options);
        changed();
        return {
          serverKnewKey: result.server === 'revoked',
          message: REVOKE_MESSAGES[result.server],
        };
      }),
    deleteKeyLocal: ({ keyId }) =>
      answer(async () => {
        await deleteKeyLocally(vault, keyId);
        changed();
        return {};
      }),
  };
}

function unreachable(): never {
  throw new Error('A key just stored is missing from the metadata.');
}
