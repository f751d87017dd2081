// The sandbox's own copy of BTCPay v2.4.1's permission hierarchy. It is kept
// separate from src/permissions on purpose: the sandbox stands in for the
// server, so it must not share the code it is used to test.

/** A policy the sandbox server knows: its title, direct children and origin. */
export interface SandboxPolicy {
  name: string;
  title: string;
  children: string[];
  /** BTCPay version that introduced the policy (absent: before 2.0). */
  addedIn?: string;
}

const S = 'btcpay.store.';
const SV = 'btcpay.server.';
const U = 'btcpay.user.';

const walletTx = ['cancreate', 'cansign', 'canbroadcast', 'cancancel'].map(
  (verb) => `${S}${verb}transactions`,
);

/** Every policy of v2.4.1 in a compact table: name, title, children, added. */
const TABLE: [string, string, string[], string?][] = [
  [
    'unrestricted',
    'Unrestricted access',
    [
      `${SV}canmodifyserversettings`,
      `${SV}canviewusers`,
      `${S}canmodifystoresettings`,
      `${U}canmodifyprofile`,
      `${U}candeleteuser`,
      `${U}canmanagenotificationsforuser`,
      'btcpay.impersonation.canimpersonate',
    ],
  ],
  ['btcpay.impersonation.canimpersonate', 'Can impersonate users', [], '2.3.8'],
  [`${U}canviewprofile`, 'View your profile', []],
  [`${U}canmodifyprofile`, 'Manage your profile', [`${U}canviewprofile`]],
  [`${U}candeleteuser`, 'Delete user', []],
  [`${U}canviewnotificationsforuser`, 'View your notifications', []],
  [
    `${U}canmanagenotificationsforuser`,
    'Manage your notifications',
    [`${U}canviewnotificationsforuser`],
  ],
  [
    `${SV}canmodifyserversettings`,
    'Manage your server',
    [`${SV}canuseinternallightningnode`, `${SV}canmanageusers`],
  ],
  [`${SV}canmanageusers`, 'Manage users', [`${SV}cancreateuser`]],
  [`${SV}cancreateuser`, 'Create new users', []],
  [`${SV}canviewusers`, 'View users', []],
  [
    `${SV}canuseinternallightningnode`,
    'Use the internal lightning node',
    [
      `${SV}cancreatelightninginvoiceinternalnode`,
      `${SV}canviewlightninginvoiceinternalnode`,
    ],
  ],
  [
    `${SV}cancreatelightninginvoiceinternalnode`,
    'Create invoices with internal lightning node',
    [],
  ],
  [
    `${SV}canviewlightninginvoiceinternalnode`,
    'View invoices from internal lightning node',
    [],
  ],
  [
    `${S}canmodifystoresettings`,
    'Modify your stores',
    [
      `${S}canmanagepullpayments`,
      `${S}canmodifyinvoices`,
      `${S}canviewstoresettings`,
      `${S}webhooks.canmodifywebhooks`,
      `${S}canmodifypaymentrequests`,
      `${S}canmanagepayouts`,
      `${S}canuselightningnode`,
      `${S}cansendstoreemails`,
      `${S}canmanagewallets`,
      `${S}canmodifyofferings`,
    ],
  ],
  [
    `${S}canviewstoresettings`,
    'View your stores',
    [
      `${S}canviewinvoices`,
      `${S}canviewpaymentrequests`,
      `${S}canviewreports`,
      `${S}canviewpullpayments`,
      `${S}canviewpayouts`,
    ],
  ],
  [`${S}canviewinvoices`, 'View invoices', []],
  [`${S}cancreateinvoice`, 'Create an invoice', []],
  [
    `${S}canmodifyinvoices`,
    'Modify invoices',
    [
      `${S}canviewinvoices`,
      `${S}cancreateinvoice`,
      `${S}cancreatelightninginvoice`,
    ],
  ],
  [`${S}webhooks.canmodifywebhooks`, 'Modify stores webhooks', []],
  [`${S}cansendstoreemails`, 'Send store emails', [], '2.4.0'],
  [`${S}canviewreports`, 'View your reports', []],
  [`${S}canviewpaymentrequests`, 'View your payment requests', []],
  [
    `${S}canmodifypaymentrequests`,
    'Modify your payment requests',
    [`${S}canviewpaymentrequests`],
  ],
  [
    `${S}canuselightningnode`,
    'Use the lightning nodes associated with your stores',
    [`${S}canviewlightninginvoice`, `${S}cancreatelightninginvoice`],
  ],
  [`${S}canviewlightninginvoice`, 'View the lightning invoices', []],
  [
    `${S}cancreatelightninginvoice`,
    'Create invoices from the lightning nodes',
    [`${S}canviewlightninginvoice`],
  ],
  [
    `${S}canmanagepullpayments`,
    'Manage your pull payments',
    [`${S}cancreatepullpayments`, `${S}canarchivepullpayments`],
  ],
  [
    `${S}cancreatepullpayments`,
    'Create pull payments',
    [`${S}cancreatenonapprovedpullpayments`],
  ],
  [
    `${S}cancreatenonapprovedpullpayments`,
    'Create non-approved pull payments',
    [`${S}canviewpullpayments`],
  ],
  [`${S}canarchivepullpayments`, 'Archive your pull payments', []],
  [`${S}canviewpullpayments`, 'View your pull payments', []],
  [`${S}canmanagepayouts`, 'Manage payouts', [`${S}canviewpayouts`]],
  [`${S}canviewpayouts`, 'View payouts', []],
  [
    `${S}canmanagewallets`,
    'Manage wallets',
    [`${S}canmanagewalletsettings`, `${S}canmanagewallettransactions`],
    '2.4.0',
  ],
  [
    `${S}canmanagewalletsettings`,
    'Manage wallet settings',
    [`${S}canviewwallet`],
    '2.4.0',
  ],
  [
    `${S}canmanagewallettransactions`,
    'Manage wallet transactions',
    walletTx,
    '2.4.0',
  ],
  [`${S}canviewwallet`, 'View wallets', [], '2.4.0'],
  [walletTx[0]!, 'Create wallet transactions', [`${S}canviewwallet`], '2.4.0'],
  [walletTx[1]!, 'Sign wallet transactions', [`${S}canviewwallet`], '2.4.0'],
  [
    walletTx[2]!,
    'Broadcast wallet transactions',
    [`${S}canviewwallet`],
    '2.4.0',
  ],
  [walletTx[3]!, 'Cancel wallet transactions', [`${S}canviewwallet`], '2.4.0'],
  [`${S}canviewofferings`, 'View your offerings', [], '2.3.0'],
  [
    `${S}canmodifyofferings`,
    'Modify your offerings',
    [
      `${S}canviewofferings`,
      `${S}canmanagesubscribers`,
      `${S}cancreditsubscribers`,
    ],
    '2.3.0',
  ],
  [`${S}canmanagesubscribers`, 'Manage your subscribers', [], '2.3.0'],
  [`${S}cancreditsubscribers`, 'Credit your subscribers', [], '2.3.0'],
];

/** All 46 policies of v2.4.1, keyed by name. */
export const POLICIES: ReadonlyMap<string, SandboxPolicy> = new Map(
  TABLE.map(([name, title, children, addedIn]) => [
    name,
    { name, title, children, ...(addedIn ? { addedIn } : {}) },
  ]),
);

/** Which kind of account right a policy is, judged from its prefix. */
export function policyKind(policy: string): 'store' | 'server' | 'user' | null {
  if (/^btcpay\.(plugin\.)?store\./.test(policy)) return 'store';
  if (/^btcpay\.(plugin\.)?server\./.test(policy)) return 'server';
  if (/^btcpay\.(plugin\.)?user\./.test(policy)) return 'user';
  return null;
}

/** Every policy reachable below `policy` (not including itself), sorted. */
export function descendantsOf(
  policy: string,
  known: ReadonlyMap<string, SandboxPolicy> = POLICIES,
): string[] {
  const seen = new Set<string>();
  const pending = [...(known.get(policy)?.children ?? [])];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (seen.has(next) || !known.has(next)) continue;
    seen.add(next);
    pending.push(...(known.get(next)?.children ?? []));
  }
  return [...seen].sort();
}

/** True when holding `held` also grants `wanted` (itself or an ancestor). */
export function policyIncludes(held: string, wanted: string): boolean {
  return held === wanted || descendantsOf(held).includes(wanted);
}

/** Compares dotted version strings numerically: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const pb = b.split('.').map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * A policy a third-party plugin registers. Like BTCPay, the sandbox attaches
 * it under `parents`, or under `unrestricted` when it names none.
 */
export interface SandboxPluginPolicy {
  name: string;
  title: string;
  children?: string[];
  parents?: string[];
}

/** Plugins register policies from 2.3.6 ("Pluginize permissions"). */
const PLUGIN_POLICIES_FROM = '2.3.6';

/**
 * The policies a server of `version` defines: later additions left out, and
 * the plugins' policies wired into the hierarchy where the version allows.
 */
export function policiesForVersion(
  version: string,
  plugins: readonly SandboxPluginPolicy[] = [],
): ReadonlyMap<string, SandboxPolicy> {
  const defined = new Map<string, SandboxPolicy>();
  for (const [name, policy] of POLICIES) {
    if (!policy.addedIn || compareVersions(version, policy.addedIn) >= 0) {
      defined.set(name, { ...policy, children: [...policy.children] });
    }
  }
  if (compareVersions(version, PLUGIN_POLICIES_FROM) < 0) return defined;

  for (const plugin of plugins) {
    const { name, title, children = [] } = plugin;
    defined.set(name, { name, title, children: [...children] });
  }
  for (const plugin of plugins) {
    const parents = plugin.parents?.length ? plugin.parents : ['unrestricted'];
    for (const parent of parents)
      defined.get(parent)?.children.push(plugin.name);
  }
  return defined;
}
