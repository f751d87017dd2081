import { randomBytes } from 'node:crypto';

/** A store role: the store policies it grants its members. */
export type StoreRole = 'Owner' | 'Guest';

/** A store with its members and their store roles. */
export interface SandboxStore {
  id: string;
  name: string;
  ownerEmail: string;
  members: Map<string, StoreRole>;
}

/**
 * The policies each store role grants, as roots of the hierarchy.
 * LIMITATION: BTCPay's real Guest role grants a longer list; the sandbox keeps
 * two invoice rights so tests can see a role narrower than the key.
 */
export const ROLE_POLICIES: Record<StoreRole, string[]> = {
  Owner: ['btcpay.store.canmodifystoresettings'],
  Guest: ['btcpay.store.canviewinvoices', 'btcpay.store.cancreateinvoice'],
};

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A store id shaped like BTCPay's: 44 base58 characters, case-sensitive. */
export function newStoreId(): string {
  const bytes = randomBytes(44);
  return [...bytes].map((byte) => BASE58[byte % BASE58.length]).join('');
}

/** The public view of a store, as `Sandbox.stores` lists it. */
export function storeInfo(store: SandboxStore): {
  id: string;
  name: string;
  ownerEmail: string;
} {
  return { id: store.id, name: store.name, ownerEmail: store.ownerEmail };
}

/** The store as `GET /api/v1/stores` returns it (StoreData). */
export function storeData(store: SandboxStore): Record<string, unknown> {
  return {
    id: store.id,
    name: store.name,
    website: null,
    defaultCurrency: 'USD',
    additionalTrackedRates: [],
    invoiceExpiration: 900,
    refundBOLT11Expiration: 30,
    displayExpirationTimer: 300,
    monitoringExpiration: 86400,
    speedPolicy: 'MediumSpeed',
    lightningDescriptionTemplate: null,
    paymentTolerance: 0,
    archived: false,
    anyoneCanCreateInvoice: false,
    lightningAmountInSatoshi: false,
    lightningPrivateRouteHints: false,
    onChainWithLnInvoiceFallback: false,
    redirectAutomatically: false,
    showRecommendedFee: true,
    recommendedFeeBlockTarget: 1,
    defaultLang: 'en',
    htmlTitle: null,
    networkFeeMode: 'MultiplePaymentsOnly',
    payJoinEnabled: false,
  };
}
