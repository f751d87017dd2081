import type { ContractHandlers, DelegationView } from '../contract';
import { forgetDecision } from '../delegation/decisions';
import { revokeKey } from '../keys/revoke';
import type { ServiceContext } from './context';
import { answer } from './failures';

/**
 * The remembered answers to deep-link requests, as the App access screen
 * lists them, and taking one back (optionally revoking its key on BTCPay).
 */

type DelegationHandlers = Pick<
  ContractHandlers,
  'listDelegations' | 'revokeDelegation'
>;

/** The App access screen's operations. */
export function delegationHandlers(
  context: ServiceContext,
): DelegationHandlers {
  return {
    listDelegations: () =>
      answer(async () => {
        const metadata = await context.vault.metadata();
        return metadata.delegations.map((d): DelegationView => ({
          ...d,
          serverName:
            metadata.servers.find((s) => s.id === d.serverId)?.name ??
            'Unknown server',
        }));
      }),
    revokeDelegation: ({ id, revokeKey: alsoRevokeKey }) =>
      answer(async () => {
        const removed = await forgetDecision(context.vault, id);
        if (!removed) return {};
        if (alsoRevokeKey && removed.keyId) {
          const options = context.clientFor
            ? { clientFor: context.clientFor }
            : {};
          await revokeKey(context.vault, removed.keyId, options);
        }
        context.emit({ type: 'inventoryChanged' });
        return {};
      }),
  };
}
