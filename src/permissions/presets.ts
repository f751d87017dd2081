/**
 * Ready-made permission sets for the usual jobs, each the least a working app
 * needs. They carry no store: the user picks the store when asking, and a
 * preset used as is applies to every store.
 */

/** A named set of permissions offered in the permission picker. */
export interface PermissionPreset {
  id: 'create-invoices' | 'read-only-accounting' | 'point-of-sale';
  name: string;
  description: string;
  permissions: string[];
}

/** The presets, from least to most access. */
export const PRESETS: readonly PermissionPreset[] = [
  /**
   * Create invoices only. A web shop sends the buyer to BTCPay's checkout and
   * learns the outcome from the checkout redirect or from a webhook the
   * merchant sets up in BTCPay, so it never needs to read invoices back.
   * Anything more (viewing, changing, refunds) is left out on purpose.
   */
  {
    id: 'create-invoices',
    name: 'Create invoices',
    description:
      'Creates invoices for customers to pay. It cannot read, change or refund them.',
    permissions: ['btcpay.store.cancreateinvoice'],
  },
  /**
   * Read-only accounting: invoices and payment requests (money in), payouts
   * and pull payments (money out), the reports BTCPay builds from them, and
   * wallet balances and history to reconcile the rest. Each view is asked
   * for by name instead of `canviewstoresettings`, which would add the store
   * settings but still miss the wallet. `canviewwallet` needs BTCPay 2.4.0;
   * older servers drop it, and the request says so before it is sent.
   */
  {
    id: 'read-only-accounting',
    name: 'Read-only accounting',
    description:
      'Sees invoices, payment requests, payouts, pull payments, reports and wallet history. It changes nothing.',
    permissions: [
      'btcpay.store.canviewinvoices',
      'btcpay.store.canviewpaymentrequests',
      'btcpay.store.canviewpayouts',
      'btcpay.store.canviewpullpayments',
      'btcpay.store.canviewreports',
      'btcpay.store.canviewwallet',
    ],
  },
  /**
   * Point of sale: a till creates the invoice and must see it paid before
   * the goods change hands, so it also reads invoices. Refunds are left out:
   * they create pull payments, which move funds, and belong with a manager.
   * BTCPay's own PoS app needs no permission to show its items.
   */
  {
    id: 'point-of-sale',
    name: 'Point of sale',
    description:
      'Creates invoices at the till and sees when they are paid. It cannot refund or change anything.',
    permissions: [
      'btcpay.store.cancreateinvoice',
      'btcpay.store.canviewinvoices',
    ],
  },
];
